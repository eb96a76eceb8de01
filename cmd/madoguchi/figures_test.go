package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// TestStatsJSONFigures writes a record whose figures are worked out by
// hand and checks each of them in `stats --json`, beside the record's
// counts.
func TestStatsJSONFigures(t *testing.T) {
	db := filepath.Join(t.TempDir(), "record.db")
	ctx := context.Background()
	rdb, err := record.Open(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	rec := record.New(slog.New(slog.NewTextHandler(io.Discard, nil)), rdb, record.Options{})
	now := time.Now().Truncate(time.Millisecond)
	day := 24 * time.Hour
	q := func(id, user string, ago time.Duration, d match.Decision) {
		intent := ""
		if d == match.Answer {
			intent = "login-how"
		}
		rec.Record(bot.Question{ID: id, Time: now.Add(-ago), Platform: "line", User: user, Kind: bot.KindQuestion, Decision: d, Intent: intent})
	}
	// Ten days: four questions answered, one asked back, one escalated.
	q("q1", "line:a", 10*day, match.Answer) // "solved": confirmed
	rec.Feedback("q1", true, now.Add(-10*day+time.Minute))
	q("q2", "line:b", 9*day, match.Answer) // quiet since: assumed
	q("q3", "line:c", 8*day, match.Answer) // "not solved", then staff
	rec.Feedback("q3", false, now.Add(-8*day+time.Minute))
	rec.Handoff("line:c", now.Add(-8*day+2*time.Minute))
	q("q4", "line:d", 7*day, match.Clarify)            // asked back, nothing picked
	q("q5", "line:e", 6*day, match.Escalate)           // escalated
	q("q6", "line:f", 5*day, match.Answer)             // asked again an hour later
	q("q7", "line:f", 5*day-time.Hour, match.Escalate) // …escalated
	rec.TicketOpened("t1", now.Add(-8*day))
	rec.TicketReplied("t1", now.Add(-8*day), now.Add(-8*day+20*time.Minute))
	rec.Rated("t1", 2, 3, now.Add(-7*day))
	rec.TicketOpened("t2", now.Add(-4*day))
	rec.TicketReplied("t2", now.Add(-4*day), now.Add(-4*day+40*time.Minute))
	rec.Rated("t2", 5, 5, now.Add(-3*day))
	if err := rec.Close(ctx); err != nil {
		t.Fatal(err)
	}
	rdb.Close()

	var out, errb bytes.Buffer
	if err := run(ctx, []string{"stats", "--db", db, "--since", "30d", "--json"}, func(string) string { return "" }, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, errb.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("stats --json printed %s: %v", out.String(), err)
	}
	for _, tc := range []struct {
		name string
		want float64
	}{
		{"questions", 7}, // the record's counts are still there
		{"answered", 4},
		{"answer_rate", 4.0 / 7},
		{"asked_back_rate", 1.0 / 7},
		{"escalation_rate", 2.0 / 7},
		{"handoff_rate", 1.0 / 7},
		{"self_resolution_rate", 2.0 / 7},
		{"confirmed", 1.0 / 7},
		{"assumed", 1.0 / 7},
		{"helpful_share", 0.5},
		{"first_reply_median_seconds", 30 * 60},
		{"handoffs_per_day", 1.0 / 30},
		{"csat", 0.5},
		{"ratings", 2},
	} {
		v, ok := got[tc.name].(float64)
		if !ok || math.Abs(v-tc.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", tc.name, got[tc.name], tc.want)
		}
	}
	if trend, _ := got["trend"].([]any); len(trend) != 6 {
		t.Errorf("trend has %d days, want 6: %v", len(trend), got["trend"])
	}

	out.Reset()
	if err := run(ctx, []string{"stats", "--db", db, "--since", "30d"}, func(string) string { return "" }, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"self-resolution 28.6%: confirmed 14.3% (1), assumed 14.3% (1), of 7 questions judged",
		"median time to the first staff reply 30m0s (2 conversations)", "satisfied after a handoff (csat): 50.0% of 2 ratings"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stats lacks %q:\n%s", want, out.String())
		}
	}
}

// TestHandoffRatingAfterClose: once staff replied and closed the ticket,
// LINE gets one push that tells the user and asks for a rating with
// quick replies; a tap is thanked and recorded once, with no staff member
// in the record.
func TestHandoffRatingAfterClose(t *testing.T) {
	db := filepath.Join(t.TempDir(), "record.db")
	r := newHandoffRig(t, 1, "", monday10, recordingTo(db))
	ticket := r.open(t, 0)
	id, thread := ticketOf(t, ticket), "1700000001.000001"
	r.slks[0].event(t, "EvS1", staffEvent(thread, "1700000100.000100", "ご案内します"), nil)
	if push := r.line.Next(t); push.Path != pushPath {
		t.Fatalf("staff reply went to %s, want a push", push.Path)
	}
	r.slack.NextReaction(t)
	r.click(t, handoff.ActionClose, id, thread, "1700000200.000001")
	push := r.line.Next(t)
	msg := lastMessage(push)
	txt, _ := path(msg, "text").(string)
	if push.Path != pushPath || !strings.HasPrefix(txt, "スタッフが会話を終了しました") || !strings.Contains(txt, "今回のスタッフの対応はいかがでしたか") {
		t.Errorf("close pushed %s %q, want the closing text and the rating question in one push", push.Path, txt)
	}
	items, _ := path(msg, "quickReply", "items").([]any)
	var labels []string
	for _, it := range items {
		labels = append(labels, path(it, "action", "label").(string))
	}
	if strings.Join(labels, ",") != "満足,ふつう,不満" {
		t.Fatalf("rating quick replies %q, want 満足, ふつう, 不満", labels)
	}
	data := quickData(msg)
	if want := handoff.PostbackRate + id + ":2/3|ja"; data[1] != want {
		t.Errorf("ふつう carries %q, want %q", data[1], want)
	}
	c := r.user(t, 0, postbackEvent("h-rate", data[1]))
	if txt, _ := path(lastMessage(c), "text").(string); c.Path != replyPath || !strings.HasPrefix(txt, "ご回答ありがとうございました") {
		t.Errorf("rating answered %s %q, want the thanks", c.Path, txt)
	}
	r.user(t, 0, postbackEvent("h-rate2", data[0])) // the first tap counts
	r.slks[0].finish(t)

	ctx := context.Background()
	rdb, err := record.Open(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	ts, err := rdb.Tickets(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].ID != id || ts[0].Rating != 2 || ts[0].Levels != 3 || ts[0].FirstReply.IsZero() {
		t.Errorf("recorded tickets %+v, want %s rated 2/3 with its first reply", ts, id)
	}
}

// TestHandoffRatingOff: with the satisfaction question turned off in the
// settings (and reloaded), closing pushes the closing text alone.
func TestHandoffRatingOff(t *testing.T) {
	dir := testkit.CopyIntents(t, os.DirFS(intentsDir))
	settings := filepath.Join(dir, "_settings.yaml")
	b, err := os.ReadFile(settings)
	if err != nil {
		t.Fatal(err)
	}
	off := strings.Replace(string(b), "    ask: true\n    levels: 3\n", "    ask: false\n    levels: 3\n", 1)
	if off == string(b) {
		t.Fatal("the shipped settings have no satisfaction block to turn off")
	}
	if err := os.WriteFile(settings, []byte(off), 0o644); err != nil {
		t.Fatal(err)
	}
	r := newHandoffRig(t, 1, "", monday10, func(cfg *Config) { cfg.intents = dir })
	// The office changed the setting: serve reloads it.
	if st := r.apps[0].reloader.Reload(); !st.OK {
		t.Fatalf("reload: %+v", st)
	}
	ticket := r.open(t, 0)
	id, thread := ticketOf(t, ticket), "1700000001.000001"
	r.slks[0].event(t, "EvS1", staffEvent(thread, "1700000100.000100", "ご案内します"), nil)
	r.line.Next(t)
	r.slack.NextReaction(t)
	r.click(t, handoff.ActionClose, id, thread, "1700000200.000001")
	push := r.line.Next(t)
	if txt, _ := path(lastMessage(push), "text").(string); strings.Contains(txt, "いかがでしたか") || quickData(lastMessage(push)) != nil {
		t.Errorf("close pushed %q with %v, want no rating", txt, quickData(lastMessage(push)))
	}
}

// TestServeFigureGauges: serve with a record refreshes the figures'
// gauges from it in the background.
func TestServeFigureGauges(t *testing.T) {
	db := filepath.Join(t.TempDir(), "record.db")
	l := newLineApp(t, recordingTo(db))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, run := range l.Main.background {
		go run(ctx)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		families, err := l.Main.Registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]float64{}
		for _, f := range families {
			for _, m := range f.GetMetric() {
				found[f.GetName()] = m.GetGauge().GetValue()
			}
		}
		_, rates := found["madoguchi_resolution_rate"]
		_, self := found["madoguchi_self_resolution_rate"]
		if found["madoguchi_figures_updated_timestamp_seconds"] > 0 && rates && self {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the figures' gauges were not refreshed within 10s: %v", found)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
