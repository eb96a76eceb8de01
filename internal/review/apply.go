package review

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/evaluate"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// Figures measure a catalogue before or after a change.
type Figures struct {
	// LeaveOneOut is the leave-one-out test over the examples.
	LeaveOneOut evaluate.Report
	// Suggested counts the reviewed questions answered with the intent
	// they were added to, out of Reviewed.
	Suggested int
	Reviewed  int
}

// Applied is what Apply did.
type Applied struct {
	// Files are the intent files changed, Added the examples added.
	Files         []string
	Added         int
	Before, After Figures
}

// Apply adds the questions of the AddExamples clusters to the examples of
// their intents in dir, then checks the result: when the changed catalogue
// fails lint, nothing is written and the problems are returned. Otherwise
// it writes the files and returns the figures before and after.
func Apply(dir string, clusters []*Cluster) (Applied, error) {
	var a Applied
	cat, err := catalogue.Load(dir)
	if err != nil {
		return a, fmt.Errorf("the intents in %s do not load: %w", dir, err)
	}
	changed := map[string][]byte{} // base name → new content
	var reviewed []evaluate.Case
	for _, c := range clusters {
		if c.Suggestion != AddExamples {
			continue
		}
		in := cat.Intent(c.Intent)
		if in == nil {
			continue
		}
		name := filepath.Base(in.File)
		src, ok := changed[name]
		if !ok {
			if src, err = os.ReadFile(in.File); err != nil {
				return a, fmt.Errorf("read %s: %w", in.File, err)
			}
		}
		for _, lang := range catalogue.Langs {
			var texts []string
			for _, t := range c.Texts {
				if bot.LangOf(t) == lang {
					texts = append(texts, t)
					reviewed = append(reviewed, evaluate.Case{Query: t, Accept: []string{c.Intent}, Kind: evaluate.InScope, Source: "review"})
				}
			}
			out, n, err := InsertExamples(src, lang, texts)
			if err != nil {
				return a, fmt.Errorf("%s: %w", in.File, err)
			}
			src, a.Added = out, a.Added+n
		}
		changed[name] = src
	}
	if a.Added == 0 {
		return a, nil
	}
	tmp, err := os.MkdirTemp("", "madoguchi-review")
	if err != nil {
		return a, err
	}
	defer os.RemoveAll(tmp)
	if err := copyYAML(dir, tmp, changed); err != nil {
		return a, err
	}
	after, err := catalogue.Load(tmp)
	if err != nil {
		var ps catalogue.Problems
		if errors.As(err, &ps) {
			return a, fmt.Errorf("the changed intents fail lint, so nothing was written:\n%s", strings.ReplaceAll(ps.Error(), tmp+string(filepath.Separator), ""))
		}
		return a, fmt.Errorf("the changed intents do not load, so nothing was written: %w", err)
	}
	if a.Before, err = measure(cat, reviewed); err != nil {
		return a, err
	}
	if a.After, err = measure(after, reviewed); err != nil {
		return a, err
	}
	for name, data := range changed {
		path := filepath.Join(dir, name)
		if err := writeFile(path, data); err != nil {
			return a, err
		}
		a.Files = append(a.Files, path)
	}
	sort.Strings(a.Files)
	return a, nil
}

// measure runs the leave-one-out test and matches the reviewed questions.
func measure(cat *catalogue.Catalogue, reviewed []evaluate.Case) (Figures, error) {
	loo, _, err := evaluate.LeaveOneOut(cat)
	if err != nil {
		return Figures{}, fmt.Errorf("leave-one-out: %w", err)
	}
	f := Figures{LeaveOneOut: evaluate.Summarize(loo), Reviewed: len(reviewed)}
	for _, o := range evaluate.Run(match.New(cat), reviewed) {
		if o.Verdict() == evaluate.Correct {
			f.Suggested++
		}
	}
	return f, nil
}

// copyYAML copies dir's YAML files into tmp, with changed contents where
// given.
func copyYAML(dir, tmp string, changed map[string][]byte) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return err
	}
	for _, f := range files {
		name := filepath.Base(f)
		data, ok := changed[name]
		if !ok {
			if data, err = os.ReadFile(f); err != nil {
				return fmt.Errorf("read %s: %w", f, err)
			}
		}
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeFile replaces path in one step (a temporary file renamed over it),
// so that a running bot's watcher never reads half a file.
func writeFile(path string, data []byte) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, info.Mode().Perm()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
