package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// runEnv runs the command line with env as the environment.
func runEnv(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
	code := exitCode(err, &errb)
	return out.String(), errb.String(), code
}

// TestIntentsEverywhere: every command that reads the catalogue takes
// --intents and MADOGUCHI_INTENTS, as the README says; lint and test also
// take the directory as their argument.
func TestIntentsEverywhere(t *testing.T) {
	t.Parallel()
	// The working directory has no intents/: a command that ignored the
	// flag or the environment would fail.
	env := map[string]string{"MADOGUCHI_INTENTS": intentsDir}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"lint flag", nil, []string{"lint", "--intents", intentsDir}, "no problems"},
		{"lint env", env, []string{"lint"}, "no problems"},
		{"lint argument", nil, []string{"lint", intentsDir}, "no problems"},
		{"lint flag and same argument", nil, []string{"lint", "--intents", intentsDir, intentsDir}, "no problems"},
		{"ask env", env, []string{"ask", "パスワードを忘れました"}, "■ ID・パスワードを忘れた"},
		{"search env", env, []string{"search", "pwd"}, "forgot-id-password"},
		{"match env", env, []string{"match"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runEnv(t, tt.env, tt.args...)
			if code != 0 || !strings.Contains(out, tt.want) {
				t.Errorf("madoguchi %q: exit %d, want 0 and %q in:\n%s%s", tt.args, code, tt.want, out, errOut)
			}
		})
	}
	// test's leave-one-out takes long: a directory that is not there
	// shows which one it read, from the flag or from the environment.
	for _, args := range [][]string{{"test", "--intents", "flag-dir"}, {"test"}} {
		_, errOut, code := runEnv(t, map[string]string{"MADOGUCHI_INTENTS": "env-dir"}, args...)
		want := "env-dir"
		if len(args) > 1 {
			want = "flag-dir"
		}
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("madoguchi %q: exit %d, want 1 and an error naming %s:\n%s", args, code, want, errOut)
		}
	}
	_, errOut, code := runEnv(t, nil, "lint", "--intents", intentsDir, "elsewhere")
	if code != 2 || !strings.Contains(errOut, "disagree") {
		t.Errorf("lint with a flag and another argument: exit %d, want 2 and \"disagree\":\n%s", code, errOut)
	}
}

func TestHelpCommand(t *testing.T) {
	t.Parallel()
	out, errOut, code := runEnv(t, nil, "help", "ask")
	if code != 0 || !strings.HasPrefix(out, "Usage: madoguchi ask") || !strings.Contains(out, "-explain") || errOut != "" {
		t.Errorf("help ask: exit %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	out, _, code = runEnv(t, nil, "help", "lint")
	if code != 0 || !strings.Contains(out, "-kustomize") || !strings.Contains(out, "-intents") {
		t.Errorf("help lint: exit %d:\n%s", code, out)
	}
	if _, errOut, code := runEnv(t, nil, "help", "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("help frobnicate: exit %d, %s", code, errOut)
	}
	// The general help: every summary starts in the same column.
	out, _, _ = runEnv(t, nil, "help")
	col := -1
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "  ") {
			continue
		}
		f := strings.Fields(line)
		rest := strings.TrimPrefix(line, "  "+f[0])
		at := len(line) - len(strings.TrimLeft(rest, " "))
		if col == -1 {
			col = at
		}
		if at != col {
			t.Errorf("summary of %s starts at column %d, want %d:\n%s", f[0], at, col, out)
		}
	}
	if col == -1 {
		t.Errorf("no command rows in the help:\n%s", out)
	}
}

// TestBadFlagReportedOnce: the error appears once, with a pointer to the
// command's help, not followed by the whole usage.
func TestBadFlagReportedOnce(t *testing.T) {
	t.Parallel()
	_, errOut, code := runEnv(t, nil, "lint", "--bogus")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if n := strings.Count(errOut, "flag provided but not defined: -bogus"); n != 1 {
		t.Errorf("error printed %d times, want once:\n%s", n, errOut)
	}
	if !strings.Contains(errOut, "madoguchi help lint") || strings.Contains(errOut, "Usage:") {
		t.Errorf("stderr = %q, want a pointer to 'madoguchi help lint' and no usage dump", errOut)
	}
}

func TestVersionFlag(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"--version", "-version", "version"} {
		out, errOut, code := runEnv(t, nil, arg)
		if code != 0 || !strings.HasPrefix(out, "madoguchi ") {
			t.Errorf("madoguchi %s: exit %d, stdout %q, stderr %q", arg, code, out, errOut)
		}
	}
}

func TestLintCountsAndWarnings(t *testing.T) {
	t.Parallel()
	out, _, code := runEnv(t, nil, "lint", "../../internal/catalogue/testdata/lint/long-answer")
	if code != 1 || !strings.Contains(out, "\n1 problem\n") {
		t.Errorf("one problem: exit %d, want 1 and \"1 problem\":\n%s", code, out)
	}

	// Fewer examples than the README asks: a warning, not a failure.
	dir := testkit.CopyIntents(t, os.DirFS(intentsDir))
	path := filepath.Join(dir, "thanks.yaml")
	data, _ := os.ReadFile(path)
	var kept []string
	inEN := false
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "  en:") {
			inEN = true
		} else if inEN && !strings.HasPrefix(line, "    ") {
			inEN = false
		}
		if inEN && strings.HasPrefix(line, "    - ") && len(kept) > 0 && strings.HasPrefix(kept[len(kept)-1], "    - ") {
			continue // keep the first English example only
		}
		kept = append(kept, line)
	}
	if err := os.WriteFile(path, []byte(strings.Join(kept, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runEnv(t, nil, "lint", dir)
	if code != 0 || !strings.Contains(out, "warning: "+path+": 1 examples (en); write 8 or more") || !strings.Contains(out, "no problems, 1 warning") {
		t.Errorf("few examples: exit %d, want 0 and a warning:\n%s%s", code, out, errOut)
	}
}
