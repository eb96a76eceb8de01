package evaluate

import (
	"slices"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

func TestReadQueries(t *testing.T) {
	t.Parallel()
	in := "# comment\n\nforgot-id-password\tパスワードを忘れた\nmfa-reset,mfa-device-change\t携帯を変えた\n-\t学割\nhandoff\t担当者と話したい\n"
	cases, err := ReadQueries(strings.NewReader(in), "q.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 4 {
		t.Fatalf("got %d cases, want 4", len(cases))
	}
	if c := cases[1]; c.Kind != InScope || len(c.Accept) != 2 || c.Accept[1] != "mfa-device-change" || c.Source != "q.tsv:4" {
		t.Errorf("case 2 = %+v", c)
	}
	if cases[2].Kind != OutOfScope || cases[3].Kind != Handoff {
		t.Errorf("kinds = %v %v, want out of scope, handoff", cases[2].Kind, cases[3].Kind)
	}
	for _, bad := range []string{"no tab here\n", "a\t \n"} {
		if _, err := ReadQueries(strings.NewReader(bad), "bad.tsv"); err == nil || !strings.Contains(err.Error(), "bad.tsv:1") {
			t.Errorf("ReadQueries(%q) error = %v, want one naming bad.tsv:1", bad, err)
		}
	}
}

func TestVerdictsAndReport(t *testing.T) {
	t.Parallel()
	a := &catalogue.Intent{ID: "a"}
	b := &catalogue.Intent{ID: "b"}
	answer := func(in *catalogue.Intent) match.Result {
		return match.Result{Decision: match.Answer, Candidates: []match.Candidate{{Intent: in, Score: 0.9}}}
	}
	outcomes := []Outcome{
		{Case{Kind: InScope, Accept: []string{"a"}}, answer(a)}, // correct
		{Case{Kind: InScope, Accept: []string{"a"}}, answer(b)}, // wrong
		{Case{Kind: InScope, Accept: []string{"a"}}, match.Result{Decision: match.Clarify}},
		{Case{Kind: InScope, Accept: []string{"a"}}, match.Result{Decision: match.Escalate}},
		{Case{Kind: OutOfScope}, match.Result{Decision: match.Escalate}}, // rejected
		{Case{Kind: Handoff}, answer(a)},                                 // not rejected
	}
	want := []Verdict{Correct, Wrong, Clarified, Escalated, Correct, Wrong}
	for i, o := range outcomes {
		if got := o.Verdict(); got != want[i] {
			t.Errorf("outcome %d: verdict %d, want %d", i, got, want[i])
		}
	}
	r := Summarize(outcomes)
	if r.InScope != 4 || r.Correct != 1 || r.Wrong != 1 || r.Clarified != 1 || r.Escalated != 1 || r.Reject != 2 || r.Rejected != 1 {
		t.Errorf("report = %+v", r)
	}
	if len(r.Confusions) != 1 || r.Confusions[0] != (Confusion{"a", "b", 1}) {
		t.Errorf("confusions = %+v", r.Confusions)
	}
	if r.OutOfScope != 1 || r.NotAnswered != 1 || r.Handoffs != 1 || r.Heard != 0 {
		t.Errorf("out of scope %d (not answered %d), handoffs %d (heard %d); want 1 (1), 1 (0)", r.OutOfScope, r.NotAnswered, r.Handoffs, r.Heard)
	}
	miss := r.Meets(catalogue.Floors{MinAccuracy: 0.9, MaxWrong: 0.03, MinRejection: 1, MinHandoff: 1})
	if len(miss) != 3 {
		t.Errorf("Meets = %q, want three misses (accuracy, wrong answers, handoff)", miss)
	}
	if miss := r.Meets(catalogue.Floors{MinAccuracy: 0.25, MaxWrong: 0.25, MinRejection: 0.5}); len(miss) != 0 {
		t.Errorf("Meets = %q, want none", miss)
	}
}

// The fixture catalogue keeps the test quick; the shipped catalogue's
// leave-one-out runs in CI's madoguchi test step.
func TestLeaveOneOutHoldsOutTheExample(t *testing.T) {
	t.Parallel()
	fixture, err := catalogue.Load(testkit.Intents(t))
	if err != nil {
		t.Fatal(err)
	}
	// Without keywords, whose bonus can lift any score to 1.
	var intents []*catalogue.Intent
	for _, in := range fixture.Intents {
		bare := *in
		bare.Keywords = nil
		intents = append(intents, &bare)
	}
	cat, err := catalogue.New(intents, fixture.Settings)
	if err != nil {
		t.Fatal(err)
	}
	outcomes, _, err := LeaveOneOut(cat)
	if err != nil {
		t.Fatal(err)
	}
	examples := 0
	for _, in := range cat.Intents {
		examples += len(in.Examples.All())
	}
	if len(outcomes) != examples {
		t.Fatalf("got %d outcomes, want one per example (%d)", len(outcomes), examples)
	}
	// With the example itself in the index, a question equal to an example
	// is matched perfectly; held out, it must not be.
	for _, o := range outcomes {
		if o.Result.Score() > 0.999 {
			t.Fatalf("%q scored %.3f: the held-out example was still indexed", o.Query, o.Result.Score())
		}
	}
}

// The stricter holdout also takes away a keyword only the held-out example
// mentions, and with it the keyword's bonus.
func TestHoldoutTakesTheExamplesOwnKeyword(t *testing.T) {
	t.Parallel()
	fixture, err := catalogue.Load(testkit.Intents(t))
	if err != nil {
		t.Fatal(err)
	}
	const q = "is a zettabyte mailbox possible"
	var intents []*catalogue.Intent
	for _, id := range []string{"mailbox-quota", "login-trouble", "forgot-password"} {
		in := *fixture.Intent(id)
		in.Related = nil
		if id == "mailbox-quota" {
			in.Keywords = append(slices.Clone(in.Keywords), "zettabyte")
			in.Examples.EN = append(slices.Clone(in.Examples.EN), q)
		}
		intents = append(intents, &in)
	}
	cat, err := catalogue.New(intents, fixture.Settings)
	if err != nil {
		t.Fatal(err)
	}
	exampleOnly, strict, err := LeaveOneOut(cat)
	if err != nil {
		t.Fatal(err)
	}
	score := func(outcomes []Outcome) float64 {
		for _, o := range outcomes {
			if o.Query == q {
				return o.Result.Score()
			}
		}
		t.Fatalf("%q was not held out", q)
		return 0
	}
	if kept, taken := score(exampleOnly), score(strict); kept-taken < 0.2 {
		t.Errorf("score with the keyword %.2f, without %.2f: want the keyword bonus between them", kept, taken)
	}
}

func TestKeywordsBeyondTheHeldOutExample(t *testing.T) {
	t.Parallel()
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	x := match.New(cat)
	in := &catalogue.Intent{
		Keywords: []string{"quota", "zettabyte", "exabyte"},
		Examples: catalogue.Examples{EN: []string{"is an exabyte mailbox possible", "how big is the mailbox"}},
	}
	// "zettabyte" is only in the held-out question: it goes. "exabyte" is
	// also in a remaining example and "quota" is not in the question: they stay.
	got := keywordsBeyond(x, in, "Is a Zettabyte or an exabyte allowed?")
	if want := []string{"quota", "exabyte"}; !slices.Equal(got, want) {
		t.Errorf("keywordsBeyond = %q, want %q", got, want)
	}
	if got := keywordsBeyond(x, in, "how big is the mailbox"); len(got) != 3 {
		t.Errorf("keywordsBeyond = %q, want all three kept", got)
	}
}

func TestSharedKeywords(t *testing.T) {
	t.Parallel()
	shipped, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	intents := slices.Clone(shipped.Intents)
	i := slices.IndexFunc(intents, func(in *catalogue.Intent) bool { return in.ID == "mailbox-quota" })
	quota := *intents[i]
	quota.Keywords = []string{"容量", "password"} // "password" is every login intent's word
	intents[i] = &quota
	cat, err := catalogue.New(intents, shipped.Settings)
	if err != nil {
		t.Fatal(err)
	}
	var got *SharedKeyword
	for _, k := range SharedKeywords(match.New(cat)) {
		if k.Intent == "mailbox-quota" {
			if k.Keyword != "password" {
				t.Errorf("%q reported as shared", k.Keyword)
			}
			got = &k
		}
	}
	if got == nil {
		t.Fatal(`"password" of mailbox-quota not reported`)
	}
	// Found through the synonyms too: the Japanese examples say パスワード.
	for _, want := range []string{"forgot-id-password", "password-incorrect"} {
		if !slices.Contains(got.Others, want) {
			t.Errorf("others = %v, want %s among them", got.Others, want)
		}
	}
}
