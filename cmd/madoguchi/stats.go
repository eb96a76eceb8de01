package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/review"
)

// sinceFlag adds --since, an age such as 30d.
func sinceFlag(fs *flag.FlagSet) *string {
	return fs.String("since", "30d", "look at the questions of this `age` (30d, 36h)")
}

// entries opens the record and reads the questions of the last age.
func (c *cli) entries(ctx context.Context, rc recordConfig, age string) ([]record.Entry, time.Time, error) {
	d, err := parseAge(age)
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
	es, from, err := c.entries(ctx, rc, *since)
	if err != nil {
		return err
	}
	s := review.Summarize(es, from)
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	printStats(c.stdout, s)
	return nil
}

func printStats(w io.Writer, s review.Stats) {
	fmt.Fprintf(w, "Questions since %s: %d\n", s.Since.UTC().Format(time.DateOnly), s.Questions)
	if s.Questions == 0 {
		return
	}
	fmt.Fprintf(w, "  answered %d (%.1f%%), asked back %d (%.1f%%), escalated %d (%.1f%%), of which asked for a person %d\n",
		s.Answered, 100*s.Rate(s.Answered), s.Clarified, 100*s.Rate(s.Clarified), s.Escalated, 100*s.Rate(s.Escalated), s.AskedForPerson)
	fmt.Fprintf(w, "  choices picked %d; feedback 👍 %d 👎 %d; handed to staff %d\n", s.Choices, s.Helpful, s.NotHelpful, s.Handoffs)
	fmt.Fprintln(w, "\nPer day and platform:")
	for _, d := range s.Days {
		fmt.Fprintf(w, "  %s  %-6s %5d\n", d.Day, d.Platform, d.N)
	}
	fmt.Fprintln(w, "\nIntents answered (answers, 👍, 👎, share of feedback that is 👍):")
	for _, ic := range s.Intents {
		ratio := "-"
		if n := ic.Helpful + ic.NotHelpful; n > 0 {
			ratio = fmt.Sprintf("%.0f%%", 100*float64(ic.Helpful)/float64(n))
		}
		fmt.Fprintf(w, "  %-26s %5d %4d %4d  %s\n", ic.Intent, ic.N, ic.Helpful, ic.NotHelpful, ratio)
	}
}
