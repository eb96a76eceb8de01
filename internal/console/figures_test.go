package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/figures"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// tickets is a record of conversations with staff: three replied to in
// 5, 10 and 60 minutes, rated 3/3, 1/3 and 5/5.
type tickets struct{ err error }

func (k tickets) Tickets(context.Context, time.Time) ([]record.Ticket, error) {
	if k.err != nil {
		return nil, k.err
	}
	now := time.Now()
	return []record.Ticket{
		{ID: "a", Opened: now, FirstReply: now.Add(5 * time.Minute), Rating: 3, Levels: 3},
		{ID: "b", Opened: now, FirstReply: now.Add(10 * time.Minute), Rating: 1, Levels: 3},
		{ID: "c", Opened: now, FirstReply: now.Add(time.Hour), Rating: 5, Levels: 5},
	}, nil
}

// TestOverviewFigures: the Overview shows the resolution figures of the
// seeded record as figures computes them, the staff-free satisfaction and
// the median first reply, and the trend as lines and a table.
func TestOverviewFigures(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options, _ string) { o.Tickets = tickets{} })
	c := f.signIn(t)
	now := time.Now()
	since := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -29)
	es, err := f.db.Entries(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	want := figures.Compute(es, nil, since, now)
	if want.Judged == 0 || want.ConfirmedN+want.AssumedN == 0 {
		t.Fatalf("the seeded record judges %d questions, resolving %d: too little to test", want.Judged, want.ConfirmedN+want.AssumedN)
	}
	r := do(t, c, "GET", f.srv.URL+"/?days=30", nil, "Accept-Language", "en")
	for _, s := range []string{
		fmt.Sprintf(`<dd id="self-resolution">%.0f%%</dd>`, 100*want.SelfResolutionRate),
		fmt.Sprintf(`<dd id="confirmed">%.0f%% (%d)</dd>`, 100*want.Confirmed, want.ConfirmedN),
		fmt.Sprintf(`<dd id="assumed">%.0f%% (%d)</dd>`, 100*want.Assumed, want.AssumedN),
		fmt.Sprintf(`<dd id="handoff-rate">%.0f%%</dd>`, 100*want.HandoffRate),
		`<dd id="first-reply">10m0s</dd>`,
		`<dd id="csat">67% (3 ratings)</dd>`,
		`<svg class="chart trend"`, `<polyline class="self-resolution"`, `<polyline class="answer-rate"`,
	} {
		if !strings.Contains(r.body, s) {
			t.Errorf("overview lacks %q", s)
		}
	}
	if t.Failed() {
		t.Logf("page:\n%s", r.body)
	}
}

// TestOverviewTicketsUnreadable: tickets that cannot be read get the
// record's clear sentence, not the database's error.
func TestOverviewTicketsUnreadable(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options, _ string) { o.Tickets = tickets{err: errors.New("connection refused")} })
	r := do(t, f.signIn(t), "GET", f.srv.URL+"/", nil, "Accept-Language", "en")
	if r.status != http.StatusInternalServerError || !strings.Contains(r.body, "could not be read") || strings.Contains(r.body, "connection refused") {
		t.Errorf("got %d, want 500 with a clear sentence and no details", r.status)
	}
}
