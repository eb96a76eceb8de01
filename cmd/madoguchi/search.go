package main

import (
	"context"
	"flag"
	"fmt"

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
	hits := search.Find(x.Catalogue(), fs.Args()...)
	if len(hits) == 0 {
		fmt.Fprintln(c.stdout, "no intent found")
		return nil
	}
	for _, h := range hits {
		fmt.Fprintf(c.stdout, "%-22s %s\n", h.Intent.ID, h.Highlight("[", "]"))
	}
	return nil
}
