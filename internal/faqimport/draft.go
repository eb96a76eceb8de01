package faqimport

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf16"

	"gopkg.in/yaml.v3"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Result says what Import did with each item, by file path.
type Result struct {
	// Written are new drafts, Updated drafts the document changed.
	Written, Updated []string
	// Unchanged counts the drafts that already said what the document says.
	Unchanged int
	// Published are intents imported before and published since: an
	// import never changes them.
	Published []string
}

// The YAML of an intent file, as far as a draft needs it; the fields
// follow the order admins write them in.
type (
	yText struct {
		JA string `yaml:"ja"`
		EN string `yaml:"en"`
	}
	yLink struct {
		Label yText  `yaml:"label"`
		URL   string `yaml:"url"`
	}
	ySource struct {
		File string `yaml:"file"`
		Item string `yaml:"item"`
	}
	yExamples struct {
		JA []string `yaml:"ja"`
		EN []string `yaml:"en"`
	}
	intentFile struct {
		ID       string    `yaml:"id"`
		Draft    bool      `yaml:"draft,omitempty"`
		Source   *ySource  `yaml:"source,omitempty"`
		Title    yText     `yaml:"title"`
		Examples yExamples `yaml:"examples"`
		Keywords []string  `yaml:"keywords,omitempty"`
		Answer   yText     `yaml:"answer"`
		Links    []yLink   `yaml:"links,omitempty"`
		Escalate bool      `yaml:"escalate,omitempty"`
		Handoff  bool      `yaml:"handoff,omitempty"`
		Related  []string  `yaml:"related,omitempty"`
		Kind     string    `yaml:"kind,omitempty"`
	}
)

func (t *yText) in(l catalogue.Lang) *string {
	if l == catalogue.English {
		return &t.EN
	}
	return &t.JA
}

func (e *yExamples) in(l catalogue.Lang) *[]string {
	if l == catalogue.English {
		return &e.EN
	}
	return &e.JA
}

// existing is an intent file of the output directory.
type existing struct {
	path string
	data []byte
	f    intentFile
}

var (
	idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	notIDChar = regexp.MustCompile(`[^a-z0-9]+`)
)

// Import writes each item as a draft intent file in dir. An item imported
// before (the same document's base name and item key) updates its draft,
// keeping what the admin added (the other language, more examples, link
// labels); an item whose intent has been published since is left alone.
// A new draft's id comes from the document's id column when it has
// letters, else from the question's words, made unique in dir.
func Import(dir string, items []Item) (Result, error) {
	var res Result
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return res, fmt.Errorf("list %s: %w", dir, err)
	}
	taken := map[string]bool{}
	bySource := map[ySource]*existing{}
	for _, path := range files {
		name := filepath.Base(path)
		taken[strings.TrimSuffix(name, ".yaml")] = true
		if name == catalogue.SettingsFile {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return res, fmt.Errorf("read %s: %w", path, err)
		}
		var f intentFile
		if err := yaml.Unmarshal(data, &f); err != nil {
			continue // lint reports it; it is no draft of ours to update
		}
		if f.Source != nil {
			bySource[*f.Source] = &existing{path, data, f}
		}
	}
	for _, it := range items {
		src := ySource{File: it.File, Item: it.Key}
		if old := bySource[src]; old != nil {
			if !old.f.Draft {
				res.Published = append(res.Published, old.path)
				continue
			}
			f := old.f
			merge(&f, it)
			data, err := encode(f)
			if err != nil {
				return res, err
			}
			if bytes.Equal(data, old.data) {
				res.Unchanged++
				continue
			}
			if err := writeFile(old.path, data); err != nil {
				return res, err
			}
			res.Updated = append(res.Updated, old.path)
			continue
		}
		id := uniqueID(newID(it), taken)
		taken[id] = true
		f := intentFile{ID: id, Draft: true, Source: &src}
		merge(&f, it)
		data, err := encode(f)
		if err != nil {
			return res, err
		}
		path := filepath.Join(dir, id+".yaml")
		if err := writeFile(path, data); err != nil {
			return res, err
		}
		bySource[src] = &existing{path, data, f}
		res.Written = append(res.Written, path)
	}
	return res, nil
}

// merge puts what the document says of an item into its draft, in the
// item's language: the title, the question as the first example and the
// others after it, the answer and the links. The examples the admin
// wrote and the labels of links the document still gives stay.
func merge(f *intentFile, it Item) {
	l := it.Lang
	*f.Title.in(l) = title(it.Question)
	*f.Answer.in(l) = it.Answer
	ex := f.Examples.in(l)
	old := *ex
	if len(old) > 0 {
		old = old[1:] // the question the document asked before
	}
	fresh := append([]string{it.Question}, it.More...)
	for _, e := range old {
		if !contains(fresh, e) {
			fresh = append(fresh, e)
		}
	}
	*ex = dedupe(fresh)
	if f.Examples.JA == nil {
		f.Examples.JA = []string{}
	}
	if f.Examples.EN == nil {
		f.Examples.EN = []string{}
	}
	labels := map[string]yText{}
	for _, k := range f.Links {
		labels[k.URL] = k.Label
	}
	f.Links = nil
	for _, k := range it.Links {
		label, ok := labels[k.URL]
		if !ok {
			label = yText{k.Label.JA, k.Label.EN}
		}
		f.Links = append(f.Links, yLink{Label: label, URL: k.URL})
	}
}

func dedupe(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// title is the question, cut with "…" where it is longer than a title
// may be (in UTF-16 units, as the catalogue counts).
func title(q string) string {
	if len(utf16.Encode([]rune(q))) <= catalogue.MaxTitleLen {
		return q
	}
	n := 0
	for i, r := range q {
		if n += utf16.RuneLen(r); n > catalogue.MaxTitleLen-1 {
			return q[:i] + "…"
		}
	}
	return q
}

// newID is the id a new draft asks for, before it is made unique.
func newID(it Item) string {
	if id := strings.ToLower(it.ID); idPattern.MatchString(id) && strings.IndexFunc(id, func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0 {
		return id
	}
	if id := baseID(it.Question); id != "" {
		return id
	}
	key := strings.Trim(notIDChar.ReplaceAllString(strings.ToLower(ascii(it.Key)), "-"), "-")
	if key == "" || len(key) > 20 {
		key = fmt.Sprint(it.Line)
	}
	return "faq-" + key
}

// uniqueID is id, or id with the first free "-2", "-3"… suffix (one is
// free among the first len(taken)+1).
func uniqueID(id string, taken map[string]bool) string {
	c := id
	for n := 2; taken[c] && n <= len(taken)+2; n++ {
		c = fmt.Sprintf("%s-%d", id, n)
	}
	return c
}

// encode writes a draft's YAML after a comment saying what it is.
func encode(f intentFile) ([]byte, error) {
	var buf bytes.Buffer
	if f.Draft {
		fmt.Fprintf(&buf, "# Imported from %s (item %s) by madoguchi import. A draft: the bot does\n", f.Source.File, f.Source.Item)
		buf.WriteString("# not answer from it. Write the other language and more examples\n")
		buf.WriteString("# (madoguchi lint says what is missing), then delete \"draft: true\".\n")
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("draft %s: %w", f.ID, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("draft %s: %w", f.ID, err)
	}
	return buf.Bytes(), nil
}

// writeFile replaces path in one step (a temporary file renamed over
// it), so that a running bot's watcher never reads half a draft.
func writeFile(path string, data []byte) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		if rmErr := os.Remove(tmp); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			return fmt.Errorf("write %s: %w (and remove %s: %v)", path, err, tmp, rmErr)
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
