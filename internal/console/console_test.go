package console

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/review"
)

// client is a browser without redirects followed, so tests see them.
func client(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 5 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request; form, when set, is POSTed as a same-origin form.
func do(t testing.TB, c *http.Client, method, u string, form url.Values, header ...string) response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}
}

// submit posts a form as the console's own pages do and, when the change
// runs in the background, follows its page until it is done.
func submit(t testing.TB, c *http.Client, base, path string, form url.Values, header ...string) response {
	t.Helper()
	r := do(t, c, "POST", base+path, form, header...)
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/jobs/") {
		return r
	}
	for range 3000 {
		r = do(t, c, "GET", base+loc, nil, header...)
		if !strings.Contains(r.body, `id="working"`) {
			return r
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the change at %s never finished", loc)
	return r
}

func (f *fixture) signIn(t testing.TB) *http.Client {
	t.Helper()
	c := client(t)
	r := do(t, c, "POST", f.srv.URL+"/login", url.Values{"password": {testPassword}, "next": {"/review"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/review" {
		t.Fatalf("sign in: %d %s, want 303 to /review\n%s", r.status, r.header.Get("Location"), r.body)
	}
	return c
}

// dirSum is a digest of every file in the intents directory, to show
// that nothing was written.
func dirSum(t testing.TB, dir string) string {
	t.Helper()
	h := sha256.New()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %x\n", filepath.Base(f), sha256.Sum256(data))
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestSignInRequired(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := client(t)
	for _, path := range []string{"/", "/review", "/try?q=x", "/intents", "/intents/forward-change", "/handoffs", "/audit", "/download/x", "/jobs/x"} {
		r := do(t, c, "GET", f.srv.URL+path, nil)
		if want := "/login?next=" + url.QueryEscape(path); r.status != http.StatusSeeOther || r.header.Get("Location") != want {
			t.Errorf("GET %s: %d to %q, want 303 to %q", path, r.status, r.header.Get("Location"), want)
		}
	}
	for _, path := range []string{"/review/apply", "/review/new"} {
		if r := do(t, c, "POST", f.srv.URL+path, url.Values{"intent": {"forward-change"}}); r.status != http.StatusUnauthorized {
			t.Errorf("POST %s: %d, want 401", path, r.status)
		}
	}
	if r := do(t, c, "GET", f.srv.URL+"/login", nil); r.status != http.StatusOK || !strings.Contains(r.body, `name="password"`) {
		t.Errorf("GET /login: %d, want 200 with the password form", r.status)
	}
	if r := do(t, c, "GET", f.srv.URL+"/static/style.css", nil); r.status != http.StatusOK {
		t.Errorf("GET /static/style.css: %d, want 200", r.status)
	}
}

func TestPasswordSignIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := client(t)
	tests := []struct {
		name     string
		password string
		status   int
		want     string
	}{
		{"empty", "", http.StatusBadRequest, "Enter the password."},
		{"wrong", "hunter2", http.StatusUnauthorized, "The password is wrong."},
		{"right", testPassword, http.StatusSeeOther, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, c, "POST", f.srv.URL+"/login", url.Values{"password": {tt.password}, "next": {"https://evil.example/"}})
			if r.status != tt.status || !strings.Contains(r.body, tt.want) {
				t.Errorf("got %d %q, want %d with %q", r.status, r.body, tt.status, tt.want)
			}
			if r.status == http.StatusSeeOther && r.header.Get("Location") != "/" {
				t.Errorf("redirected to %q, want / (never off the site)", r.header.Get("Location"))
			}
		})
	}
	ck := sessionCookieOf(t, c, f.srv.URL)
	if ck == nil {
		t.Fatal("no session cookie after signing in")
	}
	if r := do(t, c, "GET", f.srv.URL+"/", nil); r.status != http.StatusOK {
		t.Errorf("signed in: GET / %d, want 200", r.status)
	}
	if r := do(t, c, "POST", f.srv.URL+"/logout", url.Values{}); r.status != http.StatusSeeOther {
		t.Errorf("logout: %d, want 303", r.status)
	}
	if r := do(t, c, "GET", f.srv.URL+"/", nil); r.status != http.StatusSeeOther {
		t.Errorf("signed out: GET / %d, want 303 to sign in", r.status)
	}
}

func sessionCookieOf(t testing.TB, c *http.Client, base string) *http.Cookie {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck
		}
	}
	return nil
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url    string
		secure bool
	}{
		{"http://127.0.0.1:8081", false},
		{"http://localhost:8081", false},
		{"http://[::1]:8081", false},
		{"https://console.example.ac.jp", true},
		{"http://console.example.ac.jp", true},
		{"", true},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			f := newFixture(t, func(o *Options, _ string) { o.Auth.URL = tt.url })
			req, _ := http.NewRequest("POST", f.srv.URL+"/login", strings.NewReader(url.Values{"password": {testPassword}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var ck *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == sessionCookie {
					ck = c
				}
			}
			if ck == nil {
				t.Fatal("no session cookie")
			}
			if ck.Secure != tt.secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge <= 0 || len(ck.Value) < 40 {
				t.Errorf("cookie %+v: want Secure %v, HttpOnly, SameSite=Lax, an expiry and a long random value", ck, tt.secure)
			}
		})
	}
}

func TestSignInRateLimited(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := client(t)
	for i := range loginsPerMinute {
		if r := do(t, c, "POST", f.srv.URL+"/login", url.Values{"password": {"guess"}}); r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i+1, r.status)
		}
	}
	// Even the right password waits: the limit counts attempts.
	r := do(t, c, "POST", f.srv.URL+"/login", url.Values{"password": {testPassword}})
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Too many sign-in attempts") {
		t.Errorf("attempt %d: %d, want 429 with a clear message", loginsPerMinute+1, r.status)
	}
}

func TestCrossOriginRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	before := dirSum(t, f.dir)
	form := url.Values{"intent": {"forward-change"}, "key": {"x"}, "id": {"new-one"}}
	for _, path := range []string{"/review/apply", "/review/new", "/logout", "/login"} {
		for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
			if r := do(t, c, "POST", f.srv.URL+path, form, h...); r.status != http.StatusForbidden {
				t.Errorf("POST %s with %s: %s: %d, want 403", path, h[0], h[1], r.status)
			}
		}
	}
	if dirSum(t, f.dir) != before {
		t.Error("a refused cross-origin request changed the intents")
	}
	if log, _ := f.db.AuditLog(context.Background(), 10); len(log) != 0 {
		t.Errorf("audit log %+v, want empty", log)
	}
	// Same-origin requests from the console's own pages pass.
	if r := do(t, c, "POST", f.srv.URL+"/review/apply", url.Values{"intent": {"nope"}}, "Sec-Fetch-Site", "same-origin"); r.status != http.StatusBadRequest {
		t.Errorf("same-origin POST: %d, want 400 (it reached the handler)", r.status)
	}
}

// picks is a review form that ticks the questions with these texts, each
// for intent.
func picks(t testing.TB, f *fixture, intent string, texts ...string) url.Values {
	t.Helper()
	es, err := f.db.Entries(context.Background(), time.Now().AddDate(0, 0, -30))
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{}
	clusters := review.Review(f.bot.Index(), es)
	for _, text := range texts {
		found := false
		for _, c := range clusters {
			for _, it := range c.Items {
				if it.Text == text {
					key := it.IDs[0]
					form.Add("pick", key)
					form.Set("text."+key, text)
					form.Set("intent."+key, intent)
					found = true
				}
			}
		}
		if !found {
			t.Fatalf("no question %q in the review", text)
		}
	}
	return form
}

func TestFormsRefuseBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	pick := func(intent string, kv ...string) url.Values {
		f := picks(t, f, intent, "メールの転送先を変更してログインしたい")
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	good := url.Values{"id": {"library-hours"}, "title_ja": {"図書館"}, "title_en": {"Library"}, "examples_ja": {"図書館は何時まで開いていますか"}, "examples_en": {"when does the library open"},
		"answer_ja": {"図書館のサイトをご覧ください。"}, "answer_en": {"See the library's site."}}
	with := func(kv ...string) url.Values {
		f := url.Values{}
		for kk, vv := range good {
			f[kk] = vv
		}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	tests := []struct {
		name   string
		method string
		path   string
		form   url.Values
		status int
		want   string
	}{
		{"apply: unknown intent", "POST", "/review/apply", pick("nope"), 400, "Choose an existing intent."},
		{"apply: bad period", "POST", "/review/apply", pick("forward-change", "days", "365"), 400, "The period must be 7, 30 or 90 days."},
		{"apply: stale question", "POST", "/review/apply", url.Values{"pick": {"0011223344556677"}, "intent.0011223344556677": {"forward-change"}}, 409, "no longer in the review"},
		{"apply: nothing ticked", "POST", "/review/apply", url.Values{"days": {"30"}}, 400, "Tick at least one question."},
		{"check: personal data", "POST", "/review/check", pick("forward-change", "text."+pick("x").Get("pick"), "<name>です。転送先を変更したい"), 400, "personal data"},
		{"apply: personal data", "POST", "/review/apply", pick("forward-change", "text."+pick("x").Get("pick"), "私の名前は山田です。転送先を変更してログインしたい"), 400, "personal data"},
		{"new: personal example", "POST", "/review/new", with("examples_ja", "図書館 <url>"), 400, "personal data"},
		{"new: bad id", "POST", "/review/new", with("id", "../etc/passwd"), 400, "The id must be"},
		{"new: empty id", "POST", "/review/new", with("id", ""), 400, "The id must be"},
		{"new: no answer", "POST", "/review/new", with("answer_en", " "), 400, "Fill in both titles"},
		{"new: no examples", "POST", "/review/new", with("examples_ja", "\n \n", "examples_en", " "), 400, "Fill in both titles"},
		{"new: existing id", "POST", "/review/new", with("id", "forward-change"), 409, "already exists"},
		// An example another intent already has: lint refuses it and
		// says where.
		{"new: lint", "POST", "/review/new", with("examples_ja", "転送先を変更したい"), 422, "library-hours.yaml:"},
		{"new: lint, one language", "POST", "/review/new", with("examples_en", ""), 422, "library-hours.yaml:8:7: examples (en) is empty"},
		{"overview: bad period", "GET", "/?days=12", nil, 400, "The period must be 7, 30 or 90 days."},
		{"review: bad period", "GET", "/review?days=abc", nil, 400, "The period must be 7, 30 or 90 days."},
		{"intents: bad period", "GET", "/intents?days=-1", nil, 400, "The period must be 7, 30 or 90 days."},
		{"try: too long", "GET", "/try?q=" + strings.Repeat("a", maxQuestion+1), nil, 400, "The question is too long"},
		{"intent: unknown", "GET", "/intents/nope", nil, 404, "There is no such page."},
		{"download: unknown", "GET", "/download/nope", nil, 404, "That download has expired."},
		{"lang: bad", "GET", "/lang?to=fr", nil, 400, "to must be ja or en"},
		{"job: unknown", "GET", "/jobs/nope", nil, 404, "There is no such change"},
	}
	before := dirSum(t, f.dir)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r response
			if tt.method == "POST" {
				r = submit(t, c, f.srv.URL, tt.path, tt.form)
			} else {
				r = do(t, c, tt.method, f.srv.URL+tt.path, tt.form)
			}
			if r.status != tt.status || !strings.Contains(r.body, tt.want) {
				t.Errorf("got %d, want %d with %q:\n%s", r.status, tt.status, tt.want, r.body)
			}
		})
	}
	if dirSum(t, f.dir) != before {
		t.Error("a refused form changed the intents")
	}
	if log, _ := f.db.AuditLog(context.Background(), 10); len(log) != 0 {
		t.Errorf("audit log %+v, want empty", log)
	}
}

func TestOverview(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	es, _ := f.db.Entries(context.Background(), time.Now().AddDate(0, 0, -30))
	st := review.Summarize(es, time.Time{})
	r := do(t, c, "GET", f.srv.URL+"/?days=7", nil, "Accept-Language", "en")
	for _, want := range []string{
		fmt.Sprintf(`<dd id="questions">%d</dd>`, st.Questions),
		fmt.Sprintf(`<dd id="answer-rate">%.0f%%</dd>`, 100*st.Rate(st.Answered)),
		fmt.Sprintf(`<dd id="handoffs">%d</dd>`, st.Handoffs),
		`<svg class="chart"`, `<rect class="answered"`, `<rect class="escalated"`,
		`<option value="7" selected>`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("overview lacks %q\n%s", want, r.body)
		}
	}
	if st.Questions != 13 {
		t.Errorf("seeded %d questions, want 13", st.Questions)
	}
	// Japanese from Accept-Language, and the switch link's cookie wins.
	if r := do(t, c, "GET", f.srv.URL+"/", nil, "Accept-Language", "ja,en;q=0.5"); !strings.Contains(r.body, "回答率") || !strings.Contains(r.body, `lang="ja"`) {
		t.Error("Accept-Language ja: the page is not in Japanese")
	}
	if r := do(t, c, "GET", f.srv.URL+"/lang?to=en&back=/review", nil); r.status != http.StatusSeeOther || r.header.Get("Location") != "/review" {
		t.Errorf("lang switch: %d to %q, want 303 to /review", r.status, r.header.Get("Location"))
	}
	if r := do(t, c, "GET", f.srv.URL+"/", nil, "Accept-Language", "ja"); !strings.Contains(r.body, "Answer rate") {
		t.Error("after switching to English, the page is not in English")
	}
}

func TestTry(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	r := do(t, c, "GET", f.srv.URL+"/try?q="+url.QueryEscape("転送先を変更したい"), nil, "Accept-Language", "en")
	for _, want := range []string{`<strong id="decision">answer</strong>`, `href="/intents/forward-change"`, "転送先はOutlookの設定で変更できます。",
		`&#34;type&#34;: &#34;flex&#34;`, `&#34;type&#34;: &#34;section&#34;`, "Normalised"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("try page lacks %q", want)
		}
	}
}

func TestIntents(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	r := do(t, c, "GET", f.srv.URL+"/intents", nil, "Accept-Language", "en")
	for _, want := range []string{`href="/intents/forward-change"`, "Changing the forwarding address", "intents loaded", "<code>forward-change.yaml: 3 examples (ja)"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("intents page lacks %q", want)
		}
	}
	r = do(t, c, "GET", f.srv.URL+"/intents/forgot-password", nil, "Accept-Language", "en")
	if r.status != http.StatusOK || !strings.Contains(r.body, "パスワードを忘れました") {
		t.Errorf("intent page: %d, want its recent question", r.status)
	}
}

// openTickets is a fixed list of open handoffs.
type openTickets []handoff.View

func (o openTickets) Open(context.Context) ([]handoff.View, error) { return o, nil }

func TestHandoffs(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	if r := do(t, c, "GET", f.srv.URL+"/handoffs", nil, "Accept-Language", "en"); !strings.Contains(r.body, "Handoffs are not enabled") {
		t.Error("without handoffs: no 'not enabled'")
	}
	g := newFixture(t, func(o *Options, _ string) {
		o.Handoffs = openTickets{{Handle: "#a1b2", Platform: "line", Status: "taken", Taker: "staff-7", Opened: time.Now()}}
	})
	if r := do(t, g.signIn(t), "GET", g.srv.URL+"/handoffs", nil); !strings.Contains(r.body, "#a1b2") || !strings.Contains(r.body, "staff-7") {
		t.Errorf("with handoffs: the open ticket is not listed:\n%s", r.body)
	}
}

func TestApplyReloadsAndAudits(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	const asked = "メールの転送先を変更してログインしたい"
	if r := f.bot.Ask(asked); r.Decision != match.Clarify {
		t.Fatalf("before: %s, want clarify", r.Decision)
	}
	r := submit(t, c, f.srv.URL, "/review/apply", picks(t, f, "forward-change", asked), "Accept-Language", "en")
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="reloaded"`) || !strings.Contains(r.body, "forward-change.yaml") {
		t.Fatalf("apply: %d\n%s", r.status, r.body)
	}
	if got := f.bot.Ask(asked); got.Decision != match.Answer || got.Intent != "forward-change" {
		t.Errorf("after: %s %q, want answer forward-change", got.Decision, got.Intent)
	}
	data, _ := os.ReadFile(filepath.Join(f.dir, "forward-change.yaml"))
	if !strings.Contains(string(data), asked) {
		t.Error("the intent file lacks the added example")
	}
	log, err := f.db.AuditLog(context.Background(), 10)
	if err != nil || len(log) != 1 || log[0].Who != "admin" || log[0].Action != "review.add-examples" || !strings.Contains(log[0].Detail, "forward-change") {
		t.Errorf("audit log %+v (%v), want one add-examples by admin", log, err)
	}
	want := "<strong>Examples added</strong> 1 examples added: “Changing the forwarding address” ← 「" + asked + "」"
	if r := do(t, c, "GET", f.srv.URL+"/audit", nil, "Accept-Language", "en"); !strings.Contains(r.body, want) {
		t.Errorf("the audit page does not show the change as %q", want)
	}
}

func TestNewIntent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	form := url.Values{"id": {"library-hours"}, "title_ja": {"図書館の開館時間"}, "title_en": {"Library hours"},
		"examples_ja": {"図書館は何時まで開いていますか\n図書館の開館時間を教えて"}, "examples_en": {"when is the library open"},
		"answer_ja": {"開館時間は図書館のサイトをご覧ください。"}, "answer_en": {"See the library's site for its hours."}}
	r := submit(t, c, f.srv.URL, "/review/new", form, "Accept-Language", "en")
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="reloaded"`) {
		t.Fatalf("new intent: %d\n%s", r.status, r.body)
	}
	if _, err := catalogue.Load(f.dir); err != nil {
		t.Fatalf("the written catalogue does not load: %v", err)
	}
	if got := f.bot.Ask("図書館は何時まで開いていますか"); got.Intent != "library-hours" {
		t.Errorf("after: %s %q, want library-hours", got.Decision, got.Intent)
	}
}

func TestReadOnlyCatalogueOffersDownload(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	// A ConfigMap volume refuses writes even to root, a chmod does not:
	// check the real test for the current user, then see it read-only.
	if got, want := writable(f.dir), true; got != want {
		t.Fatalf("writable(a temporary directory) = %v, want %v", got, want)
	}
	f.console.writable = func(string) bool { return false }
	before := dirSum(t, f.dir)
	const asked = "メールの転送先を変更してログインしたい"
	r := submit(t, c, f.srv.URL, "/review/apply", picks(t, f, "forward-change", asked), "Accept-Language", "en")
	if r.status != http.StatusOK || !strings.Contains(r.body, "read-only") {
		t.Fatalf("apply: %d\n%s", r.status, r.body)
	}
	if dirSum(t, f.dir) != before {
		t.Error("a read-only catalogue was written")
	}
	i := strings.Index(r.body, `href="/download/`)
	if i < 0 {
		t.Fatal("no download link")
	}
	link := r.body[i+len(`href="`):]
	link = link[:strings.Index(link, `"`)]
	d := do(t, c, "GET", f.srv.URL+link, nil)
	if d.status != http.StatusOK || !strings.Contains(d.body, asked) || !strings.Contains(d.header.Get("Content-Disposition"), "forward-change.yaml") {
		t.Errorf("download: %d %q, want forward-change.yaml with the example", d.status, d.header.Get("Content-Disposition"))
	}
}

func TestChangesRefusedWithoutAudit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options, _ string) { o.Audit = nil })
	c := f.signIn(t)
	before := dirSum(t, f.dir)
	form := picks(t, f, "forward-change", "メールの転送先を変更してログインしたい")
	if r := do(t, c, "POST", f.srv.URL+"/review/apply", form); r.status != http.StatusForbidden || !strings.Contains(r.body, "audit log") {
		t.Errorf("apply without an audit log: %d, want 403 saying why", r.status)
	}
	if dirSum(t, f.dir) != before {
		t.Error("an unaudited change was written")
	}
}

func TestNewRefusesBadAuth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		auth Auth
		want string
	}{
		{"none", Auth{}, "no way to sign in"},
		{"bad hash", Auth{PasswordHash: "plain"}, "not a bcrypt hash"},
		{"no team", Auth{ClientID: "id", ClientSecret: "s", URL: "https://c.example"}, "MADOGUCHI_CONSOLE_TEAM"},
		{"no secret", Auth{ClientID: "id", Team: "T1", URL: "https://c.example"}, "SLACK_CLIENT_SECRET"},
		{"no url", Auth{ClientID: "id", ClientSecret: "s", Team: "T1"}, "MADOGUCHI_CONSOLE_URL"},
		{"bad url", Auth{PasswordHash: "$2a$04$abcdefghijklmnopqrstuuJ7Nq0qSx3QOJyQ3yVQ8W8zQmO7BVAWa", URL: "ftp://x"}, "not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(Options{Bot: newFixture(t, nil).bot, IntentsDir: "x", Auth: tt.auth})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}

// TestConcurrentChanges: two admins applying at once both get their
// change; neither overwrites the other's.
func TestConcurrentChanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	apply := picks(t, f, "forward-change", "メールの転送先を変更してログインしたい")
	forms := []struct {
		path string
		form url.Values
	}{
		{"/review/apply", apply},
		{"/review/new", url.Values{"id": {"library-hours"}, "title_ja": {"図書館"}, "title_en": {"Library"},
			"examples_ja": {"図書館は何時まで開いていますか"}, "examples_en": {"when does the library open"}, "answer_ja": {"図書館のサイトをご覧ください。"}, "answer_en": {"See the library's site."}}},
	}
	// Both are accepted at once and run in the background together.
	var jobs []string
	for _, fm := range forms {
		r := do(t, c, "POST", f.srv.URL+fm.path, fm.form)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/jobs/") {
			t.Fatalf("POST %s: %d %q, want 303 to its job", fm.path, r.status, r.header.Get("Location"))
		}
		jobs = append(jobs, r.header.Get("Location"))
	}
	for _, j := range jobs {
		var r response
		for range 3000 {
			if r = do(t, c, "GET", f.srv.URL+j, nil); !strings.Contains(r.body, `id="working"`) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="reloaded"`) {
			t.Errorf("a concurrent change: %d\n%s", r.status, r.body)
		}
	}
	cat, err := catalogue.Load(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	if cat.Intent("library-hours") == nil || !slices.Contains(cat.Intent("forward-change").Examples.JA, "メールの転送先を変更してログインしたい") {
		t.Error("one of two concurrent changes was lost")
	}
	if log, _ := f.db.AuditLog(context.Background(), 10); len(log) != 2 {
		t.Errorf("%d audit entries, want 2", len(log))
	}
}

// TestRecordOff: with the record off, the pages say so rather than fail.
func TestRecordOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options, _ string) { o.Entries, o.Audit = nil, nil })
	c := f.signIn(t)
	for _, path := range []string{"/", "/review", "/intents", "/intents/forward-change", "/audit"} {
		r := do(t, c, "GET", f.srv.URL+path, nil, "Accept-Language", "en")
		if r.status != http.StatusOK || !strings.Contains(r.body, "The record of questions is off") {
			t.Errorf("GET %s with the record off: %d, want 200 saying the record is off", path, r.status)
		}
	}
}

// brokenRecord is a record whose database is down.
type brokenRecord struct{}

func (brokenRecord) Entries(context.Context, time.Time) ([]record.Entry, error) {
	return nil, errors.New("connection refused")
}

// TestRecordUnreadable: a database that is down gets a clear sentence,
// not a stack trace or a blank page.
func TestRecordUnreadable(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options, _ string) { o.Entries = brokenRecord{} })
	c := f.signIn(t)
	for _, path := range []string{"/", "/review", "/intents"} {
		r := do(t, c, "GET", f.srv.URL+path, nil, "Accept-Language", "en")
		if r.status != http.StatusInternalServerError || !strings.Contains(r.body, "could not be read") || strings.Contains(r.body, "connection refused") {
			t.Errorf("GET %s with the database down: %d, want 500 with a clear sentence and no details", path, r.status)
		}
	}
}
