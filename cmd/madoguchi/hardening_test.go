package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// Messages longer than the matcher reads, which once crashed `ask` (and
// with it serve) or took seconds, are answered.
func TestAskLongQuestions(t *testing.T) {
	tests := []struct {
		name, q, want string
	}{
		{"あ×1001", strings.Repeat("あ", 1001), "卒業生係"},
		{"パスワード×1000", strings.Repeat("パスワード", 1000), "パスワード"},
		{"password×300", strings.Repeat("password ", 300), "password"},
		{"1 MiB word", strings.Repeat("a", 1<<20), "Alumni Office"},
		// Two questions at once: asked back with both ("ID・パスワードを忘れた").
		{"40,000 characters", strings.Repeat("I forgot my password, ログインできない 😀 ", 1100), "ID・パスワードを忘れた"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, args := range [][]string{{"ask", "--intents", intentsDir, tt.q}, {"ask", "--explain", "--intents", intentsDir, tt.q}} {
				out, errOut, code := runCmd(t, "", args...)
				if code != 0 {
					t.Fatalf("%s: exit %d, stderr %.200s", args[1], code, errOut)
				}
				if !strings.Contains(out, tt.want) {
					t.Errorf("%s: output lacks %q:\n%.300s", args[1], tt.want, out)
				}
			}
		})
	}
}

// explodingStore is a state store with a bug: it panics, with a value that
// quotes the user's key and so could leak what it stores.
type explodingStore struct{}

func (explodingStore) PutChoices(_ context.Context, user string, _ []string, _ time.Duration) error {
	panic("cannot store choices of " + user)
}
func (explodingStore) Choices(context.Context, string) ([]string, error) { return nil, nil }
func (explodingStore) Count(_ context.Context, key string, _ time.Duration) (int64, error) {
	panic("cannot count " + key)
}

// serve's wiring hears of a panic while answering: the user gets the
// escalation reply, madoguchi_panics_total counts it, and the log has the
// stack but not the message.
func TestServeReportsPanics(t *testing.T) {
	cat, err := catalogue.Load(intentsDir)
	if err != nil {
		t.Fatal(err)
	}
	b := bot.New(match.New(cat))
	var logs bytes.Buffer
	reg := prometheus.NewRegistry()
	if _, err := openMain(slog.New(slog.NewJSONHandler(&syncWriter{w: &logs}, nil)), b, reg, Config{intents: intentsDir, workers: 1, queue: 1}); err != nil {
		t.Fatal(err)
	}
	const text = "私のパスワードは hunter2 です"
	for i, limit := range []int{0, 5} { // panics after matching, then before
		r := bot.NewDialog(b, explodingStore{}, limit, nil).Message(context.Background(), "line:Uhash", text)
		if r.Decision != match.Escalate || r.Contact == nil || r.Text != cat.Settings.Messages.Escalate.JA {
			t.Errorf("reply = %s %.40q, want the escalation", r.Decision, r.Text)
		}
		if got := (fuzzServer{reg: reg}).panics(t); got != float64(i+1) {
			t.Errorf("madoguchi_panics_total = %v, want %d", got, i+1)
		}
	}
	for _, leak := range []string{"hunter2", "パスワード", "Uhash"} {
		if strings.Contains(logs.String(), leak) {
			t.Errorf("the log quotes %q:\n%s", leak, logs.String())
		}
	}
	var line struct{ Level, Msg, Op, Panic, Stack string }
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if json.Unmarshal([]byte(l), &line) == nil && line.Msg == "recovered from a panic" {
			break
		}
	}
	if line.Level != "ERROR" || line.Op != "message" || line.Panic != "panic value of type string" || !strings.Contains(line.Stack, "explodingStore") {
		t.Errorf("log line = %+v, want an error with op, panic type and the stack", line)
	}
}
