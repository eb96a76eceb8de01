package evaluate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// fixtureIndex is the fixture catalogue, indexed.
func fixtureIndex(t *testing.T) *match.Index {
	t.Helper()
	cat, err := catalogue.Load(testkit.Intents(t))
	if err != nil {
		t.Fatal(err)
	}
	return match.New(cat)
}

// queryFile writes a labelled query file named name and returns its path.
func queryFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSuiteReport: the report names every set, passes when the floors
// are met, and fails naming the set and the floor when one is missed;
// wrong answers are always listed, other misses only with Verbose, and the
// cross-validation only with two folds or more.
func TestSuiteReport(t *testing.T) {
	t.Parallel()
	x := fixtureIndex(t)
	good := queryFile(t, "good.tsv", "forgot-password\tパスワードを忘れてしまいました\nforward-change\tメールの転送先を変更したいです\n-\t今日の運勢は\n")
	bad := queryFile(t, "bad.tsv", "-\tパスワードを忘れました\nforgot-password\tメールが届かない\n")
	tests := []struct {
		name       string
		files      []string
		o          ReportOptions
		wantMissed []string // prefixes of the floors missed
		want, not  []string
	}{
		{"passes", []string{good}, ReportOptions{}, nil,
			[]string{"thresholds: answer ≥ 0.22", "\nleave-one-out examples\n  answered correctly", "\ngood.tsv\n  answered correctly  100.0%  (2 of 2)", "out of scope not answered 100.0%  (1 of 1;", "(stricter; no floor)", "\nPASS\n"},
			[]string{"cross-validated", "FAIL"}},
		{"fails", []string{good, bad}, ReportOptions{}, []string{"bad.tsv: accuracy", "bad.tsv: out-of-scope questions not answered"},
			[]string{"\"パスワードを忘れました\" → forgot-password", "\nFAIL\n  bad.tsv: accuracy"},
			[]string{"PASS", `escalated "メールが届かない"`}},
		{"verbose", []string{bad}, ReportOptions{Verbose: true}, []string{"bad.tsv: accuracy", "bad.tsv: out-of-scope questions not answered"},
			[]string{`  escalated "メールが届かない" want forgot-password, got escalate [`}, nil},
		{"folds", []string{good}, ReportOptions{Folds: 3}, nil,
			[]string{"\ncross-validated: thresholds chosen on 2 of 3 folds", "  good.tsv  ", "  fold 3: answer ≥"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Measure(x, tt.files)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			missed := s.WriteReport(&out, tt.o)
			if len(missed) != len(tt.wantMissed) {
				t.Errorf("got missed %q, want %d: %q", missed, len(tt.wantMissed), tt.wantMissed)
			}
			for i, w := range tt.wantMissed {
				if i >= len(missed) || !strings.HasPrefix(missed[i], w) {
					t.Errorf("got missed %q, want #%d to start with %q", missed, i, w)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("got\n%s\nwant it to contain %q", out.String(), w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(out.String(), n) {
					t.Errorf("got\n%s\nwant it without %q", out.String(), n)
				}
			}
		})
	}
}

// TestSuiteSweep: the sweep prints the thresholds it chose and one line
// per set under them.
func TestSuiteSweep(t *testing.T) {
	t.Parallel()
	s, err := Measure(fixtureIndex(t), []string{queryFile(t, "q.tsv", "forgot-password\tパスワードを忘れてしまいました\n")})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	s.WriteSweep(&out)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "thresholds chosen on all the sets: answer ≥ ") ||
		!strings.HasPrefix(lines[1], "  leave-one-out examples   correct") || !strings.HasPrefix(lines[2], "  q.tsv                    correct 100.0%") {
		t.Errorf("got\n%s\nwant the thresholds and a line for each of the 2 sets", out.String())
	}
}

// TestMeasureErrors: a query file that cannot be read or names an intent
// the catalogue lacks stops the suite, naming the file.
func TestMeasureErrors(t *testing.T) {
	t.Parallel()
	x := fixtureIndex(t)
	for _, f := range []string{filepath.Join(t.TempDir(), "missing.tsv"), queryFile(t, "unknown.tsv", "no-such-intent\tなにか\n")} {
		if _, err := Measure(x, []string{f}); err == nil || !strings.Contains(err.Error(), filepath.Base(f)) {
			t.Errorf("Measure(%s): got %v, want an error naming the file", f, err)
		}
	}
}

// TestWriteMatches: one JSON line per question, in order, with the
// decision, the intent answered and the candidates (never null).
func TestWriteMatches(t *testing.T) {
	t.Parallel()
	x := fixtureIndex(t)
	var out bytes.Buffer
	if err := WriteMatches(context.Background(), x, strings.NewReader("パスワードを忘れてしまいました\n今日の運勢は\n"), &out); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	want := []struct {
		decision match.Decision
		intent   string
	}{{match.Answer, "forgot-password"}, {match.Escalate, ""}}
	for i, w := range want {
		var l MatchLine
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if l.Decision != w.decision || l.Intent != w.intent || l.Candidates == nil {
			t.Errorf("line %d: got %s %q candidates %v, want %s %q and a list", i, l.Decision, l.Intent, l.Candidates, w.decision, w.intent)
		}
		if len(l.Candidates) > 0 && l.Score != l.Candidates[0].Score {
			t.Errorf("line %d: got score %v, want the top candidate's %v", i, l.Score, l.Candidates[0].Score)
		}
	}
	if dec.More() {
		t.Error("got more lines than questions")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteMatches(ctx, x, strings.NewReader("a\n"), &out); !errors.Is(err, context.Canceled) {
		t.Errorf("with the context ended: got %v, want context.Canceled", err)
	}
}

// TestWriteExplanation: the explanation shows the question normalised,
// its terms, the candidates and the decision with the thresholds.
func TestWriteExplanation(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	WriteExplanation(&out, fixtureIndex(t), "パスワードを忘れてしまいました")
	got := out.String()
	for _, w := range []string{"normalised: ", "\nterms:", "  forgot-password ", "decision: answer (answer ≥ 0.22"} {
		if !strings.Contains(got, w) {
			t.Errorf("got\n%s\nwant it to contain %q", got, w)
		}
	}
	if !strings.HasSuffix(got, ")\n\n") {
		t.Errorf("got %q, want it to end with the decision and a blank line", got)
	}
}
