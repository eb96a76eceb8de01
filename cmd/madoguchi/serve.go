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
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/console"
	"github.com/oumail-alumni/madoguchi/internal/credentials"
	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/keys"
	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/redis"
	"github.com/oumail-alumni/madoguchi/internal/reload"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/server"
	"github.com/oumail-alumni/madoguchi/internal/slack"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

// serveConfig is everything serve needs, from flags and the environment.
type serveConfig struct {
	addr      string
	opsAddr   string // the operations listener: probes and metrics
	intents   string
	logFormat string
	logLevel  slog.Level
	workers   int
	queue     int
	rateLimit int
	redisURL  string
	line      *line.Config  // nil when LINE is not configured
	slack     *slack.Config // nil when Slack is not configured
	intake    intakeConfig
	record    recordConfig  // the record of questions (record.go)
	console   consoleConfig // the admins' web console (console.go)
	handoff   handoffConfig // the staff handoff (handoff.go)
}

// envFlag registers a string flag whose default comes from an environment
// variable, so that a flag given on the command line wins.
func (c *cli) envFlag(fs *flag.FlagSet, name, env, def, usage string) *string {
	if v := c.getenv(env); v != "" {
		def = v
	}
	return fs.String(name, def, fmt.Sprintf("%s (env %s)", usage, env))
}

func (c *cli) serveConfig(fs *flag.FlagSet, args []string) (serveConfig, error) {
	var cfg serveConfig
	addr := c.envFlag(fs, "addr", "MADOGUCHI_ADDR", ":8080", "listen `address`")
	opsAddr := c.envFlag(fs, "ops-addr", "MADOGUCHI_OPS_ADDR", ":9090", "operations listen `address`: /healthz, /readyz with details, /metrics (keep it off the public port)")
	intents := c.intentsFlag(fs)
	logFormat := c.envFlag(fs, "log-format", "MADOGUCHI_LOG_FORMAT", "json", "log format: `json|text`")
	logLevel := c.envFlag(fs, "log-level", "MADOGUCHI_LOG_LEVEL", "info", "log level: `debug|info|warn|error`")
	nworkers := c.envFlag(fs, "workers", "MADOGUCHI_WORKERS", "8", "`number` of goroutines answering each platform's events")
	rate := c.envFlag(fs, "rate-limit", "MADOGUCHI_RATE_LIMIT", "20", "the `number` of messages a user may send per minute (0: no limit)")
	intakeCfg := c.intakeFlags(fs)
	cfg.record = c.serveRecordFlags(fs)
	consoleAddr := c.consoleFlag(fs)
	if err := parse(fs, args); err != nil {
		return cfg, err
	}
	ic, err := intakeCfg()
	if err != nil {
		return cfg, err
	}
	cfg.intake = ic
	if err := noArgs(fs); err != nil {
		return cfg, err
	}
	cfg.addr, cfg.intents, cfg.logFormat = *addr, *intents, *logFormat
	cfg.opsAddr = *opsAddr
	if cfg.logFormat != "json" && cfg.logFormat != "text" {
		return cfg, usageError{fmt.Sprintf("--log-format must be json or text, not %q", cfg.logFormat)}
	}
	if err := cfg.logLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		return cfg, usageError{fmt.Sprintf("--log-level must be debug, info, warn or error, not %q", *logLevel)}
	}
	n, err := strconv.Atoi(*nworkers)
	if err != nil || n < 1 || n > 1024 {
		return cfg, usageError{fmt.Sprintf("--workers must be a number from 1 to 1024, not %q", *nworkers)}
	}
	cfg.workers, cfg.queue = n, queueSize(n)
	if cfg.rateLimit, err = strconv.Atoi(*rate); err != nil || cfg.rateLimit < 0 {
		return cfg, usageError{fmt.Sprintf("--rate-limit must be a number of messages per minute (0 for none), not %q", *rate)}
	}
	if _, err := cfg.record.on(); err != nil {
		return cfg, err
	}
	cfg.redisURL = c.getenv("REDIS_URL")
	lc, err := c.lineConfig()
	if err != nil {
		return cfg, err
	}
	cfg.line = lc
	sc, err := c.slackConfig()
	if err != nil {
		return cfg, err
	}
	cfg.slack = sc
	if cfg.console, err = c.consoleConfig(*consoleAddr, cfg.addr); err != nil {
		return cfg, err
	}
	if cfg.line == nil && cfg.slack == nil {
		return cfg, fmt.Errorf("no platform configured: set LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN for LINE, or SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN for Slack")
	}
	if cfg.handoff, err = c.handoffConfig(cfg); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// slackConfig reads the Slack app from the environment: HTTP mode needs the
// signing secret and the bot token; Socket Mode the app token and the bot
// token.
func (c *cli) slackConfig() (*slack.Config, error) {
	sec, bot, app := c.getenv("SLACK_SIGNING_SECRET"), c.getenv("SLACK_BOT_TOKEN"), c.getenv("SLACK_APP_TOKEN")
	switch {
	case sec == "" && bot == "" && app == "":
		return nil, nil
	case bot == "":
		return nil, fmt.Errorf("SLACK_BOT_TOKEN is not set: Slack needs it with SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)")
	case sec == "" && app == "":
		return nil, fmt.Errorf("SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode) is")
	case app != "" && !strings.HasPrefix(app, "xapp-"):
		return nil, fmt.Errorf("SLACK_APP_TOKEN must be an app-level token starting with xapp- (scope connections:write)")
	}
	sc := &slack.Config{SigningSecret: secret.Secret(sec), BotToken: secret.Secret(bot), AppToken: secret.Secret(app),
		APIURL: c.getenv("SLACK_API_URL"), Command: c.getenv("SLACK_COMMAND")}
	if sc.APIURL != "" && !strings.HasSuffix(sc.APIURL, "/") {
		sc.APIURL += "/"
	}
	return sc, nil
}

// lineConfig reads the LINE channel from the environment: both secrets or
// neither.
func (c *cli) lineConfig() (*line.Config, error) {
	sec, tok := c.getenv("LINE_CHANNEL_SECRET"), c.getenv("LINE_CHANNEL_TOKEN")
	switch {
	case sec == "" && tok == "":
		return nil, nil
	case sec == "":
		return nil, fmt.Errorf("LINE_CHANNEL_TOKEN is set but LINE_CHANNEL_SECRET is not: set both to enable LINE, or neither")
	case tok == "":
		return nil, fmt.Errorf("LINE_CHANNEL_SECRET is set but LINE_CHANNEL_TOKEN is not: set both to enable LINE, or neither")
	}
	lc := &line.Config{ChannelSecret: secret.Secret(sec), ChannelToken: secret.Secret(tok), Endpoint: c.getenv("LINE_API_ENDPOINT")}
	if v := c.getenv("LINE_PUSH_FALLBACK"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("LINE_PUSH_FALLBACK must be true or false, not %q", v)
		}
		lc.PushFallback = b
	}
	return lc, nil
}

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
	Config   serveConfig
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

// keys derives the per-purpose keys from the secrets configured.
func (cfg serveConfig) keys() *keys.Set {
	s := keys.Secrets{RecordKey: secret.Secret(cfg.record.key)}
	if cfg.line != nil {
		s.LineChannelSecret = cfg.line.ChannelSecret
	}
	if cfg.slack != nil {
		s.SlackSigningSecret, s.SlackBotToken = cfg.slack.SigningSecret, cfg.slack.BotToken
	}
	return keys.New(s)
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
	rec, err := startRecording(logger, b, m, reg, cfg, ks.Record())
	if err != nil {
		return err
	}
	a.onClose(rec.close)
	checks = append(checks, rec.checks()...)
	dialog := bot.NewDialog(b, st, cfg.rateLimit, onStoreError, rec.options()...)
	srv := server.New(logger, b, reg, checks...)
	creds := credentials.New(logger)
	srv.AddCheck(server.Check{Name: "credentials", Ready: creds.Ready, Report: creds.Report})
	cfg.intake.defaults()
	// One client per outside service: the adapter, the handoff and the
	// start-up check of each platform share it.
	var lineAPI *line.Client
	if cfg.line != nil {
		if lineAPI, err = line.NewClient(*cfg.line, m); err != nil {
			return fmt.Errorf("LINE: %w", err)
		}
	}
	var slackAPI *slack.Client
	if cfg.slack != nil {
		slackAPI = slack.NewClient(*cfg.slack, m)
	}
	ho, err := newHandoff(logger, b, reg, cfg, lineAPI, slackAPI, rc, ks.Handles())
	if err != nil {
		return err
	}
	if ho != nil {
		creds.Add("slack_handoff", ho.desk.Check)
	}
	a.handler, a.ops, a.creds, a.reloader, a.grace = srv, srv.Ops(), creds, rl, cfg.intake.shutdownGrace
	qs := &queues{cfg: cfg, claims: st, redis: rc, keys: ks, m: m, logger: logger}
	a.onClose(qs.shutdown)
	if cfg.line != nil {
		q, claims, err := qs.new("line")
		if err != nil {
			return fmt.Errorf("LINE: %w", err)
		}
		la := line.New(logger, dialog, claims, q, m, lineAPI, *cfg.line)
		if ho != nil {
			la.EnableHandoff(ho.h)
		}
		q.Start(intake.Recovering(onEventPanic, la.Handle))
		srv.Handle("POST /line/webhook", la)
		creds.Add("line", lineAPI.CheckCredentials)
		logger.Info("LINE enabled", "endpoint", cfg.line.Endpoint, "push_fallback", cfg.line.PushFallback)
	}
	if cfg.slack != nil {
		q, claims, err := qs.new("slack")
		if err != nil {
			return fmt.Errorf("Slack: %w", err)
		}
		sa := slack.New(logger, dialog, claims, q, m, slackAPI, *cfg.slack)
		if ho != nil {
			sa.EnableHandoff(ho.h, cfg.handoff.channel)
			every := cfg.handoff.sweepEvery
			if every == 0 {
				every = 5 * time.Minute
			}
			a.background = append(a.background, func(ctx context.Context) error { ho.h.RunSweeper(ctx, every); return nil })
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
			srv.AddCheck(server.Check{Name: "slack_socket_mode", Ready: sm.Ready, Report: func(ctx context.Context) any {
				if err := sm.Ready(ctx); err != nil {
					return err.Error()
				}
				return "connected"
			}})
			logger.Info("Slack enabled (Socket Mode)")
		}
	}
	if rc != nil {
		srv.AddCheck(server.Check{Name: "redis", Report: func(ctx context.Context) any { return rc.Health(ctx) }})
		srv.AddCheck(server.Check{Name: "redis_persistence", Report: func(ctx context.Context) any { return rc.PersistenceHealth(ctx) }})
		for _, q := range qs.durable {
			srv.AddCheck(server.Check{Name: "intake_queue_" + q.Platform(), Report: func(context.Context) any { return q.Health() }})
		}
	}
	var handoffs console.Handoffs // a nil *handoff.Handoff would not be a nil interface
	if ho != nil {
		handoffs = ho.h
	}
	return startConsole(logger, b, rl, rec, handoffs, cfg.intents, cfg.console, a)
}

func runServe(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	cfg, err := c.serveConfig(fs, args)
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
	opsCtx, stopOps := context.WithCancel(context.Background())
	opsDone := make(chan error, 1)
	go func() {
		err := server.ServeOps(opsCtx, logger, opsLn, a.ops)
		if err != nil {
			logger.Error("operations listener stopped: no probes or metrics", "err", err)
		}
		opsDone <- err
	}()
	defer func() { stopOps(); <-opsDone }()
	if err := a.creds.Verify(ctx, fatal); err != nil {
		ln.Close()
		return err
	}
	logger.Info("catalogue loaded", "intents", len(x.Catalogue().Intents), "dir", cfg.intents)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	a.background = append(a.background, func(ctx context.Context) error { return a.reloader.Watch(ctx, hup) })
	for _, run := range a.background {
		go func() {
			if err := run(ctx); err != nil && ctx.Err() == nil {
				logger.Error("background task stopped", "err", err)
			}
		}()
	}
	err = server.Serve(ctx, logger, ln, a.handler, a.grace, a.Close)
	if cause := context.Cause(ctx); err == nil && cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return err
}

// queueSize is the memory queue's size for n workers: 64 events each, and
// at least a whole LINE body, so that a large body is acknowledged at once
// and answered after.
func queueSize(n int) int { return max(64*n, line.MaxEvents) }
