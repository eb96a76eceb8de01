package catalogue

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestLintGolden loads each broken catalogue under testdata/lint and
// compares every problem reported with the golden files beside it: in
// English (name.golden) and as the console's Japanese pages show them
// (name.ja.golden).
func TestLintGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/lint/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		if filepath.Ext(dir) == ".golden" {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			_, err := Load(dir)
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Load(%s) = %v, want Problems", dir, err)
			}
			for _, g := range []struct {
				golden string
				lang   Lang
			}{{dir + ".golden", English}, {dir + ".ja.golden", Japanese}} {
				got := ps.In(g.lang) + "\n"
				if *update {
					if err := os.WriteFile(g.golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(g.golden)
				if err != nil {
					t.Fatalf("read golden file (run go test -update): %v", err)
				}
				if got != string(want) {
					t.Errorf("problems differ from %s:\ngot:\n%s\nwant:\n%s", g.golden, got, want)
				}
			}
		})
	}
}

func TestLoadValid(t *testing.T) {
	c, err := Load("testdata/valid")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := len(c.Intents), 2; got != want {
		t.Fatalf("got %d intents, want %d", got, want)
	}
	in := c.Intent("login-trouble")
	if in == nil {
		t.Fatal("intent login-trouble missing")
	}
	if !in.Escalate || len(in.Links) != 1 || in.Links[0].URL != "https://example.org/login" {
		t.Errorf("login-trouble = %+v, want escalate and one link", in)
	}
	if got := c.Intent("forgot-password").Related; len(got) != 1 || got[0] != "login-trouble" {
		t.Errorf("related = %v, want [login-trouble]", got)
	}
	if got, want := c.Settings.Matching.Answer, 0.22; got != want {
		t.Errorf("answer threshold = %v, want %v", got, want)
	}
	if got := c.Settings.Synonyms; len(got) != 1 || len(got[0]) != 4 {
		t.Errorf("synonyms = %v, want one group of four", got)
	}
}

// TestShippedCatalogue checks the catalogue the bot ships with: it loads,
// and it contains every intent the FAQ catalogue requires, each answering
// in both languages.
func TestShippedCatalogue(t *testing.T) {
	c, err := Load("../../intents")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	required := strings.Fields(`account-id-password login-how signup-procedure available-from
		address-domain address-change forgot-id-password login-trouble outlook-trouble
		smartphone-app legacy-app legacy-app-error mfa-reset mfa-overseas-phone mailbox-quota
		arrival-notification forward-multiple forward-change newsletter ecs-alias imap
		re-enrollment display-name signin-address-error password-incorrect mfa-device-change
		help thanks handoff`)
	for _, id := range required {
		in := c.Intent(id)
		if in == nil {
			t.Errorf("intent %s missing", id)
			continue
		}
		for _, l := range Langs {
			if len(in.Examples.In(l)) < 4 {
				t.Errorf("%s has %d %s examples, want at least 4", id, len(in.Examples.In(l)), l)
			}
		}
	}
	if c.Intent("handoff") != nil && !c.Intent("handoff").Handoff {
		t.Error("intent handoff is not marked handoff: true")
	}
}

// TestShippedURLs checks that every URL the source FAQ gives appears in the
// shipped intents (the FAQ's plain-http sign-in link is kept as https).
func TestShippedURLs(t *testing.T) {
	c, err := Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, in := range c.Intents {
		all.WriteString(in.Answer.JA + in.Answer.EN)
		for _, l := range in.Links {
			all.WriteString(" " + l.URL + " ")
		}
	}
	all.WriteString(c.Settings.Office.URL)
	for _, u := range []string{
		"https://mail.office365.com",
		"https://www.osaka-u.ac.jp/ja/campus/alumni/support/oumail/#f0o1d",
		"https://www.osaka-u.ac.jp/ja/campus/alumni/support/oumail/#8ukqv",
		"https://support.microsoft.com/ja-jp/office/office-2013-%E3%81%AE%E3%82%B5%E3%83%9D%E3%83%BC%E3%83%88%E7%B5%82%E4%BA%86-90e4b0d1-098f-4656-b6e7-8b13b67ed62f",
		"https://www.cmc.osaka-u.ac.jp/edu/oumail/ja-jp/basic-auth.html",
		"https://www.cmc.osaka-u.ac.jp/edu/oumail/ja-jp/o365mf5notice.html",
		"https://www.cmc.osaka-u.ac.jp/edu/oumail/ja-jp/o365mf7setting.html",
		"https://www.cmc.osaka-u.ac.jp/edu/others/OU_mail_tejun.pdf",
		"https://oumail-support.ecs.cmc.osaka-u.ac.jp/hc/ja/articles/34932704956180-02-%E3%83%A1%E3%83%BC%E3%83%AB%E3%82%A8%E3%82%A4%E3%83%AA%E3%82%A2%E3%82%B9%E3%81%AB%E3%81%A4%E3%81%84%E3%81%A6",
	} {
		if !strings.Contains(all.String(), u) {
			t.Errorf("source URL %s is in no intent", u)
		}
	}
}

func TestLoadMissingDirectory(t *testing.T) {
	_, err := Load("testdata/does-not-exist")
	var ps Problems
	if err == nil || errors.As(err, &ps) {
		t.Fatalf("Load(missing dir) = %v, want a plain error", err)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p        Problem
		want, ja string
	}{
		{Problem{File: "a.yaml", Line: 12, Col: 3, Msg: "bad"}, "a.yaml:12:3: bad", "a.yaml:12:3: bad"},
		{Problem{File: "a.yaml", Line: 12, Msg: "bad"}, "a.yaml:12: bad", "a.yaml:12: bad"},
		{Problem{File: "a.yaml", Msg: "bad", MsgJA: "だめ"}, "a.yaml: bad", "a.yaml: だめ"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
		if got := tt.p.In(Japanese); got != tt.ja {
			t.Errorf("In(Japanese): got %q, want %q", got, tt.ja)
		}
	}
}

// FuzzParseIntent feeds arbitrary bytes to the intent parser: it must
// report problems, never panic, and never return an intent and silence for
// input that lacks required fields.
func FuzzParseIntent(f *testing.F) {
	for _, p := range []string{"testdata/valid/forgot-password.yaml", "testdata/valid/login-trouble.yaml", "testdata/lint/bad-url/a.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("id: [\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, ps := ParseIntent("fuzz.yaml", data)
		if len(ps) == 0 && (in == nil || in.ID == "" || in.Answer.JA == "" || in.Answer.EN == "") {
			t.Fatalf("no problems reported for an incomplete intent: %+v", in)
		}
	})
}

// FuzzParseSettings does the same for the settings parser.
func FuzzParseSettings(f *testing.F) {
	data, err := os.ReadFile("testdata/valid/_settings.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, ps := ParseSettings("fuzz.yaml", data)
		if len(ps) == 0 && s.Office.URL == "" {
			t.Fatal("no problems reported for settings without an office URL")
		}
	})
}

func TestIntentKind(t *testing.T) {
	base := "id: x\ntitle: {ja: x, en: x}\nexamples: {ja: [a], en: [b]}\nanswer: {ja: x, en: x}\n"
	tests := []struct {
		extra   string
		want    Kind
		problem string
	}{
		{"", FAQ, ""},
		{"kind: out-of-scope\n", OutOfScope, ""},
		{"kind: small-talk\n", SmallTalk, ""},
		{"kind: offtopic\n", FAQ, `kind "offtopic" is not one of faq, small-talk, out-of-scope`},
		{"kind: out-of-scope\nhandoff: true\n", OutOfScope, "a handoff intent must be of kind"},
	}
	for _, tt := range tests {
		in, ps := ParseIntent("x.yaml", []byte(base+tt.extra))
		if in.Kind != tt.want {
			t.Errorf("%q: kind %q, want %q", tt.extra, in.Kind, tt.want)
		}
		if got := ps.Error(); tt.problem == "" && len(ps) > 0 || !strings.Contains(got, tt.problem) {
			t.Errorf("%q: problems %q, want %q", tt.extra, got, tt.problem)
		}
	}
}
