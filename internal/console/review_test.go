package console

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// TestReviewPages: a page shows perPage groups, every question of each
// with an unticked checkbox, and one intent list; the pages between them
// show every group once.
func TestReviewPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	f.console.perPage = 1
	c := f.signIn(t)
	seen := map[string]int{}
	pages := 0
	for p := 1; p <= 10; p++ {
		r := do(t, c, "GET", f.srv.URL+"/review?page="+strconv.Itoa(p), nil, "Accept-Language", "en")
		if r.status != http.StatusOK {
			t.Fatalf("page %d: %d", p, r.status)
		}
		if got := strings.Count(r.body, `<section class="cluster"`); got != 1 {
			t.Errorf("page %d: %d groups, want 1", p, got)
		}
		if strings.Contains(r.body, "checked") {
			t.Errorf("page %d: something is ticked for the admin", p)
		}
		if got := strings.Count(r.body, "<datalist") + strings.Count(r.body, `<select id="intent`); got != 1 {
			t.Errorf("page %d: %d intent lists, want 1", p, got)
		}
		for _, key := range between(r.body, `name="pick" value="`, `"`) {
			seen[key]++
		}
		if !strings.Contains(r.body, `rel="next"`) {
			pages = p
			break
		}
	}
	if pages != 3 {
		t.Errorf("%d pages, want 3 (the seed's groups other than the questions not ours)", pages)
	}
	if len(seen) != 6 {
		t.Errorf("%d questions to tick over the pages, want the 6 in groups", len(seen))
	}
	for key, n := range seen {
		if n != 1 {
			t.Errorf("question %s on %d pages", key, n)
		}
	}
	// A page past the end shows the last.
	if r := do(t, c, "GET", f.srv.URL+"/review?page=99", nil); !strings.Contains(r.body, `<span id="page">3 / 3</span>`) {
		t.Error("page 99 does not show the last page")
	}
}

// between returns every substring of s between from and to.
func between(s, from, to string) []string {
	var out []string
	for {
		i := strings.Index(s, from)
		if i < 0 {
			return out
		}
		s = s[i+len(from):]
		j := strings.Index(s, to)
		if j < 0 {
			return out
		}
		out = append(out, s[:j])
		s = s[j:]
	}
}

// TestReviewDismiss: dismissed questions leave the review, and the audit
// log says who dismissed how many.
func TestReviewDismiss(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	const asked = "inbox is full"
	form := picks(t, f, "", asked)
	form.Set("days", "30")
	if r := do(t, c, "POST", f.srv.URL+"/review/dismiss", form); r.status != http.StatusSeeOther {
		t.Fatalf("dismiss: %d\n%s", r.status, r.body)
	}
	if r := do(t, c, "GET", f.srv.URL+"/review", nil); strings.Contains(r.body, `value="`+asked+`"`) || !strings.Contains(r.body, "my inbox is full") {
		t.Error("after dismissing, the question is still in the review (or its group went with it)")
	}
	log, err := f.db.AuditLog(context.Background(), 10)
	if err != nil || len(log) != 1 || log[0].Action != "review.dismiss" || log[0].Who != "admin" {
		t.Errorf("audit log %+v (%v), want one dismissal by admin", log, err)
	}
}

// TestReviewCheckThenApply: checking shows the effect and writes
// nothing; a change that would answer rightly escalated questions is
// refused unless the admin overrides it, and the override is audited.
func TestReviewCheckThenApply(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	testkit.AddLibrary(t, f.dir)
	if st := f.console.o.Reloader.Reload(); !st.OK {
		t.Fatalf("reload: %+v", st)
	}
	c := f.signIn(t)
	before := dirSum(t, f.dir)
	form := picks(t, f, "mailbox-quota", "図書館は何時まで開いていますか", "図書館の開館時間を教えて")
	form.Set("days", "30")
	r := submit(t, c, f.srv.URL, "/review/check", form, "Accept-Language", "en")
	if r.status != http.StatusOK || !strings.Contains(r.body, "Effect of the change") || !strings.Contains(r.body, `id="refusals"`) || !strings.Contains(r.body, "rightly escalated") {
		t.Fatalf("check: %d, want the effect with the refusal\n%s", r.status, r.body)
	}
	if !strings.Contains(r.body, "escalate</td><td>") || !strings.Contains(r.body, `id="override"`) {
		t.Errorf("check: no before → after line or no override box\n%s", r.body)
	}
	if dirSum(t, f.dir) != before {
		t.Fatal("checking wrote the intents")
	}
	if r := submit(t, c, f.srv.URL, "/review/apply", form, "Accept-Language", "en"); r.status != http.StatusConflict || !strings.Contains(r.body, "worse") {
		t.Errorf("apply without override: %d, want 409 saying it is worse\n%s", r.status, r.body)
	}
	if dirSum(t, f.dir) != before {
		t.Fatal("a refused change was written")
	}
	form.Set("override", "1")
	if r := submit(t, c, f.srv.URL, "/review/apply", form, "Accept-Language", "en"); r.status != http.StatusOK || !strings.Contains(r.body, `id="reloaded"`) {
		t.Fatalf("apply with override: %d\n%s", r.status, r.body)
	}
	log, err := f.db.AuditLog(context.Background(), 10)
	if err != nil || len(log) != 1 || !strings.Contains(log[0].Detail, "overriding") || !strings.Contains(log[0].Detail, "「図書館は何時まで開いていますか」") {
		t.Errorf("audit log %+v (%v), want the override and the questions", log, err)
	}
	// Forget-me takes the user's question out of the audit text.
	if _, err := f.db.Forget(context.Background(), userKey(t, f, "図書館は何時まで開いていますか")); err != nil {
		t.Fatal(err)
	}
	if log, _ := f.db.AuditLog(context.Background(), 10); len(log) != 1 || strings.Contains(log[0].Detail, "図書館は何時まで開いていますか") {
		t.Errorf("after forget, the audit log still has the question: %+v", log)
	}
}

// userKey is the recorded user key of the question with text.
func userKey(t *testing.T, f *fixture, text string) string {
	t.Helper()
	es, err := f.db.Entries(context.Background(), f.console.o.Now().AddDate(0, 0, -30))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Text == text {
			return e.User
		}
	}
	t.Fatalf("no question %q recorded", text)
	return ""
}

// TestNewIntentKustomization: a new intent joins the Kustomization beside
// the intents, so that lint --kustomize passes.
func TestNewIntentKustomization(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	var list strings.Builder
	list.WriteString("kind: Kustomization\nconfigMapGenerator:\n  - name: madoguchi-intents\n    files:\n")
	names, _ := filepath.Glob(filepath.Join(f.dir, "*.yaml"))
	for _, n := range names {
		list.WriteString("      - " + filepath.Base(n) + "\n")
	}
	if err := os.WriteFile(filepath.Join(f.dir, catalogue.KustomizationFile), []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if ps := catalogue.KustomizationProblems(f.dir); len(ps) != 0 {
		t.Fatalf("before: %v", ps)
	}
	c := f.signIn(t)
	form := url.Values{"id": {"library-hours"}, "title_ja": {"図書館の開館時間"}, "title_en": {"Library hours"},
		"examples_ja": {"図書館は何時まで開いていますか"}, "examples_en": {"when is the library open"},
		"answer_ja": {"図書館のサイトをご覧ください。"}, "answer_en": {"See the library's site."}}
	if r := submit(t, c, f.srv.URL, "/review/new", form, "Accept-Language", "en"); r.status != http.StatusOK || !strings.Contains(r.body, "Kustomization") {
		t.Fatalf("new intent: %d, want the Kustomization among the files\n%s", r.status, r.body)
	}
	if ps := catalogue.KustomizationProblems(f.dir); len(ps) != 0 {
		t.Errorf("after: lint --kustomize: %v", ps)
	}
}
