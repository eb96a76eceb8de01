package figures

import (
	"fmt"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// BenchmarkCompute is the cost of the figures of a busy week (100,000
// questions from 20,000 users), which the gauges recompute every Every;
// it reports the time per question.
func BenchmarkCompute(b *testing.B) {
	const n = 100000
	es := make([]record.Entry, n)
	decisions := []match.Decision{match.Answer, match.Answer, match.Answer, match.Clarify, match.Escalate}
	for i := range es {
		es[i] = entry(fmt.Sprintf("u%d", i%20000), time.Duration(i)*6*time.Second, decisions[i%len(decisions)], []int{0, 0, 1, -1}[i%4], i%50 == 0)
	}
	now := t0.Add(8 * day)
	b.ResetTimer()
	for b.Loop() {
		Compute(es, nil, t0, now)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/question")
}
