package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

func runLint(_ context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	dirFlag := c.intentsFlag(fs)
	kustomize := fs.Bool("kustomize", false, "also check that intents/Kustomization lists every intent file (for Kubernetes; CI runs it)")
	if err := parse(fs, args); err != nil {
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
		ps = append(ps, kustomizationProblems(dir)...)
	}
	if len(ps) > 0 {
		fmt.Fprintln(c.stdout, ps.Error())
		fmt.Fprintln(c.stdout, count(len(ps), "problem"))
		return failError{"lint found problems"}
	}
	warnings := catalogue.Advice(cat)
	for _, w := range warnings {
		fmt.Fprintln(c.stdout, "warning:", w)
	}
	fmt.Fprintf(c.stdout, "%s: %s, no problems", dir, count(len(cat.Intents), "intent"))
	if len(warnings) > 0 {
		fmt.Fprintf(c.stdout, ", %s", count(len(warnings), "warning"))
	}
	fmt.Fprintln(c.stdout)
	return nil
}

// count writes n and noun, in the plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// kustomizationProblems checks that the Kustomization beside the intents
// (which builds their ConfigMap for Kubernetes) lists every intent file:
// kustomize cannot glob, and a file left out would silently be missing in
// production. Only lint --kustomize checks it: serve, Docker and Compose
// read the directory itself.
func kustomizationProblems(dir string) catalogue.Problems {
	path := filepath.Join(dir, "Kustomization")
	data, err := os.ReadFile(path)
	if err != nil {
		return catalogue.Problems{{File: path, Msg: "cannot be read (lint --kustomize checks it lists every intent file): " + err.Error()}}
	}
	var k struct {
		ConfigMapGenerator []struct {
			Files []string `yaml:"files"`
		} `yaml:"configMapGenerator"`
	}
	if err := yaml.Unmarshal(data, &k); err != nil {
		return catalogue.Problems{{File: path, Msg: "not valid YAML: " + err.Error()}}
	}
	listed := map[string]bool{}
	for _, g := range k.ConfigMapGenerator {
		for _, f := range g.Files {
			listed[f] = true
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	var ps catalogue.Problems
	for _, f := range files {
		if name := filepath.Base(f); !listed[name] {
			ps = append(ps, catalogue.Problem{File: path, Msg: fmt.Sprintf("%s is not listed under configMapGenerator files; add \"      - %s\" or Kubernetes will not see it", name, name)})
		}
	}
	for name := range listed {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			ps = append(ps, catalogue.Problem{File: path, Msg: fmt.Sprintf("lists %s, which does not exist", name)})
		}
	}
	return ps
}
