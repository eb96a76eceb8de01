package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCommandLineMistakes: each mistake is an error that says what is
// wrong and points at one help command, the command's own.
func TestCommandLineMistakes(t *testing.T) {
	tests := []struct {
		args []string
		want string
		help string // the command whose help the error points at
	}{
		{[]string{"ask", "--intents", intentsDir, ""}, "the question is empty", "ask"},
		{[]string{"ask", "--intents", intentsDir, " ", " "}, "the question is empty", "ask"},
		{[]string{"version", "extra"}, `version: unexpected argument "extra": version takes none`, "version"},
		{[]string{"healthcheck", "now"}, `unexpected argument "now"`, "healthcheck"},
		{[]string{"stats", "extra"}, `unexpected argument "extra"`, "stats"},
		{[]string{"review", "extra"}, `unexpected argument "extra"`, "review"},
		{[]string{"review", "--write", "intents"}, "--write needs --only", "review"},
		{[]string{"stats", "--since", "soon"}, `--since: "soon" is not an age`, "stats"},
		{[]string{"record", "tidy"}, "record takes one action: purge", "record"},
		{[]string{"serve", "--log-format", "xml"}, "--log-format must be json or text", "serve"},
		{[]string{"serve", "extra"}, `unexpected argument "extra"`, "serve"},
		{[]string{"ask", "--nope"}, "flag provided but not defined", "ask"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, errOut, code := runEnv(t, nil, tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, want 2 and %q in stderr:\n%s%s", code, tt.want, errOut, out)
			}
			pointer := "Run 'madoguchi help " + tt.help + "' for usage."
			if !strings.Contains(errOut, pointer) || strings.Count(errOut, "help") != 1 {
				t.Errorf("stderr:\n%s\nwant one pointer to help, %q", errOut, pointer)
			}
		})
	}
}

// TestMissingRecord: stats, review and record purge on a database file
// that is not there fail naming it, and create nothing.
func TestMissingRecord(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"stats", "--db", filepath.Join(dir, "wrong/path.db")},
		{"stats", "--db", filepath.Join(dir, "missing.db"), "--json"},
		{"review", "--intents", intentsDir, "--db", filepath.Join(dir, "missing.db")},
		{"record", "purge", "--db", filepath.Join(dir, "missing.db"), "--older-than", "30d"},
		{"record", "purge", "--db", filepath.Join(dir, "missing.db"), "--intents", intentsDir},
	} {
		db := args[slicesIndex(args, "--db")+1]
		_, errOut, code := runEnv(t, nil, args...)
		if code != 1 || !strings.Contains(errOut, "no record of questions at "+db) {
			t.Errorf("madoguchi %q: exit %d, want 1 and an error naming %s:\n%s", args, code, db, errOut)
		}
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("the directory holds %v (%v), want nothing created", entries, err)
	}
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestPurgeAsksBelowAWeek: record purge --older-than less than a week
// deletes only when confirmed: with --yes, or "y" typed on a terminal;
// without a terminal it refuses and says to add --yes.
func TestPurgeAsksBelowAWeek(t *testing.T) {
	db := filepath.Join(t.TempDir(), "record.db")
	ctx := context.Background()
	// One question recorded, as ask --record does.
	if _, errOut, code := runEnv(t, nil, "ask", "--intents", intentsDir, "--record", "--db", db, "パスワードを忘れました"); code != 0 {
		t.Fatalf("ask --record: exit %d\n%s", code, errOut)
	}
	purge := func(terminal bool, stdin string, extra ...string) (string, string, int) {
		t.Helper()
		var out, errb bytes.Buffer
		c := &cli{getenv: func(string) string { return "" }, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, terminal: terminal}
		cmd := command{name: "record", run: runRecord}
		err := cmd.run(ctx, c, c.flags(cmd), append([]string{"purge", "--db", db, "--older-than", "0d"}, extra...))
		code := exitCode(err, &errb)
		return out.String(), errb.String(), code
	}
	tests := []struct {
		name      string
		terminal  bool
		stdin     string
		extra     []string
		code      int
		want      string
		remaining int
	}{
		{"no terminal", false, "y\n", nil, 2, "add --yes to delete them", 1},
		{"terminal, no", true, "n\n", nil, 0, "nothing deleted", 1},
		{"terminal, nothing typed", true, "", nil, 0, "nothing deleted", 1},
		{"terminal, yes", true, "y\n", nil, 0, "deleted 1 questions", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := purge(tt.terminal, tt.stdin, tt.extra...)
			if code != tt.code || !strings.Contains(out+errOut, tt.want) {
				t.Errorf("exit %d, want %d and %q in:\n%s%s", code, tt.code, tt.want, out, errOut)
			}
			if tt.terminal && !strings.Contains(errOut, "[y/N]") {
				t.Errorf("stderr %q, want the question", errOut)
			}
			stats, _, _ := runEnv(t, nil, "stats", "--db", db, "--json")
			if want := fmt.Sprintf(`"questions": %d`, tt.remaining); !strings.Contains(stats, want) {
				t.Errorf("after: stats %s, want %s", stats, want)
			}
		})
	}
	// --yes deletes without asking, from a script.
	if _, errOut, code := runEnv(t, nil, "record", "purge", "--db", db, "--older-than", "1h", "--yes"); code != 0 {
		t.Errorf("record purge --yes: exit %d\n%s", code, errOut)
	}
}

// TestInteractiveAskEnds: exit and quit end an interactive ask; the
// questions after them are not asked.
func TestInteractiveAskEnds(t *testing.T) {
	for _, word := range []string{"exit", "quit", "EXIT", " quit "} {
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{"ask", "--intents", intentsDir}, func(string) string { return "" },
			strings.NewReader("パスワードを忘れました\n"+word+"\nアドレスを変更したい\n"), &out, &errb)
		if err != nil {
			t.Fatalf("%q: %v\n%s", word, err, errb.String())
		}
		if got := strings.Count(out.String(), "■ "); got != 1 {
			t.Errorf("%q: %d answers, want 1 (the question before it):\n%s", word, got, out.String())
		}
	}
}

// TestHelpValueNames: every flag's value is named for what it is: no
// "string" or "value" (a flag without a backquoted name) and no unit
// standing for a number.
func TestHelpValueNames(t *testing.T) {
	flagLine := regexp.MustCompile(`^  -([a-z-]+)(?: (\S+))?`)
	want := map[string]string{"rate-limit": "number", "record": "on|off", "shutdown-grace": "duration", "log-level": "debug|info|warn|error", "older-than": "age"}
	seen := map[string]bool{}
	for _, cmd := range commands() {
		out, _, code := runEnv(t, nil, "help", cmd.name)
		if code != 0 {
			t.Fatalf("help %s: exit %d", cmd.name, code)
		}
		for _, line := range strings.Split(out, "\n") {
			m := flagLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			if m[2] == "string" || m[2] == "value" || m[2] == "minute" || m[2] == "on" {
				t.Errorf("help %s: -%s %s: a placeholder, want the value's name", cmd.name, m[1], m[2])
			}
			if w, ok := want[m[1]]; ok {
				seen[m[1]] = true
				if m[2] != w && !(m[1] == "record" && m[2] == "") { // ask --record is a switch
					t.Errorf("help %s: -%s %s, want -%s %s", cmd.name, m[1], m[2], m[1], w)
				}
			}
		}
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("no help shows -%s", name)
		}
	}
}
