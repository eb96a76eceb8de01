package review

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/evaluate"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// Report is what `review --json` prints: the clusters of questions that
// went wrong, and the FAQ drafts staff saved from handoff tickets ("from
// staff"), which wait for an admin.
type Report struct {
	Clusters  []*Cluster     `json:"clusters"`
	FromStaff []record.Draft `json:"from_staff"`
}

// NewReport is the report of clusters and drafts, with empty lists
// rather than null when there are none.
func NewReport(clusters []*Cluster, drafts []record.Draft) Report {
	if clusters == nil {
		clusters = []*Cluster{}
	}
	if drafts == nil {
		drafts = []record.Draft{}
	}
	return Report{Clusters: clusters, FromStaff: drafts}
}

// WriteDrafts prints the drafts from staff for admins, after the
// clusters.
func WriteDrafts(w io.Writer, drafts []record.Draft) {
	if len(drafts) == 0 {
		return
	}
	fmt.Fprintf(w, "From staff: %d FAQ draft(s) saved from handoff tickets; publish them in the console (From staff).\n", len(drafts))
	for i, d := range drafts {
		fmt.Fprintf(w, "%d. draft %s (%s, saved %s)\n", i+1, d.ID, d.Lang, d.At.UTC().Format("2006-01-02 15:04 UTC"))
		for _, q := range d.Questions {
			fmt.Fprintf(w, "     Q: %q\n", q)
		}
		fmt.Fprintf(w, "   A: %q\n\n", d.Answer)
	}
}

// DraftChange is what an admin chose for a draft from staff: its questions
// as examples of an existing intent (and, if Answer is set, that intent's
// new answer), or a new intent with Title and Answer in both languages.
type DraftChange struct {
	// Intent is the existing intent's id, or the new intent's.
	Intent string
	New    bool
	// Examples are the questions to add (the draft's, as the admin kept
	// or edited them); each goes to the examples of its language.
	Examples []string
	// Answer replaces the intent's answer when set (both languages: the
	// staff's reply and the admin's translation); a new intent needs it.
	Answer catalogue.Text
	// Title is the new intent's title.
	Title catalogue.Text
}

// PublishDraft makes the change in dir's intent files and checks it as
// Apply does: when the changed catalogue fails lint, nothing is written
// and lint's problems are returned; otherwise the files are written and
// the figures before and after returned, the draft's questions measured
// as the reviewed ones.
func PublishDraft(dir string, ch DraftChange) (Applied, error) {
	var a Applied
	cat, err := catalogue.Load(dir)
	if err != nil {
		return a, fmt.Errorf("the intents in %s do not load: %w", dir, err)
	}
	byLang := map[catalogue.Lang][]string{}
	var reviewed []evaluate.Case
	for _, q := range ch.Examples {
		if q = strings.TrimSpace(q); q != "" {
			lang := bot.LangOf(q)
			byLang[lang] = append(byLang[lang], q)
			reviewed = append(reviewed, evaluate.Case{Query: q, Accept: []string{ch.Intent}, Kind: evaluate.InScope, Source: "draft"})
		}
	}
	changed := map[string][]byte{}
	if ch.New {
		if cat.Intent(ch.Intent) != nil {
			return a, fmt.Errorf("intent %s exists already", ch.Intent)
		}
		file, err := catalogue.IntentFile(ch.Intent, ch.Title, ch.Answer, byLang[catalogue.Japanese], byLang[catalogue.English])
		if err != nil {
			return a, err
		}
		changed[ch.Intent+".yaml"] = file
		a.Added = len(reviewed)
		// Kubernetes sees only the files its Kustomization lists.
		kpath := filepath.Join(dir, catalogue.KustomizationFile)
		if k, err := os.ReadFile(kpath); err == nil {
			changed[catalogue.KustomizationFile] = listFile(k, ch.Intent+".yaml")
		} else if !errors.Is(err, os.ErrNotExist) {
			return a, fmt.Errorf("read %s: %w", kpath, err)
		}
	} else {
		in := cat.Intent(ch.Intent)
		if in == nil {
			return a, fmt.Errorf("no intent %s", ch.Intent)
		}
		src, err := os.ReadFile(in.File)
		if err != nil {
			return a, fmt.Errorf("read %s: %w", in.File, err)
		}
		for _, lang := range catalogue.Langs {
			out, n, err := InsertExamples(src, lang, byLang[lang])
			if err != nil {
				return a, fmt.Errorf("%s: %w", in.File, err)
			}
			src, a.Added = out, a.Added+n
		}
		if ch.Answer != (catalogue.Text{}) {
			if src, err = ReplaceAnswer(src, ch.Answer); err != nil {
				return a, fmt.Errorf("%s: %w", in.File, err)
			}
		}
		changed[filepath.Base(in.File)] = src
	}
	return checkAndWrite(dir, cat, changed, reviewed, a)
}

// checkAndWrite loads dir with the changed files in a temporary copy, and
// writes them to dir only when lint passes, with the figures before and
// after.
func checkAndWrite(dir string, cat *catalogue.Catalogue, changed map[string][]byte, reviewed []evaluate.Case, a Applied) (Applied, error) {
	tmp, err := os.MkdirTemp("", "madoguchi-draft")
	if err != nil {
		return a, err
	}
	defer os.RemoveAll(tmp)
	if err := copyYAML(dir, tmp, changed); err != nil {
		return a, err
	}
	for name, data := range changed { // a new intent's file is not in dir yet
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return a, err
		}
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
		write := writeFile
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			write = createFile
		}
		if err := write(path, data); err != nil {
			return a, err
		}
		a.Files = append(a.Files, path)
	}
	sort.Strings(a.Files)
	return a, nil
}

// ReplaceAnswer returns an intent file whose answer is text, in both
// languages. The file is written back through yaml.v3's node tree: its
// comments stay, its layout may change; a multi-line answer is a literal
// block, as admins write them.
func ReplaceAnswer(src []byte, text catalogue.Text) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("not an intent file")
	}
	answer := value(doc.Content[0], "answer")
	if answer == nil || answer.Kind != yaml.MappingNode {
		return nil, errors.New("no answer field")
	}
	for _, lang := range catalogue.Langs {
		n := value(answer, string(lang))
		if n == nil {
			return nil, fmt.Errorf("no answer in %s", lang)
		}
		n.Kind, n.Tag, n.Value, n.Style = yaml.ScalarNode, "!!str", strings.TrimSpace(text.In(lang)), 0
		if strings.Contains(n.Value, "\n") {
			n.Style = yaml.LiteralStyle
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	return buf.Bytes(), nil
}

// createFile writes a new intent file in one step (a temporary file
// renamed), so that a running bot's watcher never reads half of it.
func createFile(path string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// kustomizationItem is a file listed in a Kustomization: its indent and
// name.
var kustomizationItem = regexp.MustCompile(`^(\s*)- (\S+\.ya?ml)\s*(#.*)?$`)

// listFile returns a Kustomization with name added to its list of files,
// in order, with the list's indent; every other line stays as it was. A
// Kustomization that lists no file is returned unchanged (lint
// --kustomize then says what is missing).
func listFile(src []byte, name string) []byte {
	lines := strings.SplitAfter(string(src), "\n")
	type item struct {
		line           int
		indent, listed string
	}
	var items []item
	for i, l := range lines {
		if m := kustomizationItem.FindStringSubmatch(strings.TrimRight(l, "\r\n")); m != nil {
			if m[2] == name {
				return src
			}
			items = append(items, item{i, m[1], m[2]})
		}
	}
	if len(items) == 0 {
		return src
	}
	// Before the first listed file that sorts after name, else after the last.
	last := items[len(items)-1]
	at, indent := last.line+1, last.indent
	for _, it := range items {
		if it.listed > name {
			at, indent = it.line, it.indent
			break
		}
	}
	if !strings.HasSuffix(lines[at-1], "\n") {
		lines[at-1] += "\n"
	}
	out := append(append(append([]string{}, lines[:at]...), indent+"- "+name+"\n"), lines[at:]...)
	return []byte(strings.Join(out, ""))
}
