package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

func runLint(_ context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	if err := parse(fs, args); err != nil {
		return err
	}
	dir, err := dirArg(fs.Args())
	if err != nil {
		return err
	}
	cat, err := catalogue.Load(dir)
	var ps catalogue.Problems
	if errors.As(err, &ps) {
		fmt.Fprintln(c.stdout, ps.Error())
		fmt.Fprintf(c.stdout, "%d problems\n", len(ps))
		return failError{"lint found problems"}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: %d intents, no problems\n", dir, len(cat.Intents))
	return nil
}
