package handoff

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// start walks alice through consent and start and returns her ticket.
func (f *fixture) start(t *testing.T, u UserRef) Ticket {
	t.Helper()
	ctx := context.Background()
	if b := f.h.Offer(u.Lang); b.Data != PostbackConsent || b.Label != tx("offer").In(u.Lang) {
		t.Fatalf("offer = %+v", b)
	}
	r, err := f.h.Consent(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != tx("consent").In(u.Lang) || len(r.Buttons) != 2 || r.Buttons[0].Data != PostbackStart || r.Buttons[1].Data != PostbackCancel {
		t.Fatalf("consent = %+v, want consent text with start and cancel", r)
	}
	f.h.Remember(u, Exchange{User: "I cannot log in", Bot: "escalated"}, []Guess{{IntentID: "reset-password", Title: "Reset"}})
	r, err = f.h.Start(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Text, tx("opened").In(u.Lang)) || len(r.Buttons) != 1 || r.Buttons[0].Data != PostbackEnd {
		t.Fatalf("start = %+v, want opened with an end button", r)
	}
	tk, ok, err := f.store.ByUser(ctx, f.h.Handle(u))
	if err != nil || !ok {
		t.Fatalf("ticket after start: ok %v err %v", ok, err)
	}
	return tk
}

// consentAndStart shows u the consent text, then starts.
func (f *fixture) consentAndStart(t *testing.T, u UserRef) (Reply, error) {
	t.Helper()
	if _, err := f.h.Consent(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return f.h.Start(context.Background(), u)
}

func staff(tk Ticket, ts, text string) StaffMessage {
	return StaffMessage{Channel: tk.Desk.Channel, ThreadTS: tk.Desk.TS, TS: ts, UserID: "USTAFF", Text: text}
}

func TestFlow(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, nil)
	tk := f.start(t, alice)

	if got := len(f.desk.tickets); got != 1 {
		t.Fatalf("got %d tickets posted, want 1", got)
	}
	v := f.desk.tickets[0]
	if v.Handle != tk.Handle || v.Handle == alice.ID || v.Platform != "line" || v.Lang != catalogue.English || len(v.Recent) != 1 || len(v.Guesses) != 1 {
		t.Errorf("ticket view = %+v", v)
	}
	if v.Name != "" {
		t.Errorf("ticket shows name %q though settings do not allow it", v.Name)
	}
	if active, err := f.h.Active(ctx, alice); err != nil || !active {
		t.Fatalf("Active = %v, %v; want true", active, err)
	}

	// The user writes: to the thread, with a receipt the first time only.
	r, err := f.h.FromUser(ctx, alice, "my id is <!channel> & I forgot it")
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != "receipt" {
		t.Errorf("first receipt = %q, want receipt", r.Text)
	}
	if got, want := f.desk.lastPost(), tk.Desk.TS+" 💬 my id is <!channel> & I forgot it"; got != want {
		t.Errorf("thread post = %q, want %q", got, want)
	}
	f.clock.Add(time.Minute)
	if r, _ := f.h.FromUser(ctx, alice, "hello?"); r.Text != "" {
		t.Errorf("second receipt within 5 min = %q, want none", r.Text)
	}
	f.clock.Add(5 * time.Minute)
	if r, _ := f.h.FromUser(ctx, alice, "still there?"); r.Text != "receipt" {
		t.Errorf("receipt after 6 min = %q, want receipt", r.Text)
	}
	r, err = f.h.FromUserNonText(ctx, alice, "sticker")
	if err != nil || r.Text != "non-text" || !strings.Contains(f.desk.lastPost(), "sticker") {
		t.Errorf("sticker: reply %q err %v, thread %q", r.Text, err, f.desk.lastPost())
	}

	// Staff answer; Slack retries the event; an internal note stays.
	m := staff(tk, "2000.1", "  Hi, see the guide today ")
	for range 3 {
		if err := f.h.FromStaff(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.h.FromStaff(ctx, staff(tk, "2000.2", "// she wrote before, check the old ticket")); err != nil {
		t.Fatal(err)
	}
	pushes := f.msg.got()
	if len(pushes) != 1 {
		t.Fatalf("got %d pushes, want 1: %+v", len(pushes), pushes)
	}
	if got, want := pushes[0].text, "Hi, see the guide today"; got != want || pushes[0].to != alice.ID {
		t.Errorf("pushed %q to %q, want %q to %q", got, pushes[0].to, want, alice.ID)
	}
	if got := f.desk.reacted("2000.1"); !slices.Equal(got, []string{ReactDelivered}) {
		t.Errorf("reactions = %v, want [%s]", got, ReactDelivered)
	}
	if got := f.desk.reacted("2000.2"); len(got) != 0 {
		t.Errorf("internal note got reactions %v", got)
	}
	if got := testutil.ToFloat64(f.h.metrics.relayed.WithLabelValues("to_user")); got != 1 {
		t.Errorf("relayed to_user = %v, want 1", got)
	}
	if got := testutil.CollectAndCount(f.h.metrics.firstReply); got != 1 {
		t.Errorf("first reply histogram series = %d, want 1", got)
	}

	// Take, then the user ends it.
	if err := f.h.StaffAction(ctx, Action{Kind: ActionTake, TicketID: tk.ID, Staff: "USTAFF"}); err != nil {
		t.Fatal(err)
	}
	if got := f.desk.updates[len(f.desk.updates)-1]; got.Taker != "USTAFF" || got.Status != StatusOpen {
		t.Errorf("after take the ticket shows %+v", got)
	}
	r, err = f.h.FromUser(ctx, alice, " END ")
	if err != nil || r.Text != "closed" {
		t.Fatalf("end = %q, %v; want closed", r.Text, err)
	}
	if active, _ := f.h.Active(ctx, alice); active {
		t.Error("still active after end")
	}
	if got := f.desk.updates[len(f.desk.updates)-1]; got.Status != StatusClosed || got.Reason != ReasonUser {
		t.Errorf("after end the ticket shows %+v", got)
	}
	if _, err := f.h.FromUser(ctx, alice, "more"); !errors.Is(err, ErrNotActive) {
		t.Errorf("FromUser after close: err %v, want ErrNotActive", err)
	}
	if got := testutil.ToFloat64(f.h.metrics.closed.WithLabelValues("user")); got != 1 {
		t.Errorf("closed{user} = %v, want 1", got)
	}
	// A second conversation is a new ticket.
	if tk2 := f.start(t, alice); tk2.ID == tk.ID {
		t.Error("new conversation reused the closed ticket")
	}
}

func TestJoinAndGroup(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, nil)
	f.start(t, alice)
	r, err := f.h.Start(ctx, alice)
	if err != nil || r.Text != "joined" {
		t.Errorf("second start = %q, %v; want joined", r.Text, err)
	}
	if r, _ := f.h.Consent(ctx, alice); r.Text != "joined" {
		t.Errorf("consent while open = %q, want joined", r.Text)
	}
	if got := len(f.desk.tickets); got != 1 {
		t.Errorf("got %d tickets, want 1", got)
	}
	group := UserRef{Platform: "line", ID: "Cgroup", Lang: catalogue.Japanese, Group: true}
	for name, call := range map[string]func() (Reply, error){
		"consent": func() (Reply, error) { return f.h.Consent(ctx, group) },
		"start":   func() (Reply, error) { return f.h.Start(ctx, group) },
	} {
		if r, err := call(); err != nil || r.Text != "group(ja)" {
			t.Errorf("%s in a group = %q, %v; want group(ja)", name, r.Text, err)
		}
	}
	if _, err := f.h.Start(ctx, UserRef{Platform: "line", Lang: catalogue.English}); err == nil {
		t.Error("start without a user id: no error")
	}
	if _, err := f.h.FromUser(ctx, group, "hi"); !errors.Is(err, ErrNotActive) {
		t.Errorf("group message: err %v, want ErrNotActive", err)
	}
}

func TestOutOfHours(t *testing.T) {
	for _, tc := range []struct {
		name string
		at   time.Time
		lang catalogue.Lang
		want string
	}{
		{"saturday", time.Date(2026, 11, 21, 3, 0, 0, 0, time.UTC), catalogue.English, "opened\nclosed until Mon 23 Nov 09:00"},
		{"friday evening ja", time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC), catalogue.Japanese, "opened(ja)\nclosed until {next}(ja)"},
		{"new year's eve", time.Date(2026, 12, 31, 1, 0, 0, 0, time.UTC), catalogue.English, "opened\nclosed until Fri 1 Jan 09:00"},
		{"open", monday10, catalogue.English, "opened"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil, testkit.NewClock(tc.at))
			u := alice
			u.Lang = tc.lang
			r, err := f.consentAndStart(t, u)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if tc.lang == catalogue.Japanese {
				want = strings.Replace(want, "{next}", "11月30日(月) 09:00", 1)
			}
			if r.Text != want {
				t.Errorf("got %q, want %q", r.Text, want)
			}
			if got := f.desk.tickets[0].OutOfHours; got != (tc.name != "open") {
				t.Errorf("ticket out of hours = %v", got)
			}
		})
	}
}

func TestHoursNext(t *testing.T) {
	h := NewHours(testSettings())
	tokyo := testSettings().Location
	at := func(d, hh, mm int) time.Time { return time.Date(2026, 12, d, hh, mm, 0, 0, tokyo) }
	for _, tc := range []struct {
		name     string
		t, want  time.Time
		wantOpen bool
	}{
		{"open", at(1, 10, 0), at(1, 10, 0), true},
		{"before opening", at(1, 8, 59), at(1, 9, 0), false},
		{"at closing", at(1, 17, 0), at(2, 9, 0), false},
		{"saturday", at(5, 12, 0), at(7, 9, 0), false},
		{"closed date", at(31, 10, 0), time.Date(2027, 1, 1, 9, 0, 0, 0, tokyo), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := h.IsOpen(tc.t); got != tc.wantOpen {
				t.Errorf("IsOpen = %v, want %v", got, tc.wantOpen)
			}
			got, ok := h.Next(tc.t)
			if !ok || !got.Equal(tc.want) {
				t.Errorf("Next = %v %v, want %v", got, ok, tc.want)
			}
		})
	}
	if !(Hours{}).IsOpen(at(5, 3, 0)) {
		t.Error("zero Hours closed, want always open")
	}
	none := testSettings()
	none.Weekly = [7][]catalogue.Span{}
	if !NewHours(none).IsOpen(at(5, 3, 0)) {
		t.Error("hours without any span closed, want always open")
	}
}

func TestInactivity(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, nil)
	tk := f.start(t, alice)
	bob := UserRef{Platform: "line", ID: "U-bob", Lang: catalogue.Japanese}
	f.clock.Add(20 * time.Hour)
	f.start(t, bob)
	f.clock.Add(3 * time.Hour)
	if _, err := f.h.FromUser(ctx, alice, "still waiting"); err != nil { // activity at 23h
		t.Fatal(err)
	}
	f.clock.Add(23 * time.Hour) // alice quiet 23h, bob 26h
	n, err := f.h.Sweep(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1 closed", n, err)
	}
	if a, _ := f.h.Active(ctx, bob); a {
		t.Error("bob still active after 26h quiet")
	}
	if a, _ := f.h.Active(ctx, alice); !a {
		t.Error("alice closed after 23h quiet")
	}
	p := f.msg.got()
	if len(p) != 1 || p[0].to != bob.ID || p[0].text != "closed inactive(ja)" {
		t.Errorf("pushes = %+v, want bob told closed inactive(ja)", p)
	}
	f.clock.Add(2 * time.Hour)
	if n, _ := f.h.Sweep(ctx); n != 1 {
		t.Errorf("second sweep closed %d, want 1 (alice)", n)
	}
	if n, _ := f.h.Sweep(ctx); n != 0 {
		t.Errorf("third sweep closed %d, want 0", n)
	}
	if got := testutil.ToFloat64(f.h.metrics.closed.WithLabelValues("inactivity")); got != 2 {
		t.Errorf("closed{inactivity} = %v, want 2", got)
	}
	// A staff reply after the close is refused in the thread.
	if err := f.h.FromStaff(ctx, staff(tk, "3000.1", "sorry for the wait")); err != nil {
		t.Fatal(err)
	}
	if got := f.desk.reacted("3000.1"); !slices.Equal(got, []string{ReactFailed}) || !strings.Contains(f.desk.lastPost(), "closed") {
		t.Errorf("late reply: reactions %v, note %q", got, f.desk.lastPost())
	}
	if got := len(f.msg.got()); got != 2 {
		t.Errorf("got %d pushes, want 2 (the two close notices)", got)
	}
}

func TestBlockedUser(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, nil)
	tk := f.start(t, alice)
	f.msg.fail = errBlocked
	if err := f.h.FromStaff(ctx, staff(tk, "2000.1", "hello")); err != nil {
		t.Fatal(err)
	}
	if got := f.desk.reacted("2000.1"); !slices.Equal(got, []string{ReactFailed}) {
		t.Errorf("reactions = %v, want [%s]", got, ReactFailed)
	}
	if got := f.desk.lastPost(); !strings.Contains(got, "Not delivered") || !strings.Contains(got, "403") {
		t.Errorf("note = %q, want it to say not delivered and why", got)
	}
	if got := testutil.ToFloat64(f.h.metrics.pushFailures); got != 1 {
		t.Errorf("push failures = %v, want 1", got)
	}
	// Staff closing a blocked user's ticket still closes it, and says the
	// user could not be told.
	if err := f.h.StaffAction(ctx, Action{Kind: ActionClose, TicketID: tk.ID, Staff: "USTAFF"}); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.h.Active(ctx, alice); a {
		t.Error("still active after staff close")
	}
	if got := f.desk.lastPost(); !strings.Contains(got, "could not be told") {
		t.Errorf("close note = %q", got)
	}
}

func TestBadStaffInput(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, nil)
	tk := f.start(t, alice)
	for _, tc := range []struct {
		name string
		m    StaffMessage
		note string
	}{
		{"unknown thread", StaffMessage{Channel: "CDESK", ThreadTS: "42.0", TS: "42.1", Text: "hi"}, "not a handoff ticket"},
		{"nothing left as plain text", staff(tk, "43.1", "   "), "Nothing to send"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := f.h.FromStaff(ctx, tc.m); err != nil {
				t.Fatal(err)
			}
			if got := f.desk.lastPost(); !strings.Contains(got, tc.note) {
				t.Errorf("note = %q, want %q", got, tc.note)
			}
			if got := f.desk.reacted(tc.m.TS); !slices.Equal(got, []string{ReactFailed}) {
				t.Errorf("reactions = %v", got)
			}
		})
	}
	for _, tc := range []struct {
		name string
		a    Action
		note string
	}{
		{"unknown ticket", Action{Kind: ActionTake, TicketID: "nope", Channel: "CDESK", MessageTS: "9.9"}, "no longer exists"},
		{"unknown answer", Action{Kind: ActionSend, TicketID: tk.ID, IntentID: "gone"}, `"gone" no longer exists`},
		{"unknown kind", Action{Kind: "dance", TicketID: tk.ID}, "Unknown button"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := f.h.StaffAction(ctx, tc.a); err != nil {
				t.Fatal(err)
			}
			if got := f.desk.lastPost(); !strings.Contains(got, tc.note) {
				t.Errorf("note = %q, want %q", got, tc.note)
			}
		})
	}
	if got := len(f.msg.got()); got != 0 {
		t.Errorf("bad input pushed %d messages, want 0", got)
	}
	// Send this answer, double-clicked: one push.
	for range 2 {
		if err := f.h.StaffAction(ctx, Action{Kind: ActionSend, TicketID: tk.ID, IntentID: "reset-password", Staff: "USTAFF"}); err != nil {
			t.Fatal(err)
		}
	}
	if p := f.msg.got(); len(p) != 1 || p[0].text != "answer reset-password in en" {
		t.Errorf("send answer pushes = %+v", p)
	}
	// A stale button on a closed ticket.
	if _, err := f.h.Close(ctx, alice); err != nil {
		t.Fatal(err)
	}
	if err := f.h.StaffAction(ctx, Action{Kind: ActionClose, TicketID: tk.ID, Channel: "CDESK", MessageTS: tk.Desk.TS}); err != nil {
		t.Fatal(err)
	}
	if got := f.desk.lastPost(); !strings.Contains(got, "already closed") {
		t.Errorf("stale close note = %q", got)
	}
}

func TestNewRequires(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Error("New without ports: no error")
	}
	if _, err := New(Options{Store: NewMemory(nil), Messenger: &messenger{}, Desk: &desk{}, Settings: testSettings, Key: []byte("short")}); err == nil {
		t.Error("New with a short key: no error")
	}
	none := func() catalogue.Handoff { return catalogue.Handoff{} }
	if _, err := New(Options{Store: NewMemory(nil), Messenger: &messenger{}, Desk: &desk{}, Settings: none, Key: []byte("0123456789abcdef")}); err == nil {
		t.Error("New without handoff settings: no error")
	}
}

func TestRunSweeper(t *testing.T) {
	f := newFixture(t, nil, nil)
	f.start(t, alice)
	f.clock.Add(25 * time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		f.h.RunSweeper(ctx, time.Millisecond)
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if a, _ := f.h.Active(ctx, alice); !a {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("sweeper did not close the quiet conversation within 5s")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
}

func TestShowName(t *testing.T) {
	f := newFixture(t, nil, nil)
	if f.h.WantsName() {
		t.Error("WantsName with show_display_name off")
	}
	f.h.o.Settings = func() catalogue.Handoff { s := testSettings(); s.ShowName = true; return s }
	u := alice
	u.Name = "Alice"
	if _, err := f.consentAndStart(t, u); err != nil {
		t.Fatal(err)
	}
	if !f.h.WantsName() || f.desk.tickets[0].Name != "Alice" {
		t.Errorf("with show_display_name on: wants %v, ticket name %q", f.h.WantsName(), f.desk.tickets[0].Name)
	}
}

// TestDeskDown: a user message that cannot reach the desk is not lost in
// silence: the user is asked to send it again.
func TestDeskDown(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, nil)
	f.start(t, alice)
	f.desk.mu.Lock()
	f.desk.down = true
	f.desk.mu.Unlock()
	for _, send := range []func() (Reply, error){
		func() (Reply, error) { return f.h.FromUser(ctx, alice, "hello") },
		func() (Reply, error) { return f.h.FromUserNonText(ctx, alice, "image") },
	} {
		if r, err := send(); err != nil || r.Text != "not sent" {
			t.Errorf("with the desk down: reply %q, err %v; want not sent", r.Text, err)
		}
	}
}
