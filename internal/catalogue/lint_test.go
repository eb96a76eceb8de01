package catalogue

import (
	"strings"
	"testing"
)

// TestLint: the report's last line counts what lint found, in the
// language asked for, and ok says whether there were no problems.
func TestLint(t *testing.T) {
	t.Parallel()
	const valid, broken, twice = "testdata/valid", "testdata/lint/bad-yaml", "testdata/lint/duplicate-id"
	tests := []struct {
		name     string
		dir      string
		o        LintOptions
		wantOK   bool
		wantLast string
		want     string // a line the report holds too, "" for none
	}{
		{"valid", valid, LintOptions{Lang: English}, true, valid + ": 2 intents, no problems, 4 warnings", "warning: " + valid + "/login-trouble.yaml: 2 examples (en)"},
		{"valid ja", valid, LintOptions{Lang: Japanese}, true, valid + ": インテント 2 件、問題なし、注意 4 件", ""},
		{"drafts", "testdata/drafts", LintOptions{Lang: English}, true, "testdata/drafts: 1 intent, no problems, 2 drafts (not answered), 11 warnings", ""},
		{"drafts ja", "testdata/drafts", LintOptions{Lang: Japanese}, true, "testdata/drafts: インテント 1 件、問題なし、下書き 2 件（回答に使われません）、注意 11 件", ""},
		{"one problem", broken, LintOptions{Lang: English}, false, "1 problem", broken + "/a.yaml:2: "},
		{"one problem ja", broken, LintOptions{Lang: Japanese}, false, "問題 1 件", "閉じていません"},
		{"two problems", twice, LintOptions{Lang: English}, false, "2 problems", `duplicate id "a"`},
		{"kustomize", "testdata/kustomize", LintOptions{Lang: English, Kustomize: true}, false, "", "is not listed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			ok, err := Lint(&out, tt.dir, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if ok != tt.wantOK {
				t.Errorf("got ok %v, want %v:\n%s", ok, tt.wantOK, out.String())
			}
			if last := lines[len(lines)-1]; tt.wantLast != "" && last != tt.wantLast {
				t.Errorf("got last line %q, want %q", last, tt.wantLast)
			}
			if tt.want != "" && !strings.Contains(out.String(), tt.want) {
				t.Errorf("got %q, want it to contain %q", out.String(), tt.want)
			}
		})
	}
	if _, err := Lint(&strings.Builder{}, "testdata/no-such-dir", LintOptions{}); err == nil {
		t.Error("Lint of a directory that is not there: got no error, want one")
	}
}

func TestLocaleLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want Lang
	}{
		{"nothing set", nil, English},
		{"LANG ja", map[string]string{"LANG": "ja_JP.UTF-8"}, Japanese},
		{"LC_MESSAGES before LANG", map[string]string{"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "C"}, Japanese},
		{"LC_ALL wins", map[string]string{"LC_ALL": "C.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8", "LANG": "ja_JP.UTF-8"}, English},
		{"LANG en", map[string]string{"LANG": "en_US.UTF-8"}, English},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LocaleLang(func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestProblemLang: the name given wins, none is the locale's, any other a
// sentence for the flag.
func TestProblemLang(t *testing.T) {
	ja := func(k string) string {
		if k == "LANG" {
			return "ja_JP.UTF-8"
		}
		return ""
	}
	for _, tc := range []struct {
		name string
		want Lang
		err  string
	}{{"ja", Japanese, ""}, {"en", English, ""}, {"", Japanese, ""}, {"fr", "", `must be en or ja, not "fr"`}} {
		got, err := ProblemLang(tc.name, ja)
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
			t.Errorf("ProblemLang(%q) = %q, %v; want %q, %q", tc.name, got, err, tc.want, tc.err)
		}
	}
	if got, _ := ProblemLang("", func(string) string { return "" }); got != English {
		t.Errorf("no name, no locale: got %q, want en", got)
	}
}
