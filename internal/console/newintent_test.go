package console

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestNewIntentTitleLimits checks titles as lint and the browser's
// maxlength count them, in UTF-16 units: an emoji is two.
func TestNewIntentTitleLimits(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	tests := []struct {
		name, titleJA, titleEN string
		status                 int
		problem                string
	}{
		{"50 characters", strings.Repeat("図", 50), strings.Repeat("a", 50), http.StatusOK, ""},
		{"51 in Japanese", strings.Repeat("図", 51), "Library", http.StatusUnprocessableEntity, "library-hours.yaml:3:3: title (ja) is 51 characters long"},
		{"51 in English", "図書館", strings.Repeat("a", 51), http.StatusUnprocessableEntity, "library-hours.yaml:3:3: title (en) is 51 characters long"},
		{"25 emoji", strings.Repeat("📚", 25), "Library", http.StatusOK, ""},
		{"26 emoji", strings.Repeat("📚", 26), "Library", http.StatusUnprocessableEntity, "title (ja) is 52 characters long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := newIntentForm{T: tr{"en"}, ID: "library-hours", TitleJA: tt.titleJA, TitleEN: tt.titleEN,
				ExamplesJA: "図書館は何時まで", ExamplesEN: "library hours", AnswerJA: "サイトをご覧ください。", AnswerEN: "See the site."}
			status, _ := f.console.check(&form)
			got := strings.Join(form.Problems, "\n")
			if status != tt.status || !strings.Contains(got, tt.problem) {
				t.Errorf("got %d %q, want %d with %q", status, got, tt.status, tt.problem)
			}
		})
	}
}

// TestNewIntentRefusalKeepsTyping: a refused form comes back at once, as
// typed, with the reason in the page's language and the limits in the
// form; nothing is written or started.
func TestNewIntentRefusalKeepsTyping(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	long := strings.Repeat("とても長い題名", 8) // 56 characters
	form := url.Values{"id": {"library-hours"}, "title_ja": {long}, "title_en": {"Library <hours>"}, "days": {"7"},
		"examples_ja": {"図書館は何時まで開いていますか\n図書館の開館時間を教えて"}, "examples_en": {"when is the library open"},
		"answer_ja": {"開館時間は図書館のサイトをご覧ください。"}, "answer_en": {"See the library's site & its hours."}}
	before := dirSum(t, f.dir)
	tests := []struct {
		lang, reason string
	}{
		{"en", "title (ja) is 56 characters long; at most 50 fit"},
		{"ja", "title (ja) が 56 文字あります。ボタンやカードに収まるのは 50 文字までです"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			r := do(t, c, "POST", f.srv.URL+"/review/new", form, "Accept-Language", tt.lang)
			if r.status != http.StatusUnprocessableEntity || r.header.Get("Location") != "" {
				t.Fatalf("got %d to %q, want 422 at once (no change in the background)", r.status, r.header.Get("Location"))
			}
			body := html.UnescapeString(r.body)
			for _, want := range []string{tt.reason, `value="` + long + `"`, `value="Library <hours>"`, `value="7"`,
				">図書館は何時まで開いていますか\n図書館の開館時間を教えて</textarea>", ">See the library's site & its hours.</textarea>",
				`name="title_ja" value="` + long + `" required maxlength="50"`, `maxlength="5000"`} {
				if !strings.Contains(body, want) {
					t.Errorf("the refused form lacks %q:\n%s", want, r.body)
				}
			}
			if strings.Contains(r.body, `href="/review">`) {
				t.Error("the refusal offers a link away from what was typed")
			}
		})
	}
	if dirSum(t, f.dir) != before {
		t.Error("a refused form changed the intents")
	}
}
