// Package metrics defines madoguchi's Prometheus metrics. They are
// registered on a registry the caller passes in, never the global one, so
// that tests and several servers in one process do not collide.
package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the counters and histograms the server and adapters update.
type Metrics struct {
	// Events counts platform events by platform and outcome (queued,
	// duplicate, ignored, rejected, busy; dropped: accepted but not
	// answered before a shutdown ended; expired: too old for LINE's reply
	// token and not pushed; refused: a ticket button or thread reply from
	// outside the staff channel or its members; lost: waiting in a Redis
	// stream that Redis lost, about).
	Events *prometheus.CounterVec
	// Decisions counts the bot's decisions by decision and intent.
	Decisions *prometheus.CounterVec
	// MatchSeconds is the time the matcher takes per question (without
	// the state store).
	MatchSeconds prometheus.Histogram
	// APICalls counts calls to platform APIs (every attempt) by platform,
	// call and HTTP status ("error" when no response came back, or when
	// Slack answered with an error code).
	APICalls *prometheus.CounterVec
	// Retries counts retried platform API calls by platform and call.
	Retries *prometheus.CounterVec
	// Failures counts replies given up on, by platform and reason.
	Failures *prometheus.CounterVec
	// RateLimited counts messages over a user's rate limit, by platform.
	RateLimited *prometheus.CounterVec
	// StoreErrors counts failed state-store operations (Redis down), by
	// operation; the bot answers without the store meanwhile.
	StoreErrors *prometheus.CounterVec
	// Reloads counts catalogue reloads by result (ok, failed).
	Reloads *prometheus.CounterVec
	// Intents is the number of intents in the catalogue being served.
	Intents prometheus.Gauge
	// StateEvictions counts live entries the in-memory state store
	// dropped to stay within its size cap (dedup, choices, rate counts
	// forgotten early): steadily rising means the cap is too small or
	// Redis is due.
	StateEvictions prometheus.Counter
	// Panics counts panics recovered while answering a message or running
	// a job; the user got the escalation reply.
	Panics prometheus.Counter
	// QueueLost counts the times Redis lost a platform's event stream or
	// its consumer group (restarted without persistence, flushed) with
	// the events waiting in it, by platform: alert on any increase.
	QueueLost *prometheus.CounterVec
	// RecordDropped counts writes to the record of questions dropped, by
	// reason (full: the buffer; error: the database failed; closed).
	RecordDropped *prometheus.CounterVec
}

// New creates the metrics and registers them on reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_events_total",
			Help: "Platform events received, by platform and outcome.",
		}, []string{"platform", "outcome"}),
		Decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_decisions_total",
			Help: "Bot decisions (answer, clarify, escalate) by intent.",
		}, []string{"decision", "intent"}),
		MatchSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "madoguchi_match_seconds",
			Help:    "Time to match one question.",
			Buckets: prometheus.ExponentialBuckets(1e-6, 4, 10), // 1 µs … 0.26 s
		}),
		APICalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_platform_api_calls_total",
			Help: "Platform API calls by platform, call and HTTP status.",
		}, []string{"platform", "call", "status"}),
		Retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_platform_api_retries_total",
			Help: "Platform API calls retried, by platform and call.",
		}, []string{"platform", "call"}),
		Failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_reply_failures_total",
			Help: "Replies given up on, by platform and reason.",
		}, []string{"platform", "reason"}),
	}
	m.RateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "madoguchi_rate_limited_total",
		Help: "Messages over a user's rate limit, by platform.",
	}, []string{"platform"})
	m.StoreErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "madoguchi_store_errors_total",
		Help: "Failed state-store operations, by operation.",
	}, []string{"op"})
	m.Reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "madoguchi_reloads_total",
		Help: "Catalogue reloads by result.",
	}, []string{"result"})
	m.Intents = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "madoguchi_catalogue_intents",
		Help: "Intents in the catalogue being served.",
	})
	reg.MustRegister(m.Events, m.Decisions, m.MatchSeconds, m.APICalls, m.Retries, m.Failures,
		m.RateLimited, m.StoreErrors, m.Reloads, m.Intents)
	m.StateEvictions = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "madoguchi_state_evictions_total",
		Help: "Live entries the in-memory state store evicted to stay within its cap.",
	})
	reg.MustRegister(m.StateEvictions)
	m.Panics = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "madoguchi_panics_total",
		Help: "Panics recovered while answering a message or running a job.",
	})
	reg.MustRegister(m.Panics)
	m.RecordDropped = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "madoguchi_record_dropped_total",
		Help: "Writes to the record of questions dropped, by reason; answering goes on.",
	}, []string{"reason"})
	reg.MustRegister(m.RecordDropped)
	m.QueueLost = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "madoguchi_intake_queue_lost_total",
		Help: "Times Redis lost a platform's event stream or consumer group, with the events waiting in it.",
	}, []string{"platform"})
	reg.MustRegister(m.QueueLost)
	return m
}

// Answered records the reply to one question on platform: the time spent
// matching and the decision, or, for a rate-limited message (never
// matched), the limit.
func (m *Metrics) Answered(platform, decision, intent string, limited bool, matched time.Duration) {
	if limited {
		m.RateLimited.WithLabelValues(platform).Inc()
		return
	}
	if matched > 0 {
		m.MatchSeconds.Observe(matched.Seconds())
	}
	m.Decisions.WithLabelValues(decision, intent).Inc()
}
