package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestAnswered(t *testing.T) {
	m := New(prometheus.NewRegistry())
	m.Answered("line", "answer", "imap", false, 5*time.Microsecond)
	m.Answered("line", "escalate", "", true, 0) // rate-limited: never matched
	if got := testutil.ToFloat64(m.Decisions.WithLabelValues("answer", "imap")); got != 1 {
		t.Errorf("answer decisions = %v, want 1", got)
	}
	if got := testutil.ToFloat64(m.Decisions.WithLabelValues("escalate", "")); got != 0 {
		t.Errorf("a rate-limited message counted as a decision (%v)", got)
	}
	if got := testutil.ToFloat64(m.RateLimited.WithLabelValues("line")); got != 1 {
		t.Errorf("rate limited = %v, want 1", got)
	}
	if got := testutil.CollectAndCount(m.MatchSeconds); got != 1 {
		t.Errorf("match histogram series = %d", got)
	}
}
