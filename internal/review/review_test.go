package review

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// seed plays the steps into a new record over the catalogue in dir and
// returns the catalogue's index and what was recorded.
func seed(t *testing.T, dir string, steps []testkit.Step) (*match.Index, []record.Entry) {
	t.Helper()
	db := testkit.Seed(t, dir, filepath.Join(t.TempDir(), "record.db"), steps, time.Now())
	es, err := db.Entries(context.Background(), time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalogue.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return match.New(cat), es
}

// questions seeds the review tests: three needs that went wrong, and
// questions that went right.
var questions = []testkit.Step{
	// An existing intent in new words: escalated today.
	{User: "line:a", Text: "inbox is full"},
	{User: "line:b", Text: "my inbox is full"},
	{User: "slack:c", Text: "Inbox full?"},
	// Something the office does not answer here.
	{User: "line:d", Text: "図書館は何時まで開いていますか"},
	{User: "line:e", Text: "図書館の開館時間を教えて"},
	// Asked back, and the user picked the answer.
	{User: "line:f", Text: "メールの転送先を変更してログインしたい"},
	{User: "line:f", Pick: 2},
	// Answered, but 👎.
	{User: "line:g", Text: "パスワードを変えたい"},
	{User: "line:g", Feedback: -1},
	// Answered and fine.
	{User: "line:h", Text: "パスワードを忘れました"},
	{User: "line:h", Feedback: +1},
	{User: "line:i", Text: "I cannot log in"},
}

func TestReview(t *testing.T) {
	t.Parallel()
	x, es := seed(t, testkit.Intents(t), questions)
	got := Review(x, es)
	want := []struct {
		count      int
		suggestion Suggestion
		intent     string
		picked     bool
		example    string
	}{
		// Escalated: below the floor, the nearest intent is not trusted.
		{3, NewIntent, "", false, "inbox is full"},
		{2, OutOfScope, "", false, "図書館は何時まで開いていますか"},
		{1, AddExamples, "forward-change", true, "メールの転送先を変更してログインしたい"},
		{1, NewIntent, "", false, "パスワードを変えたい"},
	}
	if len(got) != len(want) {
		for _, c := range got {
			t.Logf("%d %s %s %.3f known %.2f %q", c.Count, c.Suggestion, c.Nearest, c.Score, c.Known(), c.Texts)
		}
		t.Fatalf("%d clusters, want %d", len(got), len(want))
	}
	for i, w := range want {
		c := got[i]
		if c.Count != w.count || c.Suggestion != w.suggestion || c.Intent != w.intent || c.Picked != w.picked || !contains(c.Examples, w.example) {
			t.Errorf("cluster %d: %d %s %q picked %v examples %q; want %d %s %q picked %v with %q",
				i+1, c.Count, c.Suggestion, c.Intent, c.Picked, c.Examples, w.count, w.suggestion, w.intent, w.picked, w.example)
		}
	}
	if c := got[0]; c.Escalated != 3 || c.Nearest != "mailbox-quota" || c.Score <= 0 {
		t.Errorf("first cluster: escalated %d, nearest %s %.3f", c.Escalated, c.Nearest, c.Score)
	}
	if c := got[3]; c.Disliked != 1 || !strings.Contains(c.Skeleton, "    - パスワードを変えたい") || !strings.Contains(c.Skeleton, "id: new-intent") {
		t.Errorf("👎 cluster: disliked %d, skeleton:\n%s", c.Disliked, c.Skeleton)
	}
	if c := got[1]; c.Nearest != "mailbox-quota" || c.Known() >= knownShare {
		t.Errorf("out-of-scope cluster: nearest %s, known share %.2f", c.Nearest, c.Known())
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	_, es := seed(t, testkit.Intents(t), questions)
	s := Summarize(es, time.Time{})
	if s.Questions != 9 || s.Choices != 1 {
		t.Errorf("questions %d choices %d, want 9 and 1", s.Questions, s.Choices)
	}
	if s.Answered != 3 || s.Clarified != 1 || s.Escalated != 5 || s.Helpful != 1 || s.NotHelpful != 1 {
		t.Errorf("answered %d clarified %d escalated %d, 👍 %d 👎 %d; want 3 1 5, 1 1", s.Answered, s.Clarified, s.Escalated, s.Helpful, s.NotHelpful)
	}
	var line, slack int
	for _, d := range s.Days {
		switch d.Platform {
		case "line":
			line += d.N
		case "slack":
			slack += d.N
		}
	}
	if line != 8 || slack != 1 {
		t.Errorf("per platform line %d slack %d, want 8 and 1", line, slack)
	}
	top := map[string]IntentCount{}
	for _, ic := range s.Intents {
		top[ic.Intent] = ic
	}
	if got := top["forgot-password"]; got.N != 2 || got.Helpful != 1 || got.NotHelpful != 1 {
		t.Errorf("forgot-password: %+v, want 2 answers, 1 👍 1 👎", got)
	}
	if got := s.Rate(s.Escalated); got != 5.0/9 {
		t.Errorf("escalated rate %.3f, want 5/9", got)
	}
}

// TestRoundTrip is the loop the review exists for: questions escalated
// today, reviewed, applied with Apply, and answered afterwards.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	dir := testkit.Intents(t)
	steps := append([]testkit.Step{
		// A second user asks the same in other words, and picks the same.
		{User: "slack:j", Text: "転送先を変更してログインしたいです"},
		{User: "slack:j", Pick: 2},
	}, questions...)
	x, es := seed(t, dir, steps)
	const asked = "メールの転送先を変更してログインしたい"
	if r := bot.New(x).Ask(asked); r.Decision != match.Clarify {
		t.Fatalf("before: %s %s, want clarify", r.Decision, r.Intent)
	}
	a, err := Apply(dir, Review(x, es))
	if err != nil {
		t.Fatal(err)
	}
	if a.Added != 2 || len(a.Files) != 1 || filepath.Base(a.Files[0]) != "forward-change.yaml" {
		t.Errorf("added %d examples to %q, want 2 to forward-change.yaml", a.Added, a.Files)
	}
	if a.After.Suggested <= a.Before.Suggested || a.After.Reviewed != 2 {
		t.Errorf("reviewed questions answered as suggested: %d → %d of %d, want more after", a.Before.Suggested, a.After.Suggested, a.After.Reviewed)
	}
	cat, err := catalogue.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	after := bot.New(match.New(cat))
	for _, q := range []struct{ text, want string }{
		{asked, "forward-change"},
		{"転送先を変更してログインしたい", "forward-change"}, // not asked before
	} {
		if r := after.Ask(q.text); r.Decision != match.Answer || r.Intent != q.want {
			t.Errorf("after: %q gave %s %q, want %s", q.text, r.Decision, r.Intent, q.want)
		}
	}
	if r := after.Ask("inbox is full"); r.Decision != match.Escalate {
		t.Errorf("after: a question only suggested as a new intent was answered %s", r.Intent)
	}
}

// TestApplyLintFails: a suggestion that would break the catalogue (an
// example already owned by another intent) writes nothing.
func TestApplyLintFails(t *testing.T) {
	t.Parallel()
	dir := testkit.Intents(t)
	before, err := os.ReadFile(filepath.Join(dir, "mailbox-quota.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := []*Cluster{
		{Suggestion: AddExamples, Intent: "mailbox-quota", Texts: []string{"inbox is full"}},
		{Suggestion: AddExamples, Intent: "mailbox-quota", Texts: []string{"I forgot my password"}}, // forgot-password's
	}
	_, err = Apply(dir, bad)
	if err == nil || !strings.Contains(err.Error(), "nothing was written") || !strings.Contains(err.Error(), "forgot-password") {
		t.Fatalf("Apply = %v, want a lint failure naming forgot-password", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "mailbox-quota.yaml"))
	if string(after) != string(before) {
		t.Error("mailbox-quota.yaml was changed although lint failed")
	}
}
