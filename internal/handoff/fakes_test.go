package handoff

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// messenger is a fake LINE: it accepts a retry key once, as LINE does
// (a repeat is a 409, which counts as success), and can refuse every push.
type messenger struct {
	mu     sync.Mutex
	keys   map[string]bool
	pushes []push
	fail   error
}

type push struct {
	to, text string
}

func (m *messenger) Push(_ context.Context, to, text, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	if m.keys == nil {
		m.keys = map[string]bool{}
	}
	if m.keys[key] {
		return nil
	}
	m.keys[key] = true
	m.pushes = append(m.pushes, push{to, text})
	return nil
}

func (m *messenger) got() []push {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]push(nil), m.pushes...)
}

// desk is a fake Slack channel: its markup is plain text with no more
// than surrounding spaces, and it names staff as @id.
type desk struct {
	mu   sync.Mutex
	down bool
	// failTickets refuses PostTicket.
	failTickets bool
	n           int
	tickets     []View
	updates     []View
	posts       []string
	reactions   map[string][]string
}

func (d *desk) PostTicket(_ context.Context, v View) (DeskRef, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.failTickets {
		return DeskRef{}, errors.New("slack: channel_not_found")
	}
	d.n++
	d.tickets = append(d.tickets, v)
	return DeskRef{Channel: "CDESK", TS: fmt.Sprintf("%d.000100", 1000+d.n)}, nil
}

func (d *desk) UpdateTicket(_ context.Context, _ DeskRef, v View) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.updates = append(d.updates, v)
	return nil
}

func (d *desk) Post(_ context.Context, ref DeskRef, n Note) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.down {
		return errors.New("slack: service unavailable")
	}
	d.posts = append(d.posts, ref.TS+" "+strings.ReplaceAll(n.Text, StaffPlaceholder, "@"+n.Staff))
	return nil
}

func (d *desk) Plain(markup string, _ catalogue.Lang) string { return strings.TrimSpace(markup) }

func (d *desk) React(_ context.Context, _, ts, emoji string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.reactions == nil {
		d.reactions = map[string][]string{}
	}
	d.reactions[ts] = append(d.reactions[ts], emoji)
	return nil
}

func (d *desk) lastPost() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.posts) == 0 {
		return ""
	}
	return d.posts[len(d.posts)-1]
}

func (d *desk) reacted(ts string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.reactions[ts]...)
}

func tx(s string) catalogue.Text { return catalogue.Text{JA: s + "(ja)", EN: s} }

// testSettings: open Monday to Friday 9:00-17:00 in Tokyo, closed on
// 2026-12-31, texts that name themselves.
func testSettings() catalogue.Handoff {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	day := []catalogue.Span{{Open: 9 * time.Hour, Close: 17 * time.Hour}}
	return catalogue.Handoff{Configured: true, TimeZone: "Asia/Tokyo", Location: tokyo,
		Weekly:     [7][]catalogue.Span{nil, day, day, day, day, day, nil},
		Closed:     []string{"2026-12-31"},
		Inactivity: 24 * time.Hour, ReceiptEvery: 5 * time.Minute,
		Texts: catalogue.HandoffTexts{
			Offer: tx("offer"), Consent: tx("consent"), Start: tx("start"), Cancel: tx("cancel"),
			Cancelled: tx("cancelled"), Opened: tx("opened"), OutOfHours: tx("closed until {next}"),
			Joined: tx("joined"), Receipt: tx("receipt"), NotSent: tx("not sent"), NonText: tx("non-text"), End: tx("end"),
			Closed: tx("closed"), ClosedByStaff: tx("closed by staff"), ClosedInactive: tx("closed inactive"),
			Group: tx("group"),
		}}
}

// monday10 is a time the office is open: Monday 2026-11-23 10:00 in Tokyo.
var monday10 = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

type fixture struct {
	h     *Handoff
	clock *testkit.Clock
	msg   *messenger
	desk  *desk
	store Store
	reg   *prometheus.Registry
}

func newFixture(t testing.TB, store Store, clk *testkit.Clock) *fixture {
	t.Helper()
	if clk == nil {
		clk = testkit.NewClock(monday10)
	}
	if store == nil {
		store = NewMemory(clk.Now)
	}
	f := &fixture{clock: clk, msg: &messenger{}, desk: &desk{}, store: store, reg: prometheus.NewRegistry()}
	h, err := New(Options{Store: store, Messenger: f.msg, Desk: f.desk, Now: clk.Now,
		Settings: testSettings, Key: []byte("0123456789abcdef-test-key"), Registerer: f.reg,
		Answers: func(id string, l catalogue.Lang) (string, bool) {
			if id == "reset-password" {
				return "answer " + id + " in " + string(l), true
			}
			return "", false
		}})
	if err != nil {
		t.Fatal(err)
	}
	f.h = h
	return f
}

var alice = UserRef{Platform: "line", ID: "U-alice-raw", Lang: catalogue.English}

var errBlocked = errors.New("LINE answered 403")
