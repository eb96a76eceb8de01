package console

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var updateScreenshots = flag.Bool("update-screenshots", os.Getenv("MADOGUCHI_UPDATE_SCREENSHOTS") != "", "write the console's screenshots to testdata/screenshots")

// browser returns the path of a Chromium, or skips the test (fails it
// when MADOGUCHI_REQUIRE_BROWSER is set, as in CI).
func browser(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("MADOGUCHI_REQUIRE_BROWSER") != "" {
		t.Fatal("MADOGUCHI_REQUIRE_BROWSER is set but no Chromium is installed (apt-get install chromium)")
	}
	t.Skip("no Chromium installed: skipping the browser test (apt-get install chromium to run it)")
	return ""
}

// TestBrowser drives a real headless Chromium through the console: Sign in
// with Slack against a fake OpenID provider, the overview's seeded
// figures, applying a review suggestion, the reload, and the question
// now answered on the Try page.
func TestBrowser(t *testing.T) {
	exe := browser(t)
	p := newFakeOIDC(t, "client-id", "T-OFFICE", "U-ADMIN")
	f := newFixture(t, func(o *Options, u string) {
		// Both ways to sign in, as the login page's screenshot shows.
		o.Auth = Auth{PasswordHash: o.Auth.PasswordHash, Issuer: p.srv.URL, ClientID: "client-id", ClientSecret: "client-secret", Team: "T-OFFICE", URL: u}
	})
	const asked = "メールの転送先を変更してログインしたい"
	key := picks(t, f, "forward-change", asked).Get("pick")

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 900), chromedp.Flag("lang", "en-US"))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if !*updateScreenshots {
				return nil
			}
			png, err := chromedp.CaptureScreenshot()(ctx, tg)
			if err != nil {
				return err
			}
			if err := os.MkdirAll("testdata/screenshots", 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join("testdata/screenshots", name+".png"), png, 0o644)
		})
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}

	// Sign in: the console sends the browser to the provider and back.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#slack-signin")),
		shot("login"),
		chromedp.Click(chromedp.CSS("#slack-signin")),
		chromedp.WaitVisible(chromedp.CSS("svg.chart")),
		chromedp.Click(chromedp.CSS(`select#days`)),
		chromedp.SetValue(chromedp.CSS(`select#days`), "7"),
		chromedp.Submit(chromedp.CSS(`select#days`)),
		chromedp.WaitReady(chromedp.CSS(`option[value="7"][selected]`)),
		shot("overview"),
	); err != nil {
		t.Fatalf("sign in and overview: %v", err)
	}
	for sel, want := range map[string]string{"#questions": "13", "#answer-rate": "46%", "#clarify-rate": "15%", "#escalate-rate": "38%", "#feedback": "3 / 1 (75%)", ".user": "slack:U-ADMIN (Hanako)"} {
		if got := text(sel); got != want {
			t.Errorf("overview %s: got %q, want %q", sel, got, want)
		}
	}
	if bars, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart rect").length`)); err != nil || bars < 4 {
		t.Errorf("chart: %d bars (%v), want the seeded days' stacks", bars, err)
	}

	// Review: nothing is ticked for the admin; every question of a group
	// is on the page with its suggested intent. Tick one, check its
	// effect (nothing written yet), then write it.
	box := `input[type="checkbox"][name="pick"][value="` + key + `"]`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/review"),
		chromedp.WaitVisible(chromedp.CSS(box)),
		shot("review"),
	); err != nil {
		t.Fatalf("review: %v", err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name="pick"]:checked').length`)); err != nil || n != 0 {
		t.Errorf("%d questions ticked on arrival (%v), want none", n, err)
	}
	// The seed's six questions in groups (the two about the library are
	// asked, not ours, listed apart without a checkbox).
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('tr.item input[name="pick"]').length`)); err != nil || n != 6 {
		t.Errorf("%d questions to tick (%v), want every question of every group, 6", n, err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.notours li').length`)); err != nil || n != 2 {
		t.Errorf("%d questions asked, not ours (%v), want 2", n, err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('datalist').length + document.querySelectorAll('select:not(#days)').length`)); err != nil || n != 1 {
		t.Errorf("%d intent lists on the page (%v), want one", n, err)
	}
	if got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`input[name="intent.`+key+`"]`))); err != nil || got != "forward-change" {
		t.Errorf("the suggestion's intent: %q (%v), want forward-change", got, err)
	}
	before := dirSum(t, f.dir)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(box)),
		chromedp.Click(chromedp.CSS("#check")),
		chromedp.WaitVisible(chromedp.CSS("#apply-form")),
		shot("review-effect"),
	); err != nil {
		t.Fatalf("check the effect: %v", err)
	}
	if dirSum(t, f.dir) != before {
		t.Error("checking the effect wrote the intents")
	}
	if got := text("ul.choices"); got != "forward-change ← 「"+asked+"」" {
		t.Errorf("the change lists %q, want only the ticked question", got)
	}
	if got := text("#plan-shifts"); got == "0" {
		t.Error("the effect lists no recorded question answered differently, want the ticked one at least")
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#apply")),
		chromedp.WaitVisible(chromedp.CSS("#reloaded")),
		shot("applied"),
	); err != nil {
		t.Fatalf("apply: %v", err)
	}
	if got := text("#added"); got != "1" {
		t.Errorf("added %s examples, want 1", got)
	}
	// Done: the question leaves the review.
	if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/review"), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatalf("review again: %v", err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('`+box+`').length`)); err != nil || n != 0 {
		t.Errorf("the applied question is still in the review (%d, %v)", n, err)
	}

	// Try: the question is now answered.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/try"),
		chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), asked),
		chromedp.Submit(chromedp.CSS("#q")),
		chromedp.WaitVisible(chromedp.CSS("#decision")),
		shot("try"),
	); err != nil {
		t.Fatalf("try: %v", err)
	}
	if got, intent := text("#decision"), text("#intent"); got != "answer" || intent != "Changing the forwarding address" {
		t.Errorf("try after applying: %s %q, want answer with forward-change's title", got, intent)
	}

	// The other pages, for the screenshots, and Japanese through the
	// language link.
	for _, pg := range []struct{ path, wait, name string }{
		{"/intents", "table", "intents"},
		{"/intents/forward-change", "table", "intent"},
		{"/handoffs", "#handoffs-off", "handoffs"},
		{"/audit", "table", "audit"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.wait)), shot(pg.name)); err != nil {
			t.Fatalf("%s: %v", pg.path, err)
		}
	}
	if got := text("table tbody tr td:nth-child(2)"); got != "slack:U-ADMIN (Hanako)" {
		t.Errorf("audit log: who %q, want the signed-in Slack user", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/"),
		chromedp.Click(chromedp.CSS(`a[hreflang="ja"]`)),
		chromedp.WaitVisible(chromedp.CSS("svg.chart")),
		shot("overview-ja"),
	); err != nil {
		t.Fatalf("Japanese: %v", err)
	}
	if got := text("h1"); got != "概要" {
		t.Errorf("after the language link: h1 %q, want 概要", got)
	}

	// A phone: the figures and the chart fit its width, nothing scrolls
	// sideways.
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(f.srv.URL+"/?days=7"),
		chromedp.WaitVisible(chromedp.CSS("svg.chart")),
		shot("overview-phone"),
	); err != nil {
		t.Fatalf("phone: %v", err)
	}
	if wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || wide {
		t.Errorf("on a phone the overview scrolls sideways (%v)", err)
	}
}
