package figures

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// TestWriteStats: the record's counts, then the figures; nothing but the
// count for an empty period; as JSON, both side by side in one object.
func TestWriteStats(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	db := testkit.Seed(t, intentsDir, filepath.Join(t.TempDir(), "record.db"), []testkit.Step{
		{DaysAgo: 2, User: "line:a", Text: "パスワードを忘れました"},
		{User: "line:b", Text: "学食のメニューは？"},
	}, now)
	since := now.Add(-30 * 24 * time.Hour)

	var text bytes.Buffer
	if err := WriteStats(ctx, &text, db, since, now, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Questions since " + since.UTC().Format(time.DateOnly) + ": 2\n", "  answered 1 (50.0%)", "\nResolution:\n  answer rate 50.0%"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("got\n%s\nwant %q in it", text.String(), want)
		}
	}

	var empty bytes.Buffer
	if err := WriteStats(ctx, &empty, db, now.Add(time.Hour), now, false); err != nil {
		t.Fatal(err)
	}
	if got := empty.String(); strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, ": 0\n") {
		t.Errorf("an empty period: got %q, want only the count", got)
	}

	var js bytes.Buffer
	if err := WriteStats(ctx, &js, db, since, now, true); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatalf("--json printed %s: %v", js.String(), err)
	}
	if got["questions"] != 2.0 || got["answered"] != 1.0 || got["answer_rate"] != 0.5 {
		t.Errorf("got questions %v, answered %v, answer rate %v; want 2, 1, 0.5", got["questions"], got["answered"], got["answer_rate"])
	}
}
