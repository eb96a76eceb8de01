package review

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
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
	sum := 0
	for _, ic := range s.Intents {
		sum += ic.N
	}
	if sum != s.Answered {
		t.Errorf("intent table adds up to %d, answered %d", sum, s.Answered)
	}
	if got := s.Rate(s.Escalated); got != 5.0/9 {
		t.Errorf("escalated rate %.3f, want 5/9", got)
	}
}

// TestRoundTrip is the loop the review exists for: questions asked back
// today, reviewed, the suggestions chosen by number, planned, written,
// and answered afterwards.
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
	clusters := Review(x, es)
	var numbers []int
	for _, c := range clusters {
		for _, it := range c.Items {
			if it.Number > 0 {
				numbers = append(numbers, it.Number)
				if it.Intent != "forward-change" || it.Evidence == nil || it.Evidence.Picked != 1 || it.Evidence.Example == "" || it.Confidence <= 0 {
					t.Errorf("suggestion %d %q: %s confidence %.2f evidence %+v; want forward-change, picked once, with its closest example", it.Number, it.Text, it.Intent, it.Confidence, it.Evidence)
				}
			}
		}
	}
	if len(numbers) != 2 {
		t.Fatalf("suggestions %v, want 2", numbers)
	}
	choices, err := Choose(clusters, numbers)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := Plan(dir, es, choices, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Added != 2 || len(ch.Files) != 1 || ch.Files["forward-change.yaml"] == nil || len(ch.Refusals) != 0 {
		t.Errorf("added %d examples to %d files, refusals %q; want 2 to forward-change.yaml, none", ch.Added, len(ch.Files), ch.Refusals)
	}
	if ch.After.Suggested <= ch.Before.Suggested || ch.After.Reviewed != 2 {
		t.Errorf("chosen questions answered as suggested: %d → %d of %d, want more after", ch.Before.Suggested, ch.After.Suggested, ch.After.Reviewed)
	}
	if i := slices.IndexFunc(ch.Shifts, func(s Shift) bool { return s.Text == asked }); i < 0 || ch.Shifts[i].Before != "clarify" || ch.Shifts[i].After != "answer forward-change" {
		t.Errorf("shifts %+v, want %q clarify → answer forward-change", ch.Shifts, asked)
	}
	if _, err := ch.Write(dir, false); err != nil {
		t.Fatal(err)
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

func TestChooseUnknown(t *testing.T) {
	t.Parallel()
	clusters := []*Cluster{{Items: []*Item{{Number: 1, Text: "a", Intent: "x"}, {Text: "b"}, {Number: 2, Text: "c", Intent: "y"}}}}
	tests := []struct {
		numbers []int
		want    []string // texts, or nil for an error
		err     string
	}{
		{[]int{2, 1, 2}, []string{"c", "a"}, ""},
		{[]int{1, 3, 9}, nil, "no suggestion numbered 3, 9"},
	}
	for _, tt := range tests {
		got, err := Choose(clusters, tt.numbers)
		var texts []string
		for _, c := range got {
			texts = append(texts, c.Text)
		}
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Choose(%v) = %v, %v; want an error with %q", tt.numbers, texts, err, tt.err)
			}
			continue
		}
		if err != nil || !slices.Equal(texts, tt.want) {
			t.Errorf("Choose(%v) = %q, %v; want %q", tt.numbers, texts, err, tt.want)
		}
	}
	for _, s := range []string{"", "1,x", "0"} {
		if _, err := ParseNumbers(s); err == nil {
			t.Errorf("ParseNumbers(%q) accepted", s)
		}
	}
	if got, err := ParseNumbers(" 1, 4,7"); err != nil || !slices.Equal(got, []int{1, 4, 7}) {
		t.Errorf("ParseNumbers = %v, %v; want [1 4 7]", got, err)
	}
}

// TestApplyLintFails: a choice that would break the catalogue (an
// example already owned by another intent) writes nothing.
func TestApplyLintFails(t *testing.T) {
	t.Parallel()
	dir := testkit.Intents(t)
	before, err := os.ReadFile(filepath.Join(dir, "mailbox-quota.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := []Choice{
		{Intent: "mailbox-quota", Text: "inbox is full"},
		{Intent: "mailbox-quota", Text: "I forgot my password"}, // forgot-password's
	}
	_, err = Plan(dir, nil, bad, nil)
	if err == nil || !strings.Contains(err.Error(), "nothing was written") || !strings.Contains(err.Error(), "forgot-password") {
		t.Fatalf("Plan = %v, want a lint failure naming forgot-password", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "mailbox-quota.yaml"))
	if string(after) != string(before) {
		t.Error("mailbox-quota.yaml was changed although lint failed")
	}
}

// TestPlanRefuses: a change that makes a rightly escalated question
// answered, or that adds a personal question, is not written.
func TestPlanRefuses(t *testing.T) {
	t.Parallel()
	dir := testkit.Intents(t)
	testkit.AddLibrary(t, dir)
	const offTopic = "図書館の開館時間を知りたい"
	x, es := seed(t, dir, []testkit.Step{{User: "line:a", Text: offTopic}})
	if r := x.Match(offTopic); r.Decision != match.Escalate || r.Topic == nil {
		t.Fatalf("%q before: %s topic %v, want escalated to the library", offTopic, r.Decision, r.Topic)
	}
	for _, c := range Review(x, es) {
		if c.Suggestion != OutOfScope {
			t.Errorf("%q: %s, want asked, not ours", c.Texts, c.Suggestion)
		}
	}
	src, _ := os.ReadFile(filepath.Join(dir, "mailbox-quota.yaml"))
	// Added to an FAQ intent (twice, to outweigh the topic's examples),
	// the off-topic question would be answered or asked back about.
	ch, err := Plan(dir, es, []Choice{{Intent: "mailbox-quota", Text: offTopic}, {Intent: "mailbox-quota", Text: "図書館の開館時間を知りたいです"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Refusals) == 0 || !strings.Contains(strings.Join(ch.Refusals, "\n"), "rightly escalated") {
		t.Errorf("refusals %q (shifts %+v, entries %d), want one for the rightly escalated question", ch.Refusals, ch.Shifts, len(es))
	}
	if _, err := ch.Write(dir, false); !errors.Is(err, ErrRefused) {
		t.Errorf("Write = %v, want ErrRefused", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "mailbox-quota.yaml")); string(got) != string(src) {
		t.Error("a refused change was written")
	}
	for _, text := range []string{"<name>です。容量がいっぱい", "容量について <url>", "私の名前は山田です。容量は？"} {
		if _, err := Plan(dir, es, []Choice{{Intent: "mailbox-quota", Text: text}}, nil); err == nil || !strings.Contains(err.Error(), "edit it first") {
			t.Errorf("Plan(%q) = %v, want a refusal to add personal data", text, err)
		}
	}
	if _, err := ch.Write(dir, true); err != nil {
		t.Errorf("forced Write = %v", err)
	}
}

// TestSkeletonLints: a new intent started from a group in one language
// passes lint once its id, titles and answer are filled in.
func TestSkeletonLints(t *testing.T) {
	t.Parallel()
	x, es := seed(t, testkit.Intents(t), questions)
	for _, c := range Review(x, es) {
		if c.Suggestion != NewIntent {
			continue
		}
		if strings.Contains(c.Skeleton, "[]") {
			t.Errorf("skeleton has an empty list:\n%s", c.Skeleton)
		}
		dir := testkit.Intents(t)
		if err := os.WriteFile(filepath.Join(dir, "new-intent.yaml"), []byte(c.Skeleton), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := catalogue.Load(dir); err != nil {
			t.Errorf("skeleton of %q fails lint: %v\n%s", c.Texts, err, c.Skeleton)
		}
	}
}

// TestPlanIntent: a new intent file is added with the Kustomization in
// step; one with a personal example is refused until edited.
func TestPlanIntent(t *testing.T) {
	t.Parallel()
	dir := testkit.Intents(t)
	k := "kind: Kustomization\nconfigMapGenerator:\n  - name: madoguchi-intents\n    files:\n"
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range files {
		k += "      - " + filepath.Base(f) + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, catalogue.KustomizationFile), []byte(k), 0o644); err != nil {
		t.Fatal(err)
	}
	intent := func(exJA string) []byte {
		f, err := catalogue.IntentFile("block-sender", catalogue.Text{JA: "受信拒否", EN: "Blocking a sender"}, catalogue.Text{JA: "設定から追加してください。", EN: "Add it in the settings."},
			[]string{exJA}, []string{"how do I block a sender"})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if _, err := PlanIntent(dir, nil, "block-sender.yaml", intent("<name>からのメールを受信拒否したい"), nil); err == nil || !strings.Contains(err.Error(), "edit it first") {
		t.Errorf("PlanIntent with a placeholder = %v, want a refusal", err)
	}
	if _, err := PlanIntent(dir, nil, "../block-sender.yaml", intent("迷惑メールを受信拒否したい"), nil); err == nil {
		t.Error("PlanIntent accepted a path for a name")
	}
	ch, err := PlanIntent(dir, nil, "block-sender.yaml", intent("迷惑メールを受信拒否したい"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Added != 2 || ch.After.Suggested != 2 || len(ch.Refusals) != 0 {
		t.Errorf("added %d, answered %d of the new examples, refusals %q; want 2, 2, none", ch.Added, ch.After.Suggested, ch.Refusals)
	}
	if _, err := ch.Write(dir, false); err != nil {
		t.Fatal(err)
	}
	if ps := catalogue.KustomizationProblems(dir); len(ps) != 0 {
		t.Errorf("after: %v", ps)
	}
	if cat, err := catalogue.Load(dir); err != nil || cat.Intent("block-sender") == nil {
		t.Errorf("after: %v, want block-sender loaded", err)
	}
	if _, err := PlanIntent(dir, nil, "block-sender.yaml", intent("迷惑メールを受信拒否したい"), nil); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("PlanIntent over an existing file = %v", err)
	}
}
