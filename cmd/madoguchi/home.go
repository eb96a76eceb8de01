package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/review"
	"github.com/oumail-alumni/madoguchi/internal/slack"
)

// homeWeek is how far back the Home tab looks for unanswered groups.
const homeWeek = 7 * 24 * time.Hour

// homeFigures gives the staff's Slack Home tab its figures from the record.
type homeFigures struct {
	db *record.DB
	b  *bot.Bot
	// reviewURL is the console's review page ("" without a console).
	reviewURL string
}

var _ slack.HomeSource = homeFigures{}

// newHomeFigures reads the Home tab's figures from db; the console's
// review is linked when the console is served.
func newHomeFigures(db *record.DB, b *bot.Bot, cc consoleConfig) homeFigures {
	h := homeFigures{db: db, b: b}
	if cc.addr != "" && cc.auth.URL != "" {
		h.reviewURL = strings.TrimSuffix(cc.auth.URL, "/") + "/review"
	}
	return h
}

// Home implements slack.HomeSource: today's figures since midnight in the
// office's time zone (UTC without a handoff block), and the week's
// largest groups of questions that went wrong.
func (h homeFigures) Home(ctx context.Context, now time.Time) (slack.Home, error) {
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
	// SelfResolved stays nil until review.Stats measures the
	// self-resolution rate; set it from there.
	home := slack.Home{Questions: s.Questions, Answered: s.Answered, Escalated: s.Escalated, ReviewURL: h.reviewURL}
	for _, c := range review.Review(h.b.Index(), es) {
		ex := ""
		if len(c.Examples) > 0 {
			ex = c.Examples[0]
		}
		home.Groups = append(home.Groups, slack.HomeGroup{Count: c.Count, Example: ex})
	}
	return home, nil
}
