package review

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/evaluate"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/redact"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// devSetsVar names the environment variable that points at labelled query
// files (a glob) kept outside the repository, such as the office's
// development sets; without it the dev-set measure skips, so that tests
// read nothing outside the repository unless asked to (.ci/run asks).
const devSetsVar = "MADOGUCHI_DEV_QUERIES"

// shipped is the repository's own catalogue.
const shipped = "../../intents"

// readCases reads a labelled query file.
func readCases(t *testing.T, path string) []evaluate.Case {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := evaluate.ReadQueries(f, filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

// recordOf is the record the cases would leave: each asked by its own
// user as it is stored (redacted); with picks, a user asked back picks
// the accepted intent when it is offered, as people do, and a user
// answered wrongly gives 👎.
func recordOf(x *match.Index, cases []evaluate.Case, picks bool) []record.Entry {
	b := bot.New(x)
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	var out []record.Entry
	for i, c := range cases {
		r := b.Ask(c.Query)
		q := bot.Question{ID: fmt.Sprintf("q%d", i), Time: t0.Add(time.Duration(2*i) * time.Minute), Platform: "line",
			User: fmt.Sprintf("line:u%d", i), Text: redact.Text(c.Query), Kind: bot.KindQuestion, Decision: r.Decision,
			Intent: r.Intent, AskedForPerson: r.Match.Handoff}
		e := record.Entry{Question: q}
		if picks && r.Decision == match.Answer && c.Kind == evaluate.InScope && !accepts(c, r.Intent) {
			e.Feedback = -1
		}
		out = append(out, e)
		if !picks || r.Decision != match.Clarify {
			continue
		}
		for _, ch := range r.Choices {
			if accepts(c, ch.ID) {
				p := q
				p.ID, p.Time, p.Kind, p.Text, p.Decision, p.Intent = fmt.Sprintf("p%d", i), q.Time.Add(time.Minute), bot.KindChoice, "", match.Answer, ch.ID
				out = append(out, record.Entry{Question: p})
				break
			}
		}
	}
	return out
}

func accepts(c evaluate.Case, id string) bool {
	for _, a := range c.Accept {
		if a == id {
			return true
		}
	}
	return false
}

// precision is what applying the suggestions of a review does.
type precision struct {
	suggested, right int
	wrong            []string
	// before and all are the cases' figures before and with every
	// suggestion applied; kept are those with the groups whose change
	// does not lower a figure (as Plan refuses one), kept of groups.
	before, all, kept  evaluate.Report
	groups, keptGroups int
}

// withExamples writes a copy of the catalogue in dir with the choices
// added to their intents' examples, and loads it.
func withExamples(t *testing.T, dir string, cat *catalogue.Catalogue, choices []Choice) *match.Index {
	t.Helper()
	changed := map[string][]byte{}
	for _, c := range choices {
		name := filepath.Base(cat.Intent(c.Intent).File)
		src, ok := changed[name]
		if !ok {
			var err error
			if src, err = os.ReadFile(filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
		out, _, err := InsertExamples(src, bot.LangOf(c.Text), []string{c.Text})
		if err != nil {
			t.Fatal(err)
		}
		changed[name] = out
	}
	tmp := t.TempDir()
	testkit.CopyIntentsTo(t, tmp, os.DirFS(dir))
	for name, data := range changed {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	after, err := catalogue.Load(tmp)
	if err != nil {
		t.Fatalf("the suggestions fail lint: %v", err)
	}
	return match.New(after)
}

// inMemory is the catalogue with the choices added to their intents'
// examples, built in memory (as confirm does): the many tries of the
// greedy loop need no files.
func inMemory(t *testing.T, cat *catalogue.Catalogue, choices []Choice) *match.Index {
	t.Helper()
	intents := slices.Clone(cat.Intents)
	for _, c := range choices {
		i := slices.IndexFunc(intents, func(in *catalogue.Intent) bool { return in.ID == c.Intent })
		in := *intents[i]
		if bot.LangOf(c.Text) == catalogue.Japanese {
			in.Examples.JA = append(slices.Clone(in.Examples.JA), c.Text)
		} else {
			in.Examples.EN = append(slices.Clone(in.Examples.EN), c.Text)
		}
		intents[i] = &in
	}
	after, err := catalogue.New(intents, cat.Settings)
	if err != nil {
		t.Fatalf("the suggestions fail lint: %v", err)
	}
	return match.New(after)
}

// worse reports whether a lowers a figure of b, as Plan refuses.
func worse(b, a evaluate.Report) bool {
	return a.Correct < b.Correct || a.Wrong > b.Wrong || a.Rejected < b.Rejected
}

// measurePrecision reviews the record the cases leave over the catalogue
// in dir, applies every suggestion to a copy, and counts the suggestions
// after which the question gets its label (an out-of-scope question never
// has one). It also runs the cases before, with every suggestion, and
// with the groups applied one by one as an admin would with Plan's
// checks: a group whose change lowers a figure is left out.
func measurePrecision(t *testing.T, dir string, cases []evaluate.Case, picks bool) precision {
	t.Helper()
	cat, err := catalogue.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	x := match.New(cat)
	byText := map[string]evaluate.Case{}
	for _, c := range cases {
		byText[redact.Text(c.Query)] = c
	}
	var choices []Choice
	var groups [][]Choice
	for _, cl := range Review(x, recordOf(x, cases, picks)) {
		var g []Choice
		for _, it := range cl.Items {
			if it.Number > 0 {
				g = append(g, Choice{Intent: it.Intent, Text: it.Text, IDs: it.IDs})
			}
		}
		if len(g) > 0 {
			groups = append(groups, g)
			choices = append(choices, g...)
		}
	}
	p := precision{suggested: len(choices), groups: len(groups), before: evaluate.Summarize(evaluate.Run(x, cases))}
	p.all, p.kept = p.before, p.before
	if len(choices) == 0 {
		return p
	}
	ax := withExamples(t, dir, cat, choices)
	for _, c := range choices {
		if in := ax.Match(c.Text).Intent(); in != nil && accepts(byText[c.Text], in.ID) {
			p.right++
		} else {
			p.wrong = append(p.wrong, fmt.Sprintf("%q → %s (label %v)", c.Text, c.Intent, byText[c.Text].Accept))
		}
	}
	p.all = evaluate.Summarize(evaluate.Run(ax, cases))
	var kept []Choice
	for _, g := range groups {
		r := evaluate.Summarize(evaluate.Run(inMemory(t, cat, append(slices.Clone(kept), g...)), cases))
		if !worse(p.kept, r) {
			kept, p.kept = append(kept, g...), r
			p.keptGroups++
		}
	}
	return p
}

func (p precision) share() float64 {
	if p.suggested == 0 {
		return 1
	}
	return float64(p.right) / float64(p.suggested)
}

// minPrecision is the least share of applied suggestions after which the
// question gets its label.
const minPrecision = 0.95

// check logs a measure and fails a precision under minPrecision or a
// figure that dropped.
func (p precision) check(t *testing.T, name string) {
	t.Helper()
	figures := func(r evaluate.Report) string {
		return fmt.Sprintf("correct %d, wrong %d of %d; not ours escalated %d of %d", r.Correct, r.Wrong, r.InScope, r.Rejected, r.Reject)
	}
	t.Logf("%s: %d suggestions, %d right (precision %.1f%%)", name, p.suggested, p.right, 100*p.share())
	t.Logf("  before:               %s", figures(p.before))
	t.Logf("  every suggestion:     %s", figures(p.all))
	t.Logf("  %2d of %2d groups kept: %s", p.keptGroups, p.groups, figures(p.kept))
	for _, w := range p.wrong {
		t.Logf("  wrong: %s", w)
	}
	if p.share() < minPrecision {
		t.Errorf("%s: precision %.1f%%, want at least %.0f%%", name, 100*p.share(), 100*minPrecision)
	}
	if worse(p.before, p.kept) {
		t.Errorf("%s: the kept suggestions made the figures worse", name)
	}
}

// TestPrecision measures the suggestions on the repository's own small
// labelled record, over the shipped catalogue, with and without users'
// picks.
func TestPrecision(t *testing.T) {
	t.Parallel()
	cases := readCases(t, "testdata/labelled.tsv")
	for _, picks := range []bool{false, true} {
		p := measurePrecision(t, shipped, cases, picks)
		p.check(t, fmt.Sprintf("testdata/labelled.tsv, picks %v", picks))
		if picks && p.suggested == 0 {
			t.Error("no suggestion at all: the measure measures nothing")
		}
	}
}

// TestPrecisionDevSets measures the same on the development sets that
// MADOGUCHI_DEV_QUERIES names (skipped without it).
func TestPrecisionDevSets(t *testing.T) {
	glob := os.Getenv(devSetsVar)
	if glob == "" {
		t.Skipf("%s is not set: no development sets to measure", devSetsVar)
	}
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		t.Fatalf("%s=%q names no files", devSetsVar, glob)
	}
	var all []evaluate.Case
	for _, f := range files {
		all = append(all, readCases(t, f)...)
	}
	for _, picks := range []bool{false, true} {
		measurePrecision(t, shipped, all, picks).check(t, fmt.Sprintf("%d development sets together, picks %v", len(files), picks))
	}
}

// BenchmarkReview reviews a record of about 1,000 questions (the labelled
// record's, asked again and again by different users, who pick when asked
// back) over the shipped catalogue, as the console's Review page does on
// each visit; it reports the time per recorded question.
func BenchmarkReview(b *testing.B) {
	f, err := os.Open("testdata/labelled.tsv")
	if err != nil {
		b.Fatal(err)
	}
	cases, err := evaluate.ReadQueries(f, "labelled.tsv")
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	cat, err := catalogue.Load(shipped)
	if err != nil {
		b.Fatal(err)
	}
	x := match.New(cat)
	var many []evaluate.Case
	for len(many) < 1000 {
		many = append(many, cases...)
	}
	es := recordOf(x, many, true)
	b.ResetTimer()
	for b.Loop() {
		Review(x, es)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(es)), "ns/question")
}
