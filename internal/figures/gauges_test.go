package figures

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/oumail-alumni/madoguchi/internal/record"
)

// fakeSource serves the known record, or fails.
type fakeSource struct {
	fail  bool
	since time.Time
}

func (s *fakeSource) Entries(_ context.Context, since time.Time) ([]record.Entry, error) {
	s.since = since
	if s.fail {
		return nil, errors.New("database is locked")
	}
	es, _, _ := known()
	return es, nil
}

func (s *fakeSource) Tickets(context.Context, time.Time) ([]record.Ticket, error) {
	_, ts, _ := known()
	return ts, nil
}

func TestGaugesRefresh(t *testing.T) {
	reg := prometheus.NewRegistry()
	g := NewGauges(reg)
	_, _, now := known()
	src := &fakeSource{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // one refresh, then Refresh returns
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	g.Refresh(ctx, quiet, src, func() time.Time { return now })
	if want := now.Add(-Window); !src.since.Equal(want) {
		t.Errorf("read since %v, want %v", src.since, want)
	}
	es, ts, _ := known()
	want := Compute(es, ts, now.Add(-Window), now)
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"answer", testutil.ToFloat64(g.rates.WithLabelValues("answer")), want.AnswerRate},
		{"csat", testutil.ToFloat64(g.rates.WithLabelValues("csat")), 0.6},
		{"confirmed", testutil.ToFloat64(g.self.WithLabelValues("confirmed")), want.Confirmed},
		{"assumed", testutil.ToFloat64(g.self.WithLabelValues("assumed")), want.Assumed},
		{"first reply", testutil.ToFloat64(g.reply), 900},
		{"updated", testutil.ToFloat64(g.updated), float64(now.Unix())},
	} {
		if math.Abs(tc.got-tc.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	// A record that cannot be read leaves the gauges as they were.
	src.fail = true
	g.Refresh(ctx, quiet, src, func() time.Time { return now.Add(time.Hour) })
	if got := testutil.ToFloat64(g.updated); got != float64(now.Unix()) {
		t.Errorf("updated = %v after a failed read, want %v (unchanged)", got, float64(now.Unix()))
	}
	if got := testutil.ToFloat64(g.rates.WithLabelValues("answer")); math.Abs(got-want.AnswerRate) > 1e-9 {
		t.Errorf("answer = %v after a failed read, want %v (unchanged)", got, want.AnswerRate)
	}
}
