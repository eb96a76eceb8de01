package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// The feedback buttons end to end: the real SDK clients against the fake
// LINE and Slack APIs, and the record in a real SQLite file.

const (
	officeURL = "https://www.osaka-u.ac.jp/ja/campus/alumni/support/oumail/"
	sorryJA   = "お役に立てず申し訳ありません。卒業生係にお問い合わせください。"
)

// recordingTo is a serve config tuning that records into the SQLite file
// db.
func recordingTo(db string) func(*Config) {
	return func(cfg *Config) { cfg.record = recordConfig{path: &db, on: true} }
}

// recorded reads what the record holds: the entries, and the rows of the
// feedback table (to see that a click is stored once, not merely shown
// once).
func recorded(t *testing.T, db string) ([]record.Entry, int) {
	t.Helper()
	ctx := context.Background()
	rdb, err := record.Open(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	es, err := rdb.Entries(ctx, time.Now().Add(-time.Hour))
	rdb.Close()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRowContext(ctx, "SELECT count(*) FROM feedback").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return es, n
}

// forge alters the token in feedback data: its signature no longer
// matches.
func forge(t *testing.T, data string) string {
	t.Helper()
	token, good, ok := bot.ParseFeedbackData(data)
	if !ok {
		t.Fatalf("%q is not feedback data", data)
	}
	parts := strings.Split(token, ".")
	parts[0] = "AAAAAAAAAAAAAAAA" // another question's id, same signature
	return bot.FeedbackData(strings.Join(parts, "."), good)
}

func postback(id, token, user, data string, redelivery bool) map[string]any {
	return map[string]any{
		"type": "postback", "mode": "active", "timestamp": 1700000000000, "webhookEventId": id,
		"deliveryContext": map[string]any{"isRedelivery": redelivery}, "replyToken": token,
		"source": map[string]any{"type": "user", "userId": user}, "postback": map[string]any{"data": data},
	}
}

// TestLINEFeedback: an answer carries 👍/👎 first among its quick
// replies; 👎 apologises with the office contact and is recorded once,
// however often LINE redelivers it; forged tokens and another user's
// click change nothing and get no reply.
func TestLINEFeedback(t *testing.T) {
	db := filepath.Join(t.TempDir(), "record.db")
	l := newLineApp(t, recordingTo(db))
	const asker = "U0123456789abcdef0123456789abcdef" // textEvent's user
	l.post(t, webhookBody(textEvent("e1", "rt1", "パスワードを忘れました")))
	msg := path(l.fake.Next(t).Body, "messages", 0)
	items, _ := path(msg, "quickReply", "items").([]any)
	if len(items) != 4 {
		t.Fatalf("quick replies %v, want 👍, 👎 and the 2 related questions", items)
	}
	for i, want := range []string{"解決しました", "解決しない"} {
		if got := path(items[i], "action", "label"); got != want || path(items[i], "type") != "action" || path(items[i], "action", "type") != "postback" {
			t.Errorf("quick reply %d = %v, want the %s postback", i, items[i], want)
		}
	}
	if got := path(items[2], "action", "data"); got != "intent=account-id-password&lang=ja" {
		t.Errorf("third quick reply's data %v, want the first related question", got)
	}
	bad := path(items[1], "action", "data").(string)

	// Changes nothing, no reply: a forged token, another user's click.
	l.post(t, webhookBody(postback("e2", "rt2", asker, forge(t, bad), false)))
	l.post(t, webhookBody(postback("e3", "rt3", "U9999999999abcdef0123456789abcdef", bad, false)))
	// 👎, delivered, then redelivered by LINE.
	l.post(t, webhookBody(postback("e4", "rt4", asker, bad, false)))
	c := l.fake.Next(t)
	if path(c.Body, "replyToken") != "rt4" {
		t.Fatalf("reply to %v, want the 👎 click's rt4 (the forged and foreign clicks are not answered)", path(c.Body, "replyToken"))
	}
	sorry := path(c.Body, "messages", 0)
	if alt, _ := path(sorry, "altText").(string); !strings.HasPrefix(alt, sorryJA) {
		t.Errorf("👎 reply %.80q, want the apology", alt)
	}
	footer, _ := path(sorry, "contents", "footer", "contents").([]any)
	if len(footer) == 0 || path(footer[len(footer)-1], "action", "uri") != officeURL {
		t.Errorf("👎 reply's buttons %v, want the office contact", footer)
	}
	l.post(t, webhookBody(postback("e4", "rt4", asker, bad, true)))
	l.finish(t) // every event handled, the record written and closed

	if n := l.fake.Count(replyPath); n != 2 {
		t.Errorf("%d replies sent, want 2 (the answer and one apology)", n)
	}
	es, rows := recorded(t, db)
	if len(es) != 1 || es[0].Feedback != -1 {
		t.Fatalf("recorded %+v, want the question with 👎", es)
	}
	if rows != 1 {
		t.Errorf("%d feedback rows, want 1", rows)
	}
}

// TestLINEChoiceRecorded: a quick reply picked is recorded as a choice,
// and its answer offers feedback too.
func TestLINEChoiceRecorded(t *testing.T) {
	db := filepath.Join(t.TempDir(), "record.db")
	l := newLineApp(t, recordingTo(db))
	l.post(t, webhookBody(postback("e1", "rt1", "U1", "intent=forward-change&lang=ja", false)))
	items, _ := path(l.fake.Next(t).Body, "messages", 0, "quickReply", "items").([]any)
	if len(items) < 2 || path(items[0], "action", "label") != "解決しました" {
		t.Errorf("quick replies %v, want 👍 first", items)
	}
	l.finish(t)
	es, _ := recorded(t, db)
	if len(es) != 1 || es[0].Kind != bot.KindChoice || es[0].Intent != "forward-change" {
		t.Errorf("recorded %+v, want the choice of forward-change", es)
	}
}

// slackClick is a signed block_actions payload, as Slack posts it to the
// interactivity endpoint.
func (s *slackApp) click(t *testing.T, user, channel, msgTS, actionID, value, actionTS string) int {
	t.Helper()
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user}, "channel": map[string]any{"id": channel},
		"trigger_id": "trig-" + actionTS,
		"container":  map[string]any{"type": "message", "message_ts": msgTS, "channel_id": channel},
		"message":    map[string]any{"ts": msgTS},
		"actions":    []any{map[string]any{"action_id": actionID, "block_id": "feedback", "type": "button", "value": value, "action_ts": actionTS}},
	})
	res, _ := s.post(t, "/slack/interactive", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(payload)}}.Encode()), nil)
	return res.StatusCode
}

// feedbackValues returns the values of the 👍 and 👎 buttons in a
// posted message's blocks.
func feedbackValues(t *testing.T, blocks string) (good, bad string) {
	t.Helper()
	var bl []any
	if err := json.Unmarshal([]byte(blocks), &bl); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	for i, b := range bl {
		if path(b, "block_id") != "feedback" {
			continue
		}
		if i != len(bl)-2 || path(bl[i+1], "block_id") != "staff" {
			t.Errorf("the feedback block is block %d of %d, want just before the staff line", i, len(bl))
		}
		if path(b, "elements", 0, "text", "text") != "解決しました" || path(b, "elements", 1, "text", "text") != "解決しない" {
			t.Fatalf("feedback block %v", b)
		}
		good, _ = path(b, "elements", 0, "value").(string)
		bad, _ = path(b, "elements", 1, "value").(string)
		return good, bad
	}
	t.Fatalf("no feedback block in %s", blocks)
	return "", ""
}

// TestSlackFeedback: an answer in a direct message comes in the
// conversation (not a thread) with 👍/👎; 👎 apologises with the office
// contact, in the conversation, and is recorded once though Slack sends
// the click twice; a forged token or another user's click changes
// nothing.
func TestSlackFeedback(t *testing.T) {
	db := filepath.Join(t.TempDir(), "record.db")
	s := newSlackApp(t, "", recordingTo(db))
	s.event(t, "Ev1", map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
		"text": "パスワードを忘れました", "ts": "1700000000.000100", "event_ts": "1700000000.000100"}, nil)
	p := s.fake.Next(t)
	if p.Get("channel") != "D1" || p.Get("thread_ts") != "" {
		t.Errorf("direct message answered in %s thread %q, want D1 itself", p.Get("channel"), p.Get("thread_ts"))
	}
	_, bad := feedbackValues(t, p.Get("blocks"))
	const answerTS = "1700000000.000200" // the fake's ts of every post

	for _, st := range []int{
		s.click(t, "U1", "D1", answerTS, "feedback-bad", forge(t, bad), "1700000001.000001"),
		s.click(t, "U2", "D1", answerTS, "feedback-bad", bad, "1700000002.000001"),
		s.click(t, "U1", "D1", answerTS, "feedback-bad", bad, "1700000003.000001"),
		s.click(t, "U1", "D1", answerTS, "feedback-bad", bad, "1700000003.000001"), // the same click again
	} {
		if st != 200 {
			t.Errorf("interactive status %d, want 200", st)
		}
	}
	p = s.fake.Next(t)
	if p.Get("channel") != "D1" || p.Get("thread_ts") != "" || !strings.HasPrefix(p.Get("text"), sorryJA) {
		t.Errorf("👎 answered in %s thread %q with %.60q, want the apology in D1 itself", p.Get("channel"), p.Get("thread_ts"), p.Get("text"))
	}
	if !strings.Contains(p.Get("blocks"), officeURL) {
		t.Errorf("👎 reply without the office contact: %s", p.Get("blocks"))
	}
	s.finish(t)
	if n := s.fake.Count(); n != 2 {
		t.Errorf("%d posts, want 2 (the answer and one apology)", n)
	}
	es, rows := recorded(t, db)
	if len(es) != 1 || es[0].Feedback != -1 || es[0].Platform != "slack" {
		t.Fatalf("recorded %+v, want the question with 👎", es)
	}
	if rows != 1 {
		t.Errorf("%d feedback rows, want 1", rows)
	}
}
