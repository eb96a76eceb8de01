package review

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// PlanDraft plans what the admin chose for a draft from staff in a copy of
// the intents in dir, as Plan does for review's suggestions: lint, the
// recorded questions answered differently, the figures before and after
// (the draft's questions measured as the reviewed ones) and the refusals.
// A new intent is listed in the Kustomization beside the intents. Nothing
// is written until the change's Write.
func PlanDraft(dir string, entries []record.Entry, d DraftChange, sets []QuerySet) (*Change, error) {
	byLang := map[catalogue.Lang][]string{}
	var reviewed []evaluate.Case
	for _, q := range d.Examples {
		if q = strings.TrimSpace(q); q == "" {
			continue
		}
		if why := Personal(q); why != "" {
			return nil, fmt.Errorf("%q cannot be added as an example: %s; edit it first", q, why)
		}
		lang := bot.LangOf(q)
		byLang[lang] = append(byLang[lang], q)
		reviewed = append(reviewed, evaluate.Case{Query: q, Accept: []string{d.Intent}, Kind: evaluate.InScope, Source: "draft"})
	}
	if d.New {
		file, err := catalogue.IntentFile(d.Intent, d.Title, d.Answer, byLang[catalogue.Japanese], byLang[catalogue.English])
		if err != nil {
			return nil, err
		}
		return PlanIntent(dir, entries, d.Intent+".yaml", file, sets)
	}
	cat, err := catalogue.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("the intents in %s do not load: %w", dir, err)
	}
	in := cat.Intent(d.Intent)
	if in == nil {
		return nil, fmt.Errorf("no intent %s", d.Intent)
	}
	src, err := os.ReadFile(in.File)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", in.File, err)
	}
	ch := &Change{Files: map[string][]byte{}}
	for _, lang := range catalogue.Langs {
		out, n, err := InsertExamples(src, lang, byLang[lang])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.File, err)
		}
		src, ch.Added = out, ch.Added+n
	}
	if d.Answer != (catalogue.Text{}) {
		if src, err = ReplaceAnswer(src, d.Answer); err != nil {
			return nil, fmt.Errorf("%s: %w", in.File, err)
		}
	}
	ch.Files[filepath.Base(in.File)] = src
	if _, err := ch.try(dir, cat, entries, func(*catalogue.Catalogue) ([]evaluate.Case, error) { return reviewed, nil }, sets); err != nil {
		return nil, err
	}
	return ch, nil
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
