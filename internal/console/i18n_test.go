package console

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestEveryMessageTranslated: every key the templates and handlers ask
// for has both an English and a Japanese text, so no page shows a raw key.
func TestEveryMessageTranslated(t *testing.T) {
	t.Parallel()
	use := regexp.MustCompile(`(?:\.T\.S|tr\.S|translator\(r\)\.S) "([a-z.-]+)"|\.S\("([a-z.-]+)"\)`)
	files, _ := fs.Glob(templateFS, "templates/*.html")
	sources, _ := filepath.Glob("*.go")
	n := 0
	check := func(name string, data []byte) {
		for _, m := range use.FindAllSubmatch(data, -1) {
			key := string(m[1]) + string(m[2])
			n++
			if msg, ok := messages[key]; !ok || msg[0] == "" || msg[1] == "" {
				t.Errorf("%s: message %q is missing or untranslated", name, key)
			}
		}
	}
	for _, f := range files {
		data, _ := fs.ReadFile(templateFS, f)
		check(f, data)
	}
	for _, f := range sources {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		check(f, data)
	}
	if n < 50 {
		t.Errorf("found %d uses of messages, want the pages' many", n)
	}
	for _, nav := range []string{"overview", "review", "try", "intents", "intent", "handoffs", "audit", "login", "error", "applied", "working"} {
		if _, ok := messages["nav."+nav]; !ok {
			t.Errorf("page %s has no title (nav.%s)", nav, nav)
		}
	}
}
