package record

import (
	"context"
	"fmt"
	"time"
)

// The actions a review mark records.
const (
	// Applied: the question was added to an intent's examples.
	Applied = "applied"
	// Dismissed: an admin looked at the question and chose to do nothing.
	Dismissed = "dismissed"
)

// ReviewMark is what an admin did with a reviewed question.
type ReviewMark struct {
	QuestionID string
	At         time.Time
	Who        string
	Action     string // Applied or Dismissed
	Intent     string // the intent it was added to, for Applied
}

// MarkReviewed records what was done with questions; a question marked
// again keeps the latest mark. Forget and Purge delete a question's mark
// with it.
func (d *DB) MarkReviewed(ctx context.Context, marks []ReviewMark) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("mark reviewed questions: %w", err)
	}
	defer tx.Rollback()
	q := d.bind(`INSERT INTO review_marks (question_id, at, who, action, intent) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (question_id) DO UPDATE SET at = excluded.at, who = excluded.who, action = excluded.action, intent = excluded.intent`)
	for _, m := range marks {
		if _, err := tx.ExecContext(ctx, q, m.QuestionID, m.At.UnixMilli(), m.Who, m.Action, m.Intent); err != nil {
			return fmt.Errorf("mark reviewed questions: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("mark reviewed questions: %w", err)
	}
	return nil
}

// ReviewMarks returns the marks of the questions recorded since the given
// time, by question id.
func (d *DB) ReviewMarks(ctx context.Context, since time.Time) (map[string]ReviewMark, error) {
	rows, err := d.db.QueryContext(ctx, d.bind(`SELECT m.question_id, m.at, m.who, m.action, m.intent
FROM review_marks m JOIN questions q ON q.id = m.question_id WHERE q.at >= ?`), since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("read the review marks: %w", err)
	}
	defer rows.Close()
	out := map[string]ReviewMark{}
	for rows.Next() {
		var m ReviewMark
		var at int64
		if err := rows.Scan(&m.QuestionID, &at, &m.Who, &m.Action, &m.Intent); err != nil {
			return nil, fmt.Errorf("read the review marks: %w", err)
		}
		m.At = time.UnixMilli(at)
		out[m.QuestionID] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the review marks: %w", err)
	}
	return out, nil
}

// forgotten stands in the audit log for a forgotten user's question.
const forgotten = "(forgotten)"

// minForgetText is the least length (in bytes) of a question text that
// Forget replaces in the audit log: a shorter one ("はい") would replace
// other people's words as well.
const minForgetText = 6

// forgetInAudit replaces the user's question texts in the audit log's
// details (a console change names the questions it added) by forgotten.
// It reports whether any detail changed.
func (d *DB) forgetInAudit(ctx context.Context, user string) (bool, error) {
	rows, err := d.db.QueryContext(ctx, d.bind(`SELECT DISTINCT text FROM questions WHERE user_key = ?`), user)
	if err != nil {
		return false, err
	}
	var texts []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return false, err
		}
		if len(t) >= minForgetText {
			texts = append(texts, t)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	changed := false
	for _, t := range texts {
		res, err := d.db.ExecContext(ctx, d.bind(`UPDATE audit SET detail = REPLACE(detail, ?, ?) WHERE detail <> REPLACE(detail, ?, ?)`), t, forgotten, t, forgotten)
		if err != nil {
			return changed, err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			changed = true
		}
	}
	return changed, nil
}
