package console

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// fixedEntries is a record held in memory.
type fixedEntries []record.Entry

func (f fixedEntries) Entries(context.Context, time.Time) ([]record.Entry, error) { return f, nil }

// benchConsole is a signed-in console over n questions spread over 90
// days, and its session cookie.
func benchConsole(b *testing.B, n int) (*Console, *http.Cookie) {
	f := newFixture(b, nil)
	now := time.Now()
	es := make(fixedEntries, n)
	decisions := []match.Decision{match.Answer, match.Answer, match.Answer, match.Clarify, match.Escalate}
	intents := []string{"forgot-password", "forward-change", "login-trouble", "mailbox-quota"}
	for i := range es {
		es[i] = record.Entry{Question: bot.Question{ID: fmt.Sprint(i), Time: now.Add(-time.Duration(i) * 90 * 24 * time.Hour / time.Duration(n)),
			Platform: "line", Kind: bot.KindQuestion, Decision: decisions[i%len(decisions)], Intent: intents[i%len(intents)], Text: "パスワードを忘れました"}}
		if i%7 == 0 {
			es[i].Feedback = 1
		}
	}
	f.console.o.Entries = es
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/login", nil)
	req.Form = url.Values{"password": {testPassword}}
	req.PostForm = req.Form
	f.console.passwordLogin(rec, req)
	return f.console, rec.Result().Cookies()[0]
}

// BenchmarkOverview is one Overview page over 90 days of 50,000 recorded
// questions: reading them (here from memory), the figures, the chart.
func BenchmarkOverview(b *testing.B) {
	c, ck := benchConsole(b, 50000)
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/?days=90", nil)
		req.AddCookie(ck)
		c.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkTry is one Try page: the answer, both platforms' payloads and
// the explanation.
func BenchmarkTry(b *testing.B) {
	c, ck := benchConsole(b, 0)
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/try?q="+url.QueryEscape("転送先を変更したいです"), nil)
		req.AddCookie(ck)
		c.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkGzip is a page as a browser that accepts gzip gets it: the
// compression's cost per page, and the bytes sent with and without it.
func BenchmarkGzip(b *testing.B) {
	c, ck := benchConsole(b, 50000)
	for _, path := range []string{"/?days=90", "/intents?days=90", "/static/style.css"} {
		b.Run(path, func(b *testing.B) {
			plain, zipped := 0, 0
			for b.Loop() {
				for _, accept := range []string{"", "gzip"} {
					rec := httptest.NewRecorder()
					req := httptest.NewRequest("GET", path, nil)
					req.AddCookie(ck)
					if accept != "" {
						req.Header.Set("Accept-Encoding", accept)
					}
					c.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d", rec.Code)
					}
					if accept == "" {
						plain = rec.Body.Len()
					} else {
						zipped = rec.Body.Len()
					}
				}
			}
			b.ReportMetric(float64(plain), "bytes/page")
			b.ReportMetric(float64(zipped), "gzip-bytes/page")
		})
	}
}
