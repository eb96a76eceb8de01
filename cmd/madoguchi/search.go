package main

import (
	"context"
	"flag"

	"github.com/oumail-alumni/madoguchi/internal/search"
)

func runSearch(_ context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	dir := c.intentsFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"search needs the letters to look for, like: madoguchi search pwd"}
	}
	x, err := c.load(*dir)
	if err != nil {
		return err
	}
	search.WriteHits(c.stdout, search.Find(x.Catalogue(), fs.Args()...))
	return nil
}
