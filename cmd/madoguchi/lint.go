package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

func runLint(_ context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	dirFlag := c.intentsFlag(fs)
	kustomize := fs.Bool("kustomize", false, "also check that intents/Kustomization lists every intent file (for Kubernetes; CI runs it)")
	langFlag := fs.String("lang", "", "the `language` of the problems: en or ja (default: ja when LC_ALL or LANG starts with ja, else en)")
	if err := parse(fs, args); err != nil {
		return err
	}
	lang, err := lintLang(*langFlag, c.getenv)
	if err != nil {
		return err
	}
	dir, err := intentsArg(fs, *dirFlag)
	if err != nil {
		return err
	}
	cat, err := catalogue.Load(dir)
	var ps catalogue.Problems
	if err != nil && !errors.As(err, &ps) {
		return err
	}
	if *kustomize {
		ps = append(ps, catalogue.KustomizationProblems(dir)...)
	}
	if len(ps) > 0 {
		fmt.Fprintln(c.stdout, ps.In(lang))
		if lang == catalogue.Japanese {
			fmt.Fprintf(c.stdout, "問題 %d 件\n", len(ps))
		} else {
			fmt.Fprintln(c.stdout, count(len(ps), "problem"))
		}
		return failError{"lint found problems"}
	}
	warnings := catalogue.Advice(cat)
	for _, w := range warnings {
		fmt.Fprintln(c.stdout, "warning:", w)
	}
	if lang == catalogue.Japanese {
		fmt.Fprintf(c.stdout, "%s: インテント %d 件、問題なし", dir, len(cat.Intents))
		if len(cat.Drafts) > 0 {
			fmt.Fprintf(c.stdout, "、下書き %d 件（回答に使われません）", len(cat.Drafts))
		}
		if len(warnings) > 0 {
			fmt.Fprintf(c.stdout, "、注意 %d 件", len(warnings))
		}
	} else {
		fmt.Fprintf(c.stdout, "%s: %s, no problems", dir, count(len(cat.Intents), "intent"))
		if len(cat.Drafts) > 0 {
			fmt.Fprintf(c.stdout, ", %s (not answered)", count(len(cat.Drafts), "draft"))
		}
		if len(warnings) > 0 {
			fmt.Fprintf(c.stdout, ", %s", count(len(warnings), "warning"))
		}
	}
	fmt.Fprintln(c.stdout)
	return nil
}

// lintLang is the language lint reports in: --lang, else the locale
// (LC_ALL, then LC_MESSAGES, then LANG, as setlocale reads them).
func lintLang(flagValue string, getenv env) (catalogue.Lang, error) {
	switch flagValue {
	case "ja":
		return catalogue.Japanese, nil
	case "en":
		return catalogue.English, nil
	case "":
	default:
		return "", cmdUsageError{"lint", fmt.Sprintf("--lang must be en or ja, not %q", flagValue)}
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			if strings.HasPrefix(v, "ja") {
				return catalogue.Japanese, nil
			}
			return catalogue.English, nil
		}
	}
	return catalogue.English, nil
}

// count writes n and noun, in the plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
