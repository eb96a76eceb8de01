package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

// memRecorder is an in-memory Recorder.
type memRecorder struct {
	mu        sync.Mutex
	questions []Question
	feedback  map[string]bool
	forgotten []string
	forgetErr error
}

func (m *memRecorder) Record(q Question) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.questions = append(m.questions, q)
}

func (m *memRecorder) Feedback(id string, good bool, _ time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.feedback == nil {
		m.feedback = map[string]bool{}
	}
	m.feedback[id] = good
}

func (m *memRecorder) Forget(_ context.Context, user string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.forgetErr != nil {
		return 0, m.forgetErr
	}
	m.forgotten = append(m.forgotten, user)
	return 1, nil
}

func recordingDialog(t *testing.T, now func() time.Time) (*Dialog, *memRecorder) {
	t.Helper()
	rec := &memRecorder{}
	b := New(match.New(shipped(t)))
	return NewDialog(b, state.NewMemory(time.Now), 0, nil, WithRecorder(rec, []byte("key"), now)), rec
}

func TestDialogRecords(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	d, rec := recordingDialog(t, func() time.Time { return now })
	ctx := context.Background()
	r := d.Message(ctx, "line:abc", "パスワードを忘れました")
	if r.Feedback == nil || r.Feedback.Token == "" || r.Feedback.Helpful == "" {
		t.Fatalf("answer carries feedback %+v, want a token and labels", r.Feedback)
	}
	d.Message(ctx, "slack:def", "変更したい")
	d.Message(ctx, "slack:def", "1")
	d.Choose(ctx, "slack:def", "forgot-id-password", catalogue.English)
	if len(rec.questions) != 4 {
		t.Fatalf("recorded %d entries, want 4", len(rec.questions))
	}
	q := rec.questions[0]
	if q.Platform != "line" || q.User != d.pseudonym("line:abc") || !strings.HasPrefix(q.User, "line:") || len(q.User) != 21 || q.Kind != KindQuestion || q.Decision != match.Answer ||
		q.Intent != "forgot-id-password" || q.Lang != catalogue.Japanese || q.Score <= 0 || len(q.Candidates) == 0 ||
		len(q.Catalogue) != 12 || !q.Time.Equal(now) || q.ID == "" {
		t.Errorf("recorded %+v", q)
	}
	if got := rec.questions[1]; got.Decision != match.Clarify || got.Platform != "slack" {
		t.Errorf("second entry %s on %s, want clarify on slack", got.Decision, got.Platform)
	}
	if got := rec.questions[2]; got.Kind != KindChoice || got.Intent == "" {
		t.Errorf("a typed number recorded as %s %q, want a choice with its intent", got.Kind, got.Intent)
	}
	if got := rec.questions[3]; got.Kind != KindChoice || got.Intent != "forgot-id-password" || got.Lang != catalogue.English {
		t.Errorf("a button recorded as %+v", got)
	}
}

func TestDialogFeedback(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	d, rec := recordingDialog(t, func() time.Time { return now })
	ctx := context.Background()
	r := d.Message(ctx, "line:abc", "I forgot my password")
	if r.Feedback == nil {
		t.Fatalf("no feedback on %s %q", r.Decision, r.Intent)
	}
	tok := r.Feedback.Token
	id := rec.questions[0].ID

	forged := tok[:len(tok)-2] + "xx"
	tests := []struct {
		name, user, token string
		good, wantStored  bool
	}{
		{"forged", "line:abc", forged, true, false},
		{"another user's", "line:zzz", tok, true, false},
		{"id swapped", "line:abc", "AAAA" + tok[4:], true, false},
		{"garbage", "line:abc", "not-a-token", true, false},
		{"thumbs down", "line:abc", tok, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.Feedback(ctx, tt.user, tt.token, tt.good)
			_, stored := rec.feedback[id]
			if stored != tt.wantStored {
				t.Fatalf("stored = %v, want %v", stored, tt.wantStored)
			}
			if !tt.wantStored && (!got.Silent || len(rec.feedback) > 0) {
				t.Errorf("a bad click replied %+v and stored %v", got, rec.feedback)
			}
			if tt.wantStored && (got.Contact == nil || got.Lang != catalogue.English || !strings.Contains(got.Text, "Sorry")) {
				t.Errorf("👎 replied %q with contact %v", got.Text, got.Contact)
			}
		})
	}
	if good := d.Feedback(ctx, "line:abc", tok, true); good.Silent || good.Contact != nil || good.Text == "" {
		t.Errorf("👍 replied %+v, want thanks without contact", good)
	}
	now = now.Add(FeedbackTTL + time.Minute)
	delete(rec.feedback, id)
	if got := d.Feedback(ctx, "line:abc", tok, true); !got.Silent || len(rec.feedback) > 0 {
		t.Errorf("a stale click replied %+v and stored %v", got, rec.feedback)
	}
}

func TestDialogForget(t *testing.T) {
	d, rec := recordingDialog(t, nil)
	ctx := context.Background()
	for _, text := range []string{"私のデータを削除してください", "Please DELETE my data."} {
		r := d.Message(ctx, "line:abc", text)
		if r.Decision != match.Answer || r.Text != catalogue.DefaultRecord().Forgotten.In(LangOf(text)) {
			t.Errorf("%q: replied %s %q, want the forgotten notice", text, r.Decision, r.Text)
		}
	}
	if p := d.pseudonym("line:abc"); len(rec.forgotten) != 2 || rec.forgotten[0] != p || len(rec.questions) != 0 {
		t.Errorf("forgot %v and recorded %d, want %s twice and nothing recorded", rec.forgotten, len(rec.questions), p)
	}
	rec.forgetErr = errors.New("database down")
	if r := d.Message(ctx, "line:abc", "delete my data"); r.Contact == nil || r.Text == catalogue.DefaultRecord().Forgotten.EN {
		t.Errorf("a failed deletion replied %q, want the office contact and no claim of deletion", r.Text)
	}
}

func TestPseudonym(t *testing.T) {
	d, _ := recordingDialog(t, nil)
	other := NewDialog(d.bot, nil, 0, nil, WithRecorder(&memRecorder{}, []byte("another key"), nil))
	p := d.pseudonym("slack:U0123ABCD")
	switch {
	case !strings.HasPrefix(p, "slack:") || strings.Contains(p, "U0123ABCD"):
		t.Errorf("pseudonym %q keeps the raw id or loses the platform", p)
	case d.pseudonym("slack:U0123ABCD") != p:
		t.Error("the pseudonym is not stable")
	case d.pseudonym("slack:U9999") == p:
		t.Error("two users share a pseudonym")
	case other.pseudonym("slack:U0123ABCD") == p:
		t.Error("the pseudonym does not depend on the key")
	}
}

func TestFeedbackData(t *testing.T) {
	for _, good := range []bool{true, false} {
		tok, g, ok := ParseFeedbackData(FeedbackData("a.b.ja.c", good))
		if !ok || g != good || tok != "a.b.ja.c" {
			t.Errorf("round trip of %v gave %q %v %v", good, tok, g, ok)
		}
	}
	if _, _, ok := ParseFeedbackData("intent=help&lang=ja"); ok {
		t.Error("a choice's data read as feedback")
	}
}

func TestDialogWithoutRecorder(t *testing.T) {
	d := NewDialog(New(match.New(shipped(t))), state.NewMemory(time.Now), 0, nil)
	ctx := context.Background()
	if r := d.Message(ctx, "line:abc", "パスワードを忘れました"); r.Feedback != nil {
		t.Error("feedback offered without a recorder")
	}
	if r := d.Message(ctx, "line:abc", "delete my data"); r.Text == catalogue.DefaultRecord().Forgotten.EN {
		t.Error("claimed to delete data that is not recorded")
	}
}

// TestDialogWarnsAboutPasswords: a message that gives a password is
// answered as usual, after the warning in the language of the reply; a
// question about passwords gets no warning.
func TestDialogWarnsAboutPasswords(t *testing.T) {
	d, _ := recordingDialog(t, nil)
	ctx := context.Background()
	warning := d.Bot().Index().Catalogue().Settings.Record.PasswordWarning
	if warning.JA == "" || warning.EN == "" {
		t.Fatalf("the shipped settings have no password warning: %+v", warning)
	}
	tests := []struct {
		text     string
		wantLang catalogue.Lang
		warned   bool
	}{
		{"パスワードはsakura2024です。ログインできません", catalogue.Japanese, true},
		{"ＰＷ：ｍｏｍｏ３３３３で入れない", catalogue.Japanese, true},
		{"my password is hunter22 and I cannot sign in", catalogue.English, true},
		{"パスワードを忘れました", catalogue.Japanese, false},
		{"my password is not working", catalogue.English, false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r := d.Message(ctx, "line:pw", tt.text)
			if r.Lang != tt.wantLang {
				t.Fatalf("reply language %s, want %s", r.Lang, tt.wantLang)
			}
			want := warning.In(tt.wantLang)
			if got := strings.HasPrefix(r.Text, want); got != tt.warned {
				t.Errorf("reply %q starts with the warning: got %v, want %v", r.Text, got, tt.warned)
			}
			if tt.warned && strings.TrimSpace(strings.TrimPrefix(r.Text, want)) == "" {
				t.Errorf("reply %q has only the warning, want the answer after it", r.Text)
			}
		})
	}
}
