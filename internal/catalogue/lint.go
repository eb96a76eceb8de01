package catalogue

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// LintOptions is what Lint checks besides the catalogue and how it reports.
type LintOptions struct {
	// Lang is the language of the report.
	Lang Lang
	// Kustomize also checks that dir's Kustomization lists every intent
	// file (see KustomizationProblems).
	Kustomize bool
}

// Lint loads the catalogue in dir and writes an admin's report to w
// (`madoguchi lint`): every problem and their count, or the advice and a
// line saying the catalogue is fine (with its drafts, which are not
// answered). It reports whether there were no
// problems; the error is one that stopped the load itself (an unreadable
// directory), reported before anything is written.
func Lint(w io.Writer, dir string, o LintOptions) (ok bool, err error) {
	cat, err := Load(dir)
	var ps Problems
	if err != nil && !errors.As(err, &ps) {
		return false, err
	}
	if o.Kustomize {
		ps = append(ps, KustomizationProblems(dir)...)
	}
	ja := o.Lang == Japanese
	if len(ps) > 0 {
		fmt.Fprintln(w, ps.In(o.Lang))
		if ja {
			fmt.Fprintf(w, "問題 %d 件\n", len(ps))
		} else {
			fmt.Fprintln(w, ps.Count())
		}
		return false, nil
	}
	warnings := Advice(cat)
	for _, a := range warnings {
		fmt.Fprintln(w, "warning:", a)
	}
	if ja {
		fmt.Fprintf(w, "%s: インテント %d 件、問題なし", dir, len(cat.Intents))
		if len(cat.Drafts) > 0 {
			fmt.Fprintf(w, "、下書き %d 件（回答に使われません）", len(cat.Drafts))
		}
		if len(warnings) > 0 {
			fmt.Fprintf(w, "、注意 %d 件", len(warnings))
		}
	} else {
		fmt.Fprintf(w, "%s: %s, no problems", dir, Count(len(cat.Intents), "intent"))
		if len(cat.Drafts) > 0 {
			fmt.Fprintf(w, ", %s (not answered)", Count(len(cat.Drafts), "draft"))
		}
		if len(warnings) > 0 {
			fmt.Fprintf(w, ", %s", Count(len(warnings), "warning"))
		}
	}
	fmt.Fprintln(w)
	return true, nil
}

// Count is how many problems there are, in English words: "1 problem",
// "3 problems".
func (ps Problems) Count() string { return Count(len(ps), "problem") }

// Count writes n and noun, in the plural unless n is 1.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// ProblemLang is the language of lint's problems: name ("en" or "ja"),
// else the locale's (LocaleLang) when name is empty.
func ProblemLang(name string, getenv func(string) string) (Lang, error) {
	switch name {
	case "ja":
		return Japanese, nil
	case "en":
		return English, nil
	case "":
		return LocaleLang(getenv), nil
	}
	return "", fmt.Errorf("must be en or ja, not %q", name)
}

// LocaleLang is the language of the locale in the environment getenv
// reads, as setlocale reads it (LC_ALL, then LC_MESSAGES, then LANG):
// Japanese when the first of them set starts with "ja", else English.
func LocaleLang(getenv func(string) string) Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			if strings.HasPrefix(v, "ja") {
				return Japanese
			}
			return English
		}
	}
	return English
}
