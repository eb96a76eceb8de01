package figures

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/record"
)

// Source is the record the figures are read from (*record.DB).
type Source interface {
	Entries(ctx context.Context, since time.Time) ([]record.Entry, error)
	Tickets(ctx context.Context, since time.Time) ([]record.Ticket, error)
}

var _ Source = (*record.DB)(nil)

// Window is the period the gauges cover, and Every how often Refresh
// recomputes them. Gauges, not counters at the event: an assumed
// resolution is only known a day after the answer, so the honest figure
// is one recomputed from the record, the same one stats prints.
const (
	Window = 7 * 24 * time.Hour
	Every  = 10 * time.Minute
)

// Gauges are the figures as Prometheus gauges.
type Gauges struct {
	rates   *prometheus.GaugeVec
	self    *prometheus.GaugeVec
	reply   prometheus.Gauge
	perDay  prometheus.Gauge
	updated prometheus.Gauge
}

// NewGauges registers the figures' gauges on reg.
func NewGauges(reg prometheus.Registerer) *Gauges {
	g := &Gauges{
		rates: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "madoguchi_resolution_rate",
			Help: "Resolution figures over the last 7 days, recomputed from the record every 10 minutes, by figure: answer, asked_back, escalation, handoff (shares of questions), helpful (share of \"solved\" among rated answers), csat (share of satisfied ratings after a handoff).",
		}, []string{"figure"}),
		self: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "madoguchi_self_resolution_rate",
			Help: "Share of the questions of the last 7 days resolved without a person, by kind: confirmed (the user tapped solved) or assumed (answered, no not-solved, no further question and no handoff within 24 h); the two add up to the self-resolution rate. Recomputed every 10 minutes.",
		}, []string{"kind"}),
		reply: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "madoguchi_handoff_first_reply_median_seconds",
			Help: "Median time from a conversation with staff opening to the first staff reply, over the conversations opened in the last 7 days.",
		}),
		perDay: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "madoguchi_handoffs_per_day",
			Help: "Questions handed to staff per day, over the last 7 days.",
		}),
		updated: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "madoguchi_figures_updated_timestamp_seconds",
			Help: "When the resolution figures were last recomputed from the record (Unix seconds); stale when the record cannot be read.",
		}),
	}
	reg.MustRegister(g.rates, g.self, g.reply, g.perDay, g.updated)
	return g
}

// Set shows f, computed at now.
func (g *Gauges) Set(f Figures, now time.Time) {
	for name, v := range map[string]float64{"answer": f.AnswerRate, "asked_back": f.AskedBackRate, "escalation": f.EscalationRate,
		"handoff": f.HandoffRate, "helpful": f.HelpfulShare, "csat": f.CSAT} {
		g.rates.WithLabelValues(name).Set(v)
	}
	g.self.WithLabelValues("confirmed").Set(f.Confirmed)
	g.self.WithLabelValues("assumed").Set(f.Assumed)
	g.reply.Set(f.FirstReplyMedian)
	g.perDay.Set(f.HandoffsPerDay)
	g.updated.Set(float64(now.Unix()))
}

// Read computes the figures of the record since since, judged at now.
func Read(ctx context.Context, src Source, since, now time.Time) (Figures, error) {
	es, err := src.Entries(ctx, since)
	if err != nil {
		return Figures{}, fmt.Errorf("figures: %w", err)
	}
	ts, err := src.Tickets(ctx, since)
	if err != nil {
		return Figures{}, fmt.Errorf("figures: %w", err)
	}
	return Compute(es, ts, since, now), nil
}

// Refresh recomputes the gauges over Window at once and then every
// Every, until ctx ends; a record that cannot be read leaves them as
// they were (see madoguchi_figures_updated_timestamp_seconds). now is the
// clock (time.Now when nil).
func (g *Gauges) Refresh(ctx context.Context, log *slog.Logger, src Source, now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	tick := time.NewTicker(Every)
	defer tick.Stop()
	for {
		rctx, cancel := context.WithTimeout(ctx, time.Minute)
		at := now()
		f, err := Read(rctx, src, at.Add(-Window), at)
		cancel()
		if err != nil {
			log.Warn("figures: not refreshed; the gauges keep their last values", "err", err)
		} else {
			g.Set(f, at)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
