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
	if err := parse(fs, args); err != nil {
		return err
	}
	dir, err := dirArg(fs.Args())
	if err != nil {
		return err
	}
	cat, err := catalogue.Load(dir)
	var ps catalogue.Problems
	errors.As(err, &ps)
	ps = append(ps, kustomizationProblems(dir)...)
	if len(ps) > 0 {
		fmt.Fprintln(c.stdout, ps.Error())
		fmt.Fprintf(c.stdout, "%d problems\n", len(ps))
		return failError{"lint found problems"}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: %d intents, no problems\n", dir, len(cat.Intents))
	return nil
}

// kustomizationProblems checks that a Kustomization beside the intents
// (which builds their ConfigMap for Kubernetes) lists every intent file:
// kustomize cannot glob, and a file left out would silently be missing in
// production.
func kustomizationProblems(dir string) catalogue.Problems {
	path := filepath.Join(dir, "Kustomization")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
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
