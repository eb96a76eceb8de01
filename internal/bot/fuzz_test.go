package bot

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

// FuzzDialogMessage sends arbitrary text (unit repeated n times, up to
// 1 MiB: the fuzzing engine stalls on long seeds) through a dialog, then a
// number as a user picking a choice. Every message gets a reply with text,
// and nothing panics, recovered or not.
func FuzzDialogMessage(f *testing.F) {
	b := New(match.New(shipped(f)))
	var panics atomic.Int64
	b.OnPanic(func(Panic) { panics.Add(1) })
	d := NewDialog(b, state.NewMemory(time.Now), 0, nil)
	for _, s := range []struct {
		unit string
		n    uint16
	}{
		{"あ", 1001}, {"パスワード", 1000}, {"password ", 300}, {"パスワードを忘れました。", 417},
		{"I forgot my password, ログインできない 😀 ", 1100}, {"ﾊﾟｽﾜｰﾄﾞ", 1000}, {"pasword", 65535},
		{"password\x00", 500}, {"\xe3\x81", 3000}, {"👨‍👩‍👧‍👦", 1000}, {"変更したい", 1}, {"１", 1}, {"", 0},
	} {
		f.Add(s.unit, s.n, "2")
	}
	f.Fuzz(func(t *testing.T, unit string, n uint16, pick string) {
		text := unit
		if len(unit) > 0 && n > 1 {
			text = strings.Repeat(unit, min(int(n), (1<<20)/len(unit)))
		}
		ctx := context.Background()
		for _, msg := range []string{text, pick} {
			r := d.Message(ctx, "u1", msg)
			switch r.Decision {
			case match.Answer, match.Clarify, match.Escalate:
			default:
				t.Fatalf("decision = %q", r.Decision)
			}
			if r.Text == "" || r.Silent {
				t.Fatalf("reply %s has no text (silent %v)", r.Decision, r.Silent)
			}
			if r.Decision == match.Clarify && (len(r.Choices) < 2 || len(r.Choices) > match.MaxCandidates+1) {
				t.Fatalf("%d choices, want 2 to %d", len(r.Choices), match.MaxCandidates+1)
			}
		}
		if p := panics.Load(); p != 0 {
			t.Fatalf("%d panics recovered", p)
		}
	})
}
