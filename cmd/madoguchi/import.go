package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
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
	var problems catalogue.Problems
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		items, ps := faqimport.Read(path, data)
		problems = append(problems, ps...)
		res, err := faqimport.Import(*out, items)
		if err != nil {
			return fmt.Errorf("import %s: %w", path, err)
		}
		fmt.Fprintf(c.stdout, "%s: %s: %d new drafts, %d updated, %d unchanged, %d published (left alone)\n",
			path, count(len(items), "item"), len(res.Written), len(res.Updated), res.Unchanged, len(res.Published))
		for _, p := range res.Written {
			fmt.Fprintln(c.stdout, "  new     ", p)
		}
		for _, p := range res.Updated {
			fmt.Fprintln(c.stdout, "  updated ", p)
		}
	}
	if len(problems) > 0 {
		fmt.Fprintln(c.stdout, problems)
		fmt.Fprintf(c.stdout, "%s; the other items were imported: fix these and import again\n", count(len(problems), "problem"))
		return failError{"import found problems"}
	}
	fmt.Fprintf(c.stdout, "The bot does not answer from drafts. 'madoguchi lint %s' says what each still needs.\n", *out)
	return nil
}
