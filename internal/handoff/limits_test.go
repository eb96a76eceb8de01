package handoff

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// TestStartRequiresConsent: a start that did not follow the consent text
// (a replayed or forged postback, a button in an old message) shows the
// consent text and opens nothing; each ticket needs its own consent.
func TestStartRequiresConsent(t *testing.T) {
	stores(t, func(t *testing.T, s Store, clk *testkit.Clock) {
		ctx := context.Background()
		f := newFixture(t, s, clk)
		r, err := f.h.Start(ctx, alice)
		if err != nil {
			t.Fatal(err)
		}
		if r.Text != "consent" || len(r.Buttons) != 2 || r.Buttons[0].Data != PostbackStart || r.Connected {
			t.Errorf("start without consent = %+v, want the consent text with its buttons, not connected", r)
		}
		if got := len(f.desk.tickets); got != 0 {
			t.Fatalf("start without consent posted %d tickets, want 0", got)
		}
		// Having been shown the text, the next start opens the ticket.
		if r, err := f.h.Start(ctx, alice); err != nil || !strings.HasPrefix(r.Text, "opened") || !r.Connected {
			t.Fatalf("start after the consent text = %+v, %v; want opened and connected", r, err)
		}
		if _, err := f.h.Close(ctx, alice); err != nil {
			t.Fatal(err)
		}
		// The consent was used: alternating start and end opens no more.
		for i := range 5 {
			r, err := f.h.Start(ctx, alice)
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 && r.Text != "consent" {
				t.Errorf("start %d after end = %q, want the consent text", i, r.Text)
			}
			if _, err := f.h.Close(ctx, alice); err != nil {
				t.Fatal(err)
			}
		}
		if got := len(f.desk.tickets); got != 3 {
			t.Errorf("got %d tickets from six starts and ends, want 3 (every other start shows the consent)", got)
		}
		if got := testutil.ToFloat64(f.h.metrics.refused.WithLabelValues("no_consent")); got != 4 {
			t.Errorf("refused{no_consent} = %v, want 4", got)
		}
	})
}

// TestConsentExpires: a consent text shown too long ago is shown again.
// (The fake clock moves the memory store's claims; Redis keeps real time.)
func TestConsentExpires(t *testing.T) {
	f := newFixture(t, nil, nil)
	if _, err := f.h.Consent(context.Background(), alice); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(consentLife + time.Second)
	if r, _ := f.h.Start(context.Background(), alice); r.Text != "consent" {
		t.Errorf("start %v after the consent = %q, want the consent text again", consentLife, r.Text)
	}
	if got := len(f.desk.tickets); got != 0 {
		t.Errorf("got %d tickets, want 0", got)
	}
}

// TestTicketsPerHour: beyond the limit a user gets the polite refusal and
// no ticket; an hour after the first, one more may open.
func TestTicketsPerHour(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit int
		lang  catalogue.Lang
		want  string
	}{
		{"default, English", 0, catalogue.English, catalogue.DefaultTooMany.EN},
		{"two, Japanese", 2, catalogue.Japanese, catalogue.DefaultTooMany.JA},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, nil, nil)
			f.h.o.Settings = func() catalogue.Handoff {
				s := testSettings()
				s.TicketsPerHour = tc.limit
				return s
			}
			limit := tc.limit
			if limit == 0 {
				limit = catalogue.DefaultTicketsPerHour
			}
			u := alice
			u.Lang = tc.lang
			for i := range limit {
				r, err := f.consentAndStart(t, u)
				if err != nil || !strings.HasPrefix(r.Text, "opened") {
					t.Fatalf("ticket %d = %q, %v; want opened", i+1, r.Text, err)
				}
				f.clock.Add(10 * time.Minute)
				if _, err := f.h.Close(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
			r, err := f.consentAndStart(t, u)
			if err != nil {
				t.Fatal(err)
			}
			if r.Text != tc.want || len(r.Buttons) != 0 || r.Connected {
				t.Errorf("ticket %d within the hour = %+v, want the refusal %q", limit+1, r, tc.want)
			}
			if got := len(f.desk.tickets); got != limit {
				t.Errorf("got %d tickets, want %d", got, limit)
			}
			if got := testutil.ToFloat64(f.h.metrics.refused.WithLabelValues("limit")); got != 1 {
				t.Errorf("refused{limit} = %v, want 1", got)
			}
			// An hour after the first ticket its slot is free again.
			f.clock.Add(ticketWindow - time.Duration(limit)*10*time.Minute + time.Second)
			if r, err := f.consentAndStart(t, u); err != nil || !strings.HasPrefix(r.Text, "opened") {
				t.Errorf("a ticket an hour after the first = %q, %v; want opened", r.Text, err)
			}
		})
	}
}

// TestFailedStartNotCounted: a start whose ticket could not be posted
// does not use up one of the hour's tickets.
func TestFailedStartNotCounted(t *testing.T) {
	f := newFixture(t, nil, nil)
	f.desk.mu.Lock()
	f.desk.failTickets = true
	f.desk.mu.Unlock()
	for range catalogue.DefaultTicketsPerHour + 1 {
		if _, err := f.consentAndStart(t, alice); err == nil {
			t.Fatal("start with the desk refusing tickets: no error")
		}
	}
	f.desk.mu.Lock()
	f.desk.failTickets = false
	f.desk.mu.Unlock()
	if r, err := f.consentAndStart(t, alice); err != nil || !strings.HasPrefix(r.Text, "opened") {
		t.Errorf("start after failed ones = %q, %v; want opened", r.Text, err)
	}
}
