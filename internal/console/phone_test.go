package console

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// phoneShots are the pages whose phone screenshots -update-screenshots
// writes.
var phoneShots = map[string]string{"/": "phone-overview-ja", "/intents/forward-change": "phone-intent-ja"}

// TestPhoneLayout opens the console's pages in Chromium as wide as a small
// phone (375 CSS px), in both languages: no page scrolls sideways, and the
// chart's labels are drawn at least 11 px tall, readable without zooming.
func TestPhoneLayout(t *testing.T) {
	exe := browser(t)
	f := newFixture(t, nil)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(375, 740))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile),
		chromedp.Navigate(f.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("svg.chart")),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	pages := []string{"/", "/?days=90", "/review", "/try?q=%E8%BB%A2%E9%80%81%E5%85%88%E3%82%92%E5%A4%89%E6%9B%B4%E3%81%97%E3%81%9F%E3%81%84",
		"/intents", "/intents/forward-change", "/intents/mailbox-quota", "/handoffs", "/audit"}
	for _, lang := range []string{"en", "ja"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/lang?to="+lang+"&back=/"), chromedp.WaitVisible(chromedp.CSS("svg.chart"))); err != nil {
			t.Fatalf("switch to %s: %v", lang, err)
		}
		for _, p := range pages {
			if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+p), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
				t.Fatalf("%s %s: %v", lang, p, err)
			}
			wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if err != nil {
				t.Fatalf("%s %s: %v", lang, p, err)
			}
			if wide > 375 {
				t.Errorf("%s %s: the page is %d px wide, want it within the phone's 375", lang, p, wide)
			}
			if name, ok := phoneShots[p]; ok && *updateScreenshots && lang == "ja" {
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join("testdata/screenshots", name+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	for _, days := range []string{"7", "30", "90"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/?days="+days), chromedp.WaitVisible(chromedp.CSS("svg.chart"))); err != nil {
			t.Fatalf("overview: %v", err)
		}
		// The smallest label as drawn: its font size times the SVG's
		// scale to the page's width.
		small, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => {
			const svg = document.querySelector("svg.chart");
			const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
			return Math.min(...[...svg.querySelectorAll("text")].map(e => parseFloat(getComputedStyle(e).fontSize) * scale));
		})()`))
		if err != nil {
			t.Fatalf("chart labels: %v", err)
		}
		if small < 11 {
			t.Errorf("%s days: the chart's smallest label is drawn at %.1f px, want at least 11", days, small)
		}
	}
}
