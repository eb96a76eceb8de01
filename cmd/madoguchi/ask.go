package main

import (
	"context"
	"flag"
	"io"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/evaluate"
)

func runAsk(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	dir := c.intentsFlag(fs)
	explain := fs.Bool("explain", false, "show the scores and the matched terms")
	rc := c.recordFlags(fs)
	recordAsk := fs.Bool("record", false, "record the questions, as serve does (--db, DATABASE_URL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	q := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if fs.NArg() > 0 && q == "" {
		return usageError{"the question is empty: write one, or leave it out to ask several in turn"}
	}
	x, err := c.load(*dir)
	if err != nil {
		return err
	}
	b := bot.New(x)
	term, closeRecord, err := c.asker(ctx, b, rc, *recordAsk)
	if err != nil {
		return err
	}
	defer closeRecord()
	if *explain {
		term.Explain = func(w io.Writer, q string) { evaluate.WriteExplanation(w, x, q) }
	}
	if q == "" {
		return term.Converse(ctx, c.stdin, c.stdout)
	}
	if term.Explain != nil {
		term.Explain(c.stdout, q)
	}
	bot.WriteText(c.stdout, term.Ask(q))
	return nil
}
