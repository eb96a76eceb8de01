package testkit

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

// Step is one thing a user does in a seeded conversation: types Text,
// picks a choice of their last reply, or gives it feedback.
type Step struct {
	DaysAgo    int // the day of the step, counted back from now
	User, Text string
	Pick       int // pick choice n (1-based) of the user's last reply instead of typing Text
	Feedback   int // +1 👍 or -1 👎 on the user's last reply
}

// Seed plays steps through a recording dialog over the catalogue in dir
// into a new SQLite record at path, and returns the record (closed when
// the test ends). Step i happens DaysAgo days before now, len(steps)-i
// seconds before that day's now, so that the record keeps the steps'
// order within a day.
func Seed(t testing.TB, dir, path string, steps []Step, now time.Time) *record.DB {
	t.Helper()
	cat, err := catalogue.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := record.Open(ctx, path, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rec := record.New(slog.New(slog.NewTextHandler(io.Discard, nil)), db, record.Options{})
	var at time.Time
	clock := func() time.Time { return at }
	d := bot.NewDialog(bot.New(match.New(cat)), state.NewMemory(time.Now), 0, nil, bot.WithRecorder(rec, []byte("k"), clock))
	last := map[string]bot.Reply{}
	for i, s := range steps {
		at = now.AddDate(0, 0, -s.DaysAgo).Add(time.Duration(i-len(steps)) * time.Second)
		switch {
		case s.Pick > 0:
			r := last[s.User]
			if s.Pick > len(r.Choices) {
				t.Fatalf("%s: pick %d of %d choices (%s %q)", s.User, s.Pick, len(r.Choices), r.Decision, r.Intent)
			}
			last[s.User] = d.Choose(ctx, s.User, r.Choices[s.Pick-1].ID, r.Lang)
		case s.Feedback != 0:
			r := last[s.User]
			if r.Feedback == nil {
				t.Fatalf("%s: no feedback buttons on %s %q", s.User, r.Decision, r.Intent)
			}
			d.Feedback(ctx, s.User, r.Feedback.Token, s.Feedback > 0)
		default:
			last[s.User] = d.Message(ctx, s.User, s.Text)
		}
	}
	if err := rec.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
