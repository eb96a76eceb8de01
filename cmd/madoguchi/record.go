package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/record"
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

// openExisting opens the record for a command that reads or deletes what
// was recorded (see record.OpenExisting).
func (rc recordConfig) openExisting(ctx context.Context) (*record.DB, error) {
	return record.OpenExisting(ctx, *rc.path, rc.url)
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
		d, err := record.ParseAge(*older)
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
	if *older != "" && keep < record.ConfirmBelow && !*yes {
		if !c.terminal {
			return usageError{fmt.Sprintf("--older-than %s would delete questions less than a week old, and there is no terminal to ask on: add --yes to delete them", *older)}
		}
		if !db.ConfirmPurge(c.stderr, c.stdin, cutoff) {
			fmt.Fprintln(c.stdout, "nothing deleted")
			return nil
		}
	}
	return db.WritePurge(ctx, c.stdout, cutoff)
}

// asker is how ask puts questions: straight to the bot, or through a
// recording dialog with --record; the function returned closes the record.
func (c *cli) asker(ctx context.Context, b *bot.Bot, rc recordConfig, recordIt bool) (bot.Terminal, func(), error) {
	if !recordIt {
		return bot.NewTerminal(b), func() {}, nil
	}
	term, closeRecord, err := record.OpenTerminal(ctx, newLogger(c.stderr, "text", slog.LevelWarn), *rc.path, rc.url, b, rc.key)
	if err != nil {
		return bot.Terminal{}, nil, err
	}
	return term, func() {
		if err := closeRecord(); err != nil {
			fmt.Fprintln(c.stderr, "madoguchi: writing the record:", err)
		}
	}, nil
}
