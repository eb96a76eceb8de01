package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/slack"
)

// fuzzText builds a fuzzed message: unit repeated n times, up to 1 MiB. Long
// messages are written as a short unit and a count because the fuzzing
// engine stalls on seeds of tens of kilobytes.
func fuzzText(unit string, n uint16) string {
	if len(unit) == 0 || n <= 1 {
		return unit
	}
	return strings.Repeat(unit, min(int(n), (1<<20)/len(unit)))
}

// fuzzMessages are (unit, count) seeds: the messages that once crashed the
// bot or cost time that grew with their length, and ordinary ones.
var fuzzMessages = []struct {
	unit string
	n    uint16
}{
	{"あ", 1001},
	{"パスワード", 1000},
	{"password ", 300},
	{"パスワードを忘れました。", 417}, // 5,000 characters, LINE's limit
	{"I forgot my password, ログインできない 😀 ", 1100}, // 40,000 characters, Slack's limit
	{"ﾊﾟｽﾜｰﾄﾞ", 1000},
	{"pasword", 20000}, // one long word
	{"password\x00", 500},
	{"\xe3\x81", 3000},
	{"👨‍👩‍👧‍👦", 1000},
	{"パスワードを忘れました", 1},
	{"変更したい", 1},
	{"1", 1},
	{"担当者と話したい", 1},
	{"", 0},
}

// fuzzServer is serve's handler with the platform APIs pointed at api, and
// its metrics registry.
type fuzzServer struct {
	url string
	reg *prometheus.Registry
}

func newFuzzServer(tb testing.TB, cfg Config) fuzzServer {
	tb.Helper()
	cat, err := catalogue.Load(intentsDir)
	if err != nil {
		tb.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	cfg.intents, cfg.workers, cfg.queue = intentsDir, 2, 64
	a, err := openMain(slog.New(slog.NewJSONHandler(io.Discard, nil)), bot.New(match.New(cat)), reg, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	web := httptest.NewServer(a.handler)
	tb.Cleanup(web.Close)
	return fuzzServer{url: web.URL, reg: reg}
}

// panics returns madoguchi_panics_total.
func (s fuzzServer) panics(tb testing.TB) float64 {
	tb.Helper()
	mfs, err := s.reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "madoguchi_panics_total" {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	tb.Fatal("madoguchi_panics_total is not registered")
	return 0
}

func (s fuzzServer) post(tb testing.TB, path, contentType string, body []byte, header map[string]string) int {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.url+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// replies is a fake platform API's record of the replies it was sent, by
// the key that ties a reply to the event it answers (LINE's reply token,
// Slack's thread).
type replies chan [2]string

// record notes a reply, dropping it when nobody has drained the record
// for long (replies to raw bodies nobody waits for).
func (r replies) record(key, problem string) {
	select {
	case r <- [2]string{key, problem}:
	default:
	}
}

// drain forgets the replies recorded so far.
func (r replies) drain() {
	for {
		select {
		case <-r:
		default:
			return
		}
	}
}

// wait returns the reply to key, skipping replies to earlier events.
func (r replies) wait(tb testing.TB, key string) string {
	tb.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case got := <-r:
			if got[0] == key {
				return got[1]
			}
		case <-timeout:
			tb.Fatalf("no reply to %s within 20s", key)
			return ""
		}
	}
}

// FuzzLINEWebhook posts correctly signed LINE webhooks: a text message
// event whose text is fuzzed, or (raw) a fuzzed body. Every text message is
// answered once, with a reply within LINE's limits; no body makes the
// server fail or panic.
func FuzzLINEWebhook(f *testing.F) {
	got := make(replies, 1000)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			ReplyToken string            `json:"replyToken"`
			Messages   []json.RawMessage `json:"messages"`
		}
		raw, _ := io.ReadAll(r.Body)
		problem := ""
		if err := json.Unmarshal(raw, &body); err != nil {
			problem = "body is not JSON: " + err.Error()
		} else if len(body.Messages) == 0 || len(body.Messages) > 5 {
			problem = fmt.Sprintf("%d messages, want 1 to 5", len(body.Messages))
		}
		for _, m := range body.Messages {
			var msg struct{ Text string }
			json.Unmarshal(m, &msg)
			if n := len(utf16.Encode([]rune(msg.Text))); n > 5000 {
				problem = fmt.Sprintf("text of %d UTF-16 units, LINE allows 5,000", n)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"sentMessages":[]}`))
		got.record(body.ReplyToken, problem)
	}))
	f.Cleanup(api.Close)
	s := newFuzzServer(f, Config{line: &line.Config{
		ChannelSecret: secret.Secret(testChannelSecret),
		ChannelToken:  secret.Secret("test-channel-token"),
		Endpoint:      api.URL,
		RetryBase:     time.Millisecond,
	}})
	for _, m := range fuzzMessages {
		f.Add(m.unit, m.n, false)
	}
	f.Add(string(webhookBody(textEvent("raw1", "rt-raw1", "パスワード"))), uint16(1), true)
	f.Add(`{"destination":"U","events":[{"type":"postback","webhookEventId":"p","replyToken":"rp","source":{"type":"group","groupId":"G"},"postback":{"data":"intent=%zz&lang=xx"}}]}`, uint16(1), true)
	f.Add(`{"events":[{"type":"message","message":{"type":"text","text":"@bot hi","mention":{"mentionees":[{"type":"user","index":-5,"length":99999,"isSelf":true}]}},"source":{"type":"group","groupId":"G","userId":"U"}}]}`, uint16(1), true)
	f.Add("\x00\xff{", uint16(3), true)
	var seq atomic.Int64
	f.Fuzz(func(t *testing.T, unit string, n uint16, raw bool) {
		id := fmt.Sprintf("fuzz%d-%d", time.Now().UnixNano(), seq.Add(1))
		body := []byte(fuzzText(unit, n))
		if !raw {
			body = webhookBody(textEvent(id, id, string(body)))
		}
		got.drain()
		status := s.post(t, "/line/webhook", "application/json", body, map[string]string{"X-Line-Signature": sign(body)})
		switch {
		case status >= 500 && status != http.StatusServiceUnavailable:
			t.Fatalf("status %d", status)
		case !raw && len(body) > line.MaxBody:
			if status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d for a %d-byte body, want 413", status, len(body))
			}
		case status == http.StatusServiceUnavailable:
			// Busy: the queue is full; LINE redelivers.
		case !raw && status == http.StatusOK:
			if problem := got.wait(t, id); problem != "" {
				t.Fatalf("reply: %s", problem)
			}
		case !raw:
			t.Fatalf("status %d for a text message, want 200", status)
		}
		if p := s.panics(t); p != 0 {
			t.Fatalf("madoguchi_panics_total = %v, want 0", p)
		}
	})
}

// FuzzSlackEvents posts correctly signed Slack requests: a mention whose
// text is fuzzed, or (raw) a fuzzed body to the events, commands or
// interactive endpoint. Every mention is answered once in its thread with
// valid blocks; no body makes the server fail or panic.
func FuzzSlackEvents(f *testing.F) {
	got := make(replies, 1000)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		problem := ""
		var blocks []map[string]any
		if err := json.Unmarshal([]byte(r.PostForm.Get("blocks")), &blocks); err != nil {
			problem = "blocks are not JSON: " + err.Error()
		} else if len(blocks) == 0 || len(blocks) > 50 {
			problem = fmt.Sprintf("%d blocks, Slack allows 1 to 50", len(blocks))
		}
		if n := len([]rune(r.PostForm.Get("text"))); n > 40000 {
			problem = fmt.Sprintf("text of %d characters, Slack allows 40,000", n)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.000200"}`, r.PostForm.Get("channel"))
		got.record(r.PostForm.Get("thread_ts"), problem)
	}))
	f.Cleanup(api.Close)
	s := newFuzzServer(f, Config{slack: &slack.Config{
		SigningSecret: secret.Secret(testSigningSecret), BotToken: secret.Secret("xoxb-test"), APIURL: api.URL + "/",
	}})
	for _, m := range fuzzMessages {
		f.Add(m.unit, m.n, false)
	}
	f.Add(`{"type":"event_callback","event_id":"Ev1","event":{"type":"message","channel_type":"im","user":"U1","text":"hi","ts":"1.2","channel":"D1"}}`, uint16(1), true)
	f.Add(`{"type":"url_verification","challenge":"c"}`, uint16(1), true)
	f.Add("command=/madoguchi&text=show+imap&user_id=U1", uint16(2), true)
	f.Add("payload="+url.QueryEscape(`{"type":"block_actions","channel":{"id":"C1"},"message":{"ts":"1.2"},"actions":[{"action_id":"choose","value":"intent=%zz&lang=xx"}]}`), uint16(3), true)
	f.Add("payload=%7B", uint16(3), true)
	var seq atomic.Int64
	f.Fuzz(func(t *testing.T, unit string, n uint16, raw bool) {
		ts := fmt.Sprintf("%d.%06d", time.Now().Unix(), seq.Add(1)%1000000)
		sig := func(body []byte) map[string]string {
			h, sts := signSlack(body, time.Now())
			return map[string]string{"X-Slack-Signature": h, "X-Slack-Request-Timestamp": sts}
		}
		if raw {
			body := []byte(fuzzText(unit, n))
			path, ct := "/slack/events", "application/json"
			switch n % 3 {
			case 2:
				path, ct = "/slack/commands", "application/x-www-form-urlencoded"
			case 0:
				path, ct = "/slack/interactive", "application/x-www-form-urlencoded"
			}
			if status := s.post(t, path, ct, body, sig(body)); status >= 500 && status != http.StatusServiceUnavailable {
				t.Fatalf("%s: status %d", path, status)
			}
		} else {
			body, _ := json.Marshal(map[string]any{
				"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
				"event_id": "Ev" + ts, "event_time": 1700000000,
				"event": map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> " + fuzzText(unit, n), "ts": ts, "channel": "C1", "event_ts": ts},
			})
			got.drain()
			status := s.post(t, "/slack/events", "application/json", body, sig(body))
			switch {
			case len(body) > slack.MaxBody:
				if status != http.StatusRequestEntityTooLarge {
					t.Fatalf("status %d for a %d-byte body, want 413", status, len(body))
				}
			case status == http.StatusServiceUnavailable:
				// Busy: the queue is full; Slack retries.
			case status != http.StatusOK:
				t.Fatalf("status %d for a mention, want 200", status)
			default:
				if problem := got.wait(t, ts); problem != "" {
					t.Fatalf("reply: %s", problem)
				}
			}
		}
		if p := s.panics(t); p != 0 {
			t.Fatalf("madoguchi_panics_total = %v, want 0", p)
		}
	})
}
