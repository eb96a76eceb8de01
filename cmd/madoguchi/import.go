package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/oumail-alumni/madoguchi/internal/faqimport"
)

func runImport(_ context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	out := fs.String("out", "", "write the drafts into `DIR`, usually the intents directory (required)")
	var files []string
	// Flags may come after the files: parse up to each file in turn.
	for range len(args) + 1 {
		if err := parse(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	switch {
	case *out == "":
		return cmdUsageError{"import", "--out DIR is required: the directory to write the drafts into"}
	case len(files) == 0:
		return cmdUsageError{"import", "name at least one FAQ document (.csv, .tsv, .md, .html or text)"}
	}
	if st, err := os.Stat(*out); err != nil || !st.IsDir() {
		return fmt.Errorf("--out %s is not a directory", *out)
	}
	problems, err := faqimport.ImportFiles(c.stdout, *out, files)
	if err == nil && len(problems) > 0 {
		return failError{"import found problems"}
	}
	return err
}
