package redis

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
)

// go-redis's messages come out as JSON log lines.
func TestRedisLogIsJSON(t *testing.T) {
	var buf bytes.Buffer
	Logger{slog.New(slog.NewJSONHandler(&buf, nil))}.Printf(context.Background(), "redis: %s: %d", "connection pool", 3)
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not a JSON line: %q", buf.String())
	}
	if got["level"] != "WARN" || got["detail"] != "redis: connection pool: 3" {
		t.Errorf("line = %v, want level WARN and the detail", got)
	}
}
