package catalogue

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestDraftsLoadAside checks that drafts load beside the intents, never
// among them (nothing answers from a draft), and that their problems,
// examples shared with a published intent included, fail nothing.
func TestDraftsLoadAside(t *testing.T) {
	c, err := Load("testdata/drafts")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var ids []string
	for _, in := range c.Intents {
		ids = append(ids, in.ID)
	}
	if want := []string{"forgot-password"}; !slices.Equal(ids, want) {
		t.Errorf("got intents %v, want %v", ids, want)
	}
	ids = nil
	for _, in := range c.Drafts {
		ids = append(ids, in.ID)
	}
	if want := []string{"login-how", "mailbox-size"}; !slices.Equal(ids, want) {
		t.Errorf("got drafts %v, want %v", ids, want)
	}
	if c.Intent("login-how") != nil {
		t.Error(`Intent("login-how") found a draft, want nil`)
	}
	if got, want := c.Drafts[0].Source, (Source{File: "faq.csv", Item: "2"}); got != want {
		t.Errorf("got source %+v, want %+v", got, want)
	}
}

// TestUnfinished checks what lint says a draft still needs.
func TestUnfinished(t *testing.T) {
	c, err := Load("testdata/drafts")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	tests := []struct {
		id   string
		want []string
	}{
		{"login-how", []string{
			`login-how.yaml: example "パスワードを忘れました" is already an example of intent "forgot-password" (testdata/drafts/forgot-password.yaml): that intent may answer this question already; add what is new there, or write the example differently`,
			"login-how.yaml: 1 examples (ja); write 8 or more, the ways people really ask",
			"login-how.yaml:9:7: title (en) is empty",
			"login-how.yaml:13:7: examples (en) is empty; write at least one way people ask",
			"login-how.yaml:16:7: answer (en) is empty",
			"login-how.yaml:18:30: link 1 label (en) is empty",
			`login-how.yaml:19:10: link 1 url "http://example.org/login" must be a secure https:// address`,
		}},
		{"mailbox-size", nil},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			var in *Intent
			for _, d := range c.Drafts {
				if d.ID == tt.id {
					in = d
				}
			}
			if in == nil {
				t.Fatalf("draft %s not loaded", tt.id)
			}
			var got []string
			for _, p := range Unfinished(in) {
				got = append(got, strings.TrimPrefix(p.String(), "testdata/drafts/"))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestAdviceListsDrafts checks that lint's warnings name every draft, the
// finished one with how to publish it.
func TestAdviceListsDrafts(t *testing.T) {
	c, err := Load("testdata/drafts")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var lines []string
	for _, p := range Advice(c) {
		lines = append(lines, p.String())
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{
		"login-how.yaml: draft, not answered until finished: 7 things to do below",
		"login-how.yaml:9:7: draft needs: title (en) is empty",
		`mailbox-size.yaml: draft, not answered: it is complete; remove its "draft: true" line to publish it`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("advice lacks %q; got:\n%s", want, text)
		}
	}
}

// TestOnlyDrafts checks that a directory of drafts alone serves nothing
// and says why.
func TestOnlyDrafts(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"_settings.yaml", "mailbox-size.yaml"} {
		copyFile(t, "testdata/drafts/"+name, dir+"/"+name)
	}
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), "no published intents, only 1 drafts") {
		t.Errorf("got %v, want the problem that there are only drafts", err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
