package faqimport

import (
	"fmt"
	"io"
	"os"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// ImportFiles reads each FAQ document of files and imports its items into
// dir (Read, then Import), writing to w what each document gave and which
// drafts it wrote. The problems of every document are written at the end,
// and returned: the other items are imported all the same.
func ImportFiles(w io.Writer, dir string, files []string) (catalogue.Problems, error) {
	var problems catalogue.Problems
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		items, ps := Read(path, data)
		problems = append(problems, ps...)
		res, err := Import(dir, items)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", path, err)
		}
		fmt.Fprintf(w, "%s: %s: %d new drafts, %d updated, %d unchanged, %d published (left alone)\n",
			path, catalogue.Count(len(items), "item"), len(res.Written), len(res.Updated), res.Unchanged, len(res.Published))
		for _, p := range res.Written {
			fmt.Fprintln(w, "  new     ", p)
		}
		for _, p := range res.Updated {
			fmt.Fprintln(w, "  updated ", p)
		}
	}
	if len(problems) > 0 {
		fmt.Fprintln(w, problems)
		fmt.Fprintf(w, "%s; the other items were imported: fix these and import again\n", problems.Count())
		return problems, nil
	}
	fmt.Fprintf(w, "The bot does not answer from drafts. 'madoguchi lint %s' says what each still needs.\n", dir)
	return nil, nil
}
