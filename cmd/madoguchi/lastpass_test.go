package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// A failing `test` names what moved since the last passing run: the
// intents whose examples changed and the questions decided differently.
func TestTestNamesChangesSinceLastPass(t *testing.T) {
	t.Parallel()
	dir := testkit.Intents(t)
	if err := os.WriteFile(filepath.Join(dir, "mail-app.yaml"), []byte(mailAppIntent), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_CACHE_HOME": t.TempDir()}
	out, _, code := runEnv(t, env, "test", "--queries", "testdata/queries.tsv", dir)
	if code != 0 || strings.Contains(out, "since the last passing run") {
		t.Fatalf("first run: exit %d, want 0 and nothing to compare with:\n%s", code, out)
	}
	kept, _ := filepath.Glob(filepath.Join(env["XDG_CACHE_HOME"], "madoguchi", "last-pass-*.json"))
	if len(kept) != 1 {
		t.Fatalf("kept %v, want one last-pass file in the cache", kept)
	}
	// An admin rewrites the password intent's examples about something else.
	path := filepath.Join(dir, "forgot-password.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.NewReplacer(
		"パスワードを忘れました", "天気を教えて", "パスワードがわからない", "天気予報は", "パスワードを再発行したい", "明日の天気",
		"I forgot my password", "weather today", "lost my password", "weather forecast", "how do I reset my password", "will it rain",
	).Replace(string(data))
	if err := os.WriteFile(path, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = runEnv(t, env, "test", "--queries", "testdata/queries.tsv", dir)
	for _, want := range []string{"FAIL", "since the last passing run", "intents whose examples changed: forgot-password", `queries.tsv: "I have forgotten my password"  answer forgot-password → `} {
		if !strings.Contains(out, want) {
			t.Errorf("exit %d; want %q in:\n%s", code, want, out)
		}
	}
	if code == 0 {
		t.Errorf("exit 0 after the floors were missed")
	}
}
