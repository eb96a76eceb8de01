package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/evaluate"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/review"
)

func runReview(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	rc := c.recordFlags(fs)
	dir := c.intentsFlag(fs)
	since := sinceFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	write := fs.String("write", "", "add the suggestions chosen with --only to the intent files in `DIR`, if lint passes and nothing gets worse")
	only := fs.String("only", "", "the suggestion `numbers` to write (1,4,7)")
	newIntent := fs.String("new", "", "with --write, add the intent `file` written from a group's skeleton (and list it in DIR's Kustomization)")
	dismiss := fs.String("dismiss", "", "mark the suggestion `numbers` as looked at and not wanted (1,4,7)")
	force := fs.Bool("force", false, "write even when the change would make a figure worse or answer a rightly escalated question")
	by := fs.String("by", "cli", "`who` decided, for the review marks")
	var files queryFiles
	fs.Var(&files, "queries", "a labelled query `file` whose figures the change must not lower (as in test); may be repeated")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *write != "" && (*only == "") == (*newIntent == "") {
		return usageError{"--write needs --only (the numbered suggestions to write) or --new (an intent file to add), not both"}
	}
	age, err := record.ParseAge(*since)
	if err != nil {
		return usageError{"--since: " + err.Error()}
	}
	x, err := c.load(*dir)
	if err != nil {
		return err
	}
	db, err := rc.openExisting(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	from := time.Now().Add(-age)
	es, err := db.Entries(ctx, from)
	if err != nil {
		return err
	}
	marks, err := db.ReviewMarks(ctx, from)
	if err != nil {
		return err
	}
	clusters := review.Review(x, review.Pending(es, marks))
	drafts, err := db.Drafts(ctx)
	if err != nil {
		return err
	}
	out := c.stdout
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(review.NewReport(clusters, drafts)); err != nil {
			return err
		}
		out = c.stderr // keep stdout one JSON document
	} else {
		review.WriteClusters(c.stdout, clusters)
		review.WriteDrafts(c.stdout, drafts)
		review.WriteCatalogueDrafts(c.stdout, review.CatalogueDrafts(x.Catalogue()))
	}
	if *dismiss != "" {
		choices, err := chosen(clusters, *dismiss)
		if err != nil {
			return err
		}
		if err := db.MarkReviewed(ctx, review.Dismissals(choices, *by, time.Now())); err != nil {
			return err
		}
		fmt.Fprintf(out, "Dismissed %d suggestion(s): they leave the review.\n", len(choices))
	}
	if *write == "" {
		return nil
	}
	var sets []review.QuerySet
	for _, f := range files {
		cases, err := evaluate.ReadQueryFile(f)
		if err != nil {
			return err
		}
		sets = append(sets, review.QuerySet{Name: f, Cases: cases})
	}
	var choices []review.Choice
	var ch *review.Change
	if *newIntent != "" {
		data, err := os.ReadFile(*newIntent)
		if err != nil {
			return err
		}
		ch, err = review.PlanIntent(*write, es, filepath.Base(*newIntent), data, sets)
		if err != nil {
			return err
		}
	} else {
		if choices, err = chosen(clusters, *only); err != nil {
			return err
		}
		if ch, err = review.Plan(*write, es, choices, sets); err != nil {
			return err
		}
	}
	review.WriteChange(out, ch)
	if _, err := ch.Write(*write, *force); err != nil {
		return err
	}
	if ch.Added > 0 {
		fmt.Fprintln(out, "Written.")
	}
	return db.MarkReviewed(ctx, review.Marks(choices, *by, time.Now()))
}

// chosen reads a list of suggestion numbers and picks them.
func chosen(clusters []*review.Cluster, list string) ([]review.Choice, error) {
	numbers, err := review.ParseNumbers(list)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return review.Choose(clusters, numbers)
}
