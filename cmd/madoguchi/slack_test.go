package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/slack"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

const testSigningSecret = "test-signing-secret"

// slackError answers a Slack Web API call with an error, as Slack does
// (HTTP 200, ok false), for testkit.Slack.Answer.
func slackError(e string) func(int) (int, string) {
	return func(int) (int, string) { return http.StatusOK, fmt.Sprintf(`{"ok":false,"error":%q}`, e) }
}

type slackApp struct {
	*Main
	fake *testkit.Slack
	web  *httptest.Server
}

// newSlackApp is serve's handler with Slack pointed at a fake API; tune,
// when given, changes the config first.
func newSlackApp(t *testing.T, appToken string, tune ...func(*Config)) *slackApp {
	t.Helper()
	fake := testkit.NewSlack(t)
	cfg := Config{intents: intentsDir, workers: 4, queue: 64, slack: &slack.Config{
		SigningSecret: secret.Secret(testSigningSecret), BotToken: secret.Secret("xoxb-test"),
		AppToken: secret.Secret(appToken), APIURL: fake.URL + "/",
	}}
	for _, f := range tune {
		f(&cfg)
	}
	a := testApp(t, slog.New(slog.NewJSONHandler(io.Discard, nil)), cfg)
	web := httptest.NewServer(a.handler)
	t.Cleanup(web.Close)
	return &slackApp{Main: a, fake: fake, web: web}
}

// signSlack returns Slack's signature headers for a body.
func signSlack(body []byte, ts time.Time) (string, string) {
	sts := strconv.FormatInt(ts.Unix(), 10)
	h := hmac.New(sha256.New, []byte(testSigningSecret))
	h.Write([]byte("v0:" + sts + ":"))
	h.Write(body)
	return "v0=" + hex.EncodeToString(h.Sum(nil)), sts
}

func (s *slackApp) post(t *testing.T, path, contentType string, body []byte, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.web.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	sig, ts := signSlack(body, time.Now())
	req.Header.Set("X-Slack-Signature", sig)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

func (s *slackApp) event(t *testing.T, id string, inner map[string]any, header map[string]string) *http.Response {
	body, _ := json.Marshal(map[string]any{
		"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": id, "event_time": 1700000000, "event": inner,
	})
	res, _ := s.post(t, "/slack/events", "application/json", body, header)
	return res
}

func (s *slackApp) finish(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func mention(text string) map[string]any {
	return map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> " + text, "ts": "1700000000.000100", "channel": "C1", "event_ts": "1700000000.000100"}
}

func TestSlackMentionAnsweredInThread(t *testing.T) {
	s := newSlackApp(t, "")
	if res := s.event(t, "Ev1", mention("パスワードを忘れました"), nil); res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	p := s.fake.Next(t)
	if p.Get("channel") != "C1" || p.Get("thread_ts") != "1700000000.000100" {
		t.Errorf("posted to %s thread %q, want C1 in the mention's thread", p.Get("channel"), p.Get("thread_ts"))
	}
	if p.Get("text") != "ID・パスワードを忘れた" { // the title: what a notification shows
		t.Errorf("fallback text = %.60q", p.Get("text"))
	}
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(p.Get("blocks")), &blocks); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	if path(blocks[0], "text", "text") != "*ID・パスワードを忘れた*" {
		t.Errorf("first block = %v", blocks[0])
	}
	last := blocks[len(blocks)-1]
	if ctx, _ := path(last, "elements", 0, "text").(string); path(last, "type") != "context" || !strings.Contains(ctx, "intent `forgot-id-password` · score 0.") {
		t.Errorf("staff context = %v", last)
	}
	all := p.Get("blocks")
	if !strings.Contains(all, `"url":"https://www.osaka-u.ac.jp/ja/campus/alumni/support/oumail/"`) || !strings.Contains(all, "卒業生係に問い合わせる") {
		t.Errorf("office contact button missing: %s", all)
	}
}

func TestSlackSignatureAndTimestamp(t *testing.T) {
	s := newSlackApp(t, "")
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "Ev1", "event": mention("hello")})
	tests := map[string]func(*http.Request){
		"bad signature": func(r *http.Request) { r.Header.Set("X-Slack-Signature", "v0=00") },
		"stale timestamp": func(r *http.Request) {
			sig, ts := signSlack(body, time.Now().Add(-10*time.Minute))
			r.Header.Set("X-Slack-Signature", sig)
			r.Header.Set("X-Slack-Request-Timestamp", ts)
		},
		"no headers": func(r *http.Request) { r.Header.Del("X-Slack-Signature"); r.Header.Del("X-Slack-Request-Timestamp") },
	}
	for name, tamper := range tests {
		for _, p := range []string{"/slack/events", "/slack/commands", "/slack/interactive"} {
			req, _ := http.NewRequest(http.MethodPost, s.web.URL+p, bytes.NewReader(body))
			sig, ts := signSlack(body, time.Now())
			req.Header.Set("X-Slack-Signature", sig)
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			tamper(req)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s on %s: status %d, want 401", name, p, res.StatusCode)
			}
		}
	}
	s.finish(t)
	if n := s.fake.Count(); n != 0 {
		t.Errorf("%d posts after rejected requests, want 0", n)
	}
}

func TestSlackURLVerification(t *testing.T) {
	s := newSlackApp(t, "")
	res, body := s.post(t, "/slack/events", "application/json", []byte(`{"token":"x","challenge":"abc123","type":"url_verification"}`), nil)
	if res.StatusCode != 200 || body != "abc123" {
		t.Errorf("challenge answer: %d %q", res.StatusCode, body)
	}
}

func TestSlackRetriesAndIgnoredMessages(t *testing.T) {
	s := newSlackApp(t, "")
	s.event(t, "EvR", mention("I forgot my password"), nil)
	s.event(t, "EvR", mention("I forgot my password"), map[string]string{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
	s.event(t, "EvB", map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "user": "UBOT", "bot_id": "B1", "text": "I forgot my password", "ts": "1.1"}, nil)
	s.event(t, "EvE", map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "subtype": "message_changed", "text": "edited", "ts": "1.2"}, nil)
	s.event(t, "EvD", map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "user": "U2", "text": "how much storage does my mailbox have", "ts": "1.3"}, nil)
	s.finish(t)
	if n := s.fake.Count(); n != 2 {
		t.Fatalf("%d posts, want 2 (one for the retried mention, one for the DM)", n)
	}
	posts := s.fake.Calls("chat.postMessage")
	if posts[0].Get("channel")+posts[1].Get("channel") != "C1D1" && posts[0].Get("channel")+posts[1].Get("channel") != "D1C1" {
		t.Errorf("posted to %s and %s", posts[0].Get("channel"), posts[1].Get("channel"))
	}
}

func TestSlackSlashCommand(t *testing.T) {
	s := newSlackApp(t, "")
	tests := []struct {
		text string
		want []string
	}{
		{"パスワードを忘れました", []string{`"response_type":"ephemeral"`, "*ID・パスワードを忘れた*", "forgot-id-password"}},
		{"search pwd", []string{"`forgot-id-password` *forgot-id-password*", `"text":"madoguchi search: pwd"`}},
		{"show imap", []string{"*IMAP・他のメールソフトでの送受信*", "*IMAP and other mail software*", "imap.yaml"}},
		{"show nosuch", []string{"No intent `nosuch`."}},
		{"help", []string{`/madoguchi search \u0026lt;letters\u0026gt;`}},
		{"", []string{"/madoguchi show"}},
	}
	for _, tt := range tests {
		form := url.Values{"command": {"/madoguchi"}, "text": {tt.text}, "user_id": {"U1"}, "channel_id": {"C1"}, "team_id": {"T1"}}
		res, body := s.post(t, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), nil)
		if res.StatusCode != 200 {
			t.Fatalf("%q: status %d", tt.text, res.StatusCode)
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("/madoguchi %s: response lacks %q:\n%.400s", tt.text, w, body)
			}
		}
	}
	if n := s.fake.Count(); n != 0 {
		t.Errorf("slash commands posted %d messages, want 0 (the answer is the response)", n)
	}
}

func TestSlackButtonClick(t *testing.T) {
	s := newSlackApp(t, "")
	s.event(t, "Ev1", mention("変更したい"), nil)
	p := s.fake.Next(t)
	if !strings.Contains(p.Get("blocks"), `"action_id":"choose-0"`) || !strings.Contains(p.Get("blocks"), `"value":"none|ja"`) {
		t.Fatalf("clarify buttons missing: %s", p.Get("blocks"))
	}
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U1"}, "channel": map[string]any{"id": "C1"},
		"container": map[string]any{"type": "message", "message_ts": "1700000000.000200", "channel_id": "C1", "thread_ts": "1700000000.000100"},
		"message":   map[string]any{"ts": "1700000000.000200", "thread_ts": "1700000000.000100"},
		"actions":   []any{map[string]any{"action_id": "choose-1", "block_id": "choices", "type": "button", "value": "forward-change|ja"}},
	})
	res, _ := s.post(t, "/slack/interactive", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(payload)}}.Encode()), nil)
	if res.StatusCode != 200 {
		t.Fatalf("interactive status %d", res.StatusCode)
	}
	p = s.fake.Next(t)
	if p.Get("thread_ts") != "1700000000.000100" || !strings.HasPrefix(p.Get("text"), "自動転送先の変更・解除") {
		t.Errorf("click answered in thread %q with %.40q", p.Get("thread_ts"), p.Get("text"))
	}
}

func TestSlackRateLimitWaitsAndRetries(t *testing.T) {
	s := newSlackApp(t, "")
	s.fake.Answer("chat.postMessage", func(n int) (int, string) {
		if n == 1 {
			return http.StatusTooManyRequests, `{"ok":false,"error":"ratelimited"}`
		}
		return 0, ""
	})
	start := time.Now()
	s.event(t, "Ev1", mention("I forgot my password"), nil)
	s.fake.Next(t)
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("retried after %v, want after Retry-After (1s)", waited)
	}
	s.finish(t)
	if n := s.fake.Count(); n != 2 {
		t.Errorf("%d calls, want 2 (429, then the delivered message)", n)
	}
}
