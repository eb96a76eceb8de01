// Package server is madoguchi's HTTP front: the platform webhooks, health
// and readiness probes and Prometheus metrics, with a graceful shutdown
// that stops accepting requests, then lets every accepted event finish.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

// Server routes requests to the handlers registered on it.
type Server struct {
	log    *slog.Logger
	bot    *bot.Bot
	mux    *http.ServeMux
	checks []Check
}

// Check is a named entry in /readyz's details, such as the last catalogue
// reload or the state store. It informs operators; it does not make the
// server unready, since the bot answers without it.
type Check struct {
	Name   string
	Report func(ctx context.Context) any
}

// New returns a server with /healthz, /readyz (with the checks' details)
// and /metrics (from reg).
func New(logger *slog.Logger, b *bot.Bot, reg *prometheus.Registry, checks ...Check) *Server {
	s := &Server{log: logger, bot: b, mux: http.NewServeMux(), checks: checks}
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	return s
}

// Handle registers a handler, such as a platform webhook.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// ServeHTTP serves the registered routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// readiness is the body of /readyz.
type readiness struct {
	Ready   bool           `json:"ready"`
	Intents int            `json:"intents"`
	Details map[string]any `json:"details,omitempty"`
}

// readyz reports ready once a catalogue is loaded, with details.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	rd := readiness{}
	if x := s.bot.Index(); x != nil {
		rd.Ready, rd.Intents = true, len(x.Catalogue().Intents)
	}
	if len(s.checks) > 0 {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		rd.Details = map[string]any{}
		for _, c := range s.checks {
			rd.Details[c.Name] = c.Report(ctx)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if !rd.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(rd)
}

// Serve serves h on ln until ctx ends, then shuts down gracefully: it stops
// accepting connections, waits for requests in progress, then calls drain
// (which finishes the events they queued), all within grace.
func Serve(ctx context.Context, logger *slog.Logger, ln net.Listener, h http.Handler, grace time.Duration, drain func(context.Context) error) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
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
