// Package figures computes the office's resolution figures from the
// record: how many questions the bot answered, asked back about or
// escalated, how many it resolved without a person (confirmed by the
// user, or assumed when they neither said it did not help nor came back
// within a day), how often staff were needed, how fast they replied, and
// how satisfied users were after a person helped them. It reads what
// internal/record stores and does no I/O of its own, except Refresh,
// which keeps Prometheus gauges up to date from the record.
package figures

import (
	"math"
	"sort"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// Quiet is how long after an answer a user must stay quiet (no 👎 or
// "not solved", no further question, no handoff) for the answer to count
// as an assumed resolution, as Intercom counts it.
const Quiet = 24 * time.Hour

// Figures are the resolution figures of a period. Rates are shares from 0
// to 1; the JSON names do not repeat those of the record's counts
// (review.Stats), so that `stats --json` prints both side by side.
type Figures struct {
	// AnswerRate, AskedBackRate and EscalationRate are the shares of
	// questions answered, asked back about (a "did you mean…?") and
	// escalated; HandoffRate the share handed to staff.
	AnswerRate     float64 `json:"answer_rate"`
	AskedBackRate  float64 `json:"asked_back_rate"`
	EscalationRate float64 `json:"escalation_rate"`
	HandoffRate    float64 `json:"handoff_rate"`
	// SelfResolutionRate is Confirmed + Assumed: the share of the judged
	// questions resolved without a person. Confirmed: the user tapped
	// "solved" (and was not handed to staff); Assumed: answered, and
	// within Quiet no "not solved", no further question and no handoff.
	SelfResolutionRate float64 `json:"self_resolution_rate"`
	Confirmed          float64 `json:"confirmed"`
	Assumed            float64 `json:"assumed"`
	// Judged counts the questions the self-resolution rates are shares
	// of; Pending those left out because their answer is younger than
	// Quiet with no verdict yet. ConfirmedN and AssumedN are the counts.
	Judged     int `json:"self_resolution_judged"`
	Pending    int `json:"self_resolution_pending"`
	ConfirmedN int `json:"confirmed_n"`
	AssumedN   int `json:"assumed_n"`
	// HelpfulShare is the share of "solved" among the Rated answers.
	HelpfulShare float64 `json:"helpful_share"`
	Rated        int     `json:"rated_answers"`
	// FirstReplyMedian is the median time from a conversation with staff
	// opening to the first staff reply, in seconds, over Replied tickets
	// (0 when none).
	FirstReplyMedian float64 `json:"first_reply_median_seconds"`
	Replied          int     `json:"replied_tickets"`
	// HandoffsPerDay is the questions handed to staff per day of the
	// period.
	HandoffsPerDay float64 `json:"handoffs_per_day"`
	// CSAT is the share of satisfied ratings after a handoff (the top
	// level of three, the top two of five) among Ratings; no staff member
	// is named in it.
	CSAT    float64 `json:"csat"`
	Ratings int     `json:"ratings"`
	// Trend is the figures per day (UTC), oldest first.
	Trend []Day `json:"trend"`
}

// Day is one day's figures.
type Day struct {
	Day                string  `json:"day"`
	Questions          int     `json:"questions"`
	AnswerRate         float64 `json:"answer_rate"`
	SelfResolutionRate float64 `json:"self_resolution_rate"`
	Handoffs           int     `json:"handoffs"`
}

// verdict is what became of one question.
type verdict int

const (
	unresolved verdict = iota
	confirmed
	assumed
	pending
)

// Compute computes the figures of the entries and tickets read from the
// record since since, judged at now (answers younger than Quiet with no
// verdict are pending).
func Compute(entries []record.Entry, tickets []record.Ticket, since, now time.Time) Figures {
	var f Figures
	type dayCount struct{ questions, answered, judged, resolved, handoffs int }
	// Days are keyed by their number since 1970 (UTC): formatting a date
	// per entry would cost more than the rest.
	days := map[int64]*dayCount{}
	dayOf := func(t time.Time) *dayCount {
		k := t.Unix() / 86400 // the record holds no time before 1970
		d := days[k]
		if d == nil {
			d = &dayCount{}
			days[k] = d
		}
		return d
	}
	var questions, answered, clarified, escalated, handoffs, helpful, rated int
	for _, e := range entries {
		if e.Feedback != 0 {
			rated++
			if e.Feedback > 0 {
				helpful++
			}
		}
		if e.Handoff {
			handoffs++
			dayOf(e.Time).handoffs++
		}
		if e.Kind == bot.KindChoice {
			continue
		}
		questions++
		d := dayOf(e.Time)
		d.questions++
		switch e.Decision {
		case match.Answer:
			answered++
			d.answered++
		case match.Clarify:
			clarified++
		default:
			escalated++
		}
	}
	for _, ep := range episodes(entries) {
		v := ep.verdict(now)
		if v == pending {
			f.Pending++
			continue
		}
		f.Judged++
		d := dayOf(ep.first().Time)
		d.judged++
		switch v {
		case confirmed:
			f.ConfirmedN++
			d.resolved++
		case assumed:
			f.AssumedN++
			d.resolved++
		}
	}
	f.AnswerRate, f.AskedBackRate = share(answered, questions), share(clarified, questions)
	f.EscalationRate, f.HandoffRate = share(escalated, questions), share(handoffs, questions)
	f.Confirmed, f.Assumed = share(f.ConfirmedN, f.Judged), share(f.AssumedN, f.Judged)
	f.SelfResolutionRate = share(f.ConfirmedN+f.AssumedN, f.Judged)
	f.HelpfulShare, f.Rated = share(helpful, rated), rated
	f.HandoffsPerDay = float64(handoffs) / math.Max(1, math.Ceil(now.Sub(since).Hours()/24))

	var waits []float64
	satisfied := 0
	for _, t := range tickets {
		if !t.Opened.IsZero() && !t.FirstReply.IsZero() {
			waits = append(waits, t.FirstReply.Sub(t.Opened).Seconds())
		}
		if t.Rating > 0 && t.Levels > 0 {
			f.Ratings++
			if t.Rating*3 > t.Levels*2 {
				satisfied++
			}
		}
	}
	f.Replied, f.FirstReplyMedian = len(waits), median(waits)
	f.CSAT = share(satisfied, f.Ratings)

	for k, d := range days {
		f.Trend = append(f.Trend, Day{Day: time.Unix(k*86400, 0).UTC().Format(time.DateOnly), Questions: d.questions, AnswerRate: share(d.answered, d.questions),
			SelfResolutionRate: share(d.resolved, d.judged), Handoffs: d.handoffs})
	}
	sort.Slice(f.Trend, func(i, j int) bool { return f.Trend[i].Day < f.Trend[j].Day })
	return f
}

// episode is a question and the choices its user picked after it, before
// their next question: picking a "did you mean…?" button or a related
// question goes on the same need.
type episode struct {
	all []record.Entry
	// at are the indexes of the episode's entries in all.
	at []int
	// next is the user's next question, zero when there is none.
	next time.Time
}

func (ep *episode) first() *record.Entry { return &ep.all[ep.at[0]] }

// episodes groups the entries (oldest first, as Entries returns them) by
// user into episodes. Choices before a user's first question in the
// period belong to a question before it and are left out.
func episodes(entries []record.Entry) []*episode {
	var out []*episode
	open := map[string]*episode{}
	for i := range entries {
		e := &entries[i]
		cur := open[e.User]
		if e.Kind == bot.KindChoice {
			if cur != nil {
				cur.at = append(cur.at, i)
			}
			continue
		}
		if cur != nil {
			cur.next = e.Time
		}
		ep := &episode{all: entries, at: []int{i}}
		open[e.User] = ep
		out = append(out, ep)
	}
	return out
}

// verdict judges the episode at now. The last feedback given decides
// when there is one ("solved" confirms, "not solved" fails), unless the
// user was handed to staff; without feedback an answer is assumed to
// have resolved the need once Quiet passed with no further question
// (a handoff marks the user's latest question, so one within Quiet is in
// this episode or on a further question).
func (ep *episode) verdict(now time.Time) verdict {
	answered, feedback := false, 0
	for _, i := range ep.at {
		e := &ep.all[i]
		if e.Handoff {
			return unresolved
		}
		if e.Decision == match.Answer && e.Intent != "" {
			answered = true
		}
		if e.Feedback != 0 {
			feedback = e.Feedback
		}
	}
	last := ep.all[ep.at[len(ep.at)-1]].Time
	switch {
	case !answered || feedback < 0:
		return unresolved
	case feedback > 0:
		return confirmed
	case !ep.next.IsZero() && ep.next.Sub(last) < Quiet:
		return unresolved
	case now.Sub(last) < Quiet:
		return pending
	}
	return assumed
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// median returns the median of xs (0 for none); it sorts xs.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}
