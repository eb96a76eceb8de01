package handoff

import "github.com/prometheus/client_golang/prometheus"

// metrics are the handoff's own Prometheus series.
type metrics struct {
	opened       prometheus.Counter
	closed       *prometheus.CounterVec
	firstReply   prometheus.Histogram
	relayed      *prometheus.CounterVec
	pushFailures prometheus.Counter
	refused      *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		opened: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "madoguchi_handoff_opened_total",
			Help: "Conversations handed to office staff.",
		}),
		closed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_handoff_closed_total",
			Help: "Conversations with staff closed, by reason (user, staff, inactivity).",
		}, []string{"reason"}),
		firstReply: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "madoguchi_handoff_first_reply_seconds",
			Help:    "Time from opening a conversation to the first staff message delivered.",
			Buckets: []float64{60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 24 * 3600, 72 * 3600},
		}),
		relayed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_handoff_messages_total",
			Help: "Messages relayed, by direction (to_staff, to_user).",
		}, []string{"direction"}),
		pushFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "madoguchi_handoff_push_failures_total",
			Help: "Staff messages that could not be pushed to the user.",
		}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_handoff_refused_total",
			Help: "Requests for staff that opened no ticket, by reason (no_consent: the consent text is shown first; limit: tickets per hour reached).",
		}, []string{"reason"}),
	}
	if reg != nil {
		reg.MustRegister(m.opened, m.closed, m.firstReply, m.relayed, m.pushFailures, m.refused)
	}
	return m
}
