package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

// panickingStore panics in one operation, with a value that quotes the
// message being answered, as careless code might.
type panickingStore struct {
	*state.Memory
	op, text string
}

func (s panickingStore) explode(op string) {
	if op != s.op {
		return
	}
	if s.text == "" {
		var m map[string]int
		m[op]++ // a runtime error
	}
	panic("cannot store " + s.text)
}

func (s panickingStore) PutChoices(ctx context.Context, user string, ids []string, ttl time.Duration) error {
	s.explode("put")
	return s.Memory.PutChoices(ctx, user, ids, ttl)
}

func (s panickingStore) Choices(ctx context.Context, user string) ([]string, error) {
	s.explode("choices")
	return s.Memory.Choices(ctx, user)
}

func (s panickingStore) Count(ctx context.Context, key string, window time.Duration) (int64, error) {
	s.explode("count")
	return s.Memory.Count(ctx, key, window)
}

// A panic while answering one message gives that user the escalation reply,
// is reported once without the message's text, and leaves the dialog
// answering the next message.
func TestDialogRecoversPanics(t *testing.T) {
	cat := shipped(t)
	tests := []struct {
		name, op, text string
		value          string // want Panic.Value to contain this
		lang           catalogue.Lang
	}{
		{"rate limit", "count", "秘密のパスワードは hunter2", "panic value of type string", catalogue.Japanese},
		{"after matching", "put", "my secret is hunter2", "panic value of type string", catalogue.English},
		{"runtime error", "put", "", "assignment to entry in nil map", catalogue.English},
		{"picked number", "choices", "1", "panic value of type string", catalogue.English},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(match.New(cat))
			var got []Panic
			b.OnPanic(func(p Panic) { got = append(got, p) })
			st := panickingStore{Memory: state.NewMemory(time.Now), op: tt.op, text: tt.text}
			d := NewDialog(b, st, 10, nil)
			text := tt.text
			if text == "" {
				text = "I forgot my password"
			}
			r := d.Message(context.Background(), "u1", text)
			if r.Decision != match.Escalate || r.Contact == nil || r.Lang != tt.lang {
				t.Errorf("reply = %s in %s, contact %v; want the escalation in %s", r.Decision, r.Lang, r.Contact != nil, tt.lang)
			}
			if want := cat.Settings.Messages.Escalate.In(tt.lang); r.Text != want {
				t.Errorf("text = %q, want %q", r.Text, want)
			}
			if len(got) != 1 {
				t.Fatalf("reported %d panics, want 1", len(got))
			}
			p := got[0]
			if p.Op != "message" || !strings.Contains(p.Value, tt.value) {
				t.Errorf("panic = %s %q, want message %q", p.Op, p.Value, tt.value)
			}
			if !strings.Contains(string(p.Stack), "explode") {
				t.Errorf("stack does not show where it panicked:\n%s", p.Stack)
			}
			if tt.text != "" && (strings.Contains(p.Value, tt.text) || strings.Contains(string(p.Stack), "hunter2")) {
				t.Errorf("the report quotes the message: %q", p.Value)
			}
			// The next message, with the store working, is answered.
			d = NewDialog(b, st.Memory, 10, nil)
			if r := d.Message(context.Background(), "u2", "I forgot my password"); r.Intent != "forgot-id-password" {
				t.Errorf("next message: %s %q, want forgot-id-password", r.Decision, r.Intent)
			}
		})
	}
}

// Without a handler the panic is still recovered.
func TestBotRecoversWithoutHandler(t *testing.T) {
	b := New(match.New(shipped(t)))
	st := panickingStore{Memory: state.NewMemory(time.Now), op: "count", text: "x"}
	if r := NewDialog(b, st, 10, nil).Message(context.Background(), "u1", "hello"); r.Decision != match.Escalate {
		t.Errorf("decision = %s, want escalate", r.Decision)
	}
}
