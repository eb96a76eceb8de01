package main

import (
	"context"
	"flag"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

func runLint(_ context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	dirFlag := c.intentsFlag(fs)
	kustomize := fs.Bool("kustomize", false, "also check that intents/Kustomization lists every intent file (for Kubernetes; CI runs it)")
	langFlag := fs.String("lang", "", "the `language` of the problems: en or ja (default: ja when LC_ALL or LANG starts with ja, else en)")
	if err := parse(fs, args); err != nil {
		return err
	}
	lang, err := catalogue.ProblemLang(*langFlag, c.getenv)
	if err != nil {
		return cmdUsageError{"lint", "--lang " + err.Error()}
	}
	dir, err := intentsArg(fs, *dirFlag)
	if err != nil {
		return err
	}
	ok, err := catalogue.Lint(c.stdout, dir, catalogue.LintOptions{Lang: lang, Kustomize: *kustomize})
	if err == nil && !ok {
		return failError{"lint found problems"}
	}
	return err
}
