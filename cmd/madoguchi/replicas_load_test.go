package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/secret"
)

// writeGenerated writes the shipped catalogue and n generated intents to
// dir (the shipped settings name shipped intents) and returns how many
// intents dir holds.
func writeGenerated(tb testing.TB, dir string, n int) int {
	tb.Helper()
	shipped, err := filepath.Glob(filepath.Join(intentsDir, "*.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range shipped {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	words := strings.Fields("証明書 会報 同窓会 寄付 図書館 駐車場 奨学金 就職 講演会 記念品 支部 会費 領収書 名簿 施設 予約")
	for i := range n {
		w := words[i%len(words)] + words[(i/len(words))%len(words)]
		y := fmt.Sprintf("id: gen-%04d\ntitle: {ja: %sの案内%d, en: About topic %d}\nexamples:\n  ja: [%sについて%d, %sを知りたい%d]\n  en: [tell me about topic %d, question on topic %d]\nanswer: {ja: %sの答え, en: Answer %d}\n",
			i, w, i, i, w, i, w, i, i, i, w, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("gen-%04d.yaml", i)), []byte(y), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return len(shipped) - 1 + n // the settings file is no intent
}

// BenchmarkReplicasLoad runs two replicas of serve on loopback sharing one
// real Redis; every event is sent to both (as when LINE redelivers to
// another replica) while replica 1 reloads the shipped catalogue and 1,000 intents more. It
// reports throughput, latency, replies against events, duplicates, failed
// requests and the reload time.
func BenchmarkReplicasLoad(b *testing.B) {
	srv := redistest.Start(b)
	for b.Loop() {
		rc := &replyCounter{tokens: map[string]int{}}
		fake := httptest.NewServer(rc)
		big := b.TempDir()
		intents := writeGenerated(b, big, 1000)
		logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
		var urls []string
		var apps []*Main
		var stops []func() error
		for i := range 2 {
			dir := intentsDir
			if i == 0 {
				dir = big // loaded at start with the shipped catalogue, reloaded under load
			}
			cfg := Config{intents: dir, workers: 8, queue: 4096, redisURL: srv.URL(), line: &line.Config{
				ChannelSecret: secret.Secret(testChannelSecret), ChannelToken: secret.Secret("t"), Endpoint: fake.URL,
			}}
			a := testApp(b, logger, cfg)
			base, stop := serveLoopback(b, a)
			urls, apps, stops = append(urls, base+"/line/webhook"), append(apps, a), append(stops, stop)
		}
		const events = 10000
		bodies := make([][]byte, events)
		for i := range bodies {
			bodies[i] = webhookBody(textEvent(fmt.Sprint("rep-", i), fmt.Sprint("token-", i), "パスワードを忘れました"))
		}
		signer := func(req *http.Request, body []byte) { req.Header.Set("X-Line-Signature", sign(body)) }
		var wg sync.WaitGroup
		results := make([]loadResult, 2)
		for i, u := range urls {
			wg.Add(1)
			go func() { defer wg.Done(); results[i] = sendLoad(u, bodies, signer) }()
		}
		time.Sleep(200 * time.Millisecond)
		st := apps[0].reloader.Reload()
		wg.Wait()
		// The events are in Redis; a replica that stops leaves what it has
		// not read to the others, so wait until they are answered.
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			rc.mu.Lock()
			n := len(rc.tokens)
			rc.mu.Unlock()
			if n >= events {
				break
			}
		}
		for _, stop := range stops {
			if err := stop(); err != nil {
				b.Fatal(err)
			}
		}
		fake.Close()
		if !st.OK || st.Intents != intents {
			b.Fatalf("reload under load: %+v", st)
		}
		all := loadResult{latencies: append(results[0].latencies, results[1].latencies...), elapsed: max(results[0].elapsed, results[1].elapsed),
			accepted: results[0].accepted + results[1].accepted}
		slices.Sort(all.latencies)
		received, dups := 0, 0
		for _, n := range rc.tokens {
			received++
			dups += n - 1
		}
		all.report(b)
		failed := 2*events - all.accepted
		b.ReportMetric(float64(received), "replies")
		b.ReportMetric(float64(dups), "duplicates")
		b.ReportMetric(float64(failed), "failed-requests")
		b.ReportMetric(st.Seconds*1000, "reload-ms")
		if received != events || dups != 0 || failed != 0 {
			b.Errorf("%d events sent to both replicas: %d replied, %d duplicates, %d failed requests", events, received, dups, failed)
		}
	}
}

// BenchmarkServeRSS builds and runs the real binary with the shipped
// catalogue, the record on (in a temporary file) and LINE pointed at a
// local fake, sends it 2,000 events, and reports its resident memory.
func BenchmarkServeRSS(b *testing.B) {
	// Built as the Dockerfile builds it: the binary's mapped pages are
	// part of the resident memory measured.
	bin := filepath.Join(b.TempDir(), "madoguchi")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	for b.Loop() {
		rc := &replyCounter{tokens: map[string]int{}}
		fake := httptest.NewServer(rc)
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		// Recording is on, as shipped, into a file of the benchmark's own.
		db := filepath.Join(b.TempDir(), "record.db")
		cmd := exec.Command(bin, "serve", "--addr", addr, "--ops-addr", "127.0.0.1:0", "--intents", intentsDir, "--rate-limit", "0", "--db", db)
		cmd.Env = append(os.Environ(), "LINE_CHANNEL_SECRET="+testChannelSecret, "LINE_CHANNEL_TOKEN=t", "LINE_API_ENDPOINT="+fake.URL)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < 100; i++ {
			if res, err := http.Get("http://" + addr + "/healthz"); err == nil {
				res.Body.Close()
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		bodies := make([][]byte, 2000)
		for i := range bodies {
			bodies[i] = webhookBody(textEvent(fmt.Sprint("rss-", i), fmt.Sprint("t-", i), "パスワードを忘れました"))
		}
		sendLoad("http://"+addr+"/line/webhook", bodies, func(req *http.Request, body []byte) { req.Header.Set("X-Line-Signature", sign(body)) })
		status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		fake.Close()
		for _, l := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(l, "VmRSS:") || strings.HasPrefix(l, "VmHWM:") {
				kb, _ := strconv.Atoi(strings.Fields(l)[1])
				b.ReportMetric(float64(kb)/1024, strings.TrimSuffix(strings.Fields(l)[0], ":")+"-MB")
			}
		}
	}
}
