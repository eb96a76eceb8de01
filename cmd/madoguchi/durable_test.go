package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/redistest"
)

// buildMadoguchi builds the binary from the repository for tests that run
// real processes.
func buildMadoguchi(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "madoguchi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		tb.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// process is one `madoguchi serve` replica.
type process struct {
	cmd  *exec.Cmd
	base string
	logs *syncWriter   // its standard error, written while it runs
	done chan struct{} // closed when the process has exited, with err
	err  error
}

// startServeProcess runs `madoguchi serve` on a free loopback port with LINE
// pointed at lineURL and the given extra environment, and waits until it
// answers /healthz.
func startServeProcess(tb testing.TB, bin, lineURL string, env ...string) *process {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := &process{base: "http://" + addr, logs: &syncWriter{w: &bytes.Buffer{}}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve", "--addr", addr, "--ops-addr", "127.0.0.1:0", "--intents", intentsDir, "--rate-limit", "0", "--log-level", "warn", "--record", "off")
	p.cmd.Env = append(os.Environ(), append([]string{"LINE_CHANNEL_SECRET=" + testChannelSecret, "LINE_CHANNEL_TOKEN=t", "LINE_API_ENDPOINT=" + lineURL}, env...)...)
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	tb.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if tb.Failed() {
			tb.Logf("replica %s logs:\n%.4000s", addr, p.logs.String())
		}
	})
	for i := 0; ; i++ {
		if res, err := http.Get(p.base + "/healthz"); err == nil {
			res.Body.Close()
			return p
		}
		if i > 500 {
			tb.Fatalf("serve did not start within 10s:\n%s", p.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// durableRun is a load on two replicas sharing one Redis, during which
// replica 0 gets sig (SIGKILL or SIGTERM) once half the events are sent.
type durableRun struct {
	events int
	sig    syscall.Signal // 0: none (a steady load)
	delay  time.Duration  // LINE's answer time
	env    []string       // more environment for the replicas
	// rate, when not 0, offers the events at that many a second (event i
	// is sent no earlier than i/rate seconds in): the latency at a given
	// load, where 0 measures the most the replicas take.
	rate int
	// restartRedis kills Redis (SIGKILL) once half the events are sent,
	// and starts it again; persistent gives it the shipped persistence
	// settings (redistest.Persistence), else none.
	restartRedis, persistent bool
	// wait bounds the wait for every acknowledged event to be answered
	// (60s when 0).
	wait time.Duration
}

// durableResult is what the run measured: webhook acknowledgements and
// their latency, and what the fake LINE API saw.
type durableResult struct {
	load     loadResult
	acked    int
	answered int // acknowledged events whose token was answered
	lost     int // acknowledged events never answered
	reused   int // second replies refused by LINE (single-use tokens)
	pushed   int
	stopped  error // the signalled replica's exit
	takeover time.Duration
	// lossLogged is the number of replicas that logged that Redis had
	// lost the event stream, and lossCounted the events they counted lost.
	lossLogged, lossCounted int
}

func (r durableRun) run(tb testing.TB, bin string) durableResult {
	tb.Helper()
	srv := redistest.Start(tb)
	if r.persistent {
		srv = redistest.StartPersistent(tb)
	}
	fake := newTokenLINE(tb, r.delay)
	env := append([]string{"REDIS_URL=" + srv.URL(), "MADOGUCHI_EVENT_TIMEOUT=4s",
		"MADOGUCHI_CLAIM_IDLE=5s", "MADOGUCHI_SHUTDOWN_GRACE=10s"}, r.env...)
	reps := []*process{startServeProcess(tb, bin, fake.URL, env...), startServeProcess(tb, bin, fake.URL, env...)}
	bodies := make([][]byte, r.events)
	for i := range bodies {
		bodies[i] = webhookBody(textEvent(fmt.Sprint("dur-", i), fmt.Sprint("tok-", i), "パスワードを忘れました"))
	}
	var signalOnce sync.Once
	var signalled time.Time
	acked := make([]atomic.Bool, r.events)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadConcurrency}, Timeout: 10 * time.Second}
	// Each event goes to one replica, as through a Service; an event the
	// replica does not acknowledge goes to the other, as LINE redelivers.
	send := func(i int) (time.Duration, bool) {
		for attempt := range 20 {
			rep := reps[(i+attempt)%2]
			req, _ := http.NewRequest(http.MethodPost, rep.base+"/line/webhook", bytes.NewReader(bodies[i]))
			req.Header.Set("X-Line-Signature", sign(bodies[i]))
			t0 := time.Now()
			res, err := client.Do(req)
			if err == nil {
				// Read to the end, so that the connection is reused, as
				// the other loads do: a new TCP connection per event
				// would measure the load generator's dialling.
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					acked[i].Store(true)
					return time.Since(t0), true
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		return 0, false
	}
	var next atomic.Int64
	lat := make([][]time.Duration, loadConcurrency)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range loadConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= r.events || time.Since(start) > loadTimeLimit {
					return
				}
				if r.rate > 0 {
					time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(r.rate))))
				}
				if i == r.events/2 && r.sig != 0 {
					signalOnce.Do(func() { signalled = time.Now(); reps[0].cmd.Process.Signal(r.sig) })
				}
				if i == r.events/2 && r.restartRedis {
					signalOnce.Do(func() { signalled = time.Now(); srv.Stop(); srv.Restart(tb) })
				}
				if d, ok := send(i); ok {
					lat[w] = append(lat[w], d)
				}
			}
		}()
	}
	wg.Wait()
	var res durableResult
	all := slices.Concat(lat...)
	slices.Sort(all)
	res.load = loadResult{latencies: all, elapsed: time.Since(start), accepted: len(all)}
	if r.sig != 0 && !r.restartRedis {
		select {
		case <-reps[0].done:
			res.stopped = reps[0].err
		case <-time.After(20 * time.Second):
			res.stopped = fmt.Errorf("replica 0 still running 20s after signal %v", r.sig)
		}
	} else if !r.restartRedis {
		signalled = time.Now()
	}
	for i := range acked {
		if acked[i].Load() {
			res.acked++
		}
	}
	// Wait for the survivor to answer everything, including what it takes
	// over from the dead replica after the claim idle time.
	// The count is waited for first: scanning every token under the fake's
	// lock while the replicas answer would slow what it measures.
	wait := r.wait
	if wait == 0 {
		wait = 60 * time.Second
	}
	deadline := time.Now().Add(wait)
	waitReplied(fake, res.acked, time.Until(deadline))
	for {
		res.answered, res.lost = 0, 0
		for i := range acked {
			if acked[i].Load() {
				if fake.Answered(fmt.Sprint("tok-", i)) {
					res.answered++
				} else {
					res.lost++
				}
			}
		}
		if res.lost == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	res.takeover = time.Since(signalled) // with no signal: after the load
	time.Sleep(200 * time.Millisecond)   // room for a late duplicate
	_, res.reused, res.pushed = fake.Counts()
	for _, p := range reps {
		for _, line := range strings.Split(p.logs.String(), "\n") {
			var l struct {
				Msg     string `json:"msg"`
				Waiting int    `json:"waiting_at_last_look"`
				Counted bool   `json:"counted_here"`
			}
			if json.Unmarshal([]byte(line), &l) == nil && strings.HasPrefix(l.Msg, "intake: Redis lost the event stream") {
				res.lossLogged++
				if l.Counted {
					res.lossCounted += l.Waiting
				}
			}
		}
	}
	return res
}

// loadEventsFromEnv is the event count of the durable load: n, or
// MADOGUCHI_LOAD_EVENTS when set.
func loadEventsFromEnv(tb testing.TB, n int) int {
	if v := os.Getenv("MADOGUCHI_LOAD_EVENTS"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 10 {
			tb.Fatalf("MADOGUCHI_LOAD_EVENTS=%q: want a number of events, at least 10", v)
		}
		return m
	}
	return n
}

// TestDurableKill9: two real replicas share a real Redis; one is killed
// with SIGKILL mid-load. Every acknowledged event is answered, once.
func TestDurableKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	res := durableRun{events: loadEventsFromEnv(t, 1000), sig: syscall.SIGKILL, delay: 20 * time.Millisecond}.run(t, buildMadoguchi(t))
	t.Logf("%d acknowledged, %d answered, %d lost, %d second replies refused by LINE, %d pushes; all answered %.1fs after the kill",
		res.acked, res.answered, res.lost, res.reused, res.pushed, res.takeover.Seconds())
	if res.lost != 0 || res.pushed != 0 || res.acked == 0 {
		t.Errorf("kill -9 mid-load: %d of %d acknowledged events lost, %d pushes; want 0 and 0", res.lost, res.acked, res.pushed)
	}
}

// TestDurableSIGTERM: with LINE answering slowly, one of two replicas gets
// SIGTERM mid-load: it finishes what it holds and exits cleanly, and the
// other answers the rest.
func TestDurableSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	res := durableRun{events: loadEventsFromEnv(t, 600), sig: syscall.SIGTERM, delay: 300 * time.Millisecond,
		env: []string{"MADOGUCHI_WORKERS=16"}}.run(t, buildMadoguchi(t))
	t.Logf("%d acknowledged, %d answered, %d lost, %d second replies refused by LINE; replica stopped: %v", res.acked, res.answered, res.lost, res.reused, res.stopped)
	if res.stopped != nil {
		t.Errorf("the replica given SIGTERM exited with %v, want a clean exit", res.stopped)
	}
	if res.lost != 0 || res.acked == 0 {
		t.Errorf("SIGTERM mid-load with a slow LINE API: %d of %d acknowledged events lost, want 0", res.lost, res.acked)
	}
}

// TestDurableRedisRestart: under a backlog (LINE answering in 0.1 s), Redis
// is killed and restarted mid-load. With the shipped persistence no
// acknowledged event is lost; without it, events are lost and a replica
// says so in its log (and counts it, madoguchi_intake_queue_lost_total).
func TestDurableRedisRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	bin := buildMadoguchi(t)
	for _, tc := range []struct {
		name       string
		persistent bool
		wait       time.Duration
	}{{"shipped persistence", true, 60 * time.Second}, {"no persistence", false, 15 * time.Second}} {
		t.Run(tc.name, func(t *testing.T) {
			res := durableRun{events: loadEventsFromEnv(t, 1000), delay: 100 * time.Millisecond, restartRedis: true,
				persistent: tc.persistent, wait: tc.wait}.run(t, bin)
			t.Logf("%d acknowledged, %d answered, %d lost, %d second replies refused by LINE, %d pushes; the loss logged by %d replicas, %d events counted lost",
				res.acked, res.answered, res.lost, res.reused, res.pushed, res.lossLogged, res.lossCounted)
			switch {
			case res.acked == 0:
				t.Error("no event acknowledged")
			case tc.persistent && res.lost != 0:
				t.Errorf("Redis restarted with the shipped persistence: %d of %d acknowledged events lost, want 0", res.lost, res.acked)
			case tc.persistent && res.lossLogged != 0:
				t.Errorf("%d replicas logged a loss though nothing was lost", res.lossLogged)
			case res.lost > 0 && (res.lossLogged == 0 || res.lossCounted == 0):
				t.Errorf("%d of %d acknowledged events lost; logged by %d replicas, %d counted; want it logged and counted",
					res.lost, res.acked, res.lossLogged, res.lossCounted)
			}
		})
	}
}

// BenchmarkDurableLoad is the measure: two replicas (real
// processes) sharing a real Redis, 10,000 signed LINE events (or
// MADOGUCHI_LOAD_EVENTS) from 32 clients, as a steady load and with
// replica 0 killed (-9) mid-load. It reports acknowledged events per
// second, webhook latency, and lost and duplicate answers.
func BenchmarkDurableLoad(b *testing.B) {
	bin := buildMadoguchi(b)
	for _, bc := range []struct {
		name string
		sig  syscall.Signal
		rate int
	}{{"steady", 0, 0}, {"kill9", syscall.SIGKILL, 0}, {"steady-2000/s", 0, 2000}, {"kill9-2000/s", syscall.SIGKILL, 2000}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				res := durableRun{events: loadEventsFromEnv(b, 10000), sig: bc.sig, rate: bc.rate}.run(b, bin)
				res.load.report(b)
				b.ReportMetric(float64(res.lost), "lost")
				b.ReportMetric(float64(res.pushed), "duplicates")
				b.ReportMetric(float64(res.reused), "refused-second-replies")
				b.ReportMetric(res.takeover.Seconds(), "all-answered-s-after")
				if res.lost != 0 || res.pushed != 0 {
					b.Errorf("%d acknowledged: %d lost, %d duplicates", res.acked, res.lost, res.pushed)
				}
			}
		})
	}
}
