package main

import (
	"errors"
	"fmt"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// load loads and indexes the catalogue in dir. Problems in the files are
// printed to stderr one per line, so that the admin sees where to look.
func (c *cli) load(dir string) (*match.Index, error) {
	cat, err := catalogue.Load(dir)
	var ps catalogue.Problems
	if errors.As(err, &ps) {
		fmt.Fprintln(c.stderr, ps.Error())
		return nil, failError{fmt.Sprintf("%s in %s", ps.Count(), dir)}
	}
	if err != nil {
		return nil, fmt.Errorf("%w (run madoguchi from the directory that holds intents/, or pass --intents DIR)", err)
	}
	return match.New(cat), nil
}
