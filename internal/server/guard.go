package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Limits bound the work and memory spent on webhook requests before their
// signature is checked: anyone can send those.
type Limits struct {
	// MaxBody is the largest body accepted; a larger declared length is
	// refused (413) before anything is read.
	MaxBody int64
	// SmallBody is the declared length up to which a request uses one of
	// SmallSlots; longer or undeclared bodies use one of LargeSlots. Real
	// LINE and Slack events are a few KiB, so a flood of large bodies
	// cannot take the slots that real events need.
	SmallBody  int64
	SmallSlots int
	LargeSlots int
	// BodyTimeout is how long a request's body may take to arrive once it
	// holds a slot; a slow sender loses its slot after it.
	BodyTimeout time.Duration
}

// DefaultLimits keep unverified bodies under about 12 MiB in all (64 ×
// 64 KiB + 8 × 1 MiB, each read once by an adapter), within a 128 MiB
// container limit with room to spare.
func DefaultLimits() Limits {
	return Limits{MaxBody: 1 << 20, SmallBody: 64 << 10, SmallSlots: 64, LargeSlots: 8, BodyTimeout: 5 * time.Second}
}

// Guard limits the requests whose bodies are read at the same time across
// the webhook routes. Over the limit a request is answered 503 at once,
// without reading its body: LINE redelivers and Slack retries.
type Guard struct {
	lim   Limits
	small chan struct{}
	large chan struct{}
	shed  *prometheus.CounterVec
}

// NewGuard returns a guard with lim; its refusals are counted in reg as
// madoguchi_webhook_shed_total{reason}.
func NewGuard(lim Limits, reg prometheus.Registerer) *Guard {
	g := &Guard{lim: lim, small: make(chan struct{}, lim.SmallSlots), large: make(chan struct{}, lim.LargeSlots),
		shed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_webhook_shed_total",
			Help: "Webhook requests refused before their body was read: busy (all slots taken) or too_large; connections: connections closed over the public listener's cap.",
		}, []string{"reason"})}
	reg.MustRegister(g.shed)
	// Exported at zero from the start, so that a rate can be taken.
	g.shed.WithLabelValues("busy")
	g.shed.WithLabelValues("too_large")
	g.shed.WithLabelValues("connections")
	return g
}

// Wrap returns h behind the guard. h reads and verifies the body; the slot
// is held until h returns, and the connection's read deadline makes a slow
// body fail after BodyTimeout.
func (g *Guard) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > g.lim.MaxBody {
			g.shed.WithLabelValues("too_large").Inc()
			w.Header().Set("Connection", "close")
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		slots := g.large
		if r.ContentLength >= 0 && r.ContentLength <= g.lim.SmallBody {
			slots = g.small
		}
		select {
		case slots <- struct{}{}:
		default:
			g.shed.WithLabelValues("busy").Inc()
			// The body is not read: close the connection rather than drain it.
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", strconv.Itoa(1))
			http.Error(w, "busy, try again", http.StatusServiceUnavailable)
			return
		}
		defer func() { <-slots }()
		// Not every ResponseWriter can (httptest's recorder cannot); the
		// server's ReadTimeout still bounds the read then.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(g.lim.BodyTimeout))
		r.Body = http.MaxBytesReader(w, r.Body, g.lim.MaxBody)
		h.ServeHTTP(w, r)
	})
}
