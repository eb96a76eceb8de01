package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

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
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(clusters); err != nil {
			return err
		}
	} else {
		printReview(c.stdout, clusters)
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
	printApplied(out, a)
	return nil
}

func printReview(w io.Writer, clusters []*review.Cluster) {
	if len(clusters) == 0 {
		fmt.Fprintln(w, "No question was escalated, asked back or disliked.")
		return
	}
	for i, c := range clusters {
		fmt.Fprintf(w, "%d. %d question(s): escalated %d, asked back %d, 👎 %d\n", i+1, c.Count, c.Escalated, c.Clarified, c.Disliked)
		for _, ex := range c.Examples {
			fmt.Fprintf(w, "     %q\n", ex)
		}
		if c.Nearest != "" {
			how := fmt.Sprintf("score %.3f", c.Score)
			if c.Picked {
				how = "picked by users when asked back"
			}
			fmt.Fprintf(w, "   nearest intent: %s (%s)\n", c.Nearest, how)
		}
		switch c.Suggestion {
		case review.AddExamples:
			fmt.Fprintf(w, "   → add as examples to %s\n", c.Intent)
		case review.NewIntent:
			fmt.Fprintf(w, "   → a new intent, for example intents/new-intent.yaml:\n%s", indentLines(c.Skeleton, "       "))
		case review.OutOfScope:
			fmt.Fprintln(w, "   → out of scope: nothing the catalogue covers (the office answers it elsewhere, or an intent that says so)")
		}
		fmt.Fprintln(w)
	}
}

func indentLines(s, prefix string) string {
	lines := strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n")
	return prefix + strings.Join(lines, prefix) + "\n"
}

func printApplied(w io.Writer, a review.Applied) {
	if a.Added == 0 {
		fmt.Fprintln(w, "Nothing to write: no new examples to add.")
		return
	}
	fmt.Fprintf(w, "Added %d examples to %s; lint passed.\n", a.Added, strings.Join(a.Files, ", "))
	b, f := a.Before, a.After
	fmt.Fprintf(w, "  leave-one-out: accuracy %.1f%% → %.1f%%, wrong %.1f%% → %.1f%%\n",
		100*b.LeaveOneOut.Accuracy(), 100*f.LeaveOneOut.Accuracy(), 100*b.LeaveOneOut.WrongRate(), 100*f.LeaveOneOut.WrongRate())
	fmt.Fprintf(w, "  reviewed questions answered with the intent they were added to: %d → %d of %d\n", b.Suggested, f.Suggested, f.Reviewed)
}
