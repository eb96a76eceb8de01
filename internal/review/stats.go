// Package review turns the record of questions into what admins need to
// improve the intents: figures (Stats), and the questions that went wrong
// grouped by need with a numbered suggestion for each question (Review).
// The admin chooses which to apply (Choose); Plan measures a change on a
// copy of the intents (the recorded questions answered differently, the
// leave-one-out test, the query sets) and refuses one that makes the
// catalogue worse; Change.Write writes it without disturbing the files'
// comments.
package review

import (
	"sort"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// Stats are the figures of a period.
type Stats struct {
	Since time.Time `json:"since"`
	// Questions counts questions (not picked choices).
	Questions int `json:"questions"`
	// Days lists the questions per day and platform, oldest first.
	Days []DayCount `json:"days"`
	// Answered, Clarified and Escalated split Questions by decision;
	// AskedForPerson counts the escalations that asked for a person.
	Answered       int `json:"answered"`
	Clarified      int `json:"clarified"`
	Escalated      int `json:"escalated"`
	AskedForPerson int `json:"asked_for_person"`
	// Choices counts choices picked from a clarifying question or the
	// related questions.
	Choices int `json:"choices"`
	// Helpful and NotHelpful count the feedback clicks.
	Helpful    int `json:"helpful"`
	NotHelpful int `json:"not_helpful"`
	// Handoffs counts questions handed to staff.
	Handoffs int `json:"handoffs"`
	// Intents are the answered intents, most answered first, with their
	// feedback; their counts add up to Answered.
	Intents []IntentCount `json:"intents"`
}

// DayCount is the number of questions on one day (UTC) on one platform.
type DayCount struct {
	Day      string `json:"day"`
	Platform string `json:"platform"`
	N        int    `json:"n"`
}

// IntentCount is how often an intent was given, and its feedback.
type IntentCount struct {
	Intent     string `json:"intent"`
	N          int    `json:"n"`
	Helpful    int    `json:"helpful"`
	NotHelpful int    `json:"not_helpful"`
}

// Rate returns n as a share of the questions (0 when there are none).
func (s Stats) Rate(n int) float64 {
	if s.Questions == 0 {
		return 0
	}
	return float64(n) / float64(s.Questions)
}

// Summarize computes the figures of the entries.
func Summarize(entries []record.Entry, since time.Time) Stats {
	s := Stats{Since: since}
	days := map[DayCount]int{}
	intents := map[string]*IntentCount{}
	for _, e := range entries {
		switch e.Feedback {
		case 1:
			s.Helpful++
		case -1:
			s.NotHelpful++
		}
		if e.Handoff {
			s.Handoffs++
		}
		if e.Kind == bot.KindChoice {
			s.Choices++
			continue
		}
		s.Questions++
		days[DayCount{Day: e.Time.UTC().Format(time.DateOnly), Platform: e.Platform}]++
		switch e.Decision {
		case match.Answer:
			// The intent table splits Answered: a choice picked later is
			// counted in Choices, not as a second answer.
			s.Answered++
			ic := intents[e.Intent]
			if ic == nil {
				ic = &IntentCount{Intent: e.Intent}
				intents[e.Intent] = ic
			}
			ic.N++
			switch e.Feedback {
			case 1:
				ic.Helpful++
			case -1:
				ic.NotHelpful++
			}
		case match.Clarify:
			s.Clarified++
		default:
			s.Escalated++
			if e.AskedForPerson {
				s.AskedForPerson++
			}
		}
	}
	for d, n := range days {
		d.N = n
		s.Days = append(s.Days, d)
	}
	sort.Slice(s.Days, func(i, j int) bool {
		a, b := s.Days[i], s.Days[j]
		return a.Day < b.Day || a.Day == b.Day && a.Platform < b.Platform
	})
	for _, ic := range intents {
		s.Intents = append(s.Intents, *ic)
	}
	sort.Slice(s.Intents, func(i, j int) bool {
		a, b := s.Intents[i], s.Intents[j]
		return a.N > b.N || a.N == b.N && a.Intent < b.Intent
	})
	return s
}
