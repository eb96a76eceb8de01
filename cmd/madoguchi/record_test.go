package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// TestServeRecords: a question through the LINE webhook is recorded,
// redacted, and the record's commands read it.
func TestServeRecords(t *testing.T) {
	db := filepath.Join(t.TempDir(), "record.db")
	l := newLineApp(t, func(cfg *Config) { cfg.record = recordConfig{path: &db, on: true} })
	l.post(t, webhookBody(textEvent("e1", "rt1", "パスワードを忘れました。連絡先は taro@example.com です")))
	l.fake.Next(t)
	l.finish(t) // drains the workers, then writes the record and closes it

	ctx := context.Background()
	rdb, err := record.Open(ctx, db, "")
	if err != nil {
		t.Fatal(err)
	}
	es, err := rdb.Entries(ctx, time.Now().Add(-time.Hour))
	rdb.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 {
		t.Fatalf("%d entries recorded, want 1", len(es))
	}
	if e := es[0]; e.Platform != "line" || strings.Contains(e.Text, "taro@") || !strings.Contains(e.Text, "<email>") ||
		!strings.HasPrefix(e.User, "line:") || len(e.User) != 21 || e.Intent == "" {
		t.Errorf("recorded %+v", e)
	}

	env := func(string) string { return "" }
	cmd := func(args ...string) string {
		var out, errb bytes.Buffer
		if err := run(ctx, args, env, strings.NewReader(""), &out, &errb); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}
	if out := cmd("stats", "--db", db, "--since", "1d"); !strings.Contains(out, "Questions since") || !strings.Contains(out, ": 1\n") {
		t.Errorf("stats:\n%s", out)
	}
	if out := cmd("stats", "--db", db, "--json"); !strings.Contains(out, `"questions": 1`) {
		t.Errorf("stats --json:\n%s", out)
	}
	if out := cmd("review", "--db", db, "--intents", intentsDir); !strings.Contains(out, "No question was escalated") {
		t.Errorf("review:\n%s", out)
	}
	if out := cmd("record", "purge", "--db", db, "--older-than", "1d", "--yes"); !strings.Contains(out, "deleted 0 questions") {
		t.Errorf("record purge --older-than 1d:\n%s", out)
	}
	if out := cmd("record", "--db", db, "--older-than", "0d", "--yes", "purge"); !strings.Contains(out, "deleted 1 questions") {
		t.Errorf("record purge:\n%s", out)
	}
}

func TestRecordFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--intents", intentsDir, "--record", "maybe", "--addr", "127.0.0.1:0"}, "--record must be on or off"},
		{[]string{"stats", "--since", "a while"}, "--since"},
		{[]string{"record", "vacuum"}, "record takes one action: purge"},
		{[]string{"record", "purge", "now"}, "record takes one action: purge"},
		{[]string{"record"}, "record takes one action: purge"},
		{[]string{"record", "--older-than", "-3d", "purge"}, "--older-than"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		err := run(context.Background(), tt.args, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want one naming %s", tt.args, err, tt.want)
		}
	}
}

// TestServeWithoutDatabase: a record that cannot be opened does not stop
// the bot answering; /readyz says why nothing is recorded.
func TestServeWithoutDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "no-such-dir", "record.db")
	l := newLineApp(t, func(cfg *Config) { cfg.record = recordConfig{path: &db, on: true} })
	l.post(t, webhookBody(textEvent("e1", "rt1", "パスワードを忘れました")))
	if c := l.fake.Next(t); c.Path != replyPath {
		t.Errorf("call %s, want a reply", c.Path)
	}
	rec := httptest.NewRecorder()
	l.ops.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if body := rec.Body.String(); !strings.Contains(body, "not recording") {
		t.Errorf("/readyz: %s, want the record reported as not recording", body)
	}
}

// TestReviewWriteRoundTrip is the README's round trip through the
// commands: a question asked back and resolved by a pick, reviewed,
// written into the intents, and answered afterwards.
func TestReviewWriteRoundTrip(t *testing.T) {
	dir := testkit.Intents(t)
	db := filepath.Join(t.TempDir(), "record.db")
	ctx := context.Background()
	cmd := func(stdin string, args ...string) string {
		var out, errb bytes.Buffer
		if err := run(ctx, args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errb); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errb.String())
		}
		return out.String()
	}
	const q = "メールの転送先を変更してログインしたい"
	if out := cmd(q+"\n2\n", "ask", "--record", "--db", db, "--intents", dir); !strings.Contains(out, "転送先の変更") {
		t.Fatalf("asking and picking 2:\n%s", out)
	}
	out := cmd("", "review", "--db", db, "--intents", dir, "--write", dir, "--only", "1")
	for _, want := range []string{"[1] \"" + q + "\" → forward-change", "Adding 1 example(s); lint passed", "0 → 1 of 1", "Written."} {
		if !strings.Contains(out, want) {
			t.Errorf("review --write lacks %q:\n%s", want, out)
		}
	}
	// Done: the question leaves the review.
	if out := cmd("", "review", "--db", db, "--intents", dir); strings.Contains(out, q) {
		t.Errorf("after --write, the review still lists %q:\n%s", q, out)
	}
	if out := cmd("", "ask", "--intents", dir, q); !strings.HasPrefix(out, "■ 転送先の変更") {
		t.Errorf("after --write, %q is answered:\n%s", q, out)
	}
}
