package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/pgtest"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/server"
	"github.com/oumail-alumni/madoguchi/internal/slack"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// Load parameters: bounded in count and time, loopback only.
const (
	loadEvents      = 20000
	loadConcurrency = 32
	loadTimeLimit   = 60 * time.Second
)

// replyCounter is a fast fake LINE API that counts replies per token.
type replyCounter struct {
	mu     sync.Mutex
	tokens map[string]int
}

func (rc *replyCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == testkit.LINEBotInfoPath {
		writeBotInfo(w)
		return
	}
	if r.URL.Path != "/v2/bot/message/reply" {
		// Not an answer: the rich menus an English question looks up.
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"richmenus":[]}`))
		return
	}
	var body struct {
		ReplyToken string `json:"replyToken"`
	}
	json.NewDecoder(r.Body).Decode(&body)
	rc.mu.Lock()
	rc.tokens[body.ReplyToken]++
	rc.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"sentMessages":[]}`))
}

// BenchmarkLINELoad runs `madoguchi serve`'s handler on a loopback port with
// replies going to a local fake LINE API, sends signed webhook events from
// concurrent clients, and reports throughput, webhook latency, and replies
// received against events sent.
func BenchmarkLINELoad(b *testing.B) { lineLoad(b, nil, nil) }

// BenchmarkLINELoadRecorded is the same load with every question recorded,
// to a SQLite file and to a PostgreSQL server on loopback: recording must
// not slow answering.
func BenchmarkLINELoadRecorded(b *testing.B) {
	// recorded reports how many questions the database holds.
	recorded := func(path, url string) func(b *testing.B) {
		return func(b *testing.B) {
			db, err := record.Open(context.Background(), path, url)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			es, err := db.Entries(context.Background(), time.Now().Add(-time.Hour))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(es)), "recorded")
			if len(es) == 0 {
				b.Error("nothing was recorded")
			}
		}
	}
	b.Run("sqlite", func(b *testing.B) {
		db := filepath.Join(b.TempDir(), "record.db")
		lineLoad(b, func(cfg *Config) { cfg.record = recordConfig{path: &db, on: true} }, recorded(db, ""))
	})
	b.Run("postgres", func(b *testing.B) {
		pg := pgtest.Start(b)
		db := ""
		lineLoad(b, func(cfg *Config) { cfg.record = recordConfig{path: &db, on: true, url: pg.URL()} }, recorded("", pg.URL()))
	})
}

// lineLoad sends loadEvents signed LINE events to serve's handler; tune
// (may be nil) changes the configuration, after (may be nil) checks what
// the run left once serve has stopped.
func lineLoad(b *testing.B, tune func(*Config), after func(*testing.B)) {
	questions := []string{"パスワードを忘れました", "I forgot my password", "変更したい", "転送先を変えたい", "学食のメニューは？", "IMAPは使えますか"}
	for b.Loop() {
		rc := &replyCounter{tokens: map[string]int{}}
		fake := httptest.NewServer(rc)
		cfg := Config{intents: intentsDir, workers: 8, queue: 4096, line: &line.Config{
			ChannelSecret: secret.Secret(testChannelSecret), ChannelToken: secret.Secret("t"), Endpoint: fake.URL,
		}}
		if tune != nil {
			tune(&cfg)
		}
		logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
		a := testApp(b, logger, cfg)
		base, stop := serveLoopback(b, a)

		bodies := make([][]byte, loadEvents)
		for i := range bodies {
			bodies[i] = webhookBody(textEvent(fmt.Sprint("load-", i), fmt.Sprint("token-", i), questions[i%len(questions)]))
		}
		lr := sendLoad(base+"/line/webhook", bodies, func(req *http.Request, body []byte) {
			req.Header.Set("X-Line-Signature", sign(body))
		})
		if err := stop(); err != nil {
			b.Fatal(err)
		}
		fake.Close()

		received, dups := 0, 0
		for _, n := range rc.tokens {
			received++
			dups += n - 1
		}
		lr.report(b)
		b.ReportMetric(float64(received), "replies")
		b.ReportMetric(float64(dups), "duplicates")
		if received != lr.accepted || dups != 0 {
			b.Errorf("%d events accepted, %d replied, %d duplicates", lr.accepted, received, dups)
		}
		if after != nil {
			after(b)
		}
	}
}

// loadResult is what a load run measured.
type loadResult struct {
	latencies []time.Duration // sorted
	elapsed   time.Duration
	accepted  int // requests answered 200
}

func (lr loadResult) report(b *testing.B) {
	all := lr.latencies
	b.ReportMetric(float64(len(all))/lr.elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lr.accepted), "accepted")
}

// sendLoad posts every body to url from loadConcurrency clients, signing
// each request, until all are sent or loadTimeLimit passes.
func sendLoad(url string, bodies [][]byte, signReq func(*http.Request, []byte)) loadResult {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadConcurrency}, Timeout: 10 * time.Second}
	var next, ok atomic.Int64
	lat := make([][]time.Duration, loadConcurrency)
	deadline := time.Now().Add(loadTimeLimit)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range loadConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) || time.Now().After(deadline) {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(bodies[i]))
				signReq(req, bodies[i])
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat[w] = append(lat[w], time.Since(t0))
				if res.StatusCode == http.StatusOK {
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	all := slices.Concat(lat...)
	slices.Sort(all)
	return loadResult{latencies: all, elapsed: time.Since(start), accepted: int(ok.Load())}
}

// BenchmarkSlackLoad sends signed Events API requests (mentions) over
// loopback to serve's handler, with posts going to a local fake Web API,
// and reports requests per second and acknowledgement latency.
func BenchmarkSlackLoad(b *testing.B) {
	for b.Loop() {
		var posts atomic.Int64
		fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/chat.postMessage" {
				posts.Add(1)
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ok":true,"channel":"C1","ts":"1.2"}`))
		}))
		cfg := Config{intents: intentsDir, workers: 8, queue: 4096, slack: &slack.Config{
			SigningSecret: secret.Secret(testSigningSecret), BotToken: secret.Secret("xoxb"), APIURL: fake.URL + "/",
		}}
		logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
		a := testApp(b, logger, cfg)
		base, stop := serveLoopback(b, a)
		bodies := make([][]byte, loadEvents)
		for i := range bodies {
			bodies[i], _ = json.Marshal(map[string]any{"type": "event_callback", "event_id": fmt.Sprint("Ev", i), "event": mention("パスワードを忘れました")})
		}
		lr := sendLoad(base+"/slack/events", bodies, func(req *http.Request, body []byte) {
			sig, ts := signSlack(body, time.Now())
			req.Header.Set("X-Slack-Signature", sig)
			req.Header.Set("X-Slack-Request-Timestamp", ts)
		})
		if err := stop(); err != nil {
			b.Fatal(err)
		}
		fake.Close()
		lr.report(b)
		b.ReportMetric(float64(posts.Load()), "posts")
		if int(posts.Load()) != lr.accepted {
			b.Errorf("%d events accepted, %d posted", lr.accepted, posts.Load())
		}
	}
}

// serveLoopback serves a on a free loopback port as serve does, and returns
// its base URL and a stop function that shuts it down gracefully (draining
// accepted events) and returns Serve's error.
func serveLoopback(tb testing.TB, a *Main) (string, func() error) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	go func() { done <- server.Serve(ctx, logger, ln, a.handler, 30*time.Second, a.Close) }()
	return "http://" + ln.Addr().String(), func() error { cancel(); return <-done }
}
