package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// hostileReturns are pages to return to as an attacker writes them, with
// where the console must send the browser instead. Every one that leaves
// the site in a browser (backslashes read as slashes, tabs and newlines
// dropped, leading spaces stripped, encoded forms) comes back as "/".
var hostileReturns = []struct{ name, in, want string }{
	{"issue: dot then backslash", `/./\host/x`, "/"},
	{"issue: login next", `/./\host`, "/"},
	{"backslash", `/\host`, "/"},
	{"two backslashes", `\\host`, "/"},
	{"slash backslash slash", `/\/host`, "/"},
	{"protocol-relative", "//host/x", "/"},
	{"three slashes", "///host", "/"},
	{"absolute", "https://host/x", "/"},
	{"scheme without slashes", "https:host", "/"},
	{"javascript", "javascript:alert(1)", "/"},
	{"tab between slashes", "/\t/host", "/"},
	{"newline between slashes", "/\n/host", "/"},
	{"carriage return", "/\r/host", "/"},
	{"leading space", " //host", "/"},
	{"NUL", "/review\x00", "/"},
	{"DEL", "/\x7f/host", "/"},
	{"encoded slashes", "/%2F%2Fhost", "/"},
	{"encoded backslashes", "/%5C%5Chost", "/"},
	{"encoded tab", "/%09/host", "/"},
	{"dot encoded slash", "/.%2F%2Fhost", "/"},
	{"dot-dot to the root", "/review/../../\\host", "/"},
	{"user info", "/@host", "/"},
	{"full-width solidus", "/／host", "/"},
	{"empty", "", "/"},
	{"relative", "review", "/"},
	{"not a console page", "/etc/passwd", "/"},
	// The console's own pages survive, cleaned as a browser would.
	{"a page", "/review", "/review"},
	{"a page with a query", "/try?q=a b", "/try?q=a+b"},
	{"a query that names a host", "/review?next=//host", "/review?next=%2F%2Fhost"},
	{"an intent", "/intents/forward-change", "/intents/forward-change"},
	{"dot-dot within the console", "/intents/../review", "/review"},
	{"backslash within the console", `/intents\forward-change`, "/intents/forward-change"},
	{"fragment dropped", "/review#top", "/review"},
	{"the stylesheet", "/static/style.css", "/static/style.css"},
	{"the overview", "/", "/"},
}

func TestLocalPath(t *testing.T) {
	f := newFixture(t, nil)
	for _, tc := range hostileReturns {
		t.Run(tc.name, func(t *testing.T) {
			if got := f.console.localPath(tc.in); got != tc.want {
				t.Errorf("localPath(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestRedirectsStayOnTheConsole sends the hostile returns through the two
// redirects that take one: the language switch and the password sign-in.
func TestRedirectsStayOnTheConsole(t *testing.T) {
	// Sign-ins are limited per minute; the clock moves a minute between
	// attempts so that every case signs in.
	var mu sync.Mutex
	now := time.Now()
	f := newFixture(t, func(o *Options, _ string) {
		o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	c := client(t)
	for _, tc := range hostileReturns {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, c, "GET", f.srv.URL+"/lang?to=en&back="+url.QueryEscape(tc.in), nil)
			if got := r.header.Get("Location"); r.status != 303 || got != tc.want {
				t.Errorf("GET /lang?back=%q: %d to %q, want 303 to %q", tc.in, r.status, got, tc.want)
			}
			mu.Lock()
			now = now.Add(time.Minute)
			mu.Unlock()
			r = do(t, client(t), "POST", f.srv.URL+"/login", url.Values{"password": {testPassword}, "next": {tc.in}})
			if got := r.header.Get("Location"); r.status != 303 || got != tc.want {
				t.Errorf("POST /login next=%q: %d to %q, want 303 to %q", tc.in, r.status, got, tc.want)
			}
		})
	}
	// The request, byte for byte.
	r := do(t, c, "GET", f.srv.URL+"/lang?to=en&back=/./%5Chost/x", nil)
	if got := r.header.Get("Location"); got != "/" {
		t.Errorf("GET /lang?to=en&back=/./%%5Chost/x: to %q, want /", got)
	}
}

// TestBrowserRedirectsStayOnConsole has a real Chromium follow the
// language switch's redirect with the hostile returns, pointed at
// a second server on loopback: the browser stays on the console, and the
// other server is never asked.
func TestBrowserRedirectsStayOnConsole(t *testing.T) {
	exe := browser(t)
	var hits atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer elsewhere.Close()
	host := strings.TrimPrefix(elsewhere.URL, "http://")
	f := newFixture(t, nil)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for _, back := range []string{
		"/./%5C" + host + "/x", // the issue's, as it was sent
		url.QueryEscape(`/\` + host + "/x"),
		url.QueryEscape("/\t/" + host + "/x"),
		url.QueryEscape("//" + host + "/x"),
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/lang?to=en&back="+back)); err != nil {
			t.Fatalf("back=%s: %v", back, err)
		}
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(loc, f.srv.URL+"/") {
			t.Errorf("back=%s: the browser is at %s, want the console (%s)", back, loc, f.srv.URL)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the other server was asked %d times, want never", n)
	}
}
