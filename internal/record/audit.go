package record

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// AuditEntry is one change made through the console: who made it, when,
// and what it was, in a sentence an admin can read.
type AuditEntry struct {
	At     time.Time
	Who    string
	Action string
	Detail string
}

// Audit writes an entry to the audit log at once (not through the
// Recorder's batches): a change must not be reported done before its
// record is kept.
func (d *DB) Audit(ctx context.Context, e AuditEntry) error {
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	_, err := d.db.ExecContext(ctx, d.bind(`INSERT INTO audit (id, at, who, action, detail) VALUES (?, ?, ?, ?, ?)`),
		hex.EncodeToString(id[:]), e.At.UnixMilli(), e.Who, e.Action, e.Detail)
	if err != nil {
		return fmt.Errorf("write the audit log: %w", err)
	}
	return nil
}

// AuditLog returns the latest n entries of the audit log, newest first.
func (d *DB) AuditLog(ctx context.Context, n int) ([]AuditEntry, error) {
	rows, err := d.db.QueryContext(ctx, d.bind(`SELECT at, who, action, detail FROM audit ORDER BY at DESC, id LIMIT ?`), n)
	if err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&at, &e.Who, &e.Action, &e.Detail); err != nil {
			return nil, fmt.Errorf("read the audit log: %w", err)
		}
		e.At = time.UnixMilli(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	return out, nil
}
