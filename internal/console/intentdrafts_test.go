package console

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// TestDraftsPage checks that the console lists the served directory's
// drafts, in the admin's language, with what each still needs.
func TestDraftsPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	if r := do(t, c, "GET", f.srv.URL+"/intents/drafts", nil, "Accept-Language", "en"); r.status != http.StatusOK || !strings.Contains(r.body, "No drafts.") {
		t.Errorf("without drafts: got %d, want 200 and \"No drafts.\":\n%s", r.status, r.body)
	}

	draft := `id: mailbox-size
draft: true
source: {file: faq.csv, item: "12"}
title: {ja: 容量はどれくらいですか？, en: ""}
examples: {ja: [容量はどれくらいですか？], en: []}
answer: {ja: 50GBです。, en: ""}
`
	if err := os.WriteFile(filepath.Join(f.dir, "mailbox-size.yaml"), []byte(draft), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := catalogue.Load(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	f.bot.Swap(match.New(cat))

	tests := []struct {
		lang string
		want []string
	}{
		{"en", []string{"<code>mailbox-size.yaml</code>", "容量はどれくらいですか？", "faq.csv (12)", "<code>mailbox-size.yaml:4:31: title (en) is empty</code>", "does not answer from yet"}},
		{"ja", []string{"<code>mailbox-size.yaml</code>", "例文 (ja) が 1 件です", "ボットはまだ回答に使いません"}},
	}
	for _, tt := range tests {
		r := do(t, c, "GET", f.srv.URL+"/intents/drafts", nil, "Accept-Language", tt.lang)
		if r.status != http.StatusOK {
			t.Fatalf("%s: got status %d, want 200", tt.lang, r.status)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("%s: drafts page lacks %q:\n%s", tt.lang, w, r.body)
			}
		}
	}
	// The draft is not an intent: its page does not exist.
	if r := do(t, c, "GET", f.srv.URL+"/intents/mailbox-size", nil, "Accept-Language", "en"); r.status != http.StatusNotFound {
		t.Errorf("a draft's intent page: got %d, want 404", r.status)
	}
}
