package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// largeBodyEvents is the size of the body issue #21 measured: 2,400 text
// events, about 1 MB, near LINE's largest.
const largeBodyEvents = 2400

// heldReplies is a fake LINE API that counts replies per token, and holds
// every reply until released: the webhook's answer must not wait for the
// events' work.
type heldReplies struct {
	replyCounter
	release chan struct{}
	once    sync.Once
}

func newHeldReplies() *heldReplies {
	return &heldReplies{replyCounter: replyCounter{tokens: map[string]int{}}, release: make(chan struct{})}
}

func (h *heldReplies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != testkit.LINEBotInfoPath {
		select {
		case <-h.release:
		case <-r.Context().Done():
			return
		}
	}
	h.replyCounter.ServeHTTP(w, r)
}

func (h *heldReplies) open() { h.once.Do(func() { close(h.release) }) }

// replies waits (a bounded time) until n tokens have replies and returns
// how many tokens have one, and how many replies were duplicates.
func (h *heldReplies) replies(n int) (tokens, dups int) {
	for range 3000 {
		h.mu.Lock()
		tokens, dups = len(h.tokens), 0
		for _, c := range h.tokens {
			dups += c - 1
		}
		h.mu.Unlock()
		if tokens >= n {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return tokens, dups
}

// largeBody is one signed webhook body of n text events whose ids and
// reply tokens start with prefix.
func largeBody(prefix string, n int) []byte {
	questions := []string{"パスワードを忘れました", "I forgot my password", "転送先を変えたい", "IMAPは使えますか"}
	events := make([]map[string]any, n)
	for i := range events {
		events[i] = textEvent(fmt.Sprint(prefix, "-", i), fmt.Sprint(prefix, "-token-", i), questions[i%len(questions)])
	}
	return webhookBody(events...)
}

// postLarge sends body to the webhook and returns its status (0 when the
// request failed) and how long the answer took.
func postLarge(tb testing.TB, base string, body []byte) (int, time.Duration) {
	req, err := http.NewRequest(http.MethodPost, base+"/line/webhook", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("X-Line-Signature", sign(body))
	t0 := time.Now()
	res, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	took := time.Since(t0)
	if err != nil {
		tb.Logf("webhook: %v", err)
		return 0, took
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, took
}

// largeBodyApp starts serve's handler with serve's default workers and
// queue, in memory or (redisURL set) in Redis, with LINE at fake.
func largeBodyApp(tb testing.TB, fake *httptest.Server, redisURL string) (string, func() error) {
	cfg := Config{intents: intentsDir, workers: 8, queue: queueSize(8), redisURL: redisURL, line: &line.Config{
		ChannelSecret: secret.Secret(testChannelSecret), ChannelToken: secret.Secret("t"), Endpoint: fake.URL,
	}}
	return serveLoopback(tb, testApp(tb, slog.New(slog.NewJSONHandler(io.Discard, nil)), cfg))
}

// TestLargeBodyAcknowledged sends one signed body of largeBodyEvents
// events while the LINE API holds every reply: the webhook answers 200
// before any event is answered (its answer does not wait for the work),
// and then every event is answered once.
func TestLargeBodyAcknowledged(t *testing.T) {
	for _, queue := range []string{"memory", "redis"} {
		t.Run(queue, func(t *testing.T) {
			fake := newHeldReplies()
			srv := httptest.NewServer(fake)
			defer srv.Close()
			defer fake.open()
			redisURL := ""
			if queue == "redis" {
				redisURL = redistest.Start(t).URL()
			}
			base, stop := largeBodyApp(t, srv, redisURL)
			if status, _ := postLarge(t, base, largeBody("large", largeBodyEvents)); status != http.StatusOK {
				t.Fatalf("webhook with %d events: status %d, want 200", largeBodyEvents, status)
			}
			fake.open()
			tokens, dups := fake.replies(largeBodyEvents)
			if err := stop(); err != nil {
				t.Errorf("shutdown: %v", err)
			}
			if tokens != largeBodyEvents || dups != 0 {
				t.Errorf("answered %d events (%d duplicates), want %d once each", tokens, dups, largeBodyEvents)
			}
		})
	}
}

// BenchmarkLargeBody sends one signed body of largeBodyEvents events to
// serve's handler with serve's default workers and queue, and reports how
// long the webhook took to answer (LINE waits about 2 s) and how long
// until every event was answered by the fake LINE API.
//
//	go test -run x -bench LargeBody -benchtime 3x ./cmd/madoguchi
func BenchmarkLargeBody(b *testing.B) {
	for _, queue := range []string{"memory", "redis"} {
		b.Run(queue, func(b *testing.B) {
			redisURL := ""
			if queue == "redis" {
				redisURL = redistest.Start(b).URL()
			}
			i := 0
			for b.Loop() {
				fake := newHeldReplies()
				fake.open()
				srv := httptest.NewServer(fake)
				base, stop := largeBodyApp(b, srv, redisURL)
				body := largeBody(fmt.Sprint("bench-", i), largeBodyEvents)
				i++
				t0 := time.Now()
				status, ack := postLarge(b, base, body)
				tokens, dups := fake.replies(largeBodyEvents)
				done := time.Since(t0)
				if err := stop(); err != nil {
					b.Errorf("shutdown: %v", err)
				}
				srv.Close()
				b.ReportMetric(float64(ack.Microseconds())/1000, "ack-ms")
				b.ReportMetric(float64(done.Microseconds())/1000, "all-answered-ms")
				b.ReportMetric(float64(len(body))/1e6, "body-MB")
				if status != http.StatusOK || tokens != largeBodyEvents || dups != 0 {
					b.Errorf("status %d, %d events answered (%d duplicates), want 200 and %d once each", status, tokens, dups, largeBodyEvents)
				}
			}
		})
	}
}
