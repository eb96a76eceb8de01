package main

import (
	"bytes"
	"fmt"
	"io"
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
	"sync/atomic"
	"testing"
	"time"
)

// Flood parameters: what issue #10 measured, bounded in time, loopback only.
const (
	floodBodies   = 200     // connections sending a 1 MiB body slowly, with a bad signature
	floodHeaders  = 100     // connections sending a 1 MB header line
	floodBodySize = 1 << 20 // declared and (slowly) sent
	floodChunk    = 16 << 10
	floodPace     = 100 * time.Millisecond // between chunks: 160 KiB/s per connection
	floodDuration = 10 * time.Second
	floodPause    = 50 * time.Millisecond // before an attacker reconnects
)

// BenchmarkUnverifiedFlood builds and runs the real binary with LINE
// pointed at a local fake, floods its public port for floodDuration with
// floodBodies connections sending 1 MiB bodies slowly under a bad
// signature and floodHeaders connections sending a 1 MB header (each
// reconnecting when refused), all from 127.0.0.1, probes /healthz every
// 10 ms meanwhile and sends one correctly signed event in the middle, both
// from 127.0.0.2 (LINE and the probes are not the attacker). It reports the process's
// peak resident memory (VmHWM), /healthz latency and whether the signed
// event was answered.
//
//	go test -run x -bench UnverifiedFlood -benchtime 1x ./cmd/madoguchi
func BenchmarkUnverifiedFlood(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "madoguchi")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	for b.Loop() {
		rc := &replyCounter{tokens: map[string]int{}}
		fake := httptest.NewServer(rc)
		addr, opsAddr := freeAddr(b), freeAddr(b)
		cmd := exec.Command(bin, "serve", "--addr", addr, "--ops-addr", opsAddr, "--intents", intentsDir, "--record", "off")
		cmd.Env = append(os.Environ(), "LINE_CHANNEL_SECRET="+testChannelSecret, "LINE_CHANNEL_TOKEN=t", "LINE_API_ENDPOINT="+fake.URL)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		base := "http://" + addr
		if !waitHealthy(base) {
			cmd.Process.Kill()
			b.Fatal("serve did not come up")
		}

		// The same probe without the flood first: on a shared machine, the
		// flood's figures mean something only beside it.
		var quietFailed atomic.Int64
		quiet := probe(base+"/healthz", time.Now().Add(2*time.Second), &quietFailed)

		cpu0 := cpuSeconds(cmd.Process.Pid)
		deadline := time.Now().Add(floodDuration)
		var wg sync.WaitGroup
		var attempts atomic.Int64
		for range floodBodies {
			wg.Go(func() {
				for time.Now().Before(deadline) {
					attempts.Add(1)
					slowBody(addr, deadline)
					time.Sleep(floodPause)
				}
			})
		}
		for range floodHeaders {
			wg.Go(func() {
				for time.Now().Before(deadline) {
					attempts.Add(1)
					bigHeader(addr)
					time.Sleep(floodPause)
				}
			})
		}

		// /healthz every 10 ms on the public port (what the flood
		// reaches) and on the operations port (what the probes use).
		var pub, ops []time.Duration
		var failed atomic.Int64
		wg.Go(func() { pub = probe(base+"/healthz", deadline, &failed) })
		wg.Go(func() { ops = probe("http://"+opsAddr+"/healthz", deadline, &failed) })

		// A real event in the middle of the flood.
		time.Sleep(floodDuration / 2)
		body := webhookBody(textEvent("flood-1", "flood-token", "パスワードを忘れました"))
		req, _ := http.NewRequest(http.MethodPost, base+"/line/webhook", bytes.NewReader(body))
		req.Header.Set("X-Line-Signature", sign(body))
		t0 := time.Now()
		signedStatus := 0
		if res, err := otherClient(10 * time.Second).Do(req); err == nil {
			signedStatus = res.StatusCode
			res.Body.Close()
		}
		signedLatency := time.Since(t0)
		wg.Wait()
		cpu := cpuSeconds(cmd.Process.Pid) - cpu0

		answered := 0
		for range 100 {
			rc.mu.Lock()
			answered = rc.tokens["flood-token"]
			rc.mu.Unlock()
			if answered > 0 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		shed := scrape("http://"+opsAddr+"/metrics", `madoguchi_webhook_shed_total{reason="busy"}`)
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
		reportLatency(b, "quiet-healthz", quiet)
		reportLatency(b, "healthz", pub)
		reportLatency(b, "ops-healthz", ops)
		b.ReportMetric(float64(failed.Load()), "healthz-failures")
		// serve's own CPU time over the flood: what the flood costs it,
		// apart from the machine it shares with the load generator.
		b.ReportMetric(cpu, "serve-cpu-s")
		b.ReportMetric(float64(attempts.Load()), "attacks")
		b.ReportMetric(shed, "shed-busy")
		b.ReportMetric(float64(signedStatus), "signed-status")
		b.ReportMetric(float64(signedLatency.Microseconds())/1000, "signed-ms")
		b.ReportMetric(float64(answered), "signed-answered")
		if signedStatus != http.StatusOK || answered != 1 {
			b.Errorf("signed event during the flood: status %d, answered %d times, want 200 and once", signedStatus, answered)
		}
	}
}

func waitHealthy(base string) bool {
	for range 250 {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// slowBody declares a 1 MiB body with a bad signature and sends it slowly,
// until the server answers or drops the connection.
func slowBody(addr string, deadline time.Time) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return
	}
	defer c.Close()
	head := fmt.Sprintf("POST /line/webhook HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-Line-Signature: YmFk\r\nContent-Length: %d\r\n\r\n", addr, floodBodySize)
	if _, err := io.WriteString(c, head); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("x"), floodChunk)
	for sent := 0; sent < floodBodySize && time.Now().Before(deadline); sent += floodChunk {
		c.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := c.Write(chunk); err != nil {
			return
		}
		time.Sleep(floodPace)
	}
	c.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, c)
}

// bigHeader sends a request whose one header line is 1 MB long, in 64 KiB
// pieces at floodPace, until the server answers or drops the connection.
func bigHeader(addr string) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	io.WriteString(c, "POST /line/webhook HTTP/1.1\r\nHost: "+addr+"\r\nX-Pad: ")
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	for range 16 {
		if _, err := c.Write(chunk); err != nil {
			return
		}
		time.Sleep(floodPace)
	}
	io.Copy(io.Discard, c)
}

// probe GETs url every 10 ms until deadline and returns the latencies,
// sorted; a failed request counts as failed.
func probe(url string, deadline time.Time, failed *atomic.Int64) []time.Duration {
	client := otherClient(2 * time.Second)
	var lat []time.Duration
	for time.Now().Before(deadline) {
		t0 := time.Now()
		res, err := client.Get(url)
		if err != nil {
			failed.Add(1)
			continue
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		lat = append(lat, time.Since(t0))
		time.Sleep(10 * time.Millisecond)
	}
	slices.Sort(lat)
	return lat
}

// otherClient is an HTTP client that connects from 127.0.0.2: LINE and the
// probes are not the flood's address, which has only its share of the
// public listener's connections.
func otherClient(timeout time.Duration) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: time.Second}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DialContext: d.DialContext}}
}

func reportLatency(b *testing.B, name string, lat []time.Duration) {
	if len(lat) == 0 {
		b.Errorf("no %s answered", name)
		return
	}
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, name+"-p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, name+"-max-ms")
}

// cpuSeconds is the user and system CPU time a process has used, from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux).
func cpuSeconds(pid int) float64 {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// The command name (field 2) may hold spaces: count after its ')'.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(f) < 13 {
		return -1
	}
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return float64(u+s) / 100
}

// scrape returns a sample's value from a Prometheus text page, or -1.
func scrape(url, sample string) float64 {
	res, err := http.Get(url)
	if err != nil {
		return -1
	}
	defer res.Body.Close()
	page, _ := io.ReadAll(res.Body)
	for _, l := range strings.Split(string(page), "\n") {
		if v, ok := strings.CutPrefix(l, sample+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return -1
}
