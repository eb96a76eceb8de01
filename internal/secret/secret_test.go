package secret

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretRedacts(t *testing.T) {
	s := Secret("xoxb-very-secret")
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("cfg", "token", s, "nested", struct{ T Secret }{s})
	out := buf.String() + fmt.Sprint(s) + fmt.Sprintf("%v %s", s, s)
	if strings.Contains(out, "very-secret") {
		t.Errorf("secret leaked: %s", out)
	}
	if s.Reveal() != "xoxb-very-secret" {
		t.Error("Reveal lost the secret")
	}
}
