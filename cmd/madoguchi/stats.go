package main

import (
	"context"
	"encoding/json"
	"flag"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/figures"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/review"
)

// sinceFlag adds --since, an age such as 30d.
func sinceFlag(fs *flag.FlagSet) *string {
	return fs.String("since", "30d", "look at the questions of this `age` (30d, 36h)")
}

// entries opens the record and reads the questions of the last age.
func (c *cli) entries(ctx context.Context, rc recordConfig, age string) ([]record.Entry, time.Time, error) {
	d, err := record.ParseAge(age)
	if err != nil {
		return nil, time.Time{}, usageError{"--since: " + err.Error()}
	}
	db, err := rc.openExisting(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer db.Close()
	since := time.Now().Add(-d)
	es, err := db.Entries(ctx, since)
	return es, since, err
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
	from := now.Add(-d)
	es, err := db.Entries(ctx, from)
	if err != nil {
		return err
	}
	ts, err := db.Tickets(ctx, from)
	if err != nil {
		return err
	}
	s, f := review.Summarize(es, from), figures.Compute(es, ts, from, now)
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		// The counts and the figures side by side: their JSON names differ.
		return enc.Encode(struct {
			review.Stats
			figures.Figures
		}{s, f})
	}
	review.WriteStats(c.stdout, s)
	if s.Questions > 0 {
		figures.WriteText(c.stdout, f)
	}
	return nil
}
