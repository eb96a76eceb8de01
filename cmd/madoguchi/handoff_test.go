package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/slack"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

const (
	pushPath    = "/v2/bot/message/push"
	deskChannel = "CDESK"
	testUser    = "U0123456789abcdef0123456789abcdef" // textEvent's user
)

// handoffRig is serve with LINE, Slack and the handoff, n replicas of it
// sharing fake LINE and Slack APIs (and Redis when given).
type handoffRig struct {
	line  *testkit.LINE
	slack *testkit.Slack
	lines []*lineApp
	slks  []*slackApp
	apps  []*Main
}

// monday10 is 10:00 on a Monday in Tokyo, within the shipped office hours.
var monday10 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("JST", 9*3600))

func newHandoffRig(t *testing.T, n int, redisURL string, now time.Time, tune ...func(*Config)) *handoffRig {
	t.Helper()
	r := &handoffRig{line: testkit.NewLINE(t), slack: testkit.NewSlack(t)}
	r.slack.SetTS(func(n int) string { return fmt.Sprintf("1700000001.%06d", n) })
	r.slack.SetMembers("USTAFF") // the staff channel's members: USTAFF answers in these tests
	clock := testkit.NewClock(now)
	for range n {
		cfg := Config{intents: intentsDir, workers: 4, queue: 64, redisURL: redisURL,
			line: &line.Config{ChannelSecret: secret.Secret(testChannelSecret), ChannelToken: secret.Secret("test-channel-token"),
				Endpoint: r.line.URL, RetryBase: time.Millisecond},
			slack:   &slack.Config{SigningSecret: secret.Secret(testSigningSecret), BotToken: secret.Secret("xoxb-test"), APIURL: r.slack.URL + "/"},
			handoff: handoffConfig{channel: deskChannel, now: clock.Now},
		}
		for _, f := range tune {
			f(&cfg)
		}
		a := testApp(t, slog.New(slog.NewJSONHandler(io.Discard, nil)), cfg)
		web := httptest.NewServer(a.handler)
		t.Cleanup(web.Close)
		r.apps = append(r.apps, a)
		r.lines = append(r.lines, &lineApp{Main: a, fake: r.line, web: web})
		r.slks = append(r.slks, &slackApp{Main: a, fake: r.slack, web: web})
	}
	return r
}

// user sends LINE events to replica i and returns the next call LINE got.
func (r *handoffRig) user(t *testing.T, i int, ev map[string]any) testkit.LINECall {
	t.Helper()
	if res := r.lines[i].post(t, webhookBody(ev)); res.StatusCode != 200 {
		t.Fatalf("webhook status %d", res.StatusCode)
	}
	return r.line.Next(t)
}

func postbackEvent(id, data string) map[string]any {
	return map[string]any{
		"type": "postback", "mode": "active", "timestamp": 1700000000000,
		"webhookEventId": id, "deliveryContext": map[string]any{"isRedelivery": false},
		"replyToken": "rt-" + id,
		"source":     map[string]any{"type": "user", "userId": testUser},
		"postback":   map[string]any{"data": data},
	}
}

func stickerEvent(id string) map[string]any {
	ev := textEvent(id, "rt-"+id, "")
	ev["message"] = map[string]any{"type": "sticker", "id": "m" + id, "packageId": "1", "stickerId": "1", "stickerResourceType": "STATIC", "quoteToken": "q"}
	return ev
}

// staffEvent is a staff member's reply in a ticket thread, as Slack sends
// it with message.channels.
func staffEvent(thread, ts, text string) map[string]any {
	return map[string]any{"type": "message", "channel": deskChannel, "channel_type": "channel", "user": "USTAFF",
		"text": text, "ts": ts, "thread_ts": thread, "event_ts": ts}
}

// quickData lists the postback data of a message's quick replies.
func quickData(msg any) []string {
	var out []string
	items, _ := path(msg, "quickReply", "items").([]any)
	for _, it := range items {
		if d, ok := path(it, "action", "data").(string); ok {
			out = append(out, d)
		}
	}
	return out
}

func lastMessage(c testkit.LINECall) any {
	msgs, _ := c.Body["messages"].([]any)
	if len(msgs) == 0 {
		return nil
	}
	return msgs[len(msgs)-1]
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ticketOf reads the ticket id from a ticket's Take button.
func ticketOf(t *testing.T, post url.Values) string {
	t.Helper()
	var blocks []any
	if err := json.Unmarshal([]byte(post.Get("blocks")), &blocks); err != nil {
		t.Fatalf("ticket blocks: %v", err)
	}
	for _, b := range blocks {
		els, _ := path(b, "elements").([]any)
		for _, el := range els {
			if path(el, "action_id") == handoff.ActionTake {
				return path(el, "value").(string)
			}
		}
	}
	t.Fatalf("no Take button on the ticket: %s", post.Get("blocks"))
	return ""
}

// open takes a user from "I want a person" to an open ticket on replica i
// and returns the ticket's post.
func (r *handoffRig) open(t *testing.T, i int) url.Values {
	t.Helper()
	c := r.user(t, i, textEvent("h-ask", "rt-ask", "担当者と話したい"))
	if !has(quickData(lastMessage(c)), handoff.PostbackConsent+"|ja") {
		t.Fatalf("escalation offers %v, want the staff offer %q", quickData(lastMessage(c)), handoff.PostbackConsent+"|ja")
	}
	c = r.user(t, i, postbackEvent("h-consent", handoff.PostbackConsent+"|ja"))
	if txt, _ := path(lastMessage(c), "text").(string); !strings.Contains(txt, "パスワードや本人確認書類は決してお送りにならないでください") {
		t.Errorf("consent text = %.80q", txt)
	}
	if q := quickData(lastMessage(c)); !has(q, handoff.PostbackStart+"|ja") || !has(q, handoff.PostbackCancel+"|ja") {
		t.Errorf("consent buttons %v, want start and cancel", q)
	}
	c = r.user(t, i, postbackEvent("h-start", handoff.PostbackStart+"|ja"))
	if txt, _ := path(lastMessage(c), "text").(string); !strings.HasPrefix(txt, "卒業生係のスタッフにおつなぎしました") {
		t.Errorf("start answered %.80q", txt)
	}
	ticket := r.slack.Next(t)
	if ticket.Get("channel") != deskChannel || ticket.Get("thread_ts") != "" {
		t.Fatalf("ticket posted to %s thread %q, want a new message in %s", ticket.Get("channel"), ticket.Get("thread_ts"), deskChannel)
	}
	return ticket
}

func TestHandoffRoundTrip(t *testing.T) {
	r := newHandoffRig(t, 1, "", monday10)
	ticket := r.open(t, 0)
	blocks := ticket.Get("blocks")
	for _, want := range []string{"担当者と話したい", handoff.ActionClose} {
		if !strings.Contains(blocks, want) {
			t.Errorf("ticket lacks %q: %.600s", want, blocks)
		}
	}
	if strings.Contains(blocks, testUser) || strings.Contains(ticket.Get("text"), testUser) {
		t.Errorf("ticket shows the raw LINE user id")
	}
	if strings.Contains(blocks, "受付時間外") {
		t.Errorf("ticket opened in office hours is marked out of hours")
	}
	id := ticketOf(t, ticket)
	thread := "1700000001.000001" // the fake's first ts

	// The user's messages go to the thread, not to the bot.
	c := r.user(t, 0, textEvent("h-u1", "rt-u1", "パスワードを忘れました"))
	post := r.slack.Next(t)
	if post.Get("thread_ts") != thread || post.Get("text") != "💬 パスワードを忘れました" {
		t.Errorf("user message posted to thread %q as %q", post.Get("thread_ts"), post.Get("text"))
	}
	if c.Path != replyPath || !strings.HasPrefix(path(lastMessage(c), "text").(string), "スタッフにお伝えしました") {
		t.Errorf("user message answered %s %v, want the receipt", c.Path, lastMessage(c))
	}
	c = r.user(t, 0, stickerEvent("h-u2"))
	if post := r.slack.Next(t); !strings.Contains(post.Get("text"), "sticker") || post.Get("thread_ts") != thread {
		t.Errorf("sticker noted as %q in %q", post.Get("text"), post.Get("thread_ts"))
	}
	if txt, _ := path(lastMessage(c), "text").(string); !strings.HasPrefix(txt, "スタンプや画像は") {
		t.Errorf("sticker answered %q", txt)
	}

	// /madoguchi handoffs lists it.
	form := url.Values{"command": {"/madoguchi"}, "text": {"handoffs"}, "user_id": {"USTAFF"}, "channel_id": {deskChannel}, "team_id": {"T1"}}
	if _, body := r.slks[0].post(t, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), nil); !strings.Contains(body, "Open handoffs: 1") {
		t.Errorf("/madoguchi handoffs = %.300s", body)
	}

	// A staff reply is pushed once: Slack retries the event, and the
	// message also mentions the bot (a second event, same ts).
	before := r.slack.Count()
	staff := staffEvent(thread, "1700000100.000100", "担当の *山田* です。<https://example.com|こちら> をご覧ください <@U0BOT>")
	r.slks[0].event(t, "EvS1", staff, nil)
	push := r.line.Next(t)
	if push.Path != pushPath || path(push.Body, "to") != testUser {
		t.Fatalf("staff reply went to %s %v, want a push to the user", push.Path, path(push.Body, "to"))
	}
	if got, want := path(push.Body, "messages", 0, "text"), "担当の 山田 です。こちら https://example.com をご覧ください"; got != want {
		t.Errorf("pushed %q, want %q", got, want)
	}
	if push.Header.Get("X-Line-Retry-Key") == "" {
		t.Errorf("push without X-Line-Retry-Key")
	}
	if re := r.slack.NextReaction(t); re.Get("name") != handoff.ReactDelivered || re.Get("timestamp") != "1700000100.000100" {
		t.Errorf("reaction %q on %q, want ✅ on the staff message", re.Get("name"), re.Get("timestamp"))
	}
	r.slks[0].event(t, "EvS1", staff, map[string]string{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
	mentionEv := map[string]any{"type": "app_mention", "channel": deskChannel, "user": "USTAFF", "text": "<@U0BOT> " + staff["text"].(string),
		"ts": staff["ts"], "thread_ts": thread, "event_ts": staff["ts"]}
	r.slks[0].event(t, "EvS1m", mentionEv, nil)
	r.slks[0].event(t, "EvS1b", staffEvent(thread, "1700000100.000100", staff["text"].(string)), nil)
	// An internal note and the bot's own post stay at the desk.
	r.slks[0].event(t, "EvNote", staffEvent(thread, "1700000100.000200", "// 本人確認はメールで"), nil)
	own := staffEvent(thread, "1700000100.000300", "bot note")
	own["bot_id"] = "B1"
	r.slks[0].event(t, "EvOwn", own, nil)
	time.Sleep(200 * time.Millisecond) // room for a duplicate to show up
	if n := r.line.Count(pushPath); n != 1 {
		t.Errorf("%d pushes after a retried, mentioned, redelivered staff message, a note and a bot post; want 1", n)
	}
	if n := r.slack.Count() - before; n != 0 {
		t.Errorf("the bot posted %d messages in the ticket thread, want 0 (staff messages are never questions)", n)
	}

	// Staff close the ticket with its button.
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "USTAFF"}, "channel": map[string]any{"id": deskChannel},
		"container": map[string]any{"type": "message", "message_ts": thread, "channel_id": deskChannel},
		"message":   map[string]any{"ts": thread},
		"actions":   []any{map[string]any{"action_id": handoff.ActionClose, "block_id": "madoguchi_handoff_actions", "type": "button", "value": id, "action_ts": "1700000200.000001"}},
	})
	r2 := &slackApp{web: r.slks[0].web}
	if res, _ := r2.post(t, "/slack/interactive", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(payload)}}.Encode()), nil); res.StatusCode != 200 {
		t.Fatalf("interactive status %d", res.StatusCode)
	}
	push = r.line.Next(t)
	if txt, _ := path(push.Body, "messages", 0, "text").(string); push.Path != pushPath || !strings.HasPrefix(txt, "スタッフが会話を終了しました") {
		t.Errorf("close told the user %s %q", push.Path, txt)
	}
	if note := r.slack.Next(t); !strings.Contains(note.Get("text"), "Closed by <@USTAFF>") {
		t.Errorf("close note %q", note.Get("text"))
	}
	updates := r.slack.Calls("chat.update")
	updated := len(updates) > 0 && strings.Contains(updates[len(updates)-1].Get("text"), "closed by <@USTAFF>")
	if !updated {
		t.Errorf("the ticket was not updated to closed")
	}

	// The bot answers again.
	c = r.user(t, 0, textEvent("h-after", "rt-after", "パスワードを忘れました"))
	if c.Path != replyPath || path(lastMessage(c), "type") != "flex" {
		t.Errorf("after the close, answered %s %v; want the bot's card", c.Path, path(lastMessage(c), "type"))
	}
	// A late staff message is not pushed, and staff are told why.
	r.slks[0].event(t, "EvLate", staffEvent(thread, "1700000300.000100", "もう一つ"), nil)
	if re := r.slack.NextReaction(t); re.Get("name") != handoff.ReactFailed {
		t.Errorf("late message reacted %q, want ⚠️", re.Get("name"))
	}
	r.slks[0].finish(t)
	if n := r.line.Count(pushPath); n != 2 {
		t.Errorf("%d pushes, want 2 (the staff reply and the close)", n)
	}
}

func TestHandoffUserEnds(t *testing.T) {
	r := newHandoffRig(t, 1, "", monday10)
	r.open(t, 0)
	c := r.user(t, 0, textEvent("h-end", "rt-end", "終了"))
	if txt, _ := path(lastMessage(c), "text").(string); !strings.HasPrefix(txt, "スタッフとの会話を終了しました") {
		t.Errorf("end word answered %q", txt)
	}
	if note := r.slack.Next(t); !strings.Contains(note.Get("text"), "The user ended the conversation") {
		t.Errorf("desk note %q", note.Get("text"))
	}
	c = r.user(t, 0, textEvent("h-after", "rt-after", "I forgot my password"))
	if path(lastMessage(c), "type") != "flex" {
		t.Errorf("after the end, the bot did not answer: %v", lastMessage(c))
	}
	// Cancel at the consent opens nothing.
	c = r.user(t, 0, postbackEvent("h-cancel", handoff.PostbackCancel+"|en"))
	if txt, _ := path(lastMessage(c), "text").(string); !strings.HasPrefix(txt, "All right, I will not pass") {
		t.Errorf("cancel answered %q", txt)
	}
}

func TestHandoffOutOfHours(t *testing.T) {
	sunday := time.Date(2026, 11, 22, 10, 0, 0, 0, time.FixedZone("JST", 9*3600))
	r := newHandoffRig(t, 1, "", sunday)
	r.user(t, 0, textEvent("h-ask", "rt-ask", "talk to a person please"))
	r.user(t, 0, postbackEvent("h-consent", handoff.PostbackConsent+"|en"))
	c := r.user(t, 0, postbackEvent("h-start", handoff.PostbackStart+"|en"))
	txt, _ := path(lastMessage(c), "text").(string)
	// Sunday 10:00 in Tokyo: the office opens on Monday at 09:00.
	if want := "The office is closed now; staff will answer from Mon 23 Nov 09:00."; !strings.Contains(txt, want) {
		t.Errorf("out-of-hours start answered %q, want it to contain %q", txt, want)
	}
	if ticket := r.slack.Next(t); !strings.Contains(ticket.Get("blocks"), "受付時間外に届きました") {
		t.Errorf("ticket not marked out of hours: %.400s", ticket.Get("blocks"))
	}
}

func TestHandoffBlockedUser(t *testing.T) {
	r := newHandoffRig(t, 1, "", monday10)
	r.open(t, 0)
	r.line.Answer(pushPath, http.StatusForbidden)
	r.slks[0].event(t, "EvB1", staffEvent("1700000001.000001", "1700000100.000100", "お返事です"), nil)
	if re := r.slack.NextReaction(t); re.Get("name") != handoff.ReactFailed {
		t.Errorf("undeliverable reply reacted %q, want ⚠️", re.Get("name"))
	}
	if note := r.slack.Next(t); !strings.Contains(note.Get("text"), "Not delivered to the user") || note.Get("thread_ts") != "1700000001.000001" {
		t.Errorf("thread note %q in %q", note.Get("text"), note.Get("thread_ts"))
	}
	r.slks[0].finish(t)
	if n := r.line.Count(pushPath); n != 1 {
		t.Errorf("%d push attempts for a 403, want 1 (a refusal is not retried)", n)
	}
}

// TestHandoffNonMemberReply: a reply in a ticket thread from someone who
// is not in the staff channel reaches no one; staff see ⚠️ and why.
func TestHandoffNonMemberReply(t *testing.T) {
	r := newHandoffRig(t, 1, "", monday10)
	r.open(t, 0)
	thread := "1700000001.000001"
	ev := staffEvent(thread, "1700000100.000100", "I am not on the staff")
	ev["user"] = "UOUTSIDER"
	r.slks[0].event(t, "EvOut", ev, nil)
	if re := r.slack.NextReaction(t); re.Get("name") != handoff.ReactFailed || re.Get("timestamp") != "1700000100.000100" {
		t.Errorf("outsider's reply reacted %q on %q, want ⚠️ on it", re.Get("name"), re.Get("timestamp"))
	}
	if note := r.slack.Next(t); !strings.Contains(note.Get("text"), "Only members of this channel") || note.Get("thread_ts") != thread {
		t.Errorf("thread note %q in %q", note.Get("text"), note.Get("thread_ts"))
	}
	r.slks[0].finish(t)
	if n := r.line.Count(pushPath); n != 0 {
		t.Errorf("%d pushes for an outsider's reply, want 0", n)
	}
}

// TestHandoffTicketSpam: alternating start and end postbacks, which once
// opened 15 tickets in 3 s, open a ticket only after the consent text,
// and at most tickets_per_hour (3 shipped); beyond, a polite refusal.
func TestHandoffTicketSpam(t *testing.T) {
	r := newHandoffRig(t, 1, "", monday10)
	var last string
	for i := range 15 {
		c := r.user(t, 0, postbackEvent(fmt.Sprintf("spam-s%d", i), handoff.PostbackStart+"|ja"))
		last, _ = path(lastMessage(c), "text").(string)
		r.user(t, 0, postbackEvent(fmt.Sprintf("spam-e%d", i), handoff.PostbackEnd+"|ja"))
	}
	r.slks[0].finish(t)
	tickets := 0
	for _, p := range r.slack.Calls("chat.postMessage") {
		if p.Get("channel") == deskChannel && p.Get("thread_ts") == "" {
			tickets++
		}
	}
	if tickets != 3 {
		t.Errorf("%d tickets from 15 starts, want 3", tickets)
	}
	if !strings.HasPrefix(last, "申し訳ございません。スタッフへのおつなぎは") {
		t.Errorf("the 15th start answered %.80q, want the polite refusal", last)
	}
}

func TestHandoffDeskCheckStopsServe(t *testing.T) {
	fake := testkit.NewSlack(t)
	fake.SetMember(false)
	lf := testkit.NewLINE(t)
	cfg := Config{intents: intentsDir, workers: 1, queue: 8,
		line:    &line.Config{ChannelSecret: secret.Secret(testChannelSecret), ChannelToken: secret.Secret("t"), Endpoint: lf.URL},
		slack:   &slack.Config{SigningSecret: secret.Secret(testSigningSecret), BotToken: secret.Secret("xoxb-test"), APIURL: fake.URL + "/"},
		handoff: handoffConfig{channel: deskChannel},
	}
	cat, err := catalogue.Load(intentsDir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := openMain(slog.New(slog.NewJSONHandler(io.Discard, nil)), bot.New(match.New(cat)), prometheus.NewRegistry(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = a.creds.Verify(t.Context(), func(error) {})
	if err == nil || !strings.Contains(err.Error(), "/invite @madoguchi") {
		t.Errorf("start with the bot outside the channel: %v, want the sentence saying how to invite it", err)
	}
}

// TestHandoffReplicas: two replicas share one Redis; a staff message
// delivered to both (the same event, and a second event for the same
// message) is pushed once, and a user's message reaches the thread
// whichever replica takes it.
func TestHandoffReplicas(t *testing.T) {
	srv := redistest.Start(t)
	r := newHandoffRig(t, 2, srv.URL(), monday10)
	r.open(t, 0)
	thread := "1700000001.000001"
	r.user(t, 1, textEvent("h-u1", "rt-u1", "replica one here"))
	if post := r.slack.Next(t); post.Get("thread_ts") != thread || post.Get("text") != "💬 replica one here" {
		t.Errorf("user message via replica 1 posted to %q as %q", post.Get("thread_ts"), post.Get("text"))
	}
	for i, ts := range []string{"1700000100.000100", "1700000100.000200", "1700000100.000300"} {
		var wg sync.WaitGroup
		for k, s := range r.slks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := fmt.Sprintf("EvR%d", i)
				if i > 0 {
					id = fmt.Sprintf("EvR%d-%d", i, k) // another event for the same message
				}
				s.event(t, id, staffEvent(thread, ts, fmt.Sprintf("reply %d", i)), nil)
			}()
		}
		wg.Wait()
	}
	for range 3 {
		r.slack.NextReaction(t)
	}
	for _, s := range r.slks {
		s.finish(t)
	}
	if n := r.line.Count(pushPath); n != 3 {
		t.Errorf("%d pushes for 3 staff messages delivered to both replicas, want 3", n)
	}
}

// click presses a ticket button as a staff member.
func (r *handoffRig) click(t *testing.T, action, value, thread, actionTS string) {
	t.Helper()
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "USTAFF"}, "channel": map[string]any{"id": deskChannel},
		"trigger_id": "trig-" + actionTS, // Slack gives every click its own
		"container":  map[string]any{"type": "message", "message_ts": thread, "channel_id": deskChannel},
		"message":    map[string]any{"ts": thread},
		"actions":    []any{map[string]any{"action_id": action, "block_id": "b", "type": "button", "value": value, "action_ts": actionTS}},
	})
	if res, _ := r.slks[0].post(t, "/slack/interactive", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(payload)}}.Encode()), nil); res.StatusCode != 200 {
		t.Fatalf("interactive status %d", res.StatusCode)
	}
}

func TestHandoffTakeAndSendAnswer(t *testing.T) {
	r := newHandoffRig(t, 1, "", monday10)
	if c := r.user(t, 0, textEvent("h-q", "rt-q", "パスワードを忘れました")); path(lastMessage(c), "type") != "flex" {
		t.Fatalf("the question was not answered: %v", lastMessage(c))
	}
	ticket := r.open(t, 0)
	id, thread := ticketOf(t, ticket), "1700000001.000001"
	blocks := ticket.Get("blocks")
	if !strings.Contains(blocks, "パスワードを忘れました") || !strings.Contains(blocks, `"value":"`+id+` forgot-id-password"`) {
		t.Fatalf("ticket lacks the earlier question or its guess: %.900s", blocks)
	}
	r.click(t, handoff.ActionTake, id, thread, "1700000200.000001")
	deadline := time.Now().Add(5 * time.Second)
	for {
		updates := r.slack.Calls("chat.update")
		taken := len(updates) > 0 && strings.Contains(updates[len(updates)-1].Get("text"), "taken by <@USTAFF>")
		if taken {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the ticket was not updated to taken within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.click(t, handoff.ActionSend, id+" forgot-id-password", thread, "1700000200.000002")
	push := r.line.Next(t)
	if txt, _ := path(push.Body, "messages", 0, "text").(string); push.Path != pushPath || !strings.HasPrefix(txt, "ID・パスワードを忘れた\nIDやパスワードを忘れた場合は") {
		t.Errorf("sent answer: %s %.120q", push.Path, txt)
	}
	if note := r.slack.Next(t); !strings.Contains(note.Get("text"), `<@USTAFF> sent the answer "forgot-id-password"`) {
		t.Errorf("thread note %q", note.Get("text"))
	}
	r.slks[0].finish(t)
	if n := r.line.Count(pushPath); n != 1 {
		t.Errorf("%d pushes, want 1", n)
	}
}

func TestHandoffStaffFileAndBroadcast(t *testing.T) {
	r := newHandoffRig(t, 1, "", monday10)
	r.open(t, 0)
	thread := "1700000001.000001"
	file := staffEvent(thread, "1700000100.000100", "手順書です")
	file["subtype"] = "file_share"
	r.slks[0].event(t, "EvF", file, nil)
	if push := r.line.Next(t); path(push.Body, "messages", 0, "text") != "手順書です" {
		t.Errorf("file message pushed %v, want its text", path(push.Body, "messages", 0, "text"))
	}
	if note := r.slack.Next(t); !strings.Contains(note.Get("text"), "Attached files are not sent") || note.Get("thread_ts") != thread {
		t.Errorf("file note %q in %q", note.Get("text"), note.Get("thread_ts"))
	}
	wide := staffEvent(thread, "1700000100.000200", "全員に共有します")
	wide["subtype"] = "thread_broadcast"
	r.slks[0].event(t, "EvW", wide, nil)
	if push := r.line.Next(t); path(push.Body, "messages", 0, "text") != "全員に共有します" {
		t.Errorf("broadcast reply pushed %v", path(push.Body, "messages", 0, "text"))
	}
	r.slks[0].finish(t)
}

func TestHandoffDeskDown(t *testing.T) {
	r := newHandoffRig(t, 1, "", monday10)
	r.user(t, 0, textEvent("h-ask", "rt-ask", "担当者と話したい"))
	r.user(t, 0, postbackEvent("h-consent", handoff.PostbackConsent+"|ja"))
	r.slack.Answer("chat.postMessage", slackError("not_in_channel"))
	c := r.user(t, 0, postbackEvent("h-start", handoff.PostbackStart+"|ja"))
	if alt, _ := path(lastMessage(c), "altText").(string); !strings.HasPrefix(alt, "担当者へのお問い合わせですね。大阪大学 卒業生係へご連絡ください。") {
		t.Errorf("a start the desk refused answered %q, want the office's contact", alt)
	}
	// Nothing was opened: the next message goes to the bot.
	r.slack.Answer("chat.postMessage", nil)
	if c := r.user(t, 0, textEvent("h-q", "rt-q", "パスワードを忘れました")); path(lastMessage(c), "type") != "flex" {
		t.Errorf("after a failed start the bot did not answer: %v", lastMessage(c))
	}
	r.slks[0].finish(t)
}

func TestServeHandoffChannelNeedsBothPlatforms(t *testing.T) {
	env := map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "t", "SLACK_HANDOFF_CHANNEL": deskChannel}
	err := run(t.Context(), []string{"serve", "--intents", intentsDir, "--addr", "127.0.0.1:0", "--ops-addr", "127.0.0.1:0"},
		func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "SLACK_HANDOFF_CHANNEL is set, but the staff handoff needs both LINE") {
		t.Errorf("serve with SLACK_HANDOFF_CHANNEL and LINE only: %v, want the sentence naming what is missing", err)
	}
}

// TestHandoffAfterThumbsDown: a 👎 on an answer offers the staff; the
// ticket shows the question and the answer's intent as a guess, and the
// record marks the question as handed to staff.
func TestHandoffAfterThumbsDown(t *testing.T) {
	db := filepath.Join(t.TempDir(), "record.db")
	r := newHandoffRig(t, 1, "", monday10, recordingTo(db))
	items := quickData(lastMessage(r.user(t, 0, textEvent("h-q", "rt-q", "パスワードを忘れました"))))
	if len(items) < 2 {
		t.Fatalf("answer's quick replies %v, want 👍 and 👎 first", items)
	}
	c := r.user(t, 0, postbackEvent("h-bad", items[1]))
	if got := quickData(lastMessage(c)); len(got) == 0 || got[0] != handoff.PostbackConsent+"|ja" {
		t.Fatalf("👎 reply offers %v, want the staff first", got)
	}
	r.user(t, 0, postbackEvent("h-consent", handoff.PostbackConsent+"|ja"))
	r.user(t, 0, postbackEvent("h-start", handoff.PostbackStart+"|ja"))
	ticket := r.slack.Next(t)
	if b := ticket.Get("blocks"); !strings.Contains(b, "パスワードを忘れました") || !strings.Contains(b, " forgot-id-password\"") {
		t.Errorf("ticket lacks the question or its answer as a guess: %.600s", b)
	}
	r.slks[0].finish(t) // the record is written
	es, _ := recorded(t, db)
	var handed []string
	for _, e := range es {
		if e.Handoff {
			handed = append(handed, e.Text)
		}
	}
	if len(handed) != 1 || handed[0] != "パスワードを忘れました" {
		t.Errorf("questions marked as handed to staff: %q, want the one asked", handed)
	}
}

// TestHandoffInactivityClose: a conversation nobody writes in for the
// settings' inactivity (24 h) is closed by the sweeper serve runs: the
// user is told by push, staff by a note and the updated ticket, and the
// bot answers the user again.
func TestHandoffInactivityClose(t *testing.T) {
	clock := testkit.NewClock(monday10)
	r := newHandoffRig(t, 1, "", monday10, func(cfg *Config) {
		cfg.handoff.now, cfg.handoff.sweepEvery = clock.Now, 10*time.Millisecond
	})
	r.open(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, run := range r.apps[0].background {
		go run(ctx)
	}
	// Quiet for less than the timeout: nothing is closed.
	clock.Add(23 * time.Hour)
	time.Sleep(100 * time.Millisecond)
	if n := r.line.Count(pushPath); n != 0 {
		t.Fatalf("%d pushes after 23 quiet hours, want none", n)
	}
	updates := len(r.slack.Calls("chat.update"))

	clock.Add(2 * time.Hour)
	push := r.line.Next(t)
	if txt, _ := path(push.Body, "messages", 0, "text").(string); push.Path != pushPath || !strings.HasPrefix(txt, "しばらくやり取りがなかったため") {
		t.Errorf("inactivity told the user %s %q", push.Path, txt)
	}
	if note := r.slack.Next(t); !strings.Contains(note.Get("text"), "Closed after inactivity") {
		t.Errorf("inactivity note %q", note.Get("text"))
	}
	if len(r.slack.Calls("chat.update")) == updates {
		t.Errorf("the ticket was not updated when closed after inactivity")
	}
	c := r.user(t, 0, textEvent("h-after", "rt-after", "パスワードを忘れました"))
	if c.Path != replyPath || path(lastMessage(c), "type") != "flex" {
		t.Errorf("after the inactivity close, answered %s %v; want the bot's card", c.Path, path(lastMessage(c), "type"))
	}
}
