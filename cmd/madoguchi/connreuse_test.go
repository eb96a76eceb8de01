package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/slack"
)

// countingServer is a fake platform API that counts the connections
// opened to it.
func countingServer(tb testing.TB, h http.Handler) (*httptest.Server, *atomic.Int64) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	tb.Cleanup(srv.Close)
	return srv, &conns
}

// TestAPIConnectionsReused: with eight workers answering 400 events, the
// LINE and Slack clients keep their connections open instead of dialling
// for most answers (Go's default transport keeps only two idle per host).
func TestAPIConnectionsReused(t *testing.T) {
	const events, workers = 400, 8
	send := func(t *testing.T, cfg Config, path string, body func(i int) []byte, signReq func(*http.Request, []byte), answered func() int64) {
		t.Helper()
		a := testApp(t, slog.New(slog.NewJSONHandler(io.Discard, nil)), cfg)
		base, stop := serveLoopback(t, a)
		bodies := make([][]byte, events)
		for i := range bodies {
			bodies[i] = body(i)
		}
		lr := sendLoad(base+path, bodies, signReq)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if lr.accepted != events || answered() != events {
			t.Fatalf("%d of %d events accepted, %d answered", lr.accepted, events, answered())
		}
	}
	t.Run("line", func(t *testing.T) {
		rc := &replyCounter{tokens: map[string]int{}}
		fake, conns := countingServer(t, rc)
		cfg := Config{intents: intentsDir, workers: workers, queue: events, line: &line.Config{
			ChannelSecret: secret.Secret(testChannelSecret), ChannelToken: secret.Secret("t"), Endpoint: fake.URL,
		}}
		send(t, cfg, "/line/webhook",
			func(i int) []byte {
				return webhookBody(textEvent(fmt.Sprint("conn-", i), fmt.Sprint("tok-", i), "パスワードを忘れました"))
			},
			func(req *http.Request, body []byte) { req.Header.Set("X-Line-Signature", sign(body)) },
			func() int64 { rc.mu.Lock(); defer rc.mu.Unlock(); return int64(len(rc.tokens)) })
		// The start-up check and each worker's connection, with room for
		// one reconnection each.
		if n := conns.Load(); n > 2*workers+1 {
			t.Errorf("%d connections opened to LINE for %d replies by %d workers, want at most %d", n, events, workers, 2*workers+1)
		}
	})
	t.Run("slack", func(t *testing.T) {
		var posts atomic.Int64
		fake, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/chat.postMessage" {
				posts.Add(1)
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ok":true,"channel":"C1","ts":"1.2"}`))
		}))
		cfg := Config{intents: intentsDir, workers: workers, queue: events, slack: &slack.Config{
			SigningSecret: secret.Secret(testSigningSecret), BotToken: secret.Secret("xoxb"), APIURL: fake.URL + "/",
		}}
		send(t, cfg, "/slack/events",
			func(i int) []byte {
				b, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": fmt.Sprint("EvConn", i), "event": mention("パスワードを忘れました")})
				return b
			},
			func(req *http.Request, body []byte) {
				sig, ts := signSlack(body, time.Now())
				req.Header.Set("X-Slack-Signature", sig)
				req.Header.Set("X-Slack-Request-Timestamp", ts)
			},
			posts.Load)
		if n := conns.Load(); n > 2*workers+1 {
			t.Errorf("%d connections opened to Slack for %d posts by %d workers, want at most %d", n, events, workers, 2*workers+1)
		}
	})
}
