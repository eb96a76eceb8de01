package redis

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/handoff/handofftest"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// monday10 is a time the office is open.
var monday10 = handofftest.Monday10

// TestHandoffStore runs the handoff store's contract (handofftest) on a
// real redis-server.
func TestHandoffStore(t *testing.T) {
	handofftest.RunStore(t, open(t, redistest.Start(t).URL()).Handoff())
}

// messenger is a fake LINE that accepts each retry key once, as LINE does.
type messenger struct {
	mu     sync.Mutex
	keys   map[string]bool
	pushes int
}

func (m *messenger) Push(_ context.Context, _, _, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil {
		m.keys = map[string]bool{}
	}
	if !m.keys[key] {
		m.keys[key] = true
		m.pushes++
	}
	return nil
}

func (m *messenger) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pushes
}

// desk is a fake Slack channel that counts tickets and reactions.
type desk struct {
	mu        sync.Mutex
	tickets   int
	reactions map[string]int
}

func (d *desk) PostTicket(context.Context, handoff.View) (handoff.DeskRef, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.tickets++
	return handoff.DeskRef{Channel: "CDESK", TS: fmt.Sprintf("%d.000100", 1000+d.tickets)}, nil
}

func (d *desk) UpdateTicket(context.Context, handoff.DeskRef, handoff.View) error { return nil }
func (d *desk) Post(context.Context, handoff.DeskRef, handoff.Note) error         { return nil }
func (d *desk) Plain(markup string, _ catalogue.Lang) string                      { return markup }

func (d *desk) React(_ context.Context, _, ts, _ string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.reactions == nil {
		d.reactions = map[string]int{}
	}
	d.reactions[ts]++
	return nil
}

func (d *desk) count() (tickets int, reactions map[string]int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r := map[string]int{}
	for k, v := range d.reactions {
		r[k] = v
	}
	return d.tickets, r
}

// settings: open every day around the clock in Tokyo, texts naming
// themselves.
func settings() catalogue.Handoff {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	day := []catalogue.Span{{Open: 0, Close: 24 * time.Hour}}
	tx := func(s string) catalogue.Text { return catalogue.Text{JA: s, EN: s} }
	return catalogue.Handoff{Configured: true, TimeZone: "Asia/Tokyo", Location: tokyo,
		Weekly:     [7][]catalogue.Span{day, day, day, day, day, day, day},
		Inactivity: 24 * time.Hour, ReceiptEvery: 5 * time.Minute,
		Texts: catalogue.HandoffTexts{
			Offer: tx("offer"), Consent: tx("consent"), Start: tx("start"), Cancel: tx("cancel"),
			Cancelled: tx("cancelled"), Opened: tx("opened"), OutOfHours: tx("closed until {next}"),
			Joined: tx("joined"), Receipt: tx("receipt"), NotSent: tx("not sent"), NonText: tx("non-text"), End: tx("end"),
			Closed: tx("closed"), ClosedByStaff: tx("closed by staff"), ClosedInactive: tx("closed inactive"),
			Group: tx("group"),
		}}
}

var alice = handoff.UserRef{Platform: "line", ID: "U-alice-raw", Lang: catalogue.English}

// replica is one replica's handoff on its own client to srv, sharing LINE
// and Slack with the others.
func replica(t *testing.T, srv *redistest.Server, clk *testkit.Clock, msg *messenger, dsk *desk) (*handoff.Handoff, *HandoffStore) {
	t.Helper()
	s := open(t, srv.URL()).Handoff()
	h, err := handoff.New(handoff.Options{Store: s, Messenger: msg, Desk: dsk, Now: clk.Now,
		Settings: settings, Key: []byte("0123456789abcdef-test-key"), Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	return h, s
}

// TestHandoffReplicas runs two handoffs, as two replicas, on one
// redis-server: a conversation opened on one is served by the other, a
// staff event that reaches both several times is pushed once, a replica
// restarted carries on, and two sweeping at once close a conversation
// once.
func TestHandoffReplicas(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	clk := testkit.NewClock(monday10)
	msg, dsk := &messenger{}, &desk{}
	a, store := replica(t, srv, clk, msg, dsk)
	b, _ := replica(t, srv, clk, msg, dsk)
	if _, err := a.Consent(ctx, alice); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Start(ctx, alice); err != nil {
		t.Fatal(err)
	}
	tk, ok, err := store.ByUser(ctx, a.Handle(alice))
	if err != nil || !ok {
		t.Fatalf("ticket after start: ok %v err %v", ok, err)
	}
	if active, err := b.Active(ctx, alice); err != nil || !active {
		t.Fatalf("replica b: Active = %v, %v; want true", active, err)
	}
	staff := func(ts, text string) handoff.StaffMessage {
		return handoff.StaffMessage{Channel: tk.Desk.Channel, ThreadTS: tk.Desk.TS, TS: ts, UserID: "USTAFF", Text: text}
	}
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := a
			if i%2 == 1 {
				h = b
			}
			if err := h.FromStaff(ctx, staff("2000.1", "one answer")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := msg.count(); got != 1 {
		t.Errorf("got %d pushes, want 1", got)
	}
	if _, reactions := dsk.count(); reactions["2000.1"] != 1 {
		t.Errorf("reactions on the staff message = %d, want 1", reactions["2000.1"])
	}
	c, _ := replica(t, srv, clk, msg, dsk) // restarted: a new client, nothing in memory
	if err := c.FromStaff(ctx, staff("2000.2", "second answer")); err != nil {
		t.Fatal(err)
	}
	if got := msg.count(); got != 2 {
		t.Errorf("after restart: %d pushes, want 2", got)
	}
	clk.Add(25 * time.Hour)
	var n [2]int
	wg.Add(2)
	for i, h := range []*handoff.Handoff{a, b} {
		go func() {
			defer wg.Done()
			n[i], _ = h.Sweep(ctx)
		}()
	}
	wg.Wait()
	if n[0]+n[1] != 1 {
		t.Errorf("sweeps closed %v, want 1 in all", n)
	}
}

// TestHandoffConcurrentStarts: a user tapping "Connect" on eight replicas
// at once gets one ticket.
func TestHandoffConcurrentStarts(t *testing.T) {
	srv := redistest.Start(t)
	clk := testkit.NewClock(monday10)
	msg, dsk := &messenger{}, &desk{}
	var hs []*handoff.Handoff
	var store *HandoffStore
	for range 8 {
		h, s := replica(t, srv, clk, msg, dsk)
		hs, store = append(hs, h), s
	}
	if _, err := hs[0].Consent(context.Background(), alice); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, h := range hs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := h.Start(context.Background(), alice); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if tickets, _ := dsk.count(); tickets != 1 {
		t.Errorf("got %d tickets posted, want 1", tickets)
	}
	if open, _ := store.Open(context.Background()); len(open) != 1 {
		t.Errorf("got %d open tickets, want 1", len(open))
	}
}

// TestHandoffOutage: with Redis down, a staff message fails with an error
// (for the adapter to log and Slack to see) rather than a panic or a push.
func TestHandoffOutage(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	clk := testkit.NewClock(monday10)
	msg, dsk := &messenger{}, &desk{}
	h, store := replica(t, srv, clk, msg, dsk)
	h.Consent(ctx, alice)
	if _, err := h.Start(ctx, alice); err != nil {
		t.Fatal(err)
	}
	tk, _, _ := store.ByUser(ctx, h.Handle(alice))
	srv.Stop()
	if err := h.FromStaff(ctx, handoff.StaffMessage{Channel: tk.Desk.Channel, ThreadTS: tk.Desk.TS, TS: "2000.1", UserID: "USTAFF", Text: "hello"}); err == nil {
		t.Error("FromStaff with Redis down: no error")
	}
	if _, err := h.Active(ctx, alice); err == nil {
		t.Error("Active with Redis down: no error")
	}
	if got := msg.count(); got != 0 {
		t.Errorf("pushed %d with Redis down, want 0", got)
	}
}
