package console

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

func TestLocationFromEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tz, want string
		err      bool
	}{
		{"", "", false},
		{"Asia/Tokyo", "Asia/Tokyo", false},
		{":Europe/Berlin", "Europe/Berlin", false},
		{"Mars/Olympus", "", true},
	}
	for _, tt := range tests {
		loc, err := LocationFromEnv(func(k string) string {
			if k == "TZ" {
				return tt.tz
			}
			return ""
		})
		got := ""
		if loc != nil {
			got = loc.String()
		}
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("TZ=%q: got %q (%v), want %q (error %v)", tt.tz, got, err, tt.want, tt.err)
		}
	}
}

// TestTimesInOfficeZone shows a change made at 15:30 UTC as the office's
// clock read it: the settings' zone first, then TZ's, then UTC.
func TestTimesInOfficeZone(t *testing.T) {
	t.Parallel()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 15, 30, 0, 0, time.UTC)
	tests := []struct {
		name     string
		settings *time.Location // the handoff time_zone, nil when not written
		env      *time.Location // Options.Location
		want     string
	}{
		{"neither", nil, nil, "2026-01-02 15:30 UTC"},
		{"TZ", nil, tokyo, "2026-01-03 00:30 JST"},
		{"settings", berlin, nil, "2026-01-02 16:30 CET"},
		{"settings over TZ", tokyo, berlin, "2026-01-03 00:30 JST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(o *Options, _ string) {
				o.Location = tt.env
				if tt.settings != nil {
					cat, err := catalogue.Load(o.IntentsDir)
					if err != nil {
						t.Fatal(err)
					}
					cat.Settings.Handoff.Location = tt.settings
					o.Bot = bot.New(match.New(cat))
				}
			})
			if err := f.db.Audit(context.Background(), record.AuditEntry{At: at, Who: "admin", Action: "review.add-examples", Detail: "x"}); err != nil {
				t.Fatal(err)
			}
			r := do(t, f.signIn(t), "GET", f.srv.URL+"/audit", nil)
			if r.status != http.StatusOK || !strings.Contains(r.body, ">"+tt.want+"</td>") {
				t.Errorf("audit page: got %d without %q:\n%s", r.status, tt.want, r.body)
			}
		})
	}
}

// TestPerDayInOfficeZone counts a question asked at 23:30 UTC on the
// office's next day.
func TestPerDayInOfficeZone(t *testing.T) {
	t.Parallel()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 3, 12, 0, 0, 0, tokyo)
	since := startOfDay(now).AddDate(0, 0, -1)
	es := []record.Entry{
		{Question: bot.Question{Time: time.Date(2026, 1, 2, 23, 30, 0, 0, time.UTC), Decision: match.Answer}},   // 3 Jan 08:30 in Tokyo
		{Question: bot.Question{Time: time.Date(2026, 1, 2, 14, 59, 0, 0, time.UTC), Decision: match.Escalate}}, // 2 Jan 23:59 in Tokyo
	}
	days := perDay(es, since, now)
	got := make([]string, len(days))
	for i, d := range days {
		got[i] = d.Day + ":" + strings.Repeat("a", d.Answered) + strings.Repeat("e", d.Escalated)
	}
	if want := "2026-01-02:e 2026-01-03:a"; strings.Join(got, " ") != want {
		t.Errorf("days: got %q, want %q", strings.Join(got, " "), want)
	}
}
