// Package record keeps the record of the questions alumni ask, so that
// admins can see what went unanswered: each question's redacted text, the
// decision and the candidates, and later its feedback and handoff; and,
// for the office's figures, when each conversation with staff opened, its
// first staff reply and the user's rating after it (no staff member and
// no user named). It
// stores them in a SQLite file by default, or in PostgreSQL when several
// replicas write to one place, with one schema migrated at start-up.
//
// Writing never slows answering: the Recorder queues writes in a bounded
// buffer and a single goroutine writes them in batches; when the buffer is
// full or the database is down, writes are dropped and counted, and the
// bot answers on.
package record

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // the pure-Go "sqlite" driver: the binary stays static

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the record's database, SQLite or PostgreSQL.
type DB struct {
	db       *sql.DB
	postgres bool
	file     *dbFile // the SQLite file open, watched (see health.go)
	// Where names the database for logs and messages, without a password.
	Where string
}

// Open opens the record: PostgreSQL when url is set, else the SQLite file
// at path (created if missing). It runs the migrations the database lacks.
func Open(ctx context.Context, path, url string) (*DB, error) {
	d := &DB{}
	var err error
	if url != "" {
		d.postgres, d.Where = true, "PostgreSQL "+redactURL(url)
		d.db, err = sql.Open("pgx", url)
	} else {
		d.Where = "SQLite " + path
		// WAL lets stats and review read while the recorder writes;
		// busy_timeout makes a second writer (a purge) wait, not fail;
		// secure_delete zeroes what a delete frees, so that a forgotten
		// question's text does not stay readable in the file (see scrub).
		d.db, err = sql.Open("sqlite", "file:"+uriPath(path)+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_pragma=secure_delete(ON)")
	}
	if err != nil {
		return nil, fmt.Errorf("open the record (%s): %w", d.Where, err)
	}
	if err := d.migrate(ctx); err != nil {
		d.db.Close()
		return nil, fmt.Errorf("migrate the record (%s): %w", d.Where, err)
	}
	if !d.postgres {
		d.file = watchFile(path)
	}
	return d, nil
}

// migrate brings the schema up to date. On PostgreSQL an advisory lock
// keeps replicas that start together from migrating twice.
func (d *DB) migrate(ctx context.Context) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if d.postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, d.db, fsys, opts...)
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	// goose reads each migration with a 4 MiB scanner buffer: give that
	// memory back now, or the process's peak stays that much higher for
	// a few kilobytes of SQL.
	debug.FreeOSMemory()
	return err
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Ping reports whether the database answers, for the readiness check.
func (d *DB) Ping(ctx context.Context) error { return d.db.PingContext(ctx) }

// uriPath escapes what a SQLite URI filename reads as syntax: a '#' or
// '?' in the path would end the filename (a test directory named
// "TestX#00…" opened the shared file "TestX" instead, without its
// pragmas), and '%' starts an escape.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "#", "%23", "?", "%3f").Replace(path)
}

// redactURL drops the password from a database URL.
func redactURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return "(url)"
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		user, _, _ := strings.Cut(rest[:at], ":")
		rest = user + "@" + rest[at+1:]
	}
	if q := strings.Index(rest, "?"); q >= 0 {
		rest = rest[:q]
	}
	return scheme + "://" + rest
}

// bind rewrites ? placeholders as $1, $2… for PostgreSQL.
func (d *DB) bind(q string) string {
	if !d.postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// questionColumns are the columns of one question, in insert order.
const questionColumns = "id, at, platform, lang, user_key, kind, text, decision, intent, score, candidates, asked_for_person, catalogue"

// questionParams is the number of questionColumns.
const questionParams = 13

// rowsPerInsert bounds one multi-row INSERT: 100 × 13 parameters stays far
// below both SQLite's and PostgreSQL's limits, and one statement a hundred
// rows saves the round trips that one per row would cost PostgreSQL.
const rowsPerInsert = 100

const insertFeedback = `INSERT INTO feedback (question_id, good, at) VALUES (?, ?, ?) ON CONFLICT (question_id) DO NOTHING`

// insertHandoff marks the user's latest question as handed to staff.
const insertHandoff = `INSERT INTO handoffs (question_id, at)
SELECT id, ? FROM questions WHERE user_key = ? ORDER BY at DESC LIMIT 1 ON CONFLICT (question_id) DO NOTHING`

const (
	insertTicket = `INSERT INTO tickets (id, opened) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`
	// upsertReply keeps the first reply. It writes the opening too, so
	// that the order in which replicas' batches arrive does not matter.
	upsertReply = `INSERT INTO tickets (id, opened, first_reply) VALUES (?, ?, ?)
ON CONFLICT (id) DO UPDATE SET first_reply = COALESCE(tickets.first_reply, excluded.first_reply)`
	insertRating = `INSERT INTO ratings (ticket_id, score, levels, at) VALUES (?, ?, ?, ?) ON CONFLICT (ticket_id) DO NOTHING`
)

// write stores a batch in one transaction: its questions first, in
// multi-row inserts, then feedback and handoffs (which may name those
// questions). Question texts must already be redacted.
func (d *DB) write(ctx context.Context, batch []op) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var rows []any
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		n := len(rows) / questionParams
		one := "(" + strings.TrimSuffix(strings.Repeat("?, ", questionParams), ", ") + ")"
		q := "INSERT INTO questions (" + questionColumns + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(one+", ", n), ", ") + " ON CONFLICT (id) DO NOTHING"
		_, err := tx.ExecContext(ctx, d.bind(q), rows...)
		rows = rows[:0]
		return err
	}
	for _, o := range batch {
		if q := o.question; q != nil {
			cands, _ := json.Marshal(q.Candidates)
			rows = append(rows, q.ID, q.Time.UnixMilli(), q.Platform, string(q.Lang), q.User, q.Kind, q.Text,
				string(q.Decision), q.Intent, q.Score, string(cands), boolInt(q.AskedForPerson), q.Catalogue)
			if len(rows) == rowsPerInsert*questionParams {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	for _, o := range batch {
		switch {
		case o.feedback != nil:
			if _, err := tx.ExecContext(ctx, d.bind(insertFeedback), o.feedback.id, boolInt(o.feedback.good), o.feedback.at.UnixMilli()); err != nil {
				return err
			}
		case o.handoff != nil:
			if _, err := tx.ExecContext(ctx, d.bind(insertHandoff), o.handoff.at.UnixMilli(), o.handoff.user); err != nil {
				return err
			}
		case o.ticket != nil:
			if err := d.writeTicket(ctx, tx, o.ticket); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// writeTicket stores one moment of a conversation with staff.
func (d *DB) writeTicket(ctx context.Context, tx *sql.Tx, t *ticketOp) error {
	var err error
	switch {
	case t.score > 0:
		_, err = tx.ExecContext(ctx, d.bind(insertRating), t.id, t.score, t.levels, t.at.UnixMilli())
	case !t.replied.IsZero():
		_, err = tx.ExecContext(ctx, d.bind(upsertReply), t.id, t.at.UnixMilli(), t.replied.UnixMilli())
	default:
		_, err = tx.ExecContext(ctx, d.bind(insertTicket), t.id, t.at.UnixMilli())
	}
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// deleteWhere deletes the questions matching cond (with args) and their
// feedback, handoffs and review marks, in one transaction; it returns how many
// questions went.
func (d *DB) deleteWhere(ctx context.Context, cond string, args ...any) (int64, error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for _, table := range []string{"feedback", "handoffs", "review_marks"} {
		q := "DELETE FROM " + table + " WHERE question_id IN (SELECT id FROM questions WHERE " + cond + ")"
		if _, err := tx.ExecContext(ctx, d.bind(q), args...); err != nil {
			return 0, err
		}
	}
	res, err := tx.ExecContext(ctx, d.bind("DELETE FROM questions WHERE "+cond), args...)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, tx.Commit()
}

// Forget deletes every record of user (a pseudonymous key), takes their
// questions' texts out of the audit log's details, and scrubs the
// database so that none of their text stays readable in its files.
// Review reads the record, so their questions leave it too.
func (d *DB) Forget(ctx context.Context, user string) (int64, error) {
	audited, err := d.forgetInAudit(ctx, user)
	if err != nil {
		return 0, fmt.Errorf("forget a user in the audit log: %w", err)
	}
	n, err := d.deleteWhere(ctx, "user_key = ?", user)
	if err != nil {
		return 0, fmt.Errorf("forget a user: %w", err)
	}
	if n > 0 || audited {
		if err := d.scrub(ctx, audited); err != nil {
			return n, fmt.Errorf("forget a user: %w", err)
		}
	}
	return n, nil
}

// scrub makes deleted rows unreadable in the database's files (with
// audit, the audit details Forget rewrote too).
//
// SQLite: secure_delete (set on every connection) zeroes the deleted
// cells, but in WAL mode the zeroed pages go to the write-ahead log while
// the main file keeps the old ones, and the log keeps the frames that
// first wrote the text. A TRUNCATE checkpoint copies the zeroed pages
// into the main file and empties the log; it waits (busy_timeout) for
// readers, and a reader that stays past that leaves the job undone, which
// is reported rather than ignored.
//
// PostgreSQL: a DELETE only marks row versions dead, and an UPDATE that
// overwrote the text first would leave the old version behind just the
// same. A plain VACUUM prunes dead versions but leaves their bytes in the
// pages' free space (measured: the text was still in the table's file),
// so the questions table is rewritten with VACUUM FULL, which copies the
// live rows to a new file and removes the old one. It locks the table
// while it runs (the recorder's writes wait in its buffer, reads wait);
// feedback and handoffs hold no text. What PostgreSQL's write-ahead log
// and the operator's backups hold ages out with them (see the README).
func (d *DB) scrub(ctx context.Context, audit bool) error {
	if d.postgres {
		if _, err := d.db.ExecContext(ctx, "VACUUM FULL questions"); err != nil {
			return fmt.Errorf("rewrite the questions table without the deleted rows: %w", err)
		}
		if audit {
			if _, err := d.db.ExecContext(ctx, "VACUUM FULL audit"); err != nil {
				return fmt.Errorf("rewrite the audit table without the forgotten texts: %w", err)
			}
		}
		return nil
	}
	var busy, logFrames, checkpointed int
	if err := d.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &checkpointed); err != nil {
		return fmt.Errorf("checkpoint the deleted rows: %w", err)
	}
	if busy != 0 {
		return errors.New("checkpoint the deleted rows: a reader kept the write-ahead log busy; the deleted text stays in it until the next checkpoint")
	}
	return nil
}

// Purge deletes the questions recorded before cutoff, with their feedback
// and handoffs, and feedback whose question was never written (dropped),
// and the tickets opened and ratings given before cutoff, and scrubs the database as Forget does.
func (d *DB) Purge(ctx context.Context, cutoff time.Time) (int64, error) {
	ms := cutoff.UnixMilli()
	n, err := d.deleteWhere(ctx, "at < ?", ms)
	if err != nil {
		return 0, fmt.Errorf("purge the record: %w", err)
	}
	// Drafts an admin left past the retention go as the questions do.
	for _, table := range []string{"feedback", "handoffs", "drafts"} {
		if _, err := d.db.ExecContext(ctx, d.bind("DELETE FROM "+table+" WHERE at < ?"), ms); err != nil {
			return n, fmt.Errorf("purge the record: %w", err)
		}
	}

	for _, q := range []string{"DELETE FROM tickets WHERE opened < ?", "DELETE FROM ratings WHERE at < ?"} {
		if _, err := d.db.ExecContext(ctx, d.bind(q), ms); err != nil {
			return n, fmt.Errorf("purge the record: %w", err)
		}
	}
	if n > 0 {
		if err := d.scrub(ctx, false); err != nil {
			return n, fmt.Errorf("purge the record: %w", err)
		}
	}
	return n, nil
}

// Entry is a recorded question with what came after it.
type Entry struct {
	bot.Question
	// Feedback is +1 for 👍, -1 for 👎, 0 for none.
	Feedback int
	// Handoff is set when the question was handed to staff.
	Handoff bool
}

// Entries returns the questions recorded since the given time, oldest
// first; within one millisecond a question comes before a choice
// ("question" > "choice"), since a choice answers an earlier question.
func (d *DB) Entries(ctx context.Context, since time.Time) ([]Entry, error) {
	rows, err := d.db.QueryContext(ctx, d.bind(`SELECT q.id, q.at, q.platform, q.lang, q.user_key, q.kind, q.text, q.decision, q.intent,
	q.score, q.candidates, q.asked_for_person, q.catalogue, f.good, h.at
FROM questions q LEFT JOIN feedback f ON f.question_id = q.id LEFT JOIN handoffs h ON h.question_id = q.id
WHERE q.at >= ? ORDER BY q.at, q.kind DESC, q.id`), since.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("read the record: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at int64
		var lang, decision, cands string
		var person int
		var good, handoff sql.NullInt64
		if err := rows.Scan(&e.ID, &at, &e.Platform, &lang, &e.User, &e.Kind, &e.Text, &decision, &e.Intent,
			&e.Score, &cands, &person, &e.Catalogue, &good, &handoff); err != nil {
			return nil, fmt.Errorf("read the record: %w", err)
		}
		e.Time, e.Lang, e.Decision, e.AskedForPerson = time.UnixMilli(at), catalogue.Lang(lang), match.Decision(decision), person != 0
		if err := json.Unmarshal([]byte(cands), &e.Candidates); err != nil {
			return nil, fmt.Errorf("read the record: question %s: candidates: %w", e.ID, err)
		}
		switch {
		case good.Valid && good.Int64 != 0:
			e.Feedback = 1
		case good.Valid:
			e.Feedback = -1
		}
		e.Handoff = handoff.Valid
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the record: %w", err)
	}
	return out, nil
}

// Ticket is a conversation with staff as the record keeps it, for the
// figures: no staff member and no user is named.
type Ticket struct {
	ID     string
	Opened time.Time
	// FirstReply is when staff first replied (zero: not yet, or never).
	FirstReply time.Time
	// Rating is the user's rating after it closed, 1..Levels (0: none).
	Rating, Levels int
	// Rated is when the rating was given.
	Rated time.Time
}

// Tickets returns, in no particular order, the conversations with staff
// opened since the given time, and the ratings given since then of tickets opened
// before it (Opened zero), so that every rating of the period counts.
func (d *DB) Tickets(ctx context.Context, since time.Time) ([]Ticket, error) {
	ms := since.UnixMilli()
	rows, err := d.db.QueryContext(ctx, d.bind(`SELECT t.id, t.opened, t.first_reply, r.score, r.levels, r.at
FROM tickets t LEFT JOIN ratings r ON r.ticket_id = t.id WHERE t.opened >= ?
UNION ALL
SELECT r.ticket_id, NULL, NULL, r.score, r.levels, r.at
FROM ratings r WHERE r.at >= ? AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = r.ticket_id AND t.opened >= ?)`), ms, ms, ms)
	if err != nil {
		return nil, fmt.Errorf("read the tickets: %w", err)
	}
	defer rows.Close()
	var out []Ticket
	for rows.Next() {
		var t Ticket
		var opened, reply, score, levels, rated sql.NullInt64
		if err := rows.Scan(&t.ID, &opened, &reply, &score, &levels, &rated); err != nil {
			return nil, fmt.Errorf("read the tickets: %w", err)
		}
		if opened.Valid {
			t.Opened = time.UnixMilli(opened.Int64)
		}
		if reply.Valid {
			t.FirstReply = time.UnixMilli(reply.Int64)
		}
		if score.Valid {
			t.Rating, t.Levels, t.Rated = int(score.Int64), int(levels.Int64), time.UnixMilli(rated.Int64)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the tickets: %w", err)
	}
	return out, nil
}

// errClosed is returned by Forget after Close.
var errClosed = errors.New("the record is closed")
