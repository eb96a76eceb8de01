package bot

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

func TestDialogNumberedChoice(t *testing.T) {
	b := New(match.New(shipped(t)))
	d := NewDialog(b, state.NewMemory(time.Now), 0, nil)
	ctx := context.Background()
	r := d.Message(ctx, "u1", "変更したい")
	if r.Decision != match.Clarify {
		t.Fatalf("decision = %s, want clarify", r.Decision)
	}
	second := r.Choices[1].ID
	got := d.Message(ctx, "u1", "２") // full-width, as a phone keyboard types it
	if got.Decision != match.Answer || got.Intent != second {
		t.Errorf("typing 2 gave %s %q, want the second choice %s", got.Decision, got.Intent, second)
	}
	if got := d.Message(ctx, "u1", "2"); got.Intent == second {
		t.Error("the choices were still pending after one was picked")
	}
	// Another user's number is not taken from u1's choices.
	// A bare number with nothing to pick shows the menu, in the chat's
	// language (Japanese when nothing was said before).
	if got := d.Message(ctx, "u2", "1"); got.Intent != "help" || got.Lang != catalogue.Japanese {
		t.Errorf("u2 typing 1 got %s %q in %s, want the help menu in Japanese", got.Decision, got.Intent, got.Lang)
	}
	d.Message(ctx, "u3", "thanks")
	if got := d.Message(ctx, "u3", "1"); got.Intent != "help" || got.Lang != catalogue.English {
		t.Errorf("u3 (English chat) typing 1 got %q in %s, want the help menu in English", got.Intent, got.Lang)
	}
	// "None of these" by number escalates.
	r = d.Message(ctx, "u1", "変更したい")
	if got := d.Message(ctx, "u1", itoa(len(r.Choices))); got.Decision != match.Escalate || got.Contact == nil {
		t.Errorf("picking none of these gave %s", got.Decision)
	}
}

func itoa(n int) string { return string(rune('0' + n)) }

func TestDialogRateLimit(t *testing.T) {
	b := New(match.New(shipped(t)))
	now := time.Unix(1000, 0)
	d := NewDialog(b, state.NewMemory(func() time.Time { return now }), 3, nil)
	ctx := context.Background()
	for i := range 3 {
		if r := d.Message(ctx, "u1", "パスワードを忘れました"); r.Limited || r.Intent != "forgot-id-password" || r.Matched <= 0 {
			t.Fatalf("message %d: %s, matched in %v", i+1, r.Decision, r.Matched)
		}
	}
	notice := d.Message(ctx, "u1", "パスワードを忘れました")
	if notice.Matched != 0 {
		t.Error("a rate-limited message was matched")
	}
	if !notice.Limited || notice.Silent || notice.Text == "" {
		t.Errorf("4th message: limited %v silent %v %q, want one notice", notice.Limited, notice.Silent, notice.Text)
	}
	if r := d.Message(ctx, "u1", "hello"); !r.Silent {
		t.Error("5th message was not silent")
	}
	if r := d.Message(ctx, "u2", "hello"); r.Limited {
		t.Error("another user was limited")
	}
	now = now.Add(61 * time.Second)
	if r := d.Message(ctx, "u1", "I forgot my password"); r.Limited || r.Intent != "forgot-id-password" {
		t.Error("still limited after the window")
	}
}

// failingStore is a store that is down.
type failingStore struct{}

var errDown = errors.New("connection refused")

func (failingStore) PutChoices(context.Context, string, []string, time.Duration) error {
	return errDown
}
func (failingStore) Choices(context.Context, string) ([]string, error)           { return nil, errDown }
func (failingStore) Count(context.Context, string, time.Duration) (int64, error) { return 0, errDown }

func TestDialogAnswersWithoutStore(t *testing.T) {
	var ops []string
	d := NewDialog(New(match.New(shipped(t))), failingStore{}, 20, func(op string, err error) { ops = append(ops, op) })
	if r := d.Message(context.Background(), "u1", "パスワードを忘れました"); r.Intent != "forgot-id-password" || r.Limited {
		t.Errorf("with the store down: %s %q", r.Decision, r.Intent)
	}
	if r := d.Message(context.Background(), "u1", "1"); r.Decision == match.Answer && r.Intent == "" {
		t.Error("a number answered from nothing")
	}
	if len(ops) < 2 {
		t.Errorf("store errors reported: %v", ops)
	}
}
