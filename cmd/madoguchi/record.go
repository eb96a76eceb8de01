package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/server"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

// recordConfig says where the record of questions is kept: the SQLite
// file --db, or PostgreSQL at DATABASE_URL; --record=off keeps none.
type recordConfig struct {
	path *string
	on   bool // serve's --record
	url  string
	// key signs feedback buttons and keys the recorded users' pseudonyms
	// (MADOGUCHI_RECORD_KEY), else derived from the platform secrets (see
	// keys.Set.Record).
	key string
}

// recordFlags adds --db and reads DATABASE_URL.
func (c *cli) recordFlags(fs *flag.FlagSet) recordConfig {
	return recordConfig{
		path: c.envFlag(fs, "db", "MADOGUCHI_DB", "madoguchi.db", "the record's SQLite `file` (unused when DATABASE_URL is set)"),
		url:  c.getenv("DATABASE_URL"),
		key:  c.getenv("MADOGUCHI_RECORD_KEY"),
	}
}

// open opens (and migrates) the record's database.
func (rc recordConfig) open(ctx context.Context) (*record.DB, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return record.Open(ctx, *rc.path, rc.url)
}

// openExisting opens the record for a command that reads or deletes what
// was recorded (stats, review, record purge): a SQLite file that is not
// there is a mistake in the path, reported by name, never a new empty file.
func (rc recordConfig) openExisting(ctx context.Context) (*record.DB, error) {
	if rc.url == "" {
		if _, err := os.Stat(*rc.path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no record of questions at %s: give the file serve records to with --db (or MADOGUCHI_DB), or DATABASE_URL for PostgreSQL", *rc.path)
		} else if err != nil {
			return nil, fmt.Errorf("record %s: %w", *rc.path, err)
		}
	}
	return rc.open(ctx)
}

// recording is serve's record: what the dialog, the readiness check and
// the shutdown need. Its zero value records nothing.
type recording struct {
	rec *record.Recorder
	db  *record.DB
	key []byte
	// failed says why the record could not be opened at start-up.
	failed string
}

// startRecording opens the record for serve and starts its writer; its
// retention follows the served catalogue's retention_days.
//
// Its health is exported on reg for alerting: madoguchi_record_healthy (1
// when writes reach the database, 0 when the record could not be opened,
// or writes failed or were dropped in the last minute, or its file was
// deleted or replaced and opened again) and
// madoguchi_record_reopened_total.
func startRecording(logger *slog.Logger, b *bot.Bot, m *metrics.Metrics, reg prometheus.Registerer, cfg Config, key []byte) (recording, error) {
	if !cfg.record.on {
		logger.Info("recording questions is off")
		return recording{}, nil
	}
	var r recording
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "madoguchi_record_healthy",
		Help: "1 when the record's writes reach its database; 0 when it could not be opened, writes failed or were dropped in the last minute, or its SQLite file was deleted or replaced (see /readyz on the operations port).",
	}, func() float64 {
		if r.health().Status == record.StatusOK {
			return 1
		}
		return 0
	}))
	reopened := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "madoguchi_record_reopened_total",
		Help: "Times the record's SQLite file was deleted or replaced while open, and its path opened again.",
	})
	reg.MustRegister(reopened)
	db, err := cfg.record.open(context.Background())
	if err != nil {
		// The record must never stop the bot answering: serve without it,
		// and say so in the log and in /readyz.
		logger.Error("the record of questions is unavailable; answering without recording", "err", err)
		r.failed = err.Error()
		return r, nil
	}
	rec := record.New(logger, db, record.Options{
		Retention: func() time.Duration { return b.Index().Catalogue().Settings.Record.Retention() },
		Dropped:   func(reason string, n int) { m.RecordDropped.WithLabelValues(reason).Add(float64(n)) },
		Reopened:  reopened.Inc,
	})
	logger.Info("recording questions", "db", db.Where)
	r.rec, r.db, r.key = rec, db, key
	return r, nil
}

// health is the record's health without pinging the database: failing
// when it could not be opened at start-up.
func (r *recording) health() record.Health {
	if r.rec == nil {
		return record.Health{Status: record.StatusFailing, Problem: "not recording (restart once the database is reachable): " + r.failed}
	}
	return r.rec.Health()
}

// options are the dialog's options: the recorder, when recording.
func (r recording) options() []bot.Option {
	if r.rec == nil {
		return nil
	}
	return []bot.Option{bot.WithRecorder(r.rec, r.key, nil)}
}

// checks adds the database to the readiness report.
func (r recording) checks() []server.Check {
	if r.failed != "" {
		return []server.Check{{Name: "record", Report: func(context.Context) any { return r.health() }}}
	}
	if r.db == nil {
		return nil
	}
	return []server.Check{{Name: "record", Report: func(ctx context.Context) any {
		h := r.health()
		if err := r.db.Ping(ctx); err != nil {
			h.Status, h.Problem = record.StatusFailing, "unreachable (questions are not recorded meanwhile): "+err.Error()
		}
		return h
	}}}
}

// close writes what the recorder still holds and closes the database, so
// that a graceful shutdown loses no record either.
func (r recording) close(ctx context.Context) error {
	if r.rec == nil {
		return nil
	}
	err := r.rec.Close(ctx)
	r.db.Close()
	return err
}

// runRecord manages the record: `record purge` deletes what is older than
// the retention.
func runRecord(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	rc := c.recordFlags(fs)
	dir := c.intentsFlag(fs)
	older := fs.String("older-than", "", "delete questions older than this `age` (90d, 36h); default: retention_days from the settings")
	yes := fs.Bool("yes", false, "delete without asking, even questions less than a week old")
	// The action comes first (record purge --older-than 30d); flags
	// before it work too.
	action := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		action, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if action == "" && fs.NArg() == 1 {
		action = fs.Arg(0)
	} else if fs.NArg() > 0 {
		action = ""
	}
	if action != "purge" {
		return usageError{"record takes one action: purge"}
	}
	var keep time.Duration
	if *older != "" {
		d, err := parseAge(*older)
		if err != nil {
			return usageError{"--older-than: " + err.Error()}
		}
		keep = d
	} else {
		x, err := c.load(*dir)
		if err != nil {
			return err
		}
		keep = x.Catalogue().Settings.Record.Retention()
	}
	db, err := rc.openExisting(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	cutoff := time.Now().Add(-keep)
	if *older != "" && keep < confirmBelow && !*yes {
		if !c.terminal {
			return usageError{fmt.Sprintf("--older-than %s would delete questions less than a week old, and there is no terminal to ask on: add --yes to delete them", *older)}
		}
		fmt.Fprintf(c.stderr, "Delete every question recorded before %s (%s), including some less than a week old? [y/N] ", cutoff.UTC().Format(time.DateTime), db.Where)
		answer, _ := bufio.NewReader(c.stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(c.stdout, "nothing deleted")
			return nil
		}
	}
	n, err := db.Purge(ctx, cutoff)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "deleted %d questions recorded before %s (%s)\n", n, cutoff.UTC().Format(time.DateTime), db.Where)
	return nil
}

// confirmBelow is the age under which record purge --older-than asks
// before deleting: a week keeps last week's questions for review.
const confirmBelow = 7 * 24 * time.Hour

// parseAge reads an age: a number of days ("30d") or a Go duration
// ("36h").
func parseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%q is not a number of days, like 30d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not an age, like 30d or 36h", s)
	}
	return d, nil
}

// cliAsker is how ask puts questions: straight to the bot, or through a
// recording dialog with --record.
type cliAsker struct {
	ask    func(q string) bot.Reply
	choose func(id string, lang catalogue.Lang) bot.Reply
	menu   func(lang catalogue.Lang) bot.Reply
	close  func()
}

// cliUser is the user key of questions asked in a terminal.
const cliUser = "cli:local"

func (c *cli) asker(ctx context.Context, b *bot.Bot, rc recordConfig, recordIt bool) (cliAsker, error) {
	if !recordIt {
		return cliAsker{ask: b.Ask, choose: b.Choose, menu: b.Menu, close: func() {}}, nil
	}
	db, err := rc.open(ctx)
	if err != nil {
		return cliAsker{}, err
	}
	logger := newLogger(c.stderr, "text", slog.LevelWarn)
	rec := record.New(logger, db, record.Options{Retention: func() time.Duration { return b.Index().Catalogue().Settings.Record.Retention() }})
	// No button is clicked in a terminal; the key only makes the
	// pseudonym of cliUser stable from one run to the next.
	key := []byte(rc.key)
	if len(key) == 0 {
		key = []byte("madoguchi ask")
	}
	d := bot.NewDialog(b, state.NewMemory(time.Now), 0, nil, bot.WithRecorder(rec, key, nil))
	return cliAsker{
		ask:    func(q string) bot.Reply { return d.Message(ctx, cliUser, q) },
		choose: func(id string, lang catalogue.Lang) bot.Reply { return d.Choose(ctx, cliUser, id, lang) },
		menu:   b.Menu,
		close: func() {
			cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := rec.Close(cctx); err != nil {
				fmt.Fprintln(c.stderr, "madoguchi: writing the record:", err)
			}
			db.Close()
		},
	}, nil
}
