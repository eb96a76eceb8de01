package record

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/pgtest"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// backend is a database to run a test against.
type backend struct {
	name string
	open func(t testing.TB) *DB
}

// backends are a real SQLite file and a real PostgreSQL server.
func backends() []backend {
	return []backend{
		{"sqlite", func(t testing.TB) *DB { return openSQLite(t, filepath.Join(t.TempDir(), "record.db")) }},
		{"postgres", func(t testing.TB) *DB { return openPostgres(t, pgtest.Start(t)) }},
	}
}

func openSQLite(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openPostgres(t testing.TB, s *pgtest.Server) *DB {
	t.Helper()
	db, err := Open(context.Background(), "", s.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func question(id, user, text string, at time.Time) bot.Question {
	return bot.Question{ID: id, Time: at, Platform: strings.Split(user, ":")[0], Lang: catalogue.Japanese, User: user, Text: text,
		Kind: bot.KindQuestion, Decision: match.Answer, Intent: "login-how", Score: 0.5,
		Candidates: []bot.Scored{{Intent: "login-how", Score: 0.5}, {Intent: "forgot-id-password", Score: 0.3}}, Catalogue: "abc123def456"}
}

func TestRecorder(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			db := be.open(t)
			ctx := context.Background()
			now := time.Now().Truncate(time.Millisecond) // within retention, or the purge at start takes it
			rec := New(quiet(), db, Options{})
			rec.Record(question("q1", "line:aa", "メールは taro@example.com、電話090-1234-5678です", now))
			rec.Record(question("q2", "slack:bb", "ログインできない", now.Add(time.Second)))
			rec.Feedback("q1", false, now.Add(time.Minute))
			rec.Feedback("q1", true, now.Add(2*time.Minute)) // the first click counts
			rec.Feedback("q2", true, now.Add(time.Minute))
			rec.Handoff("slack:bb", now.Add(time.Hour))
			if err := rec.Close(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := db.Entries(ctx, now.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 {
				t.Fatalf("got %d entries, want 2", len(got))
			}
			e := got[0]
			if want := "メールは <email>、電話<phone>です"; e.Text != want {
				t.Errorf("stored text %q, want %q", e.Text, want)
			}
			if e.Feedback != -1 || e.Handoff || !e.Time.Equal(now) || e.Platform != "line" || e.Intent != "login-how" ||
				len(e.Candidates) != 2 || e.Candidates[1] != (bot.Scored{Intent: "forgot-id-password", Score: 0.3}) || e.Catalogue != "abc123def456" {
				t.Errorf("entry q1 = %+v", e)
			}
			if e := got[1]; e.Feedback != 1 || !e.Handoff {
				t.Errorf("entry q2 feedback %d handoff %v, want 1 and true", e.Feedback, e.Handoff)
			}
			if rec.Dropped() != 0 {
				t.Errorf("dropped %d", rec.Dropped())
			}
		})
	}
}

func TestForgetAndPurge(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			db := be.open(t)
			ctx := context.Background()
			now := time.UnixMilli(1_700_000_000_000)
			clock := now
			// The recorder's own purge keeps a year, so that only the
			// explicit calls below delete anything.
			rec := New(quiet(), db, Options{Now: func() time.Time { return clock }, Retention: func() time.Duration { return 365 * 24 * time.Hour }})
			defer rec.Close(ctx)
			old := now.Add(-91 * 24 * time.Hour)
			rec.Record(question("old", "line:aa", "古い質問", old))
			rec.Feedback("old", true, old)
			rec.Record(question("a1", "line:aa", "私の質問", now))
			rec.Record(question("a2", "line:aa", "私の次の質問", now))
			rec.Feedback("a1", true, now)
			rec.Record(question("b1", "line:bb", "他の人の質問", now))
			// Forget comes after the queued writes: a1 and a2 are gone too.
			n, err := rec.Forget(ctx, "line:aa")
			if err != nil || n != 3 {
				t.Fatalf("Forget = %d, %v; want 3 questions", n, err)
			}
			ids := func() []string {
				es, err := db.Entries(ctx, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, e := range es {
					out = append(out, e.ID)
				}
				return out
			}
			if got := strings.Join(ids(), ","); got != "b1" {
				t.Errorf("after forgetting line:aa: %s, want b1", got)
			}
			rec.Record(question("old2", "line:cc", "古い質問", old))
			rec.Feedback("dropped-question", false, old) // feedback whose question never arrived
			if err := rec.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			n, err = db.Purge(ctx, now.Add(-90*24*time.Hour))
			if err != nil || n != 1 {
				t.Fatalf("Purge = %d, %v; want 1", n, err)
			}
			if got := strings.Join(ids(), ","); got != "b1" {
				t.Errorf("after purge: %s, want b1", got)
			}
			var orphans int
			if err := db.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM feedback WHERE question_id NOT IN (SELECT id FROM questions)").Scan(&orphans); err != nil || orphans != 0 {
				t.Errorf("feedback without a question after purge: %d, %v", orphans, err)
			}
		})
	}
}

// TestPurgeLoop: the recorder purges by itself at start, with the
// retention it reads then.
func TestPurgeLoop(t *testing.T) {
	db := openSQLite(t, filepath.Join(t.TempDir(), "r.db"))
	ctx := context.Background()
	now := time.UnixMilli(1_700_000_000_000)
	first := New(quiet(), db, Options{Now: func() time.Time { return now }})
	first.Record(question("old", "line:aa", "古い", now.Add(-10*24*time.Hour)))
	first.Record(question("new", "line:aa", "新しい", now.Add(-time.Hour)))
	first.Close(ctx)
	second := New(quiet(), db, Options{Now: func() time.Time { return now }, Retention: func() time.Duration { return 7 * 24 * time.Hour }})
	defer second.Close(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		es, err := db.Entries(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 1 && es[0].ID == "new" {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Error("the question older than 7 days was not purged at start")
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.db")
	ctx := context.Background()
	db := openSQLite(t, path)
	rec := New(quiet(), db, Options{})
	rec.Record(question("q1", "line:aa", "質問", time.Now()))
	rec.Close(ctx)
	db.Close()
	again := openSQLite(t, path) // migrations already applied: nothing to do
	es, err := again.Entries(ctx, time.Time{})
	if err != nil || len(es) != 1 {
		t.Errorf("after reopening: %d entries, %v; want 1", len(es), err)
	}
}

// TestDatabaseDown stops PostgreSQL while questions are recorded: writes
// are dropped and counted, Record never blocks, and recording resumes when
// the server is back.
func TestDatabaseDown(t *testing.T) {
	srv := pgtest.Start(t)
	db := openPostgres(t, srv)
	ctx := context.Background()
	var mu sync.Mutex
	var dropped []string
	rec := New(quiet(), db, Options{Buffer: 64, Batch: 16, Interval: 10 * time.Millisecond, Timeout: 2 * time.Second,
		Dropped: func(reason string, n int) { mu.Lock(); dropped = append(dropped, reason); mu.Unlock() }})
	defer rec.Close(ctx)
	srv.Stop()
	start := time.Now()
	for i := range 500 {
		rec.Record(question("down"+itoa(i), "line:aa", "質問", time.Now()))
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("500 Record calls with the database down took %v", took) // a generous bound: they must not wait on the database
	}
	rec.Flush(ctx)
	if rec.Dropped() == 0 {
		t.Fatal("no writes counted as dropped with the database down")
	}
	mu.Lock()
	if !contains(dropped, "error") && !contains(dropped, "full") {
		t.Errorf("drop reasons %v", dropped)
	}
	mu.Unlock()
	srv.Restart(t)
	before := rec.Dropped()
	rec.Record(question("back", "line:aa", "質問", time.Now()))
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	es, err := db.Entries(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) == 0 || es[len(es)-1].ID != "back" || rec.Dropped() != before {
		t.Errorf("after restart: %d entries, dropped %d more; want the new question written", len(es), rec.Dropped()-before)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://app:s3cret@db:5432/madoguchi?sslmode=disable", "postgres://app@db:5432/madoguchi"},
		{"postgres://db/madoguchi", "postgres://db/madoguchi"},
		{"nonsense", "(url)"},
	}
	for _, tt := range tests {
		if got := redactURL(tt.in); got != tt.want {
			t.Errorf("redactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDialogAnswersWithDatabaseDown: with PostgreSQL stopped while
// serving, the dialog answers every question as before, the record counts
// what it dropped, and recording resumes when the server is back.
func TestDialogAnswersWithDatabaseDown(t *testing.T) {
	srv := pgtest.Start(t)
	db := openPostgres(t, srv)
	ctx := context.Background()
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	rec := New(quiet(), db, Options{Buffer: 32, Interval: 5 * time.Millisecond, Timeout: time.Second})
	defer rec.Close(ctx)
	d := bot.NewDialog(bot.New(match.New(cat)), state.NewMemory(time.Now), 0, nil, bot.WithRecorder(rec, []byte("k"), nil))
	srv.Stop()
	for i := range 200 {
		r := d.Message(ctx, "line:u"+strconv.Itoa(i), "パスワードを忘れました")
		if r.Decision != match.Answer || r.Intent != "forgot-id-password" {
			t.Fatalf("question %d with the database down: %s %q, want the answer", i, r.Decision, r.Intent)
		}
	}
	rec.Flush(ctx)
	if rec.Dropped() == 0 {
		t.Error("no write counted as dropped with the database down")
	}
	srv.Restart(t)
	d.Message(ctx, "line:back", "パスワードを忘れました")
	rec.Flush(ctx)
	es, err := db.Entries(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) == 0 || es[len(es)-1].User != "line:back" {
		t.Errorf("after the restart %d entries; want the new question recorded", len(es))
	}
}
