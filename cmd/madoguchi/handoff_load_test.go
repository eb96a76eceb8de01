package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/slack"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// postSigned posts a signed request to serve and fails on any status but
// 200.
func postSigned(tb testing.TB, req *http.Request) {
	tb.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		tb.Fatalf("%s answered %d", req.URL.Path, res.StatusCode)
	}
}

func lineRequest(web string, ev map[string]any) *http.Request {
	body := webhookBody(ev)
	req, _ := http.NewRequest(http.MethodPost, web+"/line/webhook", bytes.NewReader(body))
	req.Header.Set("X-Line-Signature", sign(body))
	return req
}

func slackEventRequest(web, id string, inner map[string]any, retry bool) *http.Request {
	body, _ := json.Marshal(map[string]any{"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
		"event_id": id, "event_time": 1700000000, "event": inner})
	req, _ := http.NewRequest(http.MethodPost, web+"/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	sig, ts := signSlack(body, time.Now())
	req.Header.Set("X-Slack-Signature", sig)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	if retry {
		req.Header.Set("X-Slack-Retry-Num", "1")
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	return req
}

// BenchmarkHandoffEndToEnd: the staff relay through serve. 200 LINE users
// connect to staff (request, consent, start: the tickets go to a fake
// Slack through the real slack-go client); then 2,000 staff thread replies
// (ten per ticket, every ticket at once, each writing every staffPace:
// 1,000 replies a second in all) are sent as signed Slack events, each
// followed by Slack's retry of it; every reply must reach the fake LINE
// push API exactly once. It reports the latency from the event's POST to
// the push's arrival, with the conversations in memory and in Redis (two
// replicas, the retry going to the other one).
// Run: go test -run '^$' -bench HandoffEndToEnd -benchtime 1x ./cmd/madoguchi
func BenchmarkHandoffEndToEnd(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchHandoffE2E(b, 1, "") })
	b.Run("redis-2-replicas", func(b *testing.B) {
		srv := redistest.Start(b)
		benchHandoffE2E(b, 2, srv.URL())
	})
}

func benchHandoffE2E(b *testing.B, replicas int, redisURL string) {
	const users, perUser = 200, 10
	// staffPace is how often each ticket's staff write: a steady rate the
	// relay can keep up with, so that the latency is the relay's and not
	// that of a queue the benchmark builds by sending everything at once.
	const staffPace = 200 * time.Millisecond
	var lat []time.Duration
	for run := range b.N {
		b.StopTimer()
		lineAPI := testkit.NewLINE(b)
		fs := testkit.NewSlack(b)
		fs.SetTS(func(n int) string { return fmt.Sprintf("1700000001.%06d", n) })
		fs.SetMembers("USTAFF") // the staff channel's members: USTAFF answers
		clock := testkit.NewClock(monday10)
		var webs []string
		var apps []*Main
		var servers []*httptest.Server
		for range replicas {
			cfg := Config{intents: intentsDir, workers: 8, queue: 512, redisURL: redisURL,
				line: &line.Config{ChannelSecret: secret.Secret(testChannelSecret), ChannelToken: secret.Secret("t"),
					Endpoint: lineAPI.URL, RetryBase: time.Millisecond},
				slack:   &slack.Config{SigningSecret: secret.Secret(testSigningSecret), BotToken: secret.Secret("xoxb-test"), APIURL: fs.URL + "/"},
				handoff: handoffConfig{channel: deskChannel, now: clock.Now},
			}
			a := testApp(b, slog.New(slog.NewJSONHandler(io.Discard, nil)), cfg)
			web := httptest.NewServer(a.handler)
			webs, apps, servers = append(webs, web.URL), append(apps, a), append(servers, web)
		}
		// Connect every user; the ticket's ts is its thread.
		threads := make([]string, users)
		for u := range users {
			src := map[string]any{"type": "user", "userId": fmt.Sprintf("U%032d", u)}
			for k, ev := range []map[string]any{
				textEvent(fmt.Sprintf("r%d-u%d-ask", run, u), fmt.Sprintf("rt-r%d-u%d", run, u), "担当者と話したい"),
				postbackEvent(fmt.Sprintf("r%d-u%d-consent", run, u), "madoguchi:handoff:consent|ja"),
				postbackEvent(fmt.Sprintf("r%d-u%d-start", run, u), "madoguchi:handoff:start|ja"),
			} {
				ev["source"] = src
				postSigned(b, lineRequest(webs[(u+k)%len(webs)], ev))
				// One at a time: workers taking the start before the
				// consent would show the consent again and open nothing.
				lineAPI.WaitAnswered(b, ev["replyToken"].(string))
			}
			// The ticket is the post that is not in a thread.
			post := fs.Next(b)
			for post.Get("thread_ts") != "" {
				post = fs.Next(b)
			}
			threads[u] = post.Get("posted_ts")
		}
		time.Sleep(100 * time.Millisecond) // the last ticket is stored just after it is posted
		sent := make(map[string]time.Time, users*perUser)
		var mu sync.Mutex
		var wg sync.WaitGroup
		b.StartTimer()
		for u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Spread the tickets' first replies over one pace.
				next := time.Now().Add(staffPace * time.Duration(u) / users)
				for k := range perUser {
					time.Sleep(time.Until(next))
					next = next.Add(staffPace)
					text := fmt.Sprintf("run %d user %d reply %d", run, u, k)
					ts := fmt.Sprintf("1700000100.%03d%03d", u, k)
					id := fmt.Sprintf("Ev-%d-%d-%d", run, u, k)
					mu.Lock()
					sent[text] = time.Now()
					mu.Unlock()
					postSigned(b, slackEventRequest(webs[0], id, staffEvent(threads[u], ts, text), false))
					postSigned(b, slackEventRequest(webs[len(webs)-1], id, staffEvent(threads[u], ts, text), true))
				}
			}()
		}
		wg.Wait()
		deadline := time.Now().Add(30 * time.Second)
		for {
			n := len(lineAPI.PushedTexts())
			if n >= users*perUser || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		b.StopTimer()
		for i, a := range apps {
			a.Close(b.Context())
			servers[i].Close()
		}
		lineAPI.Close()
		fs.Close()
		arrived := lineAPI.PushedTexts()
		if got := len(arrived); got != users*perUser {
			for _, r := range fs.Calls("reactions.add") {
				if r.Get("name") != "white_check_mark" {
					b.Log(r)
				}
			}
			for text := range sent {
				if arrived[text] == nil {
					b.Log("missing ", text)
				}
			}
			b.Fatalf("%d distinct replies arrived, want %d", got, users*perUser)
		}
		for text, at := range arrived {
			if len(at) != 1 {
				b.Fatalf("%q arrived %d times, want once", text, len(at))
			}
			lat = append(lat, at[0].Sub(sent[text]))
		}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(b.N*users*perUser)/b.Elapsed().Seconds(), "replies/s")
	b.ReportMetric(float64(users)/staffPace.Seconds(), "offered/s")
}
