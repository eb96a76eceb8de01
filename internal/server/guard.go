package server

import (
	"net/http"
	"net/netip"
	"strconv"
	"sync"
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
	// SmallPerAddr and LargePerAddr bound the slots of each kind that
	// requests from one address (an IPv6 /64) may hold, so that one host's
	// slow bodies cannot take every slot. Requests on a connection that has
	// already carried a verified request do not count. Zero: no share.
	SmallPerAddr int
	LargePerAddr int
	// BodyTimeout is how long a request's body may take to arrive once it
	// holds a slot; a slow sender loses its slot after it.
	BodyTimeout time.Duration
}

// DefaultLimits keep unverified bodies under about 12 MiB in all (64 ×
// 64 KiB + 8 × 1 MiB, each read once by an adapter), within a 128 MiB
// container limit with room to spare. One address may hold half of each
// kind of slot: the other half stays for everyone else.
func DefaultLimits() Limits {
	return Limits{MaxBody: 1 << 20, SmallBody: 64 << 10, SmallSlots: 64, LargeSlots: 8, SmallPerAddr: 32, LargePerAddr: 4,
		BodyTimeout: 5 * time.Second}
}

// Guard limits the requests whose bodies are read at the same time across
// the webhook routes. Over the limit a request is answered 503 at once,
// without reading its body: LINE redelivers and Slack retries.
type Guard struct {
	lim   Limits
	small chan struct{}
	large chan struct{}
	shed  *prometheus.CounterVec

	mu     sync.Mutex
	byAddr map[slotKey]int // slots held by requests on unverified connections
}

// slotKey is an address and a kind of slot.
type slotKey struct {
	addr  netip.Prefix
	large bool
}

// NewGuard returns a guard with lim; its refusals are counted in reg as
// madoguchi_webhook_shed_total{reason}.
func NewGuard(lim Limits, reg prometheus.Registerer) *Guard {
	g := &Guard{lim: lim, small: make(chan struct{}, lim.SmallSlots), large: make(chan struct{}, lim.LargeSlots),
		byAddr: map[slotKey]int{},
		shed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "madoguchi_webhook_shed_total",
			Help: "Webhook requests refused before their body was read: busy (all slots taken), busy_per_address (the address's share taken) or too_large; connections, connections_per_address: connections closed over the public listener's cap or one address's share of unverified connections.",
		}, []string{"reason"})}
	reg.MustRegister(g.shed)
	// Exported at zero from the start, so that a rate can be taken.
	g.shed.WithLabelValues("busy")
	g.shed.WithLabelValues("too_large")
	g.shed.WithLabelValues("connections")
	g.shed.WithLabelValues("busy_per_address")
	g.shed.WithLabelValues("connections_per_address")
	return g
}

// Wrap returns h behind the guard. h reads and verifies the body; the slot
// is held until h returns, and the connection's read deadline makes a slow
// body fail after BodyTimeout.
//
// h answering 2xx means the request was verified (the adapters check the
// signature before anything else): its connection then no longer counts
// against its address, neither here nor in the listener's share.
func (g *Guard) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > g.lim.MaxBody {
			g.shed.WithLabelValues("too_large").Inc()
			w.Header().Set("Connection", "close")
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		large := r.ContentLength < 0 || r.ContentLength > g.lim.SmallBody
		slots := g.small
		if large {
			slots = g.large
		}
		key := slotKey{addr: addrKey(r.RemoteAddr), large: large}
		counted := !connVerifiedFor(r.Context())
		if counted && !g.takeShare(key) {
			g.refuse(w, "busy_per_address")
			return
		}
		select {
		case slots <- struct{}{}:
		default:
			if counted {
				g.giveShare(key)
			}
			g.refuse(w, "busy")
			return
		}
		defer func() {
			<-slots
			if counted {
				g.giveShare(key)
			}
		}()
		// Not every ResponseWriter can (httptest's recorder cannot); the
		// server's ReadTimeout still bounds the read then.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(g.lim.BodyTimeout))
		r.Body = http.MaxBytesReader(w, r.Body, g.lim.MaxBody)
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.status/100 == 2 {
			verifiedConn(r.Context())
		}
	})
}

// refuse answers 503 without reading the body, and closes the connection
// rather than drain it.
func (g *Guard) refuse(w http.ResponseWriter, reason string) {
	g.shed.WithLabelValues(reason).Inc()
	w.Header().Set("Connection", "close")
	w.Header().Set("Retry-After", strconv.Itoa(1))
	http.Error(w, "busy, try again", http.StatusServiceUnavailable)
}

// takeShare counts one more slot held by key's address, unless it holds
// its share already.
func (g *Guard) takeShare(key slotKey) bool {
	limit := g.lim.SmallPerAddr
	if key.large {
		limit = g.lim.LargePerAddr
	}
	if limit <= 0 {
		return true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.byAddr[key] >= limit {
		return false
	}
	g.byAddr[key]++
	return true
}

// giveShare counts one slot held by key's address less.
func (g *Guard) giveShare(key slotKey) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.byAddr[key]--; g.byAddr[key] <= 0 {
		delete(g.byAddr, key)
	}
}

// statusWriter remembers the status h answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
