package review

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// TestRun is `madoguchi review` over a record: the review as text or as
// one JSON document, a bad list of numbers refused as a NumbersError,
// dismissed suggestions leaving the review, chosen ones written and
// marked.
func TestRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testkit.Intents(t)
	steps := append([]testkit.Step{{User: "line:j", Text: "転送先を変更してログインしたいです"}, {User: "line:j", Pick: 2}}, questions...)
	db := testkit.Seed(t, dir, filepath.Join(t.TempDir(), "record.db"), steps, time.Now())
	cat, err := catalogue.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	x := match.New(cat)
	since := time.Now().Add(-time.Hour)
	run := func(o Options) (string, string, error) {
		t.Helper()
		o.Since, o.By = since, "test"
		var out, more bytes.Buffer
		err := Run(ctx, &out, &more, x, db, o)
		return out.String(), more.String(), err
	}
	numbers := func(out string) []string {
		var ns []string
		for _, m := range regexp.MustCompile(`\[(\d+)\] "`).FindAllStringSubmatch(out, -1) {
			ns = append(ns, m[1])
		}
		return ns
	}

	text, more, err := run(Options{})
	if err != nil || more != "" || len(numbers(text)) < 2 {
		t.Fatalf("review: got %v, %q on the other writer, and\n%s\nwant at least two numbered suggestions", err, more, text)
	}
	var wantText bytes.Buffer
	WriteClusters(&wantText, Review(x, mustEntries(t, db, since)))
	if !strings.HasPrefix(text, wantText.String()) {
		t.Errorf("review: got\n%s\nwant it to begin with WriteClusters':\n%s", text, wantText.String())
	}

	js, _, err := run(Options{JSON: true})
	var report Report
	if err != nil || json.Unmarshal([]byte(js), &report) != nil {
		t.Errorf("--json: got %v and %q, want one JSON report", err, js)
	}

	var ne NumbersError
	if _, _, err := run(Options{Dismiss: "one"}); !errors.As(err, &ne) || !strings.Contains(ne.Msg, `"one" is not a suggestion number`) {
		t.Errorf("--dismiss one: got %v, want a NumbersError", err)
	}

	first := numbers(text)[0]
	_, more, err = run(Options{JSON: true, Dismiss: first})
	if err != nil || more != "Dismissed 1 suggestion(s): they leave the review.\n" {
		t.Errorf("--json --dismiss %s: got %v and %q on the other writer", first, err, more)
	}
	after, _, _ := run(Options{})
	if got, want := len(numbers(after)), len(numbers(text))-1; got != want {
		t.Errorf("after dismissing one: got %d numbered suggestions, want %d:\n%s", got, want, after)
	}

	out, _, err := run(Options{Write: dir, Only: "1", Force: true})
	if err != nil || !strings.Contains(out, "Written.\n") {
		t.Fatalf("--write --only 1: got %v and\n%s", err, out)
	}
	if again, _, _ := run(Options{}); len(numbers(again)) != len(numbers(after))-1 {
		t.Errorf("after writing one: the review still numbers %d suggestions:\n%s", len(numbers(again)), again)
	}
}

// mustEntries reads the record's entries since since.
func mustEntries(t *testing.T, db Record, since time.Time) []record.Entry {
	t.Helper()
	es, err := db.Entries(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	return es
}
