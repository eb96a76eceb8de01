package review

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/evaluate"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// Record is the record a review reads and marks (*record.DB).
type Record interface {
	Entries(ctx context.Context, since time.Time) ([]record.Entry, error)
	ReviewMarks(ctx context.Context, since time.Time) (map[string]record.ReviewMark, error)
	MarkReviewed(ctx context.Context, marks []record.ReviewMark) error
	Drafts(ctx context.Context) ([]record.Draft, error)
}

var _ Record = (*record.DB)(nil)

// Options are what `madoguchi review` is asked to do besides printing
// the review.
type Options struct {
	// Since is when the questions reviewed begin.
	Since time.Time
	// JSON prints the review as one JSON document (Report); what follows
	// it goes to the other writer.
	JSON bool
	// Dismiss lists the suggestion numbers ("1,4,7") to mark as not wanted.
	Dismiss string
	// Write is the intents directory to write into ("" writes nothing):
	// the suggestions Only lists, or the intent file New.
	Write, Only, New string
	// Force writes even when a figure would get worse.
	Force bool
	// By is who decided, for the review marks.
	By string
	// Queries are labelled query files whose figures a change must not
	// lower.
	Queries []string
}

// NumbersError is a list of suggestion numbers that does not read: a
// mistake in the command line.
type NumbersError struct{ Msg string }

func (e NumbersError) Error() string { return e.Msg }

// Run reviews the questions of db since o.Since that are not marked yet:
// it writes the groups of questions that went wrong with their numbered
// suggestions, the staff's FAQ drafts and the catalogue's drafts to w (as
// JSON with o.JSON), then dismisses and writes what o asks for, saying so
// to w (to more with o.JSON, keeping w one JSON document).
func Run(ctx context.Context, w, more io.Writer, x *match.Index, db Record, o Options) error {
	es, err := db.Entries(ctx, o.Since)
	if err != nil {
		return err
	}
	marks, err := db.ReviewMarks(ctx, o.Since)
	if err != nil {
		return err
	}
	clusters := Review(x, Pending(es, marks))
	drafts, err := db.Drafts(ctx)
	if err != nil {
		return err
	}
	out := w
	if o.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(NewReport(clusters, drafts)); err != nil {
			return err
		}
		out = more
	} else {
		WriteClusters(w, clusters)
		WriteDrafts(w, drafts)
		WriteCatalogueDrafts(w, CatalogueDrafts(x.Catalogue()))
	}
	if o.Dismiss != "" {
		choices, err := chosen(clusters, o.Dismiss)
		if err != nil {
			return err
		}
		if err := db.MarkReviewed(ctx, Dismissals(choices, o.By, time.Now())); err != nil {
			return err
		}
		fmt.Fprintf(out, "Dismissed %d suggestion(s): they leave the review.\n", len(choices))
	}
	if o.Write == "" {
		return nil
	}
	var sets []QuerySet
	for _, f := range o.Queries {
		cases, err := evaluate.ReadQueryFile(f)
		if err != nil {
			return err
		}
		sets = append(sets, QuerySet{Name: f, Cases: cases})
	}
	var choices []Choice
	var ch *Change
	if o.New != "" {
		data, err := os.ReadFile(o.New)
		if err != nil {
			return err
		}
		if ch, err = PlanIntent(o.Write, es, filepath.Base(o.New), data, sets); err != nil {
			return err
		}
	} else {
		if choices, err = chosen(clusters, o.Only); err != nil {
			return err
		}
		if ch, err = Plan(o.Write, es, choices, sets); err != nil {
			return err
		}
	}
	WriteChange(out, ch)
	if _, err := ch.Write(o.Write, o.Force); err != nil {
		return err
	}
	if ch.Added > 0 {
		fmt.Fprintln(out, "Written.")
	}
	return db.MarkReviewed(ctx, Marks(choices, o.By, time.Now()))
}

// chosen reads a list of suggestion numbers and picks them.
func chosen(clusters []*Cluster, list string) ([]Choice, error) {
	numbers, err := ParseNumbers(list)
	if err != nil {
		return nil, NumbersError{err.Error()}
	}
	return Choose(clusters, numbers)
}
