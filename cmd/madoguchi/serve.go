package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/console"
	"github.com/oumail-alumni/madoguchi/internal/credentials"
	"github.com/oumail-alumni/madoguchi/internal/figures"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/redis"
	"github.com/oumail-alumni/madoguchi/internal/reload"
	"github.com/oumail-alumni/madoguchi/internal/server"
	"github.com/oumail-alumni/madoguchi/internal/slack"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// Main is serve: Open builds its parts from Config in order, Close closes
// them in reverse (the listeners are closed before, by server.Serve).
type Main struct {
	Config   Config
	Logger   *slog.Logger
	Bot      *bot.Bot
	Registry *prometheus.Registry

	handler    http.Handler        // the public listener's routes
	ops        http.Handler        // the operations listener's routes
	creds      *credentials.Checks // start-up checks of the platforms' tokens
	reloader   *reload.Reloader
	background []func(context.Context) error // Socket Mode, the sweeper, the console
	grace      time.Duration                 // for Close, and the HTTP server's last requests
	closers    []func(context.Context) error // in the order opened
}

// onClose adds what Close must close, after everything opened later.
func (a *Main) onClose(f func(context.Context) error) { a.closers = append(a.closers, f) }

// Close closes what Open opened, in reverse: the queues (finishing the
// events they hold), the record (writing what it holds), Redis. It
// returns every error, and closes the rest whatever the errors.
func (a *Main) Close(ctx context.Context) error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i](ctx))
	}
	a.closers = nil
	return errors.Join(errs...)
}

// store is what both the adapters (event claims) and the dialog need.
type store interface {
	intake.Claimer
	bot.Store
}

// Open wires the bot, the state store, the record, the queues and the
// platform adapters into one handler. The catalogue is reloaded from
// Config.intents. When it fails, what it opened is closed.
func (a *Main) Open(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			a.Close(ctx)
		}
	}()
	logger, b, reg, cfg := a.Logger, a.Bot, a.Registry, a.Config
	m := metrics.New(reg)
	onPanic := func(p bot.Panic) {
		m.Panics.Inc()
		logger.Error("recovered from a panic", "op", p.Op, "panic", p.Value, "stack", string(p.Stack))
	}
	b.OnPanic(onPanic)
	onEventPanic := func(v any, stack []byte) { onPanic(bot.NewPanic("event", v, stack)) }
	rl := reload.New(logger, cfg.intents, b, m)
	checks := []server.Check{{Name: "catalogue", Report: func(context.Context) any { return rl.Status() }}}
	var st store = state.NewBoundedMemory(time.Now, state.DefaultMaxEntries, m.StateEvictions.Inc)
	var rc *redis.Client
	if cfg.redisURL != "" {
		redis.SetLogger(logger.With("component", "redis"))
		if rc, err = redis.Open(cfg.redisURL); err != nil {
			return err
		}
		// Last: the queues and the handoff use the client until they end.
		a.onClose(func(context.Context) error { return rc.Close() })
		st = rc.State()
		logger.Info("state shared through Redis")
	}
	ks := cfg.keys()
	onStoreError := func(op string, err error) {
		m.StoreErrors.WithLabelValues(op).Inc()
		logger.Warn("state store unavailable; answering without it", "op", op, "err", err)
	}
	var rec *record.Service // nil when recording is off
	var dialogOpts []bot.Option
	if cfg.record.on {
		rec = record.Start(ctx, logger, reg, *cfg.record.path, cfg.record.url, record.Options{
			Retention: func() time.Duration { return b.Index().Catalogue().Settings.Record.Retention() },
			Dropped:   func(reason string, n int) { m.RecordDropped.WithLabelValues(reason).Add(float64(n)) },
		})
		a.onClose(rec.Close)
		checks = append(checks, server.Check{Name: "record", Report: rec.Report})
		if rec.Recorder != nil {
			dialogOpts = append(dialogOpts, bot.WithRecorder(rec.Recorder, ks.Record(), nil))
			g := figures.NewGauges(reg)
			a.background = append(a.background, func(ctx context.Context) error { g.Refresh(ctx, logger, rec.DB, nil); return nil })
		}
	} else {
		logger.Info("recording questions is off")
	}
	dialog := bot.NewDialog(b, st, cfg.rateLimit, onStoreError, dialogOpts...)
	srv := server.New(logger, b, reg, checks...)
	creds := credentials.New(logger)
	srv.AddCheck(server.Check{Name: "credentials", Ready: creds.Ready, Report: creds.Report})
	// One client per outside service: the adapter, the handoff and the
	// start-up check of each platform share it.
	var lineAPI *line.Client
	var menus *line.Menus // with a rich_menu block in the settings
	if cfg.line != nil {
		if lineAPI, err = line.NewClient(*cfg.line, m); err != nil {
			return fmt.Errorf("LINE: %w", err)
		}
		if b.Index().Catalogue().Settings.RichMenu.Configured {
			menus = line.NewMenus(lineAPI, nil)
		}
	}
	var slackAPI *slack.Client
	if cfg.slack != nil {
		slackAPI = slack.NewClient(*cfg.slack, m)
	}
	var journal handoff.Journal // a nil *record.Recorder would not be a nil interface
	if rec != nil && rec.Recorder != nil {
		journal = rec.Recorder
	}
	ho, err := newHandoff(logger, b, reg, cfg, lineAPI, menus, slackAPI, rc, ks.Handles(), journal)
	if err != nil {
		return err
	}
	if ho != nil {
		creds.Add("slack_handoff", ho.desk.Check)
	}
	a.handler, a.ops, a.creds, a.reloader, a.grace = srv, srv.Ops(), creds, rl, cfg.intake.shutdownGrace
	qs := &intake.Queues{Claims: st, Memory: intake.MemoryConfig{
		Workers: cfg.workers, Size: cfg.queue, Wait: 500 * time.Millisecond, Timeout: cfg.intake.eventTimeout, Metrics: m, Log: logger,
	}}
	var durable *redis.Queues // for /readyz
	if rc != nil {
		durable = rc.Queues(ctx, redis.QueueConfig{Workers: cfg.workers, Timeout: cfg.intake.eventTimeout, MinIdle: cfg.intake.claimIdle, Metrics: m}, ks.Seal)
		qs.Durable = durable.Durable
	}
	a.onClose(qs.Shutdown)
	if cfg.line != nil {
		q, claims, err := qs.New("line")
		if err != nil {
			return fmt.Errorf("LINE: %w", err)
		}
		la := line.New(logger, dialog, claims, q, m, lineAPI, *cfg.line)
		if ho != nil {
			la.EnableHandoff(ho.h)
		}
		if menus != nil {
			la.EnableRichMenus(menus)
		}
		q.Start(intake.Recovering(onEventPanic, la.Handle))
		srv.Handle("POST /line/webhook", la)
		creds.Add("line", lineAPI.CheckCredentials)
		logger.Info("LINE enabled", "endpoint", cfg.line.Endpoint, "push_fallback", cfg.line.PushFallback)
	}
	if cfg.slack != nil {
		q, claims, err := qs.New("slack")
		if err != nil {
			return fmt.Errorf("Slack: %w", err)
		}
		sa := slack.New(logger, dialog, claims, q, m, slackAPI, *cfg.slack)
		if ho != nil {
			sa.EnableHandoff(ho.h, cfg.handoff.channel)
			if rec != nil && rec.DB != nil {
				sa.EnableDrafts(ho.h.Drafts(draftRecord{rec.DB}, ho.desk))
			}
			every := cfg.handoff.sweepEvery
			a.background = append(a.background, func(ctx context.Context) error { ho.h.RunSweeper(ctx, every); return nil })
		}
		if rec != nil && rec.DB != nil {
			sa.EnableHome(figures.NewHomeFigures(rec.DB, b.Index, cfg.console.auth.ReviewURL()))
		}
		q.Start(intake.Recovering(onEventPanic, sa.Handle))
		creds.Add("slack", slackAPI.CheckCredentials)
		if cfg.slack.SigningSecret != "" {
			srv.Handle("POST /slack/events", sa.Events())
			srv.Handle("POST /slack/commands", sa.Commands())
			srv.Handle("POST /slack/interactive", sa.Interactive())
			logger.Info("Slack enabled (HTTP mode)")
		}
		if cfg.slack.AppToken != "" {
			sm := sa.SocketMode()
			a.background = append(a.background, sm.Run)
			srv.AddCheck(server.Check{Name: "slack_socket_mode", Ready: sm.Ready, Report: sm.Report})
			logger.Info("Slack enabled (Socket Mode)")
		}
	}
	if durable != nil {
		for _, r := range durable.Reports() {
			srv.AddCheck(server.Check{Name: r.Name, Report: r.Report})
		}
	}
	var handoffs console.Handoffs // a nil *handoff.Handoff would not be a nil interface
	if ho != nil {
		handoffs = ho.h
	}
	return startConsole(logger, b, rl, rec, handoffs, cfg.intents, cfg.console, a)
}

func runServe(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	cfg, err := c.config(fs, args)
	if err != nil {
		return err
	}
	logger := newLogger(c.stderr, cfg.logFormat, cfg.logLevel)
	x, err := c.load(cfg.intents)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a := &Main{Config: cfg, Logger: logger, Bot: bot.New(x), Registry: reg}
	if err := a.Open(ctx); err != nil {
		return err
	}
	// When serve stops before serving (a listener or a token refused),
	// what Open built is closed all the same; after server.Serve has
	// closed it, this does nothing.
	defer a.Close(context.Background())
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	opsLn, err := net.Listen("tcp", cfg.opsAddr)
	if err != nil {
		ln.Close()
		return fmt.Errorf("listen on %s (--ops-addr): %w", cfg.opsAddr, err)
	}
	// A token refused while serving (after a network error at start) stops
	// serve as a refusal at start does.
	ctx, fatal := context.WithCancelCause(ctx)
	defer fatal(nil)
	defer server.StartOps(logger, opsLn, a.ops)()
	if err := a.creds.Verify(ctx, fatal); err != nil {
		ln.Close()
		return err
	}
	logger.Info("catalogue loaded", "intents", len(x.Catalogue().Intents), "dir", cfg.intents)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	a.background = append(a.background, func(ctx context.Context) error { return a.reloader.Watch(ctx, hup) })
	server.RunBackground(ctx, logger, a.background)
	err = server.Serve(ctx, logger, ln, a.handler, a.grace, a.Close)
	if cause := context.Cause(ctx); err == nil && cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return err
}
