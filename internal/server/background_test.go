package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log that goroutines write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestStartOps: the handler is served until stop, which waits for the
// listener to close; a listener that fails is logged.
func TestStartOps(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	stop := StartOps(slog.New(slog.NewTextHandler(&log, nil)), ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	res, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil || res.StatusCode != http.StatusTeapot {
		t.Fatalf("got %v, %v; want the handler's answer", res, err)
	}
	res.Body.Close()
	stop()
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("after stop: the listener still accepts")
	}
	if strings.Contains(log.String(), "stopped") {
		t.Errorf("a clean stop logged %q", log.String())
	}

	broken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	broken.Close()
	var blog syncBuffer
	stopBroken := StartOps(slog.New(slog.NewTextHandler(&blog, nil)), broken, http.NotFoundHandler())
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(blog.String(), "stopped") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	stopBroken()
	if !strings.Contains(blog.String(), "operations listener stopped: no probes or metrics") {
		t.Errorf("a listener that fails: got log %q", blog.String())
	}
}

// TestRunBackground: every task runs; an error before ctx ends is
// logged, one after it is not.
func TestRunBackground(t *testing.T) {
	var log syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	RunBackground(ctx, slog.New(slog.NewTextHandler(&log, nil)), []func(context.Context) error{
		func(context.Context) error { defer wg.Done(); return errors.New("broke early") },
		func(ctx context.Context) error { defer wg.Done(); <-ctx.Done(); return errors.New("after the end") },
	})
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(log.String(), "broke early") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	time.Sleep(20 * time.Millisecond) // the logging after Done
	if got := log.String(); !strings.Contains(got, `msg="background task stopped" err="broke early"`) || strings.Contains(got, "after the end") {
		t.Errorf("got log %q, want the early error only", got)
	}
}
