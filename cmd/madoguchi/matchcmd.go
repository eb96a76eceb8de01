package main

import (
	"context"
	"flag"

	"github.com/oumail-alumni/madoguchi/internal/evaluate"
)

func runMatch(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	dir := c.intentsFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"match reads questions from standard input, one per line; it takes no arguments"}
	}
	x, err := c.load(*dir)
	if err != nil {
		return err
	}
	return evaluate.WriteMatches(ctx, x, c.stdin, c.stdout)
}
