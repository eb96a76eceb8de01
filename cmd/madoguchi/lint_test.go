package main

import (
	"strings"
	"testing"
)

// TestLintLanguage: lint reports in Japanese when --lang ja or the locale
// says so, and in English otherwise; --lang wins over the locale.
func TestLintLanguage(t *testing.T) {
	const broken = "../../internal/catalogue/testdata/lint/bad-yaml"
	const ja, en = "閉じていません", "is not closed"
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		want, not  string
		wantStatus int
	}{
		{"no locale", nil, []string{"lint", broken}, en, ja, 1},
		{"LANG ja", map[string]string{"LANG": "ja_JP.UTF-8"}, []string{"lint", broken}, ja + "。最後に } を付けてください\n問題 1 件", en, 1},
		{"LC_ALL wins over LANG", map[string]string{"LC_ALL": "C.UTF-8", "LANG": "ja_JP.UTF-8"}, []string{"lint", broken}, en, ja, 1},
		{"--lang ja", nil, []string{"lint", "--lang", "ja", broken}, ja, en, 1},
		{"--lang en wins over LANG", map[string]string{"LANG": "ja_JP.UTF-8"}, []string{"lint", "--lang", "en", broken}, en + ": end it with }\n1 problem", ja, 1},
		{"valid in Japanese", nil, []string{"lint", "--lang", "ja", intentsDir}, "問題なし", "no problems", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runEnv(t, tt.env, tt.args...)
			if code != tt.wantStatus || !strings.Contains(out, tt.want) || strings.Contains(out, tt.not) {
				t.Errorf("madoguchi %q: exit %d, want %d with %q and without %q in:\n%s%s", tt.args, code, tt.wantStatus, tt.want, tt.not, out, errOut)
			}
		})
	}
	_, errOut, code := runEnv(t, nil, "lint", "--lang", "fr", intentsDir)
	if code != 2 || !strings.Contains(errOut, "--lang must be en or ja") {
		t.Errorf("lint --lang fr: exit %d, want 2 and a sentence naming the choices:\n%s", code, errOut)
	}
}
