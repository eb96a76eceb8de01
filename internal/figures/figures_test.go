package figures

import (
	"math"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// entry is a recorded question (or a choice, when kind says so).
func entry(user string, at time.Duration, d match.Decision, feedback int, handoff bool) record.Entry {
	e := record.Entry{Question: bot.Question{User: user, Time: t0.Add(at), Kind: bot.KindQuestion, Decision: d}, Feedback: feedback, Handoff: handoff}
	if d == match.Answer {
		e.Intent = "login-how"
	}
	return e
}

func choice(e record.Entry) record.Entry {
	e.Kind = bot.KindChoice
	return e
}

const day = 24 * time.Hour

// known is a record whose figures are worked out by hand: each entry says
// what becomes of it.
func known() ([]record.Entry, []record.Ticket, time.Time) {
	now := t0.Add(10 * day)
	es := []record.Entry{
		entry("u1", 0, match.Answer, +1, false),                      // Q1 confirmed
		entry("u2", time.Hour, match.Answer, 0, false),               // Q2 asked again 2 h later: unresolved
		entry("u3", 2*time.Hour, match.Answer, 0, false),             // Q4 assumed
		entry("u2", 3*time.Hour, match.Escalate, 0, false),           // Q3 escalated
		entry("u4", day, match.Clarify, 0, false),                    // Q5 asked back…
		choice(entry("u4", day+time.Minute, match.Answer, 0, false)), // …and answered by the pick: assumed
		entry("u5", day, match.Answer, -1, false),                    // Q6 not solved
		entry("u5", day+2*time.Minute, match.Escalate, 0, true),      // Q7 handed to staff
		entry("u7", 2*day, match.Answer, +1, true),                   // Q9 "solved", then staff: unresolved
		entry("u8", 2*day, match.Answer, 0, false),                   // Q10 next question a day later: assumed
		entry("u8", 3*day+time.Hour, match.Answer, 0, false),         // Q11 assumed
		entry("u6", 10*day-time.Hour, match.Answer, 0, false),        // Q8 an hour old: pending
	}
	ts := []record.Ticket{
		{ID: "t1", Opened: t0, FirstReply: t0.Add(5 * time.Minute), Rating: 3, Levels: 3},
		{ID: "t2", Opened: t0, FirstReply: t0.Add(15 * time.Minute), Rating: 2, Levels: 3},
		{ID: "t3", Opened: t0, FirstReply: t0.Add(time.Hour), Rating: 5, Levels: 5},
		{ID: "t4", Opened: t0, Rating: 4, Levels: 5},
		{ID: "before", Rating: 1, Levels: 5}, // opened before the period, rated in it
	}
	return es, ts, now
}

func TestCompute(t *testing.T) {
	es, ts, now := known()
	f := Compute(es, ts, t0, now)
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"answer_rate", f.AnswerRate, 8.0 / 11},
		{"asked_back_rate", f.AskedBackRate, 1.0 / 11},
		{"escalation_rate", f.EscalationRate, 2.0 / 11},
		{"handoff_rate", f.HandoffRate, 2.0 / 11},
		{"self_resolution_rate", f.SelfResolutionRate, 5.0 / 10},
		{"confirmed", f.Confirmed, 1.0 / 10},
		{"assumed", f.Assumed, 4.0 / 10},
		{"helpful_share", f.HelpfulShare, 2.0 / 3},
		{"first_reply_median_seconds", f.FirstReplyMedian, 900},
		{"handoffs_per_day", f.HandoffsPerDay, 0.2},
		{"csat", f.CSAT, 3.0 / 5},
		{"judged", float64(f.Judged), 10},
		{"pending", float64(f.Pending), 1},
		{"ratings", float64(f.Ratings), 5},
		{"replied", float64(f.Replied), 3},
	} {
		if math.Abs(tc.got-tc.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	want := []Day{
		{Day: "2026-11-01", Questions: 4, AnswerRate: 0.75, SelfResolutionRate: 0.5},
		{Day: "2026-11-02", Questions: 3, AnswerRate: 1.0 / 3, SelfResolutionRate: 1.0 / 3, Handoffs: 1},
		{Day: "2026-11-03", Questions: 2, AnswerRate: 1, SelfResolutionRate: 0.5, Handoffs: 1},
		{Day: "2026-11-04", Questions: 1, AnswerRate: 1, SelfResolutionRate: 1},
		{Day: "2026-11-10", Questions: 1, AnswerRate: 1, SelfResolutionRate: 0},
	}
	if len(f.Trend) != len(want) {
		t.Fatalf("trend %+v, want %+v", f.Trend, want)
	}
	for i, w := range want {
		g := f.Trend[i]
		if g.Day != w.Day || g.Questions != w.Questions || g.Handoffs != w.Handoffs ||
			math.Abs(g.AnswerRate-w.AnswerRate) > 1e-9 || math.Abs(g.SelfResolutionRate-w.SelfResolutionRate) > 1e-9 {
			t.Errorf("trend day %d = %+v, want %+v", i, g, w)
		}
	}
}

// TestPendingBecomesAssumed checks that an answer with no verdict waits
// for Quiet to pass, then counts, and that a further question within
// Quiet makes it unresolved instead.
func TestPendingBecomesAssumed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		later  time.Duration // the user's next question, 0: none
		judged time.Duration // judged this long after the answer
		want   verdict
	}{
		{"an hour later, quiet", 0, time.Hour, pending},
		{"a day later, quiet", 0, Quiet, assumed},
		{"asked again within the day", 23 * time.Hour, 2 * day, unresolved},
		{"asked again after the day", 25 * time.Hour, 2 * day, assumed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			es := []record.Entry{entry("u", 0, match.Answer, 0, false)}
			if tc.later > 0 {
				es = append(es, entry("u", tc.later, match.Escalate, 0, false))
			}
			if got := episodes(es)[0].verdict(t0.Add(tc.judged)); got != tc.want {
				t.Errorf("got verdict %d, want %d", got, tc.want)
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	f := Compute(nil, nil, t0, t0)
	if f.AnswerRate != 0 || f.SelfResolutionRate != 0 || f.CSAT != 0 || f.HandoffsPerDay != 0 || len(f.Trend) != 0 {
		t.Errorf("got %+v for an empty record, want zeros", f)
	}
}
