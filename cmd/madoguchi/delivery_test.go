package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/slack"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// metricValue reads one sample of madoguchi_events_total from /metrics
// (served by the operations handler).
func metricValue(t *testing.T, h http.Handler, platform, outcome string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d", rec.Code)
	}
	re := regexp.MustCompile(fmt.Sprintf(`madoguchi_events_total\{outcome="%s",platform="%s"\} (\S+)`, outcome, platform))
	m := re.FindStringSubmatch(rec.Body.String())
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

func postLINE(t *testing.T, base string, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/line/webhook", bytes.NewReader(body))
	req.Header.Set("X-Line-Signature", sign(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func lineConfig(endpoint string) *line.Config {
	return &line.Config{ChannelSecret: secret.Secret(testChannelSecret), ChannelToken: secret.Secret("t"), Endpoint: endpoint, RetryBase: time.Millisecond}
}

// TestLINEStandbyIgnored: another channel has control of the chat.
func TestLINEStandbyIgnored(t *testing.T) {
	l := newLineApp(t, nil)
	ev := textEvent("sb1", "rt-sb", "パスワードを忘れました")
	ev["mode"] = "standby"
	if res := l.post(t, webhookBody(ev)); res.StatusCode != 200 {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}
	l.finish(t)
	if n := l.fake.Count(replyPath); n != 0 {
		t.Errorf("%d replies to a standby event, want 0", n)
	}
	if got := metricValue(t, l.ops, "line", "ignored"); got != 1 {
		t.Errorf("ignored = %v, want 1", got)
	}
}

// TestLINEPushOnlyWhenCertainlyUndelivered: LINE accepts a reply but its
// answer comes after the client's timeout; the retry finds the token used.
// The user has the answer, so push fallback must not send it again. A
// token that was refused outright is pushed, once.
func TestLINEPushOnlyWhenCertainlyUndelivered(t *testing.T) {
	fake := newTokenLINE(t, 300*time.Millisecond)
	lc := lineConfig(fake.URL)
	lc.PushFallback, lc.HTTPTimeout = true, 100*time.Millisecond
	a := testApp(t, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{intents: intentsDir, workers: 2, queue: 16, line: lc})
	web := httptest.NewServer(a.handler)
	defer web.Close()
	for i := range 3 {
		postLINE(t, web.URL, webhookBody(textEvent(fmt.Sprint("slow-", i), fmt.Sprint("rt-slow-", i), "パスワードを忘れました")))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	replied, reused, pushed := fake.Counts()
	if replied != 3 || pushed != 0 {
		t.Errorf("3 replies accepted late: %d answered, %d pushed; want 3 answered, 0 pushed", replied, pushed)
	}
	if reused == 0 {
		t.Error("the retries never found their token used: the test did not exercise the unknown outcome")
	}
}

// TestBulkheadLINEHangs: LINE's API hangs; Slack events still flow, none
// answered 503.
func TestBulkheadLINEHangs(t *testing.T) {
	fakeL := newTokenLINE(t, time.Hour) // hangs until the test ends
	fakeS := testkit.NewSlack(t)
	cfg := Config{intents: intentsDir, workers: 2, queue: 4, line: lineConfig(fakeL.URL), slack: &slack.Config{
		SigningSecret: secret.Secret(testSigningSecret), BotToken: secret.Secret("xoxb-test"), APIURL: fakeS.URL + "/",
	}}
	a := testApp(t, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	s := &slackApp{Main: a, fake: fakeS, web: httptest.NewServer(a.handler)}
	defer s.web.Close()
	busyLINE := 0
	for i := range 10 { // 2 running, 4 queued, the rest 503 after waiting for room
		if postLINE(t, s.web.URL, webhookBody(textEvent(fmt.Sprint("h", i), fmt.Sprint("rt-h", i), "パスワードを忘れました"))) == http.StatusServiceUnavailable {
			busyLINE++
		}
	}
	busySlack := 0
	for i := range 20 {
		if res := s.event(t, fmt.Sprint("EvB", i), mention("パスワードを忘れました"), nil); res.StatusCode != 200 {
			busySlack++
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for fakeS.Count() < 20 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if busySlack != 0 || fakeS.Count() != 20 {
		t.Errorf("with LINE hanging: %d Slack events answered 503, %d of 20 posted; want 0 and 20", busySlack, fakeS.Count())
	}
	if busyLINE == 0 {
		t.Error("LINE's queue never filled: the test did not exercise the outage")
	}
}

// TestSlackClickDeduplicated: the same signed click request five times is
// answered once.
func TestSlackClickDeduplicated(t *testing.T) {
	s := newSlackApp(t, "")
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U1"}, "channel": map[string]any{"id": "C1"},
		"trigger_id": "123.456.abc",
		"container":  map[string]any{"type": "message", "message_ts": "1700000000.000200", "channel_id": "C1", "thread_ts": "1700000000.000100"},
		"message":    map[string]any{"ts": "1700000000.000200", "thread_ts": "1700000000.000100"},
		"actions":    []any{map[string]any{"action_id": "choose-1", "block_id": "choices", "type": "button", "value": "forward-change|ja", "action_ts": "1700000001.000300"}},
	})
	body := []byte(url.Values{"payload": {string(payload)}}.Encode())
	for range 5 {
		if res, _ := s.post(t, "/slack/interactive", "application/x-www-form-urlencoded", body, nil); res.StatusCode != 200 {
			t.Fatalf("interactive status %d", res.StatusCode)
		}
	}
	s.finish(t)
	if n := s.fake.Count(); n != 1 {
		t.Errorf("%d posts for one click delivered 5 times, want 1", n)
	}
}

// TestSlackUserIDsHashedInState: with Redis, no key carries the raw Slack
// user id (rate limits, offered choices).
func TestSlackUserIDsHashedInState(t *testing.T) {
	srv := redistest.Start(t)
	fake := testkit.NewSlack(t)
	cfg := Config{intents: intentsDir, workers: 2, queue: 16, redisURL: srv.URL(), slack: &slack.Config{
		SigningSecret: secret.Secret(testSigningSecret), BotToken: secret.Secret("xoxb-test"), APIURL: fake.URL + "/",
	}}
	a := testApp(t, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	s := &slackApp{Main: a, fake: fake, web: httptest.NewServer(a.handler)}
	defer s.web.Close()
	ev := mention("変更したい") // a clarifying question: the choices are stored
	ev["user"] = "U0SECRETUSER"
	s.event(t, "EvH1", ev, nil)
	fake.Next(t)
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", srv.Port)})
	defer c.Close()
	keys := c.Keys(context.Background(), "*").Val()
	stored := false
	for _, k := range keys {
		if strings.Contains(k, "U0SECRETUSER") {
			t.Errorf("Redis key %q carries the raw Slack user id", k)
		}
		stored = stored || strings.Contains(k, "choices:slack:")
	}
	if !stored {
		t.Errorf("no choices stored for the user (keys %v): the test did not exercise the state", keys)
	}
}

// TestMemoryShutdownCountsUnanswered: one replica without Redis, a slow
// LINE API and a short grace period: every accepted event is either
// answered or counted as dropped, none vanishes.
func TestMemoryShutdownCountsUnanswered(t *testing.T) {
	fake := newTokenLINE(t, 200*time.Millisecond)
	a := testApp(t, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{intents: intentsDir, workers: 1, queue: 64, line: lineConfig(fake.URL)})
	web := httptest.NewServer(a.handler)
	defer web.Close()
	accepted := 0
	for i := range 20 {
		if postLINE(t, web.URL, webhookBody(textEvent(fmt.Sprint("d", i), fmt.Sprint("rt-d", i), "パスワードを忘れました"))) == 200 {
			accepted++
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := a.Close(ctx); err == nil || !strings.Contains(err.Error(), "dropped") {
		t.Errorf("drain = %v, want an error counting the dropped events", err)
	}
	replied, _, _ := fake.Counts()
	dropped := int(metricValue(t, a.ops, "line", "dropped"))
	// The reply interrupted on the one worker may have reached LINE (the
	// fake records it on arrival): it counts as dropped, since its outcome
	// is unknown, and may show up as answered too.
	if dropped == 0 || replied+dropped < accepted || replied+dropped > accepted+1 {
		t.Errorf("%d accepted: %d answered + %d dropped; want all accounted for (one may be both), some dropped", accepted, replied, dropped)
	}
}

// TestLINEExpiredToken: an event older than its reply token is not
// replied to; it is counted as expired, or pushed with push fallback.
func TestLINEExpiredToken(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		t.Run(fmt.Sprint("fallback=", fallback), func(t *testing.T) {
			fake := newTokenLINE(t, 0)
			lc := lineConfig(fake.URL)
			lc.PushFallback, lc.ReplyTokenLife = fallback, time.Nanosecond
			a := testApp(t, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{intents: intentsDir, workers: 1, queue: 4, line: lc})
			web := httptest.NewServer(a.handler)
			defer web.Close()
			postLINE(t, web.URL, webhookBody(textEvent("old-1", "rt-old", "パスワードを忘れました")))
			if err := a.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			replied, _, pushed := fake.Counts()
			wantPushed, wantExpired := 0, 1.0
			if fallback {
				wantPushed, wantExpired = 1, 0
			}
			if replied != 0 || pushed != wantPushed {
				t.Errorf("%d replies, %d pushes; want 0 replies, %d pushes", replied, pushed, wantPushed)
			}
			if got := metricValue(t, a.ops, "line", "expired"); got != wantExpired {
				t.Errorf("expired = %v, want %v", got, wantExpired)
			}
		})
	}
}
