package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/record"
)

// opsGet answers GET path on the operations handler.
func (l *lineApp) opsGet(path string) string {
	rec := httptest.NewRecorder()
	l.ops.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Body.String()
}

// TestServeRecordFileDeleted deletes the SQLite record under a running
// serve: /readyz reports the record degraded and reopened, the metric an
// operator alerts on drops to 0, and the next question is in a file that
// can be read.
func TestServeRecordFileDeleted(t *testing.T) {
	db := filepath.Join(t.TempDir(), "record.db")
	l := newLineApp(t, func(cfg *Config) { cfg.record = recordConfig{path: &db, on: true} })
	l.post(t, webhookBody(textEvent("e1", "rt1", "パスワードを忘れました")))
	l.fake.Next(t)
	if body := l.opsGet("/readyz"); !strings.Contains(body, `"record":{"status":"ok"`) {
		t.Errorf("/readyz before: %s, want the record ok", body)
	}
	if body := l.opsGet("/metrics"); !strings.Contains(body, "madoguchi_record_healthy 1") {
		t.Errorf("metrics before: want madoguchi_record_healthy 1")
	}
	// The first question is written (within a batch's interval) before
	// the file goes.
	ctx := context.Background()
	if n := waitRecorded(t, db, 1); n != 1 {
		t.Fatalf("%d questions recorded before the deletion, want 1", n)
	}
	if err := os.Remove(db); err != nil {
		t.Fatal(err)
	}
	l.post(t, webhookBody(textEvent("e2", "rt2", "転送先を変えたい")))
	l.fake.Next(t)
	// The recorder looks at its file at each batch, five times a second.
	body := ""
	for range 500 {
		if body = l.opsGet("/readyz"); strings.Contains(body, `"status":"degraded"`) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{`"status":"degraded"`, `"reopened":1`, "the file was deleted"} {
		if !strings.Contains(body, want) {
			t.Errorf("/readyz after the deletion: %s, want %s", body, want)
		}
	}
	metrics := l.opsGet("/metrics")
	for _, want := range []string{"madoguchi_record_healthy 0", "madoguchi_record_reopened_total 1"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics after the deletion lack %q", want)
		}
	}
	l.finish(t) // the record is written and closed

	rdb, err := record.Open(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	es, err := rdb.Entries(ctx, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Intent == "" || !strings.Contains(es[0].Text, "転送先") {
		t.Errorf("the file at the record's path holds %d questions (%+v), want the one asked after the deletion", len(es), es)
	}
}

// TestServeRecordUnavailableMetric: a record that cannot be opened at
// start-up is reported failing, and the metric is 0.
func TestServeRecordUnavailableMetric(t *testing.T) {
	db := filepath.Join(t.TempDir(), "no-such-dir", "record.db")
	l := newLineApp(t, func(cfg *Config) { cfg.record = recordConfig{path: &db, on: true} })
	if body := l.opsGet("/readyz"); !strings.Contains(body, `"record":{"status":"failing"`) {
		t.Errorf("/readyz: %s, want the record failing", body)
	}
	if body := l.opsGet("/metrics"); !strings.Contains(body, "madoguchi_record_healthy 0") {
		t.Errorf("metrics: want madoguchi_record_healthy 0")
	}
}

// waitRecorded waits (a bounded time) until the record at path holds n
// questions, and returns how many it holds.
func waitRecorded(t *testing.T, path string, n int) int {
	t.Helper()
	ctx := context.Background()
	rdb, err := record.Open(ctx, path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	got := 0
	for range 500 {
		es, err := rdb.Entries(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if got = len(es); got >= n {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return got
}
