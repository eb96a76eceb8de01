package console

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

// englishUI are words of the console's own English: on a Japanese page
// any of them is a sentence, label or value left untranslated.
var englishUI = regexp.MustCompile(`(?i)\b(answer(ed|s)?|escalat(e|ed|ion)|clarif(y|ied)|ask(ed)? back|leave-one-out|accuracy|examples?|intents?|lint|added|created|helpful|feedback|overview|review|period|days|show|questions?|sign (in|out)|error|back|download|status|open(ed)?|closed|platform|decision|reply|score|candidates|handoffs?|audit|read-only|refused|reloaded?|the|is|are|was|not|must|no|of|to|and|with|from)\b`)

// pageText is what a reader sees and hears of a page in its own language:
// the text and the title/aria-label/placeholder attributes, leaving out
// what is in another language by its lang attribute, code (file names,
// fields and payloads quoted as they are written) and what is marked
// translate="no" (the Try page's previews show a reply exactly as LINE
// and Slack would: their words are the renderers', not the console's).
func pageText(page string) string {
	tag := regexp.MustCompile(`(?s)<(/?)([a-zA-Z0-9]+)([^>]*)>|<!--.*?-->|<!doctype[^>]*>`)
	attr := regexp.MustCompile(`\b(title|aria-label|placeholder|data-label)="([^"]*)"`)
	void := map[string]bool{"br": true, "input": true, "meta": true, "link": true, "hr": true, "img": true}
	type open struct {
		name string
		skip bool
	}
	var stack []open
	skipping := func() bool { return len(stack) > 0 && stack[len(stack)-1].skip }
	var out strings.Builder
	last := 0
	for _, m := range tag.FindAllStringSubmatchIndex(page, -1) {
		if !skipping() {
			out.WriteString(page[last:m[0]] + " ")
		}
		last = m[1]
		if m[4] < 0 {
			continue // a comment or the doctype
		}
		closing, name, attrs := page[m[2]:m[3]] == "/", strings.ToLower(page[m[4]:m[5]]), page[m[6]:m[7]]
		switch {
		case closing:
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].name == name {
					stack = stack[:i]
					break
				}
			}
		case void[name]:
		default:
			skip := skipping() || name == "code" || name == "pre" || name == "style" || strings.Contains(attrs, `translate="no"`) ||
				(strings.Contains(attrs, `lang="`) && !strings.Contains(attrs, `lang="ja"`))
			stack = append(stack, open{name, skip})
		}
		if !skipping() && !closing {
			for _, a := range attr.FindAllStringSubmatch(attrs, -1) {
				out.WriteString(" " + a[2] + " ")
			}
		}
	}
	if !skipping() {
		out.WriteString(page[last:])
	}
	return out.String()
}

func TestPageText(t *testing.T) {
	t.Parallel()
	tests := []struct{ page, want string }{
		{`<p>回答 <code>forward-change.yaml</code></p>`, "回答"},
		{`<td lang="en">inbox is full</td><td lang="ja">容量</td>`, "容量"},
		{`<div lang="en"><p>nested <b>English</b></p></div><p title="題名">本文<br>続き</p>`, "題名 本文 続き"},
		{`<th data-label="日時">x</th>`, "日時 x"},
		{`<div translate="no">intent forward-change</div>返答`, "返答"},
	}
	for _, tt := range tests {
		if got := strings.Join(strings.Fields(pageText(tt.page)), " "); got != tt.want {
			t.Errorf("pageText(%q): got %q, want %q", tt.page, got, tt.want)
		}
	}
}

// openHandoffs is one open conversation, for the Handoffs page.
type openHandoffs struct{}

func (openHandoffs) Open(context.Context) ([]handoff.View, error) {
	return []handoff.View{{ID: "h1", Handle: "#1", Platform: "line", Status: handoff.StatusOpen, Taker: "slack:U-STAFF", Opened: time.Now()}}, nil
}

// TestJapanesePagesInJapanese walks every page of the console in Japanese,
// after a change, a refused change and a refused reload, and fails on the
// console's English words.
func TestJapanesePagesInJapanese(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options, _ string) { o.Handoffs = openHandoffs{} })
	ja := []string{"Accept-Language", "ja"}
	c := f.signIn(t)
	const asked = "メールの転送先を変更してログインしたい"

	pages := map[string]response{}
	get := func(path string) {
		pages["GET "+path] = do(t, c, "GET", f.srv.URL+path, nil, ja...)
	}
	for _, p := range []string{"/", "/?days=7", "/review", "/try", "/try?q=" + url.QueryEscape("転送先を変更したい"),
		"/try?q=" + url.QueryEscape("I forgot my password"), "/try?q=" + url.QueryEscape("天気は？"),
		"/intents", "/intents/forward-change", "/intents/mailbox-quota", "/intents/nope", "/handoffs", "/download/x", "/jobs/x", "/?days=365"} {
		get(p)
	}
	pages["apply"] = submit(t, c, f.srv.URL, "/review/apply", picks(t, f, "forward-change", asked), ja...)
	pages["new intent"] = submit(t, c, f.srv.URL, "/review/new", url.Values{"id": {"library-hours"}, "title_ja": {"図書館の開館時間"},
		"title_en": {"Library opening hours"}, "answer_ja": {"図書館のページをご覧ください。"}, "answer_en": {"See the library's page."},
		"examples_ja": {"図書館は何時まで開いていますか\n図書館の開館時間を教えて"}, "examples_en": {"When does the library open?"}}, ja...)
	pages["refused new intent"] = do(t, c, "POST", f.srv.URL+"/review/new", url.Values{"id": {"library-news"}, "title_ja": {strings.Repeat("図書館", 20)},
		"title_en": {"Library news"}, "answer_ja": {"<b>図書館</b>"}, "answer_en": {"See the library's page."}, "examples_ja": {"図書館のお知らせ"}}, ja...)
	get("/audit")
	get("/intents/library-hours")
	pages["signed out"] = do(t, client(t), "GET", f.srv.URL+"/login", nil, ja...)
	// A hand edit that breaks a file: the reload is refused, and the
	// Intents page says why.
	if err := os.WriteFile(filepath.Join(f.dir, "mailbox-quota.yaml"), []byte("id: mailbox-quota\ntitle: {ja: 容量}\nanwser: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st := f.console.o.Reloader.Reload(); st.OK {
		t.Fatal("the broken file was accepted")
	}
	get("/intents")

	for name, r := range pages {
		if r.status >= 500 {
			t.Errorf("%s: status %d", name, r.status)
		}
		if !strings.Contains(r.body, `<html lang="ja">`) {
			t.Errorf("%s: not a Japanese page:\n%s", name, r.body)
			continue
		}
		// The record's questions are the users' words, in their language.
		text := pageText(r.body)
		for _, s := range seedSteps {
			if s.Text != "" {
				text = strings.ReplaceAll(text, s.Text, "")
			}
		}
		if m := englishUI.FindAllString(text, -1); len(m) > 0 {
			t.Errorf("%s: English on the Japanese page: %q in\n%s", name, m, strings.Join(strings.Fields(text), " "))
		}
	}
	for _, name := range []string{"apply", "new intent"} {
		if !strings.Contains(pages[name].body, `id="reloaded"`) {
			t.Errorf("%s: the change was not made:\n%s", name, pages[name].body)
		}
	}
	for _, want := range []string{"<strong>例文を追加</strong> 例文を 1 件追加: “転送先の変更” ← 「" + asked + "」", "<strong>インテントを作成</strong> インテント「図書館の開館時間」（library-hours）を作成（例文 3 件）"} {
		if !strings.Contains(pages["GET /audit"].body, want) {
			t.Errorf("the audit page lacks %q:\n%s", want, pages["GET /audit"].body)
		}
	}
	// The refused reload's problems are in Japanese.
	if body := pages["GET /intents"].body; !strings.Contains(body, `mailbox-quota.yaml:3:1: &#34;anwser&#34; という項目はありません`) {
		t.Errorf("the refused reload's problems are not in Japanese:\n%s", body)
	}
}
