package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

const intentsDir = "../../intents"

// runCmd runs the command line and returns stdout, stderr and the exit code
// main would use.
func runCmd(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(string) string { return "" }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	code := exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func TestAsk(t *testing.T) {
	t.Parallel()
	tests := []struct {
		q    string
		want []string
	}{
		{"パスワードを忘れました", []string{"■ ID・パスワードを忘れた", "本人確認書類", "卒業生係に問い合わせる", "https://www.osaka-u.ac.jp/ja/campus/alumni/support/oumail/"}},
		{"I forgot my password", []string{"■ Forgot my ID or password", "identity document", "Contact the Alumni Office"}},
		{"学食のメニューは？", []string{"申し訳ありません", "https://www.osaka-u.ac.jp/ja/campus/alumni/support/oumail/"}},
		{"変更したい", []string{"近いものをお選びください", "1) ", "どれでもない"}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			out, errOut, code := runCmd(t, "", "ask", "--intents", intentsDir, tt.q)
			if code != 0 {
				t.Fatalf("exit %d, stderr %s", code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestAskExplain(t *testing.T) {
	t.Parallel()
	out, _, code := runCmd(t, "", "ask", "--explain", "--intents", intentsDir, "forgot my passwrod")
	if code != 0 || !strings.Contains(out, `read "passwrod" as "password"`) || !strings.Contains(out, "decision: answer") || !strings.Contains(out, "confidence that forgot-id-password is right: 0.") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	out, _, code = runCmd(t, "", "ask", "--explain", "--intents", intentsDir, "I graduated in 2017. pasuwado wo wasureta. dou sureba ii?")
	if code != 0 || !strings.Contains(out, `read as: "I graduated in 2017. ぱすわどをわすれた. どうすればいい?"`) || !strings.Contains(out, `asking: "ぱすわどをわすれた. どうすればいい?"`) ||
		!strings.Contains(out, `context (counts half): "I graduated in 2017."`) || !strings.Contains(out, "decision: answer") {
		t.Errorf("romaji after a context sentence: exit %d, output:\n%s", code, out)
	}
	out, _, code = runCmd(t, "", "ask", "--explain", "--intents", intentsDir, "Evernoteのパスワードを忘れた")
	if code != 0 || !strings.Contains(out, "unknown subject: Evernote") || strings.Contains(out, "decision: answer") {
		t.Errorf("a question about an unknown service: exit %d, output:\n%s", code, out)
	}
}

func TestAskInteractive(t *testing.T) {
	t.Parallel()
	out, _, code := runCmd(t, "変更したい\n2\n", "ask", "--intents", intentsDir)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	// The second choice of the clarifying question is answered.
	if !strings.Contains(out, "■ 自動転送先の変更・解除") && !strings.Contains(out, "■ パスワードが違うと言われる") {
		t.Errorf("picking choice 2 gave no answer:\n%s", out)
	}
}

func TestMatchContract(t *testing.T) {
	t.Parallel()
	in := "パスワードを忘れました\n学食のメニューは？\n変更したい\n\nI forgot my password\n"
	out, errOut, code := runCmd(t, in, "match", "--intents", intentsDir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("got %d lines, want 5 (one per input line):\n%s", len(lines), out)
	}
	want := []struct{ decision, intent string }{
		{"answer", "forgot-id-password"}, {"escalate", ""}, {"clarify", ""}, {"escalate", ""}, {"answer", "forgot-id-password"},
	}
	for i, l := range lines {
		var m struct {
			Query      string  `json:"query"`
			Decision   string  `json:"decision"`
			Intent     *string `json:"intent"`
			Score      float64 `json:"score"`
			Candidates []struct {
				Intent string  `json:"intent"`
				Score  float64 `json:"score"`
			} `json:"candidates"`
		}
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("line %d %q: %v", i, l, err)
		}
		if m.Decision != want[i].decision || m.Intent == nil || *m.Intent != want[i].intent {
			t.Errorf("line %d: %s %v, want %s %q", i, m.Decision, m.Intent, want[i].decision, want[i].intent)
		}
		if m.Candidates == nil || len(m.Candidates) > 3 {
			t.Errorf("line %d: candidates %v, want a list of at most 3", i, m.Candidates)
		}
		if len(m.Candidates) > 0 && m.Score != m.Candidates[0].Score {
			t.Errorf("line %d: score %v, want the top candidate's %v", i, m.Score, m.Candidates[0].Score)
		}
		if m.Score < 0 || m.Score > 1 {
			t.Errorf("line %d: score %v outside [0, 1]", i, m.Score)
		}
	}
}

func TestLint(t *testing.T) {
	t.Parallel()
	out, _, code := runCmd(t, "", "lint", intentsDir)
	if code != 0 || !strings.Contains(out, "no problems") {
		t.Errorf("lint shipped intents: exit %d, %s", code, out)
	}
	out, _, code = runCmd(t, "", "lint", "../../internal/catalogue/testdata/lint/unknown-field")
	if code != 1 || !strings.Contains(out, `a.yaml:6:1: unknown field "anwser" (did you mean "answer"?)`) {
		t.Errorf("lint broken intents: exit %d, %s", code, out)
	}
}

// mailAppIntent is an intent whose keyword "容量" the fixture's
// mailbox-quota examples also use: test lists it as a shared keyword.
const mailAppIntent = `id: mail-app
title: {ja: メールアプリの設定, en: Setting up a mail app}
keywords: [アプリ, 容量]
examples:
  ja: [メールアプリで読みたい, スマホのアプリで受信するには]
  en: [read my mail in a mail app, set up the app on my phone]
answer: {ja: アプリの設定は案内ページをご覧ください。, en: See the guide page to set up an app.}
`

// TestTestCommand runs test on the fixture catalogue (its leave-one-out
// takes milliseconds; CI's madoguchi test step runs the shipped one) with
// labelled questions of its own.
func TestTestCommand(t *testing.T) {
	t.Parallel()
	dir := testkit.Intents(t)
	if err := os.WriteFile(filepath.Join(dir, "mail-app.yaml"), []byte(mailAppIntent), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := runCmd(t, "", "test", "--queries", "testdata/queries.tsv", dir)
	if code != 0 || !strings.Contains(out, "PASS") || !strings.Contains(out, "queries.tsv\n  answered correctly  100.0%") {
		t.Errorf("exit %d, want 0, PASS and every labelled question answered:\n%s", code, out)
	}
	// The stricter leave-one-out is reported with its figures, without a floor.
	if !strings.Contains(out, "(stricter; no floor)\n  answered correctly") {
		t.Errorf("stricter leave-one-out not reported:\n%s", out)
	}
	// Shared keywords are listed for admins but do not fail the test.
	if !strings.Contains(out, `mail-app: "容量" also in mailbox-quota`) {
		t.Errorf("shared keyword not listed:\n%s", out)
	}
	// Per query file: out-of-scope questions not answered, and those that
	// an FAQ intent answered, with that intent.
	q := filepath.Join(t.TempDir(), "q.tsv")
	if err := os.WriteFile(q, []byte("-\tパスワードを忘れました\n-\t今日の運勢は\nhandoff\t担当者と話したい\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, _ = runCmd(t, "", "test", "--queries", q, dir)
	for _, want := range []string{"out of scope not answered  50.0%  (1 of 2", "requests for a person heard 100.0%  (1 of 1)", `"パスワードを忘れました" → forgot-password`} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}
	_, errOut, code := runCmd(t, "", "test", "--queries", "no-such-file.tsv", dir)
	if code != 1 || !strings.Contains(errOut, "no-such-file.tsv") {
		t.Errorf("missing query file: exit %d, %s", code, errOut)
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	out, _, code := runCmd(t, "", "search", "--intents", intentsDir, "pwd")
	if code != 0 || !strings.Contains(out, "forgot-id-[p]ass[w]or[d]") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"frobnicate"}, 2},
		{[]string{"ask", "--nope"}, 2},
		{[]string{"lint", "a", "b"}, 2},
		{[]string{"search", "--intents", intentsDir}, 2},
		{[]string{"match", "extra"}, 2},
		{[]string{"help"}, 0},
		{[]string{"ask", "-h"}, 0},
		{[]string{"lint", "-h"}, 0},
		{[]string{"ask", "--intents", "no-such-dir", "hi"}, 1},
	}
	for _, tt := range tests {
		_, _, code := runCmd(t, "", tt.args...)
		if code != tt.code {
			t.Errorf("madoguchi %q: exit %d, want %d", tt.args, code, tt.code)
		}
	}
}

// Ensure a write error on stdout is reported, not swallowed.
func TestMatchWriteError(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), []string{"match", "--intents", intentsDir}, func(string) string { return "" },
		strings.NewReader("パスワード\n"), failingWriter{}, io.Discard)
	if err == nil {
		t.Error("match on a failing stdout returned no error")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestVersionAndHealthcheck(t *testing.T) {
	t.Parallel()
	out, _, code := runCmd(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "madoguchi ") {
		t.Errorf("version: %d %q", code, out)
	}
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	defer web.Close()
	addr := strings.TrimPrefix(web.URL, "http://")
	if out, _, code := runCmd(t, "", "healthcheck", "--addr", addr); code != 0 || out != "healthy\n" {
		t.Errorf("healthcheck of a live server: %d %q", code, out)
	}
	web.Close()
	if _, errOut, code := runCmd(t, "", "healthcheck", "--addr", addr); code != 1 || !strings.Contains(errOut, "unhealthy") {
		t.Errorf("healthcheck of a dead server: %d %q", code, errOut)
	}
}

func TestLintKustomization(t *testing.T) {
	t.Parallel()
	dir := testkit.CopyIntents(t, os.DirFS(intentsDir))
	kust := "configMapGenerator:\n  - name: madoguchi-intents\n    files:\n      - gone.yaml\n"
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range files {
		if name := filepath.Base(f); name != "login-trouble.yaml" {
			kust += "      - " + name + "\n"
		}
	}
	os.WriteFile(filepath.Join(dir, "Kustomization"), []byte(kust), 0o644)
	// serve, Docker and Compose read the directory itself: only
	// lint --kustomize (what CI runs) asks for the Kubernetes list.
	if out, _, code := runCmd(t, "", "lint", dir); code != 0 {
		t.Errorf("lint without --kustomize: exit %d, want 0:\n%s", code, out)
	}
	out, _, code := runCmd(t, "", "lint", "--kustomize", dir)
	if code != 1 || !strings.Contains(out, "login-trouble.yaml is not listed") || !strings.Contains(out, "lists gone.yaml, which does not exist") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
