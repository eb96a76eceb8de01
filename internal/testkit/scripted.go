package testkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
)

// Scripted is a fake outside API for the tests of a client's retry
// policy: each call of a path gets the path's next answer (the last one
// repeats), a path without a script gets the answers of "*", and without
// those a 200 with the OK body. It counts the calls of each path.
type Scripted struct {
	// URL is the server's, without a trailing slash.
	URL string

	ok     string
	mu     sync.Mutex
	script map[string][]Answer
	calls  map[string]int
}

// Answer is one answer of a Scripted API. Status 0 hangs until the caller
// gives up.
type Answer struct {
	Status     int
	RetryAfter string // the Retry-After header, when set
	Body       string // the OK body when empty
}

// NewScripted starts a scripted API until the test ends. ok is the body of
// an answer without one; script's keys are paths without the leading
// slash ("chat.postMessage", "v2/bot/message/push"), or "*".
func NewScripted(tb testing.TB, ok string, script map[string][]Answer) *Scripted {
	s := &Scripted{ok: ok, script: script, calls: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

func (s *Scripted) serve(w http.ResponseWriter, r *http.Request) {
	// Read to the end: only then does the server notice a caller that
	// gave up, which ends a hanging answer.
	io.Copy(io.Discard, r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/")
	s.mu.Lock()
	a := Answer{Status: http.StatusOK}
	script, ok := s.script[path]
	if !ok {
		script = s.script["*"]
	}
	if len(script) > 0 {
		a = script[min(s.calls[path], len(script)-1)]
	}
	s.calls[path]++
	s.mu.Unlock()
	if a.Status == 0 {
		<-r.Context().Done()
		return
	}
	if a.RetryAfter != "" {
		w.Header().Set("Retry-After", a.RetryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.Status)
	if a.Body == "" {
		a.Body = s.ok
	}
	io.WriteString(w, a.Body)
}

// Calls is the number of calls of path ("*": of every path).
func (s *Scripted) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if path != "*" {
		return s.calls[path]
	}
	n := 0
	for _, c := range s.calls {
		n += c
	}
	return n
}

// CheckCounted checks what m counted of the operation op of platform: the
// calls by status label, and the retries.
func CheckCounted(tb testing.TB, m *metrics.Metrics, platform, op string, calls map[string]float64, retries float64) {
	tb.Helper()
	for status, want := range calls {
		if got := testutil.ToFloat64(m.APICalls.WithLabelValues(platform, op, status)); got != want {
			tb.Errorf("got %v %s calls counted with status %s, want %v", got, op, status, want)
		}
	}
	if got := testutil.ToFloat64(m.Retries.WithLabelValues(platform, op)); got != retries {
		tb.Errorf("got %v %s retries counted, want %v", got, op, retries)
	}
}
