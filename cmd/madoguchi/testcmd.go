package main

import (
	"context"
	"flag"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/evaluate"
)

// queryFiles collects repeated --queries flags.
type queryFiles []string

func (q *queryFiles) String() string     { return strings.Join(*q, ",") }
func (q *queryFiles) Set(s string) error { *q = append(*q, s); return nil }

func runTest(_ context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	dirFlag := c.intentsFlag(fs)
	var files queryFiles
	fs.Var(&files, "queries", "a labelled query `file` (TSV: intent ids, tab, question); may be repeated")
	sweep := fs.Bool("sweep", false, "choose the thresholds that do best on all these sets together and print them")
	folds := fs.Int("folds", 5, "cross-validate the thresholds in `k` folds over all the sets (0: off)")
	verbose := fs.Bool("v", false, "list every question not answered correctly, not only wrong answers")
	if err := parse(fs, args); err != nil {
		return err
	}
	dir, err := intentsArg(fs, *dirFlag)
	if err != nil {
		return err
	}
	x, err := c.load(dir)
	if err != nil {
		return err
	}
	suite, err := evaluate.Measure(x, files)
	if err != nil {
		return err
	}
	if *sweep {
		suite.WriteSweep(c.stdout)
		return nil
	}
	missed := suite.WriteReport(c.stdout, evaluate.ReportOptions{Verbose: *verbose, Folds: *folds})
	// A failing run says what moved since the last passing one, which a
	// passing run keeps.
	suite.Remember(c.stdout, c.stderr, evaluate.CachePath(c.getenv, dir), len(missed) == 0, time.Now())
	if len(missed) > 0 {
		return failError{"quality floors missed"}
	}
	return nil
}
