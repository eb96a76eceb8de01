package main

import (
	"context"
	"flag"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/figures"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// sinceFlag adds --since, an age such as 30d.
func sinceFlag(fs *flag.FlagSet) *string {
	return fs.String("since", "30d", "look at the questions of this `age` (30d, 36h)")
}

func runStats(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	rc := c.recordFlags(fs)
	since := sinceFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	d, err := record.ParseAge(*since)
	if err != nil {
		return usageError{"--since: " + err.Error()}
	}
	db, err := rc.openExisting(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now()
	return figures.WriteStats(ctx, c.stdout, db, now.Add(-d), now, *asJSON)
}
