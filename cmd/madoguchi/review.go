package main

import (
	"context"
	"encoding/json"
	"flag"

	"github.com/oumail-alumni/madoguchi/internal/review"
)

func runReview(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	rc := c.recordFlags(fs)
	dir := c.intentsFlag(fs)
	since := sinceFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	write := fs.String("write", "", "add the suggested examples to the intent files in `DIR`, if lint passes")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	x, err := c.load(*dir)
	if err != nil {
		return err
	}
	es, _, err := c.entries(ctx, rc, *since)
	if err != nil {
		return err
	}
	clusters := review.Review(x, es)
	drafts, err := c.drafts(ctx, rc)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(review.NewReport(clusters, drafts)); err != nil {
			return err
		}
	} else {
		review.WriteClusters(c.stdout, clusters)
		review.WriteDrafts(c.stdout, drafts)
	}
	if *write == "" {
		return nil
	}
	a, err := review.Apply(*write, clusters)
	if err != nil {
		return err
	}
	out := c.stdout
	if *asJSON {
		out = c.stderr // keep stdout one JSON document
	}
	review.WriteApplied(out, a)
	return nil
}
