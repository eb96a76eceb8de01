package catalogue

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"gopkg.in/yaml.v3"
)

// KustomizationFile is the kustomization beside the intents that builds
// their ConfigMap for Kubernetes.
const KustomizationFile = "Kustomization"

// KustomizationProblems checks that the Kustomization in dir lists every
// file of the intents directory and nothing else: kustomize cannot glob,
// and a file left out would silently be missing in production. Serve,
// Docker and Compose read the directory itself and need no list. The
// problems come sorted, files left out first.
func KustomizationProblems(dir string) Problems {
	path := filepath.Join(dir, KustomizationFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return Problems{{File: path, Msg: "cannot be read (lint --kustomize checks it lists every intent file): " + err.Error()}}
	}
	var k struct {
		ConfigMapGenerator []struct {
			Files []string `yaml:"files"`
		} `yaml:"configMapGenerator"`
	}
	if err := yaml.Unmarshal(data, &k); err != nil {
		return Problems{{File: path, Msg: "not valid YAML: " + err.Error()}}
	}
	listed := map[string]bool{}
	for _, g := range k.ConfigMapGenerator {
		for _, f := range g.Files {
			listed[f] = true
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return Problems{{File: dir, Msg: "cannot list the intent files: " + err.Error()}}
	}
	var ps Problems
	for _, f := range files { // Glob sorts
		if name := filepath.Base(f); !listed[name] {
			ps = append(ps, Problem{File: path, Msg: fmt.Sprintf("%s is not listed under configMapGenerator files; add \"      - %s\" or Kubernetes will not see it", name, name)})
		}
	}
	names := make([]string, 0, len(listed))
	for name := range listed {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			ps = append(ps, Problem{File: path, Msg: fmt.Sprintf("lists %s, which does not exist", name)})
		}
	}
	return ps
}
