package main

import (
	"context"
	"fmt"
	"github.com/oumail-alumni/madoguchi/internal/figures"
	"strings"
	"sync"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/review"
	"github.com/oumail-alumni/madoguchi/internal/slack"
)

// How far back the Home tab looks for unanswered groups, and how many of
// the latest questions it groups: review.Review grows faster than the
// questions (BenchmarkHomeFigures: 2.1 s for a week of 2,000 questions,
// 0.2 s for the latest 600), and every opening of the tab asks for it.
const (
	homeWeek    = 7 * 24 * time.Hour
	homeGrouped = 600
)

// homeFresh is how long the figures are reused: opening the tab again
// within it costs nothing.
const homeFresh = 2 * time.Minute

// homeFigures gives the staff's Slack Home tab its figures from the record.
type homeFigures struct {
	db *record.DB
	b  *bot.Bot
	// reviewURL is the console's review page ("" without a console).
	reviewURL string

	mu   sync.Mutex // held while the figures are computed: one at a time
	last slack.Home
	at   time.Time
}

var _ slack.HomeSource = (*homeFigures)(nil)

// newHomeFigures reads the Home tab's figures from db; the console's
// review is linked when the console is served.
func newHomeFigures(db *record.DB, b *bot.Bot, cc consoleConfig) *homeFigures {
	h := &homeFigures{db: db, b: b}
	if cc.addr != "" && cc.auth.URL != "" {
		h.reviewURL = strings.TrimSuffix(cc.auth.URL, "/") + "/review"
	}
	return h
}

// Home implements slack.HomeSource: today's figures since midnight in the
// office's time zone (UTC without a handoff block), and the largest
// groups among the week's latest homeGrouped questions that went wrong;
// computed at most once per homeFresh.
func (h *homeFigures) Home(ctx context.Context, now time.Time) (slack.Home, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.at.IsZero() && now.Sub(h.at) < homeFresh && !now.Before(h.at) {
		return h.last, nil
	}
	home, err := h.compute(ctx, now)
	if err != nil {
		return slack.Home{}, err
	}
	h.last, h.at = home, now
	return home, nil
}

// compute reads the figures from the record.
func (h *homeFigures) compute(ctx context.Context, now time.Time) (slack.Home, error) {
	loc := h.b.Index().Catalogue().Settings.Handoff.Location
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, loc)
	es, err := h.db.Entries(ctx, now.Add(-homeWeek))
	if err != nil {
		return slack.Home{}, fmt.Errorf("home figures: %w", err)
	}
	var today []record.Entry
	for _, e := range es {
		if !e.Time.Before(midnight) {
			today = append(today, e)
		}
	}
	s := review.Summarize(today, midnight)
	home := slack.Home{Questions: s.Questions, Answered: s.Answered, Escalated: s.Escalated, ReviewURL: h.reviewURL}
	// Self-resolution is judged a day after the answer: the week's rate.
	ts, err := h.db.Tickets(ctx, now.Add(-homeWeek))
	if err != nil {
		return slack.Home{}, fmt.Errorf("home figures: %w", err)
	}
	if f := figures.Compute(es, ts, now.Add(-homeWeek), now); f.Judged > 0 {
		home.SelfResolved = &f.SelfResolutionRate
	}
	for _, c := range review.Review(h.b.Index(), es[max(0, len(es)-homeGrouped):]) {
		ex := ""
		if len(c.Examples) > 0 {
			ex = c.Examples[0]
		}
		home.Groups = append(home.Groups, slack.HomeGroup{Count: c.Count, Example: ex})
	}
	return home, nil
}
