package figures

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/review"
)

// How far back the Home tab looks for unanswered groups, and how many of
// the latest questions it groups: review.Review grows faster than the
// questions (BenchmarkHomeFigures: 2.1 s for a week of 2,000 questions,
// 0.2 s for the latest 600), and every opening of the tab asks for it.
const (
	homeWeek    = 7 * 24 * time.Hour
	homeGrouped = 600
)

// HomeFresh is how long the Home figures are reused: opening the tab
// again within it costs nothing.
const HomeFresh = 2 * time.Minute

// Home is what the staff's Home tab shows besides the open handoffs
// (internal/slack renders it as its slack.Home).
type Home struct {
	// Questions, Answered and Escalated count today's questions (since
	// midnight in the office's time zone).
	Questions, Answered, Escalated int
	// SelfResolved is the last week's self-resolution rate (自己解決率:
	// an answer is judged a day later); nil shows it as not measured.
	SelfResolved *float64
	// Groups are the largest groups of questions that went wrong lately,
	// largest first.
	Groups []HomeGroup
	// ReviewURL is the console's review page; "" leaves the link out.
	ReviewURL string
}

// HomeGroup is one group of questions that went wrong.
type HomeGroup struct {
	Count   int
	Example string
}

// HomeFigures reads the Home tab's figures from the record, at most once
// per HomeFresh.
type HomeFigures struct {
	src   Source
	index func() *match.Index // the catalogue in use (its office time zone)
	// reviewURL is the console's review page ("" without a console).
	reviewURL string

	mu   sync.Mutex // held while the figures are computed: one at a time
	last Home
	at   time.Time
}

// NewHomeFigures reads the Home tab's figures from src, grouping with the
// catalogue index returns; reviewURL ("" for none) is linked.
func NewHomeFigures(src Source, index func() *match.Index, reviewURL string) *HomeFigures {
	return &HomeFigures{src: src, index: index, reviewURL: reviewURL}
}

// Home returns today's figures since midnight in the office's time zone
// (UTC without a handoff block), and the largest groups among the week's
// latest homeGrouped questions that went wrong; computed at most once per
// HomeFresh.
func (h *HomeFigures) Home(ctx context.Context, now time.Time) (Home, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.at.IsZero() && now.Sub(h.at) < HomeFresh && !now.Before(h.at) {
		return h.last, nil
	}
	home, err := h.compute(ctx, now)
	if err != nil {
		return Home{}, err
	}
	h.last, h.at = home, now
	return home, nil
}

// compute reads the figures from the record.
func (h *HomeFigures) compute(ctx context.Context, now time.Time) (Home, error) {
	x := h.index()
	loc := x.Catalogue().Settings.Handoff.Location
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, loc)
	es, err := h.src.Entries(ctx, now.Add(-homeWeek))
	if err != nil {
		return Home{}, fmt.Errorf("home figures: %w", err)
	}
	var today []record.Entry
	for _, e := range es {
		if !e.Time.Before(midnight) {
			today = append(today, e)
		}
	}
	s := review.Summarize(today, midnight)
	home := Home{Questions: s.Questions, Answered: s.Answered, Escalated: s.Escalated, ReviewURL: h.reviewURL}
	// Self-resolution is judged a day after the answer: the week's rate.
	ts, err := h.src.Tickets(ctx, now.Add(-homeWeek))
	if err != nil {
		return Home{}, fmt.Errorf("home figures: %w", err)
	}
	if f := Compute(es, ts, now.Add(-homeWeek), now); f.Judged > 0 {
		home.SelfResolved = &f.SelfResolutionRate
	}
	for _, c := range review.Review(x, es[max(0, len(es)-homeGrouped):]) {
		ex := ""
		if len(c.Examples) > 0 {
			ex = c.Examples[0]
		}
		home.Groups = append(home.Groups, HomeGroup{Count: c.Count, Example: ex})
	}
	return home, nil
}
