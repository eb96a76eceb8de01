package main

import (
	"context"
	"errors"
	"flag"
	"time"

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
	err = review.Run(ctx, c.stdout, c.stderr, x, db, review.Options{Since: time.Now().Add(-age), JSON: *asJSON,
		Dismiss: *dismiss, Write: *write, Only: *only, New: *newIntent, Force: *force, By: *by, Queries: files})
	var ne review.NumbersError
	if errors.As(err, &ne) {
		return usageError{ne.Msg}
	}
	return err
}
