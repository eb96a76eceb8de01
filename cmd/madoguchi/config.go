package main

import (
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/console"
	"github.com/oumail-alumni/madoguchi/internal/keys"
	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/slack"
)

// Config is everything serve needs, from flags and the environment.
type Config struct {
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

// defaultConfig is serve's configuration before flags and the
// environment: every default in one place.
func defaultConfig() Config {
	return Config{
		addr: ":8080", opsAddr: ":9090", intents: "intents", logFormat: "json", logLevel: slog.LevelInfo,
		workers: 8, queue: queueSize(8), rateLimit: 20,
		intake:  intakeConfig{shutdownGrace: 25 * time.Second, eventTimeout: 20 * time.Second, claimIdle: 30 * time.Second},
		record:  recordConfig{on: true},
		handoff: handoffConfig{now: time.Now, sweepEvery: 5 * time.Minute},
	}
}

// envFlag registers a string flag whose default comes from an environment
// variable, so that a flag given on the command line wins.
func (c *cli) envFlag(fs *flag.FlagSet, name, env, def, usage string) *string {
	if v := c.getenv(env); v != "" {
		def = v
	}
	return fs.String(name, def, fmt.Sprintf("%s (env %s)", usage, env))
}

func (c *cli) config(fs *flag.FlagSet, args []string) (Config, error) {
	cfg := defaultConfig()
	addr := c.envFlag(fs, "addr", "MADOGUCHI_ADDR", cfg.addr, "listen `address`")
	opsAddr := c.envFlag(fs, "ops-addr", "MADOGUCHI_OPS_ADDR", cfg.opsAddr, "operations listen `address`: /healthz, /readyz with details, /metrics (keep it off the public port)")
	intents := c.intentsFlag(fs)
	logFormat := c.envFlag(fs, "log-format", "MADOGUCHI_LOG_FORMAT", cfg.logFormat, "log format: `json|text`")
	logLevel := c.envFlag(fs, "log-level", "MADOGUCHI_LOG_LEVEL", strings.ToLower(cfg.logLevel.String()), "log level: `debug|info|warn|error`")
	nworkers := c.envFlag(fs, "workers", "MADOGUCHI_WORKERS", strconv.Itoa(cfg.workers), "`number` of goroutines answering each platform's events")
	rate := c.envFlag(fs, "rate-limit", "MADOGUCHI_RATE_LIMIT", strconv.Itoa(cfg.rateLimit), "the `number` of messages a user may send per minute (0: no limit)")
	intakeCfg := c.intakeFlags(fs, cfg.intake)
	cfg.record = c.recordFlags(fs)
	recordMode := c.envFlag(fs, "record", "MADOGUCHI_RECORD", "on", "record questions: on or off (`on|off`)")
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
	switch *recordMode {
	case "on", "true":
		cfg.record.on = true
	case "off", "false":
		cfg.record.on = false
	default:
		return cfg, usageError{fmt.Sprintf("--record must be on or off, not %q", *recordMode)}
	}
	cfg.redisURL = c.getenv("REDIS_URL")
	lc, err := line.ConfigFromEnv(c.getenv)
	if err != nil {
		return cfg, err
	}
	cfg.line = lc
	sc, err := slack.ConfigFromEnv(c.getenv)
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
	if cfg.handoff.channel, err = c.handoffChannel(cfg); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// keys derives the per-purpose keys from the secrets configured.
func (cfg Config) keys() *keys.Set {
	s := keys.Secrets{RecordKey: secret.Secret(cfg.record.key)}
	if cfg.line != nil {
		s.LineChannelSecret = cfg.line.ChannelSecret
	}
	if cfg.slack != nil {
		s.SlackSigningSecret, s.SlackBotToken = cfg.slack.SigningSecret, cfg.slack.BotToken
	}
	return keys.New(s)
}

// intakeConfig is how events are queued and how long they may take.
type intakeConfig struct {
	// shutdownGrace bounds the graceful shutdown: the HTTP server's last
	// requests and the events still queued or held.
	shutdownGrace time.Duration
	// eventTimeout bounds the handling of one event (its API calls and
	// their retries).
	eventTimeout time.Duration
	// claimIdle is how long an event may stay with a replica (Redis)
	// before another takes it over; more than eventTimeout.
	claimIdle time.Duration
}

// intakeFlags registers the intake's flags; the returned function parses
// their values once the flag set is parsed.
func (c *cli) intakeFlags(fs *flag.FlagSet, def intakeConfig) func() (intakeConfig, error) {
	grace := c.envFlag(fs, "shutdown-grace", "MADOGUCHI_SHUTDOWN_GRACE", def.shutdownGrace.String(), "how long a shutdown may take to answer the events already accepted (a `duration`: 25s, 1m)")
	timeout := c.envFlag(fs, "event-timeout", "MADOGUCHI_EVENT_TIMEOUT", def.eventTimeout.String(), "how long answering one event may take, retries included (a `duration`)")
	idle := c.envFlag(fs, "claim-idle", "MADOGUCHI_CLAIM_IDLE", def.claimIdle.String(), "with Redis: how long an event may stay with a replica before another takes it over (a `duration`)")
	return func() (intakeConfig, error) {
		var ic intakeConfig
		for _, d := range []struct {
			name string
			s    *string
			v    *time.Duration
		}{{"--shutdown-grace", grace, &ic.shutdownGrace}, {"--event-timeout", timeout, &ic.eventTimeout}, {"--claim-idle", idle, &ic.claimIdle}} {
			v, err := time.ParseDuration(*d.s)
			if err != nil || v <= 0 {
				return ic, usageError{fmt.Sprintf("%s must be a duration such as 30s, not %q", d.name, *d.s)}
			}
			*d.v = v
		}
		if ic.claimIdle <= ic.eventTimeout {
			return ic, usageError{fmt.Sprintf("--claim-idle (%v) must be longer than --event-timeout (%v), or a live replica's events are taken from it", ic.claimIdle, ic.eventTimeout)}
		}
		return ic, nil
	}
}

// consoleConfig is the web console's listener and sign-in; addr "" keeps
// it off.
type consoleConfig struct {
	addr string
	auth console.Auth
	// location is TZ's zone, for the console's times where the settings
	// name none.
	location *time.Location
}

// consoleFlag adds serve's --console-addr.
func (c *cli) consoleFlag(fs *flag.FlagSet) *string {
	return c.envFlag(fs, "console-addr", "MADOGUCHI_CONSOLE_ADDR", "", "serve the admins' web console on this `address`, e.g. 127.0.0.1:8081 (off when empty)")
}

// consoleConfig reads the console's sign-in from the environment.
func (c *cli) consoleConfig(addr, webhookAddr string) (consoleConfig, error) {
	cc := consoleConfig{addr: addr}
	if addr == "" {
		return cc, nil
	}
	if addr == webhookAddr {
		return cc, usageError{"--console-addr must differ from --addr: the console never shares the webhook port"}
	}
	cc.auth = console.AuthFromEnv(c.getenv, addr)
	loc, err := console.LocationFromEnv(c.getenv)
	if err != nil {
		return cc, usageError{err.Error()}
	}
	cc.location = loc
	return cc, nil
}

// handoffConfig is the staff handoff's part of serve's configuration.
type handoffConfig struct {
	// channel is the Slack channel id of the tickets (SLACK_HANDOFF_CHANNEL);
	// empty turns the handoff off.
	channel string
	// now is the handoff's clock (office hours, inactivity).
	now func() time.Time
	// sweepEvery is how often conversations are checked for inactivity.
	sweepEvery time.Duration
}

// handoffChannel reads SLACK_HANDOFF_CHANNEL; setting it without both
// platforms is a mistake worth stopping for, since nothing would happen.
func (c *cli) handoffChannel(cfg Config) (string, error) {
	ch := strings.TrimSpace(c.getenv("SLACK_HANDOFF_CHANNEL"))
	if ch != "" && (cfg.line == nil || cfg.slack == nil) {
		return "", fmt.Errorf("SLACK_HANDOFF_CHANNEL is set, but the staff handoff needs both LINE (LINE_CHANNEL_SECRET, LINE_CHANNEL_TOKEN) and Slack (SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN)")
	}
	return ch, nil
}

// queueSize is the memory queue's size for n workers: 64 events each, and
// at least a whole LINE body, so that a large body is acknowledged at once
// and answered after.
func queueSize(n int) int { return max(64*n, line.MaxEvents) }
