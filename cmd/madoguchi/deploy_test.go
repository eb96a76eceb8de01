package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// deployDir is the repository's deploy/ directory, seen from this package.
const deployDir = "../../deploy"

// TestKustomizeExampleResolves renders deploy/k8s/example as kubectl
// apply -k would after the README's steps (which copy each *.env.example
// to the env file a generator reads) and checks that every Secret and
// ConfigMap the objects read is provided, with every key they read.
func TestKustomizeExampleResolves(t *testing.T) {
	r, err := renderKustomization(filepath.Join(deployDir, "k8s/example"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.objects) < 10 {
		t.Fatalf("rendered %d objects, want the base's and the overlay's (at least 10)", len(r.objects))
	}
	// Made outside the kustomization by a step the README gives (kubectl
	// create secret tls, or cert-manager).
	r.provide("Secret", "madoguchi-tls", "tls.crt", "tls.key")
	if ps := r.unresolved(); len(ps) > 0 {
		t.Errorf("deploy/k8s/example reads what nothing provides:\n%s", strings.Join(ps, "\n"))
	}
	// Every secret the env files document is read by someone: serve, or
	// a secretKeyRef (Redis's and PostgreSQL's passwords).
	read := serveReads(t)
	for _, ref := range r.refs {
		read[ref.key] = true
	}
	for _, f := range []string{"secrets.env.example", "postgres.env.example"} {
		names, err := envFileNames(filepath.Join(deployDir, "k8s/example", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if !read[n] {
				t.Errorf("%s documents %s, which neither serve nor a manifest reads", f, n)
			}
		}
	}
}

// TestKustomizeCheckFindsMissing: the check above fails for an overlay
// that reads a Secret, a key or a ConfigMap nothing provides, and for a
// $(VAR) that is not defined before it.
func TestKustomizeCheckFindsMissing(t *testing.T) {
	r, err := renderKustomization("testdata/k8s-missing")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(r.unresolved(), "\n")
	for _, want := range []string{
		"Deployment/app reads Secret/nowhere (secretRef)",
		"Deployment/app reads key MISSING of Secret/app-secrets",
		"Deployment/app reads ConfigMap/absent (configMapKeyRef)",
		"Deployment/app: $(UNDEFINED) in env PASSWORD_URL is not defined before it",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("got problems:\n%s\nwant one containing %q", got, want)
		}
	}
	if n := len(r.unresolved()); n != 4 {
		t.Errorf("got %d problems, want 4:\n%s", n, got)
	}
}

// rendered is a kustomization's objects and what it provides.
type rendered struct {
	objects  []*yaml.Node
	provided map[string]map[string]bool // "Secret/name" → its keys
	refs     []reference
	problems []string
}

// reference is a Secret or ConfigMap (and maybe one key of it) that an
// object reads.
type reference struct {
	from, kind, name, key, how string
}

func (r *rendered) provide(kind, name string, keys ...string) {
	id := kind + "/" + name
	if r.provided[id] == nil {
		r.provided[id] = map[string]bool{}
	}
	for _, k := range keys {
		r.provided[id][k] = true
	}
}

// unresolved lists each reference to something not provided, and the
// problems found while rendering.
func (r *rendered) unresolved() []string {
	out := append([]string(nil), r.problems...)
	for _, ref := range r.refs {
		keys, ok := r.provided[ref.kind+"/"+ref.name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s reads %s/%s (%s), which nothing creates", ref.from, ref.kind, ref.name, ref.how))
		case ref.key != "" && !keys[ref.key]:
			out = append(out, fmt.Sprintf("%s reads key %s of %s/%s, which it does not have", ref.from, ref.key, ref.kind, ref.name))
		}
	}
	sort.Strings(out)
	return out
}

// renderKustomization resolves the kustomization in dir the way kustomize
// does for what this check needs: resources (files and directories),
// patches (read for the references they add), and Secret and ConfigMap
// generators. A generator's env file that is not there is read from its
// ".example", which the README's steps copy.
func renderKustomization(dir string) (*rendered, error) {
	r := &rendered{provided: map[string]map[string]bool{}}
	if err := r.add(dir); err != nil {
		return nil, err
	}
	for _, obj := range r.objects {
		r.collect(obj)
	}
	return r, nil
}

func (r *rendered) add(dir string) error {
	var data []byte
	var err error
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		if data, err = os.ReadFile(filepath.Join(dir, name)); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("%s has no kustomization: %w", dir, err)
	}
	type generator struct {
		Name     string   `yaml:"name"`
		Files    []string `yaml:"files"`
		Envs     []string `yaml:"envs"`
		Literals []string `yaml:"literals"`
	}
	var k struct {
		Resources []string `yaml:"resources"`
		Patches   []struct {
			Path string `yaml:"path"`
		} `yaml:"patches"`
		ConfigMapGenerator []generator `yaml:"configMapGenerator"`
		SecretGenerator    []generator `yaml:"secretGenerator"`
	}
	if err := yaml.Unmarshal(data, &k); err != nil {
		return fmt.Errorf("kustomization in %s: %w", dir, err)
	}
	for _, res := range k.Resources {
		path := filepath.Join(dir, res)
		st, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("%s: resource %s: %w", dir, res, err)
		}
		if st.IsDir() {
			err = r.add(path)
		} else {
			err = r.addFile(path)
		}
		if err != nil {
			return err
		}
	}
	for _, p := range k.Patches {
		if err := r.addFile(filepath.Join(dir, p.Path)); err != nil {
			return err
		}
	}
	gens := func(kind string, gs []generator) error {
		for _, g := range gs {
			r.provide(kind, g.Name)
			for _, f := range g.Files {
				key, _, _ := strings.Cut(f, "=")
				r.provide(kind, g.Name, filepath.Base(key))
			}
			for _, l := range g.Literals {
				key, _, _ := strings.Cut(l, "=")
				r.provide(kind, g.Name, key)
			}
			for _, e := range g.Envs {
				path := filepath.Join(dir, e)
				if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
					path += ".example"
				}
				names, err := envFileNames(path)
				if err != nil {
					return fmt.Errorf("%s generator %s: %w", kind, g.Name, err)
				}
				r.provide(kind, g.Name, names...)
			}
		}
		return nil
	}
	if err := gens("ConfigMap", k.ConfigMapGenerator); err != nil {
		return err
	}
	return gens("Secret", k.SecretGenerator)
}

func (r *rendered) addFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if len(doc.Content) == 1 {
			r.objects = append(r.objects, doc.Content[0])
		}
	}
}

// get returns the value of key in mapping n, or nil.
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func value(n *yaml.Node, path ...string) string {
	for _, p := range path {
		n = get(n, p)
	}
	if n == nil {
		return ""
	}
	return n.Value
}

var envRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// collect records what obj provides (a Secret's or ConfigMap's keys) and
// reads (every reference anywhere in it, and $(VAR) in container env).
func (r *rendered) collect(obj *yaml.Node) {
	kind, name := value(obj, "kind"), value(obj, "metadata", "name")
	from := kind + "/" + name
	if kind == "Secret" || kind == "ConfigMap" {
		r.provide(kind, name)
		for _, field := range []string{"data", "stringData", "binaryData"} {
			if d := get(obj, field); d != nil {
				for i := 0; i < len(d.Content); i += 2 {
					r.provide(kind, name, d.Content[i].Value)
				}
			}
		}
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
			return
		case yaml.MappingNode:
		default:
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			switch k {
			case "secretKeyRef":
				r.refs = append(r.refs, reference{from, "Secret", value(v, "name"), value(v, "key"), k})
			case "configMapKeyRef":
				r.refs = append(r.refs, reference{from, "ConfigMap", value(v, "name"), value(v, "key"), k})
			case "secretRef":
				r.refs = append(r.refs, reference{from, "Secret", value(v, "name"), "", k})
			case "configMapRef":
				r.refs = append(r.refs, reference{from, "ConfigMap", value(v, "name"), "", k})
			case "secret": // a volume
				if s := value(v, "secretName"); s != "" {
					r.refs = append(r.refs, reference{from, "Secret", s, "", "volume"})
				}
			case "configMap": // a volume
				if s := value(v, "name"); s != "" {
					r.refs = append(r.refs, reference{from, "ConfigMap", s, "", "volume"})
				}
			case "tls": // an Ingress
				for _, t := range v.Content {
					if s := value(t, "secretName"); s != "" {
						r.refs = append(r.refs, reference{from, "Secret", s, "", "Ingress tls"})
					}
				}
			case "containers", "initContainers":
				for _, c := range v.Content {
					r.checkExpansions(from, c)
				}
			}
			walk(v)
		}
	}
	walk(obj)
}

// checkExpansions checks that each $(VAR) in a container's env values
// names a variable defined before it in the same list: Kubernetes leaves
// any other one as it is, which would put "$(VAR)" in a password URL.
func (r *rendered) checkExpansions(from string, container *yaml.Node) {
	env := get(container, "env")
	if env == nil {
		return
	}
	defined := map[string]bool{}
	for _, e := range env.Content {
		for _, m := range envRef.FindAllStringSubmatch(value(e, "value"), -1) {
			if !defined[m[1]] {
				r.problems = append(r.problems, fmt.Sprintf("%s: $(%s) in env %s is not defined before it", from, m[1], value(e, "name")))
			}
		}
		defined[value(e, "name")] = true
	}
}

var envLine = regexp.MustCompile(`^#?\s*([A-Z][A-Z0-9_]*)=`)

// envFileNames lists the variables an env file documents, set or
// commented out ("# NAME=").
func envFileNames(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if m := envLine.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			names = append(names, m[1])
		}
	}
	return names, sc.Err()
}

// serveReads returns the environment variables serve reads when the
// console and both platforms are configured.
func serveReads(t *testing.T) map[string]bool {
	t.Helper()
	set := map[string]string{
		"LINE_CHANNEL_SECRET":    "secret",
		"LINE_CHANNEL_TOKEN":     "token",
		"SLACK_SIGNING_SECRET":   "signing",
		"SLACK_BOT_TOKEN":        "xoxb-1",
		"MADOGUCHI_CONSOLE_ADDR": "127.0.0.1:8081",
		"SLACK_HANDOFF_CHANNEL":  "C0123",
	}
	read := map[string]bool{}
	c := &cli{getenv: func(k string) string { read[k] = true; return set[k] }, stdout: io.Discard, stderr: io.Discard}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := c.config(fs, nil); err != nil {
		t.Fatalf("serve's configuration with both platforms and the console: %v", err)
	}
	return read
}

var interpolation = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}`)

// TestComposeHonoursEnvFile checks deploy/compose*.yaml against
// deploy/madoguchi.env.example: every variable the env file documents
// reaches the container that reads it (serve through env_file, or a
// ${VAR} the compose file fills in from --env-file), and every ${VAR} is
// documented there, with no silent default.
func TestComposeHonoursEnvFile(t *testing.T) {
	documented, err := envFileNames(filepath.Join(deployDir, "madoguchi.env.example"))
	if err != nil {
		t.Fatal(err)
	}
	isDocumented := map[string]bool{}
	for _, n := range documented {
		isDocumented[n] = true
	}
	files, err := filepath.Glob(filepath.Join(deployDir, "compose*.yaml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("compose files: %v, %v; want compose.yaml and compose.postgres.yaml", files, err)
	}
	interpolated := map[string]bool{}
	envFileServices := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Services map[string]struct {
				EnvFile any `yaml:"env_file"`
			} `yaml:"services"`
		}
		if err := yaml.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for name, s := range c.Services {
			if fmt.Sprint(s.EnvFile) == "madoguchi.env" {
				envFileServices[name] = true
			}
		}
		body := stripComments(string(data))
		for _, m := range interpolation.FindAllStringSubmatch(body, -1) {
			interpolated[m[1]] = true
			if !isDocumented[m[1]] {
				t.Errorf("%s uses ${%s}, which madoguchi.env.example does not document", filepath.Base(f), m[1])
			}
			if strings.HasPrefix(m[2], ":-") || strings.HasPrefix(m[2], "-") {
				t.Errorf("%s gives ${%s} a default (%s): a password left out would silently be the default; use :? with a sentence", filepath.Base(f), m[1], m[2])
			}
		}
		if len(interpolation.FindAllString(body, -1)) > 0 && !strings.Contains(string(data), "--env-file deploy/madoguchi.env") {
			t.Errorf("%s fills in variables but its usage does not pass --env-file deploy/madoguchi.env (env_file alone does not fill them in)", filepath.Base(f))
		}
	}
	if !envFileServices["madoguchi"] {
		t.Fatalf("no compose file gives the madoguchi service env_file: madoguchi.env")
	}
	read := serveReads(t)
	for _, n := range documented {
		if !read[n] && !interpolated[n] {
			t.Errorf("madoguchi.env.example documents %s, but serve does not read it and no compose file uses it", n)
		}
	}
}

// stripComments drops YAML comments (a # at a line's start or after a
// space), so that a variable named in a comment does not count as used.
func stripComments(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines[i] = ""
		} else if j := strings.Index(l, " #"); j >= 0 {
			lines[i] = l[:j]
		}
	}
	return strings.Join(lines, "\n")
}
