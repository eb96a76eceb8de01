package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

const replyPath = "/v2/bot/message/reply"

// openMain opens serve's Main for cfg, as runServe does; tests close it
// when they need its queues finished.
func openMain(logger *slog.Logger, b *bot.Bot, reg *prometheus.Registry, cfg Config) (*Main, error) {
	a := &Main{Config: withDefaults(cfg), Logger: logger, Bot: b, Registry: reg}
	return a, a.Open(context.Background())
}

// withDefaults fills what a test's Config leaves out (the intake's
// durations, the handoff's clock and sweep) with defaultConfig's values.
func withDefaults(cfg Config) Config {
	d := defaultConfig()
	if cfg.intake == (intakeConfig{}) {
		cfg.intake = d.intake
	}
	if cfg.handoff.now == nil {
		cfg.handoff.now = d.handoff.now
	}
	if cfg.handoff.sweepEvery == 0 {
		cfg.handoff.sweepEvery = d.handoff.sweepEvery
	}
	return cfg
}

// testApp builds serve's app for cfg over the shipped catalogue, as
// runServe does.
func testApp(tb testing.TB, logger *slog.Logger, cfg Config) *Main {
	tb.Helper()
	cat, err := catalogue.Load(intentsDir)
	if err != nil {
		tb.Fatal(err)
	}
	a, err := openMain(logger, bot.New(match.New(cat)), prometheus.NewRegistry(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	// The tokens are checked against the fake APIs, as runServe does.
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	if err := a.creds.Verify(ctx, func(err error) { tb.Errorf("credentials: %v", err) }); err != nil {
		tb.Fatal(err)
	}
	return a
}

// lineApp is serve's handler with LINE pointed at a fake API.
type lineApp struct {
	*Main
	fake *testkit.LINE
	web  *httptest.Server
	logs *bytes.Buffer
}

func newLineApp(t *testing.T, tune func(*Config)) *lineApp {
	t.Helper()
	fake := testkit.NewLINE(t)
	cfg := Config{intents: intentsDir, workers: 4, queue: 64, line: &line.Config{
		ChannelSecret: secret.Secret(testChannelSecret),
		ChannelToken:  secret.Secret("test-channel-token"),
		Endpoint:      fake.URL,
		RetryBase:     time.Millisecond,
	}}
	if tune != nil {
		tune(&cfg)
	}
	logs := &bytes.Buffer{}
	a := testApp(t, slog.New(slog.NewJSONHandler(&syncWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug - 1})), cfg)
	web := httptest.NewServer(a.handler)
	t.Cleanup(web.Close)
	return &lineApp{Main: a, fake: fake, web: web, logs: logs}
}

// post sends a webhook body, signed unless sig is given.
func (l *lineApp) post(t *testing.T, body []byte, sig ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, l.web.URL+"/line/webhook", bytes.NewReader(body))
	if sig == nil {
		req.Header.Set("X-Line-Signature", sign(body))
	} else if sig[0] != "" {
		req.Header.Set("X-Line-Signature", sig[0])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// finish drains the worker pool: every accepted event has been answered.
func (l *lineApp) finish(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestLINEAnswerCard(t *testing.T) {
	l := newLineApp(t, nil)
	if res := l.post(t, webhookBody(textEvent("e1", "rt1", "パスワードを忘れました"))); res.StatusCode != 200 {
		t.Fatalf("webhook status %d, want 200", res.StatusCode)
	}
	c := l.fake.Next(t)
	if c.Path != replyPath || c.Header.Get("Authorization") != "Bearer test-channel-token" {
		t.Fatalf("call %s with auth %q", c.Path, c.Header.Get("Authorization"))
	}
	if path(c.Body, "replyToken") != "rt1" {
		t.Errorf("replyToken = %v", path(c.Body, "replyToken"))
	}
	msg := path(c.Body, "messages", 0)
	if path(msg, "type") != "flex" || path(msg, "contents", "type") != "bubble" {
		t.Fatalf("message = %v, want a flex bubble", msg)
	}
	if alt, _ := path(msg, "altText").(string); !strings.HasPrefix(alt, "ID・パスワードを忘れた\n") {
		t.Errorf("altText = %.60q", alt)
	}
	if got := path(msg, "contents", "body", "contents", 0, "text"); got != "ID・パスワードを忘れた" {
		t.Errorf("card title = %v", got)
	}
	if got, _ := path(msg, "contents", "body", "contents", 1, "text").(string); !strings.Contains(got, "本人確認書類") {
		t.Errorf("card text = %.60q", got)
	}
	// The intent escalates: the office button is in the footer.
	footer, _ := path(msg, "contents", "footer", "contents").([]any)
	last := footer[len(footer)-1]
	if path(last, "type") != "button" || path(last, "action", "type") != "uri" ||
		path(last, "action", "uri") != "https://www.osaka-u.ac.jp/ja/campus/alumni/support/oumail/" ||
		path(last, "action", "label") != "卒業生係に問い合わせる" {
		t.Errorf("office button = %v", last)
	}
	// Related questions as quick replies, typed "action" as LINE requires.
	items, _ := path(msg, "quickReply", "items").([]any)
	if len(items) != 2 {
		t.Fatalf("quick replies = %v, want the 2 related questions", items)
	}
	for _, it := range items {
		if path(it, "type") != "action" || path(it, "action", "type") != "postback" {
			t.Errorf("quick reply %v, want type action with a postback", it)
		}
	}
	if got := path(items[0], "action", "data"); got != "intent=account-id-password&lang=ja" {
		t.Errorf("postback data = %v", got)
	}
}

func TestLINELinksAndEnglish(t *testing.T) {
	l := newLineApp(t, nil)
	l.post(t, webhookBody(textEvent("e1", "rt1", "How do I stop auto-forwarding?")))
	msg := path(l.fake.Next(t).Body, "messages", 0)
	if got := path(msg, "contents", "body", "contents", 0, "text"); got != "Changing or stopping auto-forwarding" {
		t.Errorf("title = %v", got)
	}
	btn := path(msg, "contents", "footer", "contents", 0)
	if path(btn, "action", "uri") != "https://www.cmc.osaka-u.ac.jp/edu/others/OU_mail_tejun.pdf" || path(btn, "action", "label") != "OUMail user manual (PDF)" {
		t.Errorf("link button = %v", btn)
	}
}

func TestLINEClarifyAndPostback(t *testing.T) {
	l := newLineApp(t, nil)
	l.post(t, webhookBody(textEvent("e1", "rt1", "変更したい")))
	msg := path(l.fake.Next(t).Body, "messages", 0)
	if path(msg, "type") != "text" || !strings.Contains(path(msg, "text").(string), "お選びください") {
		t.Fatalf("clarify message = %v", msg)
	}
	items, _ := path(msg, "quickReply", "items").([]any)
	if len(items) < 3 {
		t.Fatalf("quick replies = %v, want candidates and none-of-these", items)
	}
	last := items[len(items)-1]
	if path(last, "type") != "action" || path(last, "action", "data") != "intent=none&lang=ja" || path(last, "action", "label") != "どれでもない" {
		t.Errorf("last quick reply = %v", last)
	}
	// The user taps the first candidate.
	data := path(items[0], "action", "data").(string)
	l.post(t, webhookBody(map[string]any{
		"type": "postback", "mode": "active", "timestamp": 1, "webhookEventId": "e2",
		"deliveryContext": map[string]any{"isRedelivery": false}, "replyToken": "rt2",
		"source":   map[string]any{"type": "user", "userId": "U1"},
		"postback": map[string]any{"data": data},
	}))
	c := l.fake.Next(t)
	want := strings.TrimPrefix(strings.Split(data, "&")[0], "intent=")
	title := path(c.Body, "messages", 0, "contents", "body", "contents", 0, "text")
	if path(c.Body, "replyToken") != "rt2" || title != l.titleOf(t, want) {
		t.Errorf("postback reply title %v, want %s's", title, want)
	}
	// "None of these" escalates with the office button.
	l.post(t, webhookBody(map[string]any{
		"type": "postback", "mode": "active", "timestamp": 1, "webhookEventId": "e3",
		"deliveryContext": map[string]any{"isRedelivery": false}, "replyToken": "rt3",
		"source": map[string]any{"type": "user", "userId": "U1"}, "postback": map[string]any{"data": "intent=none&lang=ja"},
	}))
	c = l.fake.Next(t)
	if path(c.Body, "messages", 0, "contents", "footer", "contents", 0, "action", "uri") != "https://www.osaka-u.ac.jp/ja/campus/alumni/support/oumail/" {
		t.Errorf("none-of-these reply = %v", c.Body)
	}
}

func (l *lineApp) titleOf(t *testing.T, id string) string {
	cat, _ := catalogue.Load(intentsDir)
	return cat.Intent(id).Title.JA
}

func TestLINESignature(t *testing.T) {
	l := newLineApp(t, nil)
	body := webhookBody(textEvent("e1", "rt1", "パスワードを忘れました"))
	for name, sig := range map[string]string{"missing": "", "bad": sign([]byte("other body")), "garbage": "%%%"} {
		if res := l.post(t, body, sig); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s signature: status %d, want 400", name, res.StatusCode)
		}
	}
	l.finish(t)
	if n := l.fake.Count(replyPath); n != 0 {
		t.Errorf("%d replies after rejected webhooks, want 0", n)
	}
}

func TestLINEVerifyAndLimits(t *testing.T) {
	l := newLineApp(t, nil)
	if res := l.post(t, webhookBody()); res.StatusCode != 200 {
		t.Errorf("console verify (no events): status %d, want 200", res.StatusCode)
	}
	big := append([]byte(`{"destination":"U","events":[],"pad":"`), bytes.Repeat([]byte("x"), line.MaxBody)...)
	big = append(big, `"}`...)
	if res := l.post(t, big); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("body over 1 MiB: status %d, want 413", res.StatusCode)
	}
	if res := l.post(t, []byte("not json")); res.StatusCode != http.StatusBadRequest {
		t.Errorf("signed garbage: status %d, want 400", res.StatusCode)
	}
}

func TestLINERedeliveryAnsweredOnce(t *testing.T) {
	l := newLineApp(t, nil)
	ev := textEvent("same-id", "rt1", "パスワードを忘れました")
	l.post(t, webhookBody(ev))
	ev["deliveryContext"] = map[string]any{"isRedelivery": true}
	l.post(t, webhookBody(ev))
	l.post(t, webhookBody(ev))
	l.finish(t)
	if n := l.fake.Count(replyPath); n != 1 {
		t.Errorf("%d replies to one event delivered three times, want 1", n)
	}
}

func TestLINEFollowStickerAndGroup(t *testing.T) {
	l := newLineApp(t, nil)
	l.post(t, webhookBody(map[string]any{
		"type": "follow", "mode": "active", "timestamp": 1, "webhookEventId": "f1",
		"deliveryContext": map[string]any{"isRedelivery": false}, "replyToken": "rtf",
		"source": map[string]any{"type": "user", "userId": "U1"}, "follow": map[string]any{"isUnblocked": false},
	}))
	c := l.fake.Next(t)
	msg := path(c.Body, "messages", 0)
	if txt, _ := path(msg, "text").(string); !strings.Contains(txt, "友だち追加") || !strings.Contains(txt, "Thanks for adding me") {
		t.Errorf("greeting = %.80q", txt)
	}
	if items, _ := path(msg, "quickReply", "items").([]any); len(items) < 3 {
		t.Errorf("greeting menu = %v", items)
	}

	sticker := textEvent("s1", "rts", "")
	sticker["message"] = map[string]any{"type": "sticker", "id": "1", "packageId": "1", "stickerId": "1", "stickerResourceType": "STATIC", "quoteToken": "q"}
	l.post(t, webhookBody(sticker))
	if txt, _ := path(l.fake.Next(t).Body, "messages", 0, "text").(string); !strings.Contains(txt, "文字のメッセージにのみ") {
		t.Errorf("sticker reply = %q", txt)
	}

	// In a group, only a message mentioning the bot is answered, without
	// the mention.
	group := textEvent("g1", "rtg1", "パスワードを忘れました")
	group["source"] = map[string]any{"type": "group", "groupId": "G1", "userId": "U1"}
	l.post(t, webhookBody(group))
	mentioned := textEvent("g2", "rtg2", "@madoguchi I forgot my password")
	mentioned["source"] = map[string]any{"type": "group", "groupId": "G1", "userId": "U1"}
	mentioned["message"].(map[string]any)["mention"] = map[string]any{"mentionees": []any{
		map[string]any{"type": "user", "index": 0, "length": 10, "userId": "Ubot", "isSelf": true},
	}}
	l.post(t, webhookBody(mentioned))
	c = l.fake.Next(t)
	if path(c.Body, "replyToken") != "rtg2" || path(c.Body, "messages", 0, "contents", "body", "contents", 0, "text") != "Forgot my ID or password" {
		t.Errorf("group reply = %v", c.Body)
	}
	l.finish(t)
	if n := l.fake.Count(replyPath); n != 3 {
		t.Errorf("%d replies, want 3 (the unmentioned group message is not answered)", n)
	}
}

func TestLINERetriesThenDelivers(t *testing.T) {
	l := newLineApp(t, nil)
	l.fake.Answer(replyPath, 500, 429)
	l.post(t, webhookBody(textEvent("e1", "rt1", "I forgot my password")))
	l.fake.Next(t)
	l.finish(t)
	if n := l.fake.Count(replyPath); n != 3 {
		t.Errorf("%d reply calls, want 3 (500, 429, then success)", n)
	}
}

func TestLINEExpiredTokenPushFallback(t *testing.T) {
	l := newLineApp(t, func(c *Config) { c.line.PushFallback = true })
	l.fake.Answer(replyPath, http.StatusBadRequest)
	l.fake.Answer("/v2/bot/message/push", 503, http.StatusConflict)
	l.post(t, webhookBody(textEvent("e1", "rt1", "I forgot my password")))
	c := l.fake.Next(t) // the 409: an earlier attempt was accepted
	l.finish(t)
	if c.Path != "/v2/bot/message/push" || path(c.Body, "to") != "U0123456789abcdef0123456789abcdef" {
		t.Fatalf("fallback call = %s %v", c.Path, c.Body)
	}
	var keys []string
	for _, call := range l.fake.Calls("/v2/bot/message/push") {
		keys = append(keys, call.Header.Get("X-Line-Retry-Key"))
	}
	if len(keys) != 2 || keys[0] == "" || keys[0] != keys[1] {
		t.Errorf("push retry keys = %q, want the same key on both attempts", keys)
	}
}

func TestLINENoPushWithoutFallback(t *testing.T) {
	l := newLineApp(t, nil)
	l.fake.Answer(replyPath, http.StatusBadRequest)
	l.post(t, webhookBody(textEvent("e1", "rt1", "I forgot my password")))
	l.finish(t)
	if n := l.fake.Count("/v2/bot/message/push"); n != 0 {
		t.Errorf("%d push calls with push fallback off, want 0", n)
	}
}

// TestLINEGracefulShutdown sends events, then stops the server at once:
// every accepted event must still be answered.
func TestLINEGracefulShutdown(t *testing.T) {
	l := newLineApp(t, func(c *Config) { c.workers = 2 })
	l.fake.SetDelay(20 * time.Millisecond)
	base, stop := serveLoopback(t, l.Main)
	const n = 30
	var wg sync.WaitGroup
	accepted := make(chan int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := webhookBody(textEvent(fmt.Sprint("g", i), fmt.Sprint("rt", i), "パスワードを忘れました"))
			req, _ := http.NewRequest(http.MethodPost, base+"/line/webhook", bytes.NewReader(body))
			req.Header.Set("X-Line-Signature", sign(body))
			if res, err := http.DefaultClient.Do(req); err == nil {
				if res.StatusCode == 200 {
					accepted <- 1
				}
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	if err := stop(); err != nil { // SIGTERM
		t.Fatalf("Serve: %v", err)
	}
	if got, want := l.fake.Count(replyPath), len(accepted); got != want || want != n {
		t.Errorf("%d replies after shutdown, want %d (all %d accepted)", got, want, n)
	}
}

// TestLINELogsNoSecretsOrText checks the logs of a run carry neither the
// message text, the channel token nor the raw user id.
func TestLINELogsNoSecretsOrText(t *testing.T) {
	l := newLineApp(t, nil)
	l.fake.Answer(replyPath, 500, 500, 500, 500)
	l.post(t, webhookBody(textEvent("e1", "rt1", "ひみつの質問です")), "bad")
	l.post(t, webhookBody(textEvent("e2", "rt2", "ひみつの質問です")))
	l.finish(t)
	logs := l.logs.String()
	for _, leak := range []string{"test-channel-token", testChannelSecret, "U0123456789abcdef0123456789abcdef"} {
		if strings.Contains(logs, leak) {
			t.Errorf("logs contain %q:\n%s", leak, logs)
		}
	}
	// The text may appear at debug level only.
	for _, ln := range strings.Split(logs, "\n") {
		if strings.Contains(ln, "ひみつ") && !strings.Contains(ln, `"level":"DEBUG"`) {
			t.Errorf("message text logged above debug: %s", ln)
		}
	}
	if !strings.Contains(logs, "reply failed") {
		t.Errorf("the failed reply was not logged:\n%s", logs)
	}
}

func TestServeConfigErrors(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LINE_CHANNEL_SECRET": "s"}, "LINE_CHANNEL_TOKEN"},
		{map[string]string{"LINE_CHANNEL_TOKEN": "t"}, "LINE_CHANNEL_SECRET"},
		{map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "t", "LINE_PUSH_FALLBACK": "maybe"}, "LINE_PUSH_FALLBACK"},
		{map[string]string{"MADOGUCHI_WORKERS": "0"}, "--workers"},
		{map[string]string{"MADOGUCHI_LOG_FORMAT": "xml"}, "--log-format"},
		{map[string]string{"MADOGUCHI_SHUTDOWN_GRACE": "soon"}, "--shutdown-grace"},
		{map[string]string{"MADOGUCHI_CLAIM_IDLE": "5s"}, "--claim-idle"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{"serve", "--intents", intentsDir}, func(k string) string { return tt.env[k] }, strings.NewReader(""), &out, &errb)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("env %v: error %v, want one naming %s", tt.env, err, tt.want)
		}
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	l := newLineApp(t, nil)
	ops := httptest.NewServer(l.ops)
	t.Cleanup(ops.Close)
	l.post(t, webhookBody(textEvent("e1", "rt1", "hi")))
	tests := []struct {
		base, path string
		want       int
		body       string
	}{
		{l.web.URL, "/healthz", 200, "ok"},
		{l.web.URL, "/readyz", 200, "ready"},
		{l.web.URL, "/metrics", 404, ""},
		{ops.URL, "/healthz", 200, "ok"},
		{ops.URL, "/readyz", 200, `"catalogue":{`},
		{ops.URL, "/metrics", 200, "madoguchi_events_total"},
	}
	for _, tt := range tests {
		res, err := http.Get(tt.base + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.want || !strings.Contains(string(body), tt.body) {
			t.Errorf("GET %s%s: %d %.200s, want %d with %q", tt.base, tt.path, res.StatusCode, body, tt.want, tt.body)
		}
	}
}

// syncWriter serialises writes from several goroutines to one buffer.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// String returns what was written so far, read under the same lock as the
// writes (the writer must be a fmt.Stringer such as *bytes.Buffer).
func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.(fmt.Stringer).String()
}
