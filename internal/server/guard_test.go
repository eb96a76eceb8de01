package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// serveLoopback serves h as Serve does (same limits) on a loopback port.
func serveLoopback(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, slog.New(slog.DiscardHandler), ln, h, time.Second, func(context.Context) error { return nil })
	}()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// rawRequest writes a request head (and whatever of the body is given)
// on a new connection and returns the connection, still open.
func rawRequest(t *testing.T, addr, head, body string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, head+body); err != nil {
		t.Fatal(err)
	}
	return c
}

// status reads the status code of the response on c.
func status(t *testing.T, c net.Conn) int {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	res.Body.Close()
	return res.StatusCode
}

func post(length int) string {
	return fmt.Sprintf("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", length)
}

// echo reads the whole body, as a webhook does, and answers its length.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read: "+err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprint(w, len(b))
})

func TestGuardSlots(t *testing.T) {
	reg := prometheus.NewRegistry()
	lim := Limits{MaxBody: 1 << 20, SmallBody: 1 << 10, SmallSlots: 2, LargeSlots: 1, BodyTimeout: 5 * time.Second}
	g := NewGuard(lim, reg)
	addr := serveLoopback(t, g.Wrap(echo))

	// A large body that is slow to arrive holds the only large slot.
	slow := rawRequest(t, addr, post(100<<10), "partial")
	time.Sleep(100 * time.Millisecond) // let the handler take the slot
	tests := []struct {
		name       string
		head, body string
		want       int
	}{
		{"second large body while the slot is taken", post(100 << 10), strings.Repeat("x", 100<<10), http.StatusServiceUnavailable},
		{"small body still has a slot", post(5), "hello", http.StatusOK},
		{"declared length over the limit", post(2 << 20), "", http.StatusRequestEntityTooLarge},
		{"chunked body counts as large", "POST /hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", "5\r\nhello\r\n0\r\n\r\n", http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := status(t, rawRequest(t, addr, tt.head, tt.body)); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
	if got := testutil.ToFloat64(g.shed.WithLabelValues("busy")); got != 2 {
		t.Errorf("shed busy = %v, want 2", got)
	}
	// Once the slow sender finishes, the slot is free again.
	io.WriteString(slow, strings.Repeat("x", 100<<10-len("partial")))
	if got := status(t, slow); got != http.StatusOK {
		t.Errorf("slow body completed: status %d, want 200", got)
	}
	if got := status(t, rawRequest(t, addr, post(100<<10), strings.Repeat("x", 100<<10))); got != http.StatusOK {
		t.Errorf("large body after the slot was freed: status %d, want 200", got)
	}
}

func TestGuardBodyTimeout(t *testing.T) {
	lim := Limits{MaxBody: 1 << 20, SmallBody: 1 << 10, SmallSlots: 1, LargeSlots: 1, BodyTimeout: 200 * time.Millisecond}
	addr := serveLoopback(t, NewGuard(lim, prometheus.NewRegistry()).Wrap(echo))
	// The body never completes: the read fails after BodyTimeout and
	// the slot is given back.
	stalled := rawRequest(t, addr, post(100), "only part")
	if got := status(t, stalled); got != http.StatusBadRequest {
		t.Errorf("stalled body: status %d, want 400 from the handler's failed read", got)
	}
	if got := status(t, rawRequest(t, addr, post(5), "hello")); got != http.StatusOK {
		t.Errorf("after the stalled body: status %d, want 200", got)
	}
}

func TestMaxHeaderBytes(t *testing.T) {
	addr := serveLoopback(t, echo)
	big := "GET /hook HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 1<<20) + "\r\n\r\n"
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The server answers and closes before the whole header is written.
	go io.WriteString(c, big)
	if got := status(t, c); got != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("1 MiB header: status %d, want 431", got)
	}
	if got := status(t, rawRequest(t, addr, "GET /hook HTTP/1.1\r\nHost: x\r\nX-Ok: "+strings.Repeat("a", 2000)+"\r\n\r\n", "")); got != http.StatusOK {
		t.Errorf("2 KB header: status %d, want 200", got)
	}
}

func TestConnectionCap(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var refused atomic.Int32
	capped := limitConns(ln, 2, 10, func(string) { refused.Add(1) })
	srv := newHTTPServer(echo)
	go srv.Serve(capped)
	t.Cleanup(func() { srv.Close() })
	addr := ln.Addr().String()

	// Two connections are held open, mid-request; a third is closed
	// without an answer.
	a := rawRequest(t, addr, post(10), "12345")
	rawRequest(t, addr, post(10), "12345")
	time.Sleep(100 * time.Millisecond)
	c := rawRequest(t, addr, post(5), "hello")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := c.Read(make([]byte, 1)); err == nil {
		t.Errorf("third connection read %d bytes, want it closed", n)
	}
	if got := refused.Load(); got != 1 {
		t.Errorf("refused %d connections, want 1", got)
	}
	// One finishes and closes: its slot is free for the next.
	io.WriteString(a, "67890")
	if got := status(t, a); got != http.StatusOK {
		t.Errorf("first connection: status %d, want 200", got)
	}
	a.Close()
	time.Sleep(100 * time.Millisecond)
	if got := status(t, rawRequest(t, addr, post(5), "hello")); got != http.StatusOK {
		t.Errorf("after a connection closed: status %d, want 200", got)
	}
}
