package handoff

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// asker is the fake messenger that can also push buttons, as LINE's does.
type asker struct {
	*messenger
	mu      sync.Mutex
	buttons []Reply
}

func (a *asker) PushButtons(ctx context.Context, to string, r Reply, _ catalogue.Lang, key string) error {
	if err := a.Push(ctx, to, r.Text, key); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.buttons = append(a.buttons, r)
	return nil
}

// journal is a fake record of the tickets' moments.
type journal struct {
	mu     sync.Mutex
	events []string
}

func (j *journal) add(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.events = append(j.events, fmt.Sprintf(format, args...))
}

func (j *journal) TicketOpened(id string, at time.Time) {
	j.add("opened %s %s", id, at.Format(time.TimeOnly))
}
func (j *journal) TicketReplied(id string, _, at time.Time) {
	j.add("replied %s %s", id, at.Format(time.TimeOnly))
}
func (j *journal) Rated(id string, score, levels int, at time.Time) {
	j.add("rated %s %d/%d", id, score, levels)
}

func (j *journal) got() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.events...)
}

// newRatingFixture is newFixture with satisfaction settings, a journal,
// and a messenger that can ask (canAsk) or only push text.
func newRatingFixture(t *testing.T, sat catalogue.Satisfaction, canAsk bool) (*fixture, *asker, *journal) {
	t.Helper()
	clk := testkit.NewClock(monday10)
	f := &fixture{clock: clk, msg: &messenger{}, desk: &desk{}, store: NewMemory(clk.Now), reg: prometheus.NewRegistry()}
	a := &asker{messenger: f.msg}
	var m Messenger = f.msg
	if canAsk {
		m = a
	}
	j := &journal{}
	settings := func() catalogue.Handoff {
		s := testSettings()
		s.Satisfaction = sat
		return s
	}
	h, err := New(Options{Store: f.store, Messenger: m, Desk: f.desk, Now: clk.Now, Settings: settings,
		Key: []byte("0123456789abcdef-test-key"), Registerer: f.reg, Journal: j})
	if err != nil {
		t.Fatal(err)
	}
	f.h = h
	return f, a, j
}

func labels(r Reply) []string {
	var out []string
	for _, b := range r.Buttons {
		out = append(out, b.Label)
	}
	return out
}

// TestRatingAfterClose: once staff replied, every way a conversation
// closes asks the user once for a rating on the office's levels; without
// a staff reply, with the question turned off, or through a messenger
// that cannot ask, it is not asked.
func TestRatingAfterClose(t *testing.T) {
	three := catalogue.DefaultSatisfaction()
	five := three
	five.Levels = 5
	off := three
	off.Ask = false
	for _, tc := range []struct {
		name    string
		sat     catalogue.Satisfaction
		canAsk  bool
		replied bool
		close   Reason
		want    []string // the rating's buttons, nil: not asked
	}{
		{"staff closes, three levels", three, true, true, ReasonStaff, []string{"Satisfied", "Neutral", "Dissatisfied"}},
		{"staff closes, five levels", five, true, true, ReasonStaff, []string{"Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied"}},
		{"user ends it", three, true, true, ReasonUser, []string{"Satisfied", "Neutral", "Dissatisfied"}},
		{"user ends it, messenger cannot ask (the reply can)", three, false, true, ReasonUser, []string{"Satisfied", "Neutral", "Dissatisfied"}},
		{"closed after a quiet day", three, true, true, ReasonInactivity, []string{"Satisfied", "Neutral", "Dissatisfied"}},
		{"no staff reply", three, true, false, ReasonStaff, nil},
		{"turned off", off, true, true, ReasonStaff, nil},
		{"messenger cannot ask", three, false, true, ReasonStaff, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f, a, j := newRatingFixture(t, tc.sat, tc.canAsk)
			tk := f.start(t, alice)
			if tc.replied {
				if err := f.h.FromStaff(ctx, staff(tk, "2000.1", "Here is how")); err != nil {
					t.Fatal(err)
				}
			}
			var asked Reply
			switch tc.close {
			case ReasonUser:
				r, err := f.h.Close(ctx, alice)
				if err != nil {
					t.Fatal(err)
				}
				asked = r
				if !strings.HasPrefix(r.Text, tx("closed").In(alice.Lang)) {
					t.Errorf("close reply %q, want it to start with the closed text", r.Text)
				}
			case ReasonStaff:
				if err := f.h.StaffAction(ctx, Action{Kind: ActionClose, TicketID: tk.ID, Staff: "USTAFF"}); err != nil {
					t.Fatal(err)
				}
			case ReasonInactivity:
				f.clock.Add(25 * time.Hour)
				if n, err := f.h.Sweep(ctx); n != 1 || err != nil {
					t.Fatalf("sweep closed %d, %v; want 1", n, err)
				}
			}
			if tc.close != ReasonUser && len(a.buttons) > 0 {
				asked = a.buttons[0]
				if len(a.buttons) != 1 {
					t.Errorf("pushed %d ratings, want one", len(a.buttons))
				}
			}
			if got := labels(asked); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("rating buttons %q, want %q", got, tc.want)
			}
			if tc.want == nil {
				return
			}
			if !strings.Contains(asked.Text, tc.sat.Question.EN) {
				t.Errorf("rating text %q, want the question %q", asked.Text, tc.sat.Question.EN)
			}
			// The worst is tapped; then again (the first counts), and by
			// another user (ignored).
			worst := asked.Buttons[len(asked.Buttons)-1].Data
			id, score, levels, ok := ParseRate(worst)
			if !ok || id != tk.ID || score != 1 || levels != tc.sat.Levels {
				t.Fatalf("ParseRate(%q) = %q %d/%d %v, want %q 1/%d", worst, id, score, levels, ok, tk.ID, tc.sat.Levels)
			}
			r, err := f.h.Rate(ctx, alice, id, score, levels)
			if err != nil || r.Text != tc.sat.Thanks.EN {
				t.Errorf("rate = %+v, %v; want the thanks", r, err)
			}
			if _, err := f.h.Rate(ctx, alice, id, levels, levels); err != nil {
				t.Fatal(err)
			}
			bob := UserRef{Platform: "line", ID: "U-bob", Lang: catalogue.English}
			if r, err := f.h.Rate(ctx, bob, id, levels, levels); err != nil || r.Text != "" {
				t.Errorf("another user's rating = %+v, %v; want nothing", r, err)
			}
			events := j.got()
			want := fmt.Sprintf("rated %s 1/%d", tk.ID, tc.sat.Levels)
			if len(events) != 3 || !strings.HasPrefix(events[0], "opened "+tk.ID) || !strings.HasPrefix(events[1], "replied "+tk.ID) || events[2] != want {
				t.Errorf("journal %q, want opened, replied and %q", events, want)
			}
		})
	}
}

// TestRateOpenTicket: a rating button for a ticket still open (forged)
// changes nothing.
func TestRateOpenTicket(t *testing.T) {
	f, _, j := newRatingFixture(t, catalogue.DefaultSatisfaction(), true)
	tk := f.start(t, alice)
	if r, err := f.h.Rate(context.Background(), alice, tk.ID, 3, 3); err != nil || r.Text != "" {
		t.Errorf("rate = %+v, %v; want nothing", r, err)
	}
	if got := j.got(); len(got) != 1 {
		t.Errorf("journal %q, want only the opening", got)
	}
}

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		data          string
		id            string
		score, levels int
		ok            bool
	}{
		{rateData("a-b-c", 2, 3), "a-b-c", 2, 3, true},
		{rateData("x", 5, 5), "x", 5, 5, true},
		{PostbackRate + "x:4/3", "", 0, 0, false},
		{PostbackRate + "x:1/4", "", 0, 0, false},
		{PostbackRate + "x:0/5", "", 0, 0, false},
		{PostbackRate + ":1/3", "", 0, 0, false},
		{PostbackRate + "x:one/3", "", 0, 0, false},
		{PostbackEnd, "", 0, 0, false},
	} {
		id, score, levels, ok := ParseRate(tc.data)
		if id != tc.id || score != tc.score || levels != tc.levels || ok != tc.ok {
			t.Errorf("ParseRate(%q) = %q %d %d %v, want %q %d %d %v", tc.data, id, score, levels, ok, tc.id, tc.score, tc.levels, tc.ok)
		}
	}
}
