package main

import (
	"context"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// draftRecord keeps the handoff's FAQ drafts in the record.
type draftRecord struct{ db *record.DB }

var _ handoff.DraftSaver = draftRecord{}

// SaveDraft implements handoff.DraftSaver.
func (r draftRecord) SaveDraft(ctx context.Context, d handoff.Draft) (bool, error) {
	return r.db.SaveDraft(ctx, record.Draft{At: d.At, Source: d.Source, Ticket: d.Ticket, Lang: d.Lang,
		Questions: d.Questions, Answer: d.Answer, SavedBy: d.SavedBy})
}
