package record

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Draft is an FAQ draft a staff member saved from a handoff ticket: the
// alumnus's questions in that conversation, redacted, and the staff reply
// chosen as the answer. It waits for an admin, who publishes it as an
// intent's examples (and answer) or discards it; nothing is published
// without them.
type Draft struct {
	ID string `json:"id"`
	// At is when it was saved.
	At time.Time `json:"at"`
	// Source names the staff reply (the desk's channel/ts): a reply is
	// saved once, however often the button is pressed.
	Source string `json:"source"`
	// Ticket is the handoff ticket's id.
	Ticket string         `json:"ticket"`
	Lang   catalogue.Lang `json:"lang"`
	// Questions are what the alumnus asked, redacted as the record is.
	Questions []string `json:"questions"`
	// Answer is the staff reply as the alumnus read it (plain text).
	Answer string `json:"answer"`
	// SavedBy is the desk's id of the staff member who saved it.
	SavedBy string `json:"saved_by"`
}

// SaveDraft stores a draft at once (not through the Recorder's batches:
// the staff member is told it is saved). Its texts must already be
// redacted. It reports false, storing nothing, when a draft from the same
// Source exists. An empty ID gets a random one.
func (d *DB) SaveDraft(ctx context.Context, dr Draft) (bool, error) {
	if dr.ID == "" {
		var id [16]byte
		if _, err := rand.Read(id[:]); err != nil {
			return false, fmt.Errorf("save a draft: %w", err)
		}
		dr.ID = hex.EncodeToString(id[:])
	}
	qs, err := json.Marshal(dr.Questions)
	if err != nil {
		return false, fmt.Errorf("save a draft: %w", err)
	}
	res, err := d.db.ExecContext(ctx, d.bind(`INSERT INTO drafts (id, at, source, ticket, lang, questions, answer, saved_by)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source) DO NOTHING`),
		dr.ID, dr.At.UnixMilli(), dr.Source, dr.Ticket, string(dr.Lang), string(qs), dr.Answer, dr.SavedBy)
	if err != nil {
		return false, fmt.Errorf("save a draft: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("save a draft: %w", err)
	}
	return n == 1, nil
}

const draftColumns = "id, at, source, ticket, lang, questions, answer, saved_by"

// scanDraft reads one row of draftColumns.
func scanDraft(row interface{ Scan(...any) error }) (Draft, error) {
	var dr Draft
	var at int64
	var lang, qs string
	if err := row.Scan(&dr.ID, &at, &dr.Source, &dr.Ticket, &lang, &qs, &dr.Answer, &dr.SavedBy); err != nil {
		return Draft{}, err
	}
	dr.At, dr.Lang = time.UnixMilli(at), catalogue.Lang(lang)
	if err := json.Unmarshal([]byte(qs), &dr.Questions); err != nil {
		return Draft{}, fmt.Errorf("draft %s: questions: %w", dr.ID, err)
	}
	return dr, nil
}

// Drafts returns the drafts waiting for an admin, newest first.
func (d *DB) Drafts(ctx context.Context) ([]Draft, error) {
	rows, err := d.db.QueryContext(ctx, "SELECT "+draftColumns+" FROM drafts ORDER BY at DESC, id")
	if err != nil {
		return nil, fmt.Errorf("read the drafts: %w", err)
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		dr, err := scanDraft(rows)
		if err != nil {
			return nil, fmt.Errorf("read the drafts: %w", err)
		}
		out = append(out, dr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the drafts: %w", err)
	}
	return out, nil
}

// Draft returns the draft with id; ok is false when there is none (it was
// published or discarded).
func (d *DB) Draft(ctx context.Context, id string) (dr Draft, ok bool, err error) {
	dr, err = scanDraft(d.db.QueryRowContext(ctx, d.bind("SELECT "+draftColumns+" FROM drafts WHERE id = ?"), id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Draft{}, false, nil
	case err != nil:
		return Draft{}, false, fmt.Errorf("read draft %s: %w", id, err)
	}
	return dr, true, nil
}

// DeleteDraft removes a published or discarded draft; it reports whether
// there was one to remove, so that of two admins only one publishes it.
func (d *DB) DeleteDraft(ctx context.Context, id string) (bool, error) {
	res, err := d.db.ExecContext(ctx, d.bind("DELETE FROM drafts WHERE id = ?"), id)
	if err != nil {
		return false, fmt.Errorf("delete draft %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("delete draft %s: %w", id, err)
	}
	return n == 1, nil
}
