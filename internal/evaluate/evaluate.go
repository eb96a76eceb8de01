// Package evaluate measures how well a catalogue's matcher answers: it runs
// every intent's examples leave-one-out and any labelled query files, and
// reports accuracy, wrong answers, out-of-scope rejection and confusions.
package evaluate

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// Kind is what a case expects of the bot.
type Kind int

// The kinds of case.
const (
	InScope    Kind = iota // answer one of Accept
	OutOfScope             // escalate: no intent may answer
	Handoff                // escalate: the user asks for a person
)

// Case is one labelled question.
type Case struct {
	Query  string
	Kind   Kind
	Accept []string // intent ids accepted as correct, for InScope
	Source string   // where the case came from, for reports
}

// Outcome is a case with what the matcher made of it.
type Outcome struct {
	Case
	Result match.Result
}

// Verdict classifies an outcome under its case.
type Verdict int

// The verdicts.
const (
	Correct   Verdict = iota // answered an accepted intent, or escalated as asked
	Wrong                    // answered an intent that is not accepted
	Clarified                // asked back (in scope)
	Escalated                // escalated an in-scope question
)

// Verdict judges the outcome.
//
// An out-of-scope question is handled correctly when it is escalated or
// answered by small talk (a greeting, thanks: chat is not a question); it
// is Wrong when an FAQ intent answers it. An answer of two related intents
// (match.Pair) is correct when either is accepted. A request for a person is
// correct only when it is heard as one (Result.Handoff). An in-scope case
// that names an out-of-scope intent is correct when the question is
// escalated with that intent as its topic.
func (o Outcome) Verdict() Verdict {
	d := o.Result.Decision
	switch o.Kind {
	case Handoff:
		switch {
		case d == match.Escalate && o.Result.Handoff:
			return Correct
		case d == match.Answer:
			return Wrong
		case d == match.Clarify:
			return Clarified
		}
		return Escalated
	case OutOfScope:
		switch {
		case d == match.Escalate, d == match.Answer && o.Result.Intent().IsSmallTalk():
			return Correct
		case d == match.Answer:
			return Wrong
		}
		return Clarified
	}
	switch d {
	case match.Answer:
		if slices.Contains(o.Accept, o.Result.Intent().ID) {
			return Correct
		}
		if also := o.Result.Also(); also != nil && slices.Contains(o.Accept, also.ID) {
			return Correct // the second of two related answers
		}
		return Wrong
	case match.Clarify:
		return Clarified
	default:
		if t := o.Result.Topic; t != nil && slices.Contains(o.Accept, t.ID) {
			return Correct
		}
		return Escalated
	}
}

// ReadQueries reads a labelled query file: one case per line, the accepted
// intent ids (comma-separated, "-" for out of scope, "handoff" for a request
// for a person), a tab, and the question. Lines starting with "#" and blank
// lines are skipped.
func ReadQueries(r io.Reader, name string) ([]Case, error) {
	var cases []Case
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		label, query, ok := strings.Cut(line, "\t")
		query = strings.TrimSpace(query)
		if !ok || query == "" {
			return nil, fmt.Errorf("%s:%d: want \"intent ids<TAB>question\"", name, n)
		}
		c := Case{Query: query, Source: fmt.Sprintf("%s:%d", name, n)}
		switch label = strings.TrimSpace(label); label {
		case "-":
			c.Kind = OutOfScope
		case "handoff":
			c.Kind = Handoff
		default:
			c.Accept = strings.Split(label, ",")
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return cases, nil
}

// CheckIDs reports the accepted ids of cases that the catalogue lacks.
func CheckIDs(cases []Case, cat *catalogue.Catalogue) error {
	for _, c := range cases {
		for _, id := range c.Accept {
			if cat.Intent(id) == nil {
				return fmt.Errorf("%s: intent %q is not in the catalogue", c.Source, id)
			}
		}
	}
	return nil
}

// Run matches every case against the index.
func Run(x *match.Index, cases []Case) []Outcome {
	out := make([]Outcome, len(cases))
	for i, c := range cases {
		out[i] = Outcome{Case: c, Result: x.Match(c.Query)}
	}
	return out
}

// LeaveOneOut matches each example of each intent against an index built
// without that example: how well the catalogue answers a phrasing it has not
// seen. Examples of a handoff intent are expected to escalate.
//
// It measures twice. exampleOnly leaves out the example alone; strict also
// leaves out the keywords that only that example mentions, since a keyword
// copied from an example answers that example for it. Where the example
// mentions no keyword of its own, both are the same outcome, matched once.
// The indexes are built on every core; outcomes come back in catalogue order.
func LeaveOneOut(cat *catalogue.Catalogue) (exampleOnly, strict []Outcome, err error) {
	type job struct {
		intent int
		lang   catalogue.Lang
		j      int
	}
	var jobs []job
	for i, in := range cat.Intents {
		for _, lang := range catalogue.Langs {
			if n := len(in.Examples.In(lang)); n > 1 { // with one, nothing would be left to learn from
				for j := range n {
					jobs = append(jobs, job{i, lang, j})
				}
			}
		}
	}
	full := match.New(cat) // for Canonical, which only the settings shape
	exampleOnly = make([]Outcome, len(jobs))
	strict = make([]Outcome, len(jobs))
	errs := make([]error, len(jobs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(jobs) {
					return
				}
				exampleOnly[k], strict[k], errs[k] = leaveOut(full, jobs[k].intent, jobs[k].lang, jobs[k].j)
			}
		}()
	}
	wg.Wait()
	return exampleOnly, strict, errors.Join(errs...)
}

// leaveOut matches example j of intent i in lang against the catalogue of
// full without it, and (strict) also without the keywords that only the
// left-out example mentions (no other example or title of the intent does).
func leaveOut(full *match.Index, i int, lang catalogue.Lang, j int) (exampleOnly, strict Outcome, err error) {
	cat := full.Catalogue()
	in := cat.Intents[i]
	exs := in.Examples.In(lang)
	ex := exs[j]
	held := *in
	rest := slices.Delete(slices.Clone(exs), j, j+1)
	if lang == catalogue.English {
		held.Examples.EN = rest
	} else {
		held.Examples.JA = rest
	}
	cs := Case{Query: ex, Accept: []string{in.ID}, Source: in.ID + " (leave-one-out)"}
	switch {
	case in.Handoff:
		cs = Case{Query: ex, Kind: Handoff, Source: cs.Source}
	case in.IsOutOfScope():
		// Judged as an out-of-scope question: no FAQ intent may answer it.
		cs = Case{Query: ex, Kind: OutOfScope, Source: cs.Source}
	}
	matchWith := func(held catalogue.Intent) (Outcome, error) {
		intents := slices.Clone(cat.Intents)
		intents[i] = &held
		c, err := catalogue.New(intents, cat.Settings)
		if err != nil {
			return Outcome{}, fmt.Errorf("leave out %q of %s: %w", ex, in.ID, err)
		}
		return Outcome{Case: cs, Result: match.New(c).Match(ex)}, nil
	}
	if exampleOnly, err = matchWith(held); err != nil {
		return exampleOnly, exampleOnly, err
	}
	kws := keywordsBeyond(full, &held, ex)
	if len(kws) == len(held.Keywords) {
		return exampleOnly, exampleOnly, nil
	}
	held.Keywords = kws
	strict, err = matchWith(held)
	return exampleOnly, strict, err
}

// keywordsBeyond returns the keywords of in that the example ex does not
// mention, or that the intent's own examples or titles mention too.
func keywordsBeyond(x *match.Index, in *catalogue.Intent, ex string) []string {
	ce, texts := x.Canonical(ex), canonicalTexts(x, in)
	var kws []string
	for _, k := range in.Keywords {
		p := x.Canonical(k)
		if !match.ContainsPhrase(ce, p) || slices.ContainsFunc(texts, func(t string) bool { return match.ContainsPhrase(t, p) }) {
			kws = append(kws, k)
		}
	}
	return kws
}

// canonicalTexts returns the examples and titles of an intent in the form
// keywords are looked for in (see match.Index.Canonical).
func canonicalTexts(x *match.Index, in *catalogue.Intent) []string {
	var out []string
	for _, t := range append(in.Examples.All(), in.Title.JA, in.Title.EN) {
		out = append(out, x.Canonical(t))
	}
	return out
}

// Report summarises outcomes.
type Report struct {
	InScope   int // in-scope cases
	Correct   int // in-scope cases answered with an accepted intent
	Wrong     int // in-scope cases answered with another intent
	Clarified int // in-scope cases asked back
	Escalated int // in-scope cases escalated
	HandedOff int // in-scope cases heard as a request for a person
	RankedTop int // in-scope cases whose best candidate is accepted, whatever the decision
	Paired    int // of the correct ones, those answered with two related answers
	Reject    int // out-of-scope and handoff cases
	Rejected  int // of which escalated (handoff: heard as a request for a person)
	// OutOfScope counts the out-of-scope cases; NotAnswered those that no
	// FAQ intent answered (escalated, asked back, or small talk), and
	// OutEscalated those escalated.
	OutOfScope, NotAnswered, OutEscalated int
	// Handoffs counts the requests for a person; Heard those handed off.
	Handoffs, Heard int
	// Answered lists the out-of-scope cases that an FAQ intent answered.
	Answered   []Outcome
	Failures   []Outcome
	Confusions []Confusion
}

// Confusion counts answers given with one intent where another was wanted.
type Confusion struct {
	Want, Got string
	N         int
}

// Accuracy is the share of in-scope cases answered correctly.
func (r Report) Accuracy() float64 { return ratio(r.Correct, r.InScope) }

// TopRate is the share of in-scope cases whose best candidate is accepted:
// the accuracy the matcher would have if it answered every question.
func (r Report) TopRate() float64 { return ratio(r.RankedTop, r.InScope) }

// WrongRate is the share of in-scope cases answered with a wrong intent.
func (r Report) WrongRate() float64 { return ratio(r.Wrong, r.InScope) }

// Rejection is the share of out-of-scope and handoff cases escalated.
func (r Report) Rejection() float64 {
	if r.Reject == 0 {
		return 1
	}
	return ratio(r.Rejected, r.Reject)
}

// OutRejection is the share of out-of-scope cases that no FAQ intent
// answered; 1 when there are none.
func (r Report) OutRejection() float64 {
	if r.OutOfScope == 0 {
		return 1
	}
	return ratio(r.NotAnswered, r.OutOfScope)
}

// HandoffRecall is the share of requests for a person heard as such; 1
// when there are none.
func (r Report) HandoffRecall() float64 {
	if r.Handoffs == 0 {
		return 1
	}
	return ratio(r.Heard, r.Handoffs)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Summarize counts outcomes into a report.
func Summarize(outcomes []Outcome) Report {
	var r Report
	conf := map[[2]string]int{}
	for _, o := range outcomes {
		v := o.Verdict()
		switch o.Kind {
		case OutOfScope:
			r.OutOfScope++
			if v != Wrong {
				r.NotAnswered++
			} else {
				r.Answered = append(r.Answered, o)
			}
			if o.Result.Decision == match.Escalate {
				r.OutEscalated++
			}
		case Handoff:
			r.Handoffs++
			if v == Correct {
				r.Heard++
			}
		}
		if o.Kind != InScope {
			r.Reject++
			if v == Correct {
				r.Rejected++
			} else {
				r.Failures = append(r.Failures, o)
			}
			continue
		}
		r.InScope++
		if o.Result.Handoff {
			r.HandedOff++
		}
		if c := o.Result.Candidates; len(c) > 0 && slices.Contains(o.Accept, c[0].Intent.ID) {
			r.RankedTop++
		}
		switch v {
		case Correct:
			r.Correct++
			if o.Result.Also() != nil {
				r.Paired++
			}
		case Wrong:
			r.Wrong++
			conf[[2]string{strings.Join(o.Accept, ","), o.Result.Intent().ID}]++
		case Clarified:
			r.Clarified++
		case Escalated:
			r.Escalated++
		}
		if v != Correct {
			r.Failures = append(r.Failures, o)
		}
	}
	for k, n := range conf {
		r.Confusions = append(r.Confusions, Confusion{k[0], k[1], n})
	}
	sort.Slice(r.Confusions, func(i, j int) bool {
		a, b := r.Confusions[i], r.Confusions[j]
		if a.N != b.N {
			return a.N > b.N
		}
		return a.Want+a.Got < b.Want+b.Got
	})
	return r
}

// Meets reports which floors the report misses, as sentences; none when it
// meets them all.
func (r Report) Meets(f catalogue.Floors) []string {
	var miss []string
	if r.InScope > 0 && r.Accuracy() < f.MinAccuracy {
		miss = append(miss, fmt.Sprintf("accuracy %.1f%% is below the floor of %.1f%%", 100*r.Accuracy(), 100*f.MinAccuracy))
	}
	if r.WrongRate() > f.MaxWrong {
		miss = append(miss, fmt.Sprintf("wrong answers %.1f%% are above the ceiling of %.1f%%", 100*r.WrongRate(), 100*f.MaxWrong))
	}
	if r.OutRejection() < f.MinRejection {
		miss = append(miss, fmt.Sprintf("out-of-scope questions not answered %.1f%% is below the floor of %.1f%%", 100*r.OutRejection(), 100*f.MinRejection))
	}
	if r.HandoffRecall() < f.MinHandoff {
		miss = append(miss, fmt.Sprintf("requests for a person heard %.1f%% is below the floor of %.1f%%", 100*r.HandoffRecall(), 100*f.MinHandoff))
	}
	if r.HandedOff > f.MaxHandedOff {
		miss = append(miss, fmt.Sprintf("%d in-scope questions were handed to a person; at most %d may be", r.HandedOff, f.MaxHandedOff))
	}
	return miss
}

// Redecide applies other thresholds to outcomes already scored, which is how
// a threshold sweep avoids matching every case again.
func Redecide(outcomes []Outcome, t catalogue.Thresholds) []Outcome {
	out := make([]Outcome, len(outcomes))
	for i, o := range outcomes {
		o.Result.Apply(t)
		out[i] = o
	}
	return out
}

// SharedKeyword is a keyword of one intent that examples or titles of other
// intents mention too: it does not tell those intents apart, and its bonus
// can answer their questions with the wrong intent.
type SharedKeyword struct {
	Intent, Keyword string
	Others          []string // ids of the other intents, in catalogue order
}

// SharedKeywords finds the shared keywords of a catalogue, in catalogue order.
func SharedKeywords(x *match.Index) []SharedKeyword {
	cat := x.Catalogue()
	texts := make([][]string, len(cat.Intents))
	for i, in := range cat.Intents {
		texts[i] = canonicalTexts(x, in)
	}
	var out []SharedKeyword
	for i, in := range cat.Intents {
		for _, k := range in.Keywords {
			p := x.Canonical(k)
			var others []string
			for j, ts := range texts {
				if j != i && slices.ContainsFunc(ts, func(t string) bool { return match.ContainsPhrase(t, p) }) {
					others = append(others, cat.Intents[j].ID)
				}
			}
			if len(others) > 0 {
				out = append(out, SharedKeyword{in.ID, k, others})
			}
		}
	}
	return out
}
