// Package server is madoguchi's HTTP front: the platform webhooks on the
// public listener, and health, readiness and Prometheus metrics on a
// separate operations listener, with a graceful shutdown that stops
// accepting requests, then lets every accepted event finish.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

// MaxHeaderBytes bounds a request's header. LINE and Slack send well under
// 2 KiB; Go's default (1 MiB) let a hundred connections hold 200 MB.
const MaxHeaderBytes = 8 << 10

// Server routes requests to the handlers registered on it. It is two
// handlers: itself, the public one (webhooks, a bare /healthz and
// /readyz), and Ops (probes with details, metrics), which is served on a
// listener that the public Service and Ingress do not route to.
type Server struct {
	log    *slog.Logger
	bot    *bot.Bot
	mux    *http.ServeMux
	ops    *http.ServeMux
	guard  *Guard
	checks []Check
}

// Check is a named entry in /readyz's details, such as the last catalogue
// reload or the state store.
type Check struct {
	Name string
	// Report returns the details shown on the operations listener.
	Report func(ctx context.Context) any
	// Ready, when set, can hold the server back: an error makes /readyz
	// answer 503 with the error as the reason. Checks without it only
	// inform, since the bot answers without them (Redis, for one).
	Ready func(ctx context.Context) error
}

// New returns a server whose public handler has /healthz and a /readyz
// without details, and whose Ops handler has /healthz, /readyz with the
// checks' details and /metrics (from reg). Webhooks registered with Handle
// are guarded by a Guard with DefaultLimits.
func New(logger *slog.Logger, b *bot.Bot, reg *prometheus.Registry, checks ...Check) *Server {
	s := &Server{log: logger, bot: b, mux: http.NewServeMux(), ops: http.NewServeMux(), checks: checks,
		guard: NewGuard(DefaultLimits(), reg)}
	healthz := func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) }
	s.mux.HandleFunc("GET /healthz", healthz)
	s.mux.HandleFunc("GET /readyz", s.publicReadyz)
	s.ops.HandleFunc("GET /healthz", healthz)
	s.ops.HandleFunc("GET /readyz", s.readyz)
	s.ops.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	return s
}

// Handle registers a platform webhook on the public handler, behind the
// guard that bounds the work spent on requests not yet verified.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, s.guard.Wrap(h)) }

// AddCheck adds a readiness check; call it before serving.
func (s *Server) AddCheck(c Check) { s.checks = append(s.checks, c) }

// ServeHTTP serves the public routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Ops is the operations handler: /healthz, /readyz with details, /metrics.
func (s *Server) Ops() http.Handler { return s.ops }

// readiness is the body of the operations /readyz.
type readiness struct {
	Ready    bool           `json:"ready"`
	Intents  int            `json:"intents"`
	NotReady []string       `json:"not_ready,omitempty"`
	Details  map[string]any `json:"details,omitempty"`
}

// ready evaluates readiness: a catalogue is loaded and no check holds the
// server back.
func (s *Server) ready(ctx context.Context, details bool) readiness {
	rd := readiness{}
	if x := s.bot.Index(); x != nil {
		rd.Ready, rd.Intents = true, len(x.Catalogue().Intents)
	} else {
		rd.NotReady = append(rd.NotReady, "catalogue: not loaded")
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	for _, c := range s.checks {
		if c.Ready != nil {
			if err := c.Ready(ctx); err != nil {
				rd.Ready = false
				rd.NotReady = append(rd.NotReady, c.Name+": "+err.Error())
			}
		}
		if details && c.Report != nil {
			if rd.Details == nil {
				rd.Details = map[string]any{}
			}
			rd.Details[c.Name] = c.Report(ctx)
		}
	}
	return rd
}

// readyz reports readiness with reasons and details, for operators.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	rd := s.ready(r.Context(), true)
	w.Header().Set("Content-Type", "application/json")
	if !rd.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(rd)
}

// publicReadyz says only ready or not: reasons and details (file paths,
// Redis errors) are for the operations listener.
func (s *Server) publicReadyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready(r.Context(), false).Ready {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

// newHTTPServer bounds what a client can make the server hold: header
// size, how long the header and the whole request may take to arrive, and
// how long an idle connection is kept.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		MaxHeaderBytes:    MaxHeaderBytes,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       30 * time.Second,
		ConnContext:       withConn,
	}
}

// Serve serves h on ln until ctx ends, then shuts down gracefully: it stops
// accepting connections, waits for requests in progress, then calls drain
// (which finishes the events they queued), all within grace.
//
// At most MaxConns connections are open at a time, and at most
// MaxUnverifiedPerAddr unverified ones from one address; more are closed at
// once (counted as madoguchi_webhook_shed_total{reason="connections"} or
// {reason="connections_per_address"} when h is a *Server).
func Serve(ctx context.Context, logger *slog.Logger, ln net.Listener, h http.Handler, grace time.Duration, drain func(context.Context) error) error {
	refused := func(string) {}
	if s, ok := h.(*Server); ok {
		refused = func(reason string) { s.guard.shed.WithLabelValues(reason).Inc() }
	}
	ln = limitConns(ln, MaxConns, MaxUnverifiedPerAddr, refused)
	srv := newHTTPServer(h)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("serving", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: no new requests; finishing accepted events")
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if derr := drain(sctx); derr != nil {
		err = errors.Join(err, derr)
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return err
	}
	logger.Info("shut down cleanly")
	return nil
}

// ServeOps serves the operations handler on ln until ctx ends. It has no
// events to drain: probes and scrapes in progress get a second to finish.
func ServeOps(ctx context.Context, logger *slog.Logger, ln net.Listener, h http.Handler) error {
	srv := newHTTPServer(h)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("serving operations endpoints", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// StartOps serves the operations handler on ln (ServeOps) in the
// background, apart from the webhooks' shutdown: stop ends it and waits.
// A listener that stops before is logged: no probes or metrics.
func StartOps(logger *slog.Logger, ln net.Listener, h http.Handler) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := ServeOps(ctx, logger, ln, h); err != nil {
			logger.Error("operations listener stopped: no probes or metrics", "err", err)
		}
	}()
	return func() { cancel(); <-done }
}

// RunBackground runs each task in its own goroutine until ctx ends; a task
// that stops with an error before is logged.
func RunBackground(ctx context.Context, logger *slog.Logger, tasks []func(context.Context) error) {
	for _, run := range tasks {
		go func() {
			if err := run(ctx); err != nil && ctx.Err() == nil {
				logger.Error("background task stopped", "err", err)
			}
		}()
	}
}

// ServeConsole serves the admins' console on its own listener until ctx
// ends, then gives its requests 10 seconds to finish. Its changes run in
// the background (see console's jobs), so no request needs long.
func ServeConsole(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}
