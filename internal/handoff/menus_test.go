package handoff

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// menus is a fake Menus that notes each switch as "staff|bot platform id
// lang", and can fail every one.
type menus struct {
	mu       sync.Mutex
	switches []string
	fail     error
}

func (m *menus) note(kind, platform, to string, lang catalogue.Lang) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.switches = append(m.switches, fmt.Sprintf("%s %s %s %s", kind, platform, to, lang))
	return m.fail
}

func (m *menus) WithStaff(_ context.Context, platform, to string, lang catalogue.Lang) error {
	return m.note("staff", platform, to, lang)
}

func (m *menus) WithBot(_ context.Context, platform, to string, lang catalogue.Lang) error {
	return m.note("bot", platform, to, lang)
}

func (m *menus) got() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.switches...)
}

// TestMenus: the staff menu is shown when a conversation opens and the
// bot's given back however it closes (the user, staff, silence); a
// failing switch changes nothing else.
func TestMenus(t *testing.T) {
	ctx := context.Background()
	bob := UserRef{Platform: "line", ID: "U-bob", Lang: catalogue.Japanese}
	carol := UserRef{Platform: "line", ID: "U-carol", Lang: catalogue.English}
	for _, tc := range []struct {
		name  string
		user  UserRef
		close func(f *fixture, tk Ticket) error
	}{
		{"user ends", alice, func(f *fixture, _ Ticket) error { _, err := f.h.Close(ctx, alice); return err }},
		{"staff close", bob, func(f *fixture, tk Ticket) error {
			return f.h.StaffAction(ctx, Action{Kind: ActionClose, TicketID: tk.ID, Staff: "USTAFF"})
		}},
		{"inactivity", carol, func(f *fixture, _ Ticket) error {
			f.clock.Add(25 * time.Hour)
			_, err := f.h.Sweep(ctx)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil, nil)
			m := &menus{}
			f.h.o.Menus = m
			tk := f.start(t, tc.user)
			staff := fmt.Sprintf("staff line %s %s", tc.user.ID, tc.user.Lang)
			if got := m.got(); !slices.Equal(got, []string{staff}) {
				t.Fatalf("after start: got switches %q, want %q", got, staff)
			}
			// Joining the open conversation again switches nothing.
			if _, err := f.consentAndStart(t, tc.user); err != nil {
				t.Fatal(err)
			}
			if err := tc.close(f, tk); err != nil {
				t.Fatal(err)
			}
			want := []string{staff, fmt.Sprintf("bot line %s %s", tc.user.ID, tc.user.Lang)}
			if got := m.got(); !slices.Equal(got, want) {
				t.Errorf("after close: got switches %q, want %q", got, want)
			}
		})
	}
	t.Run("failing", func(t *testing.T) {
		f := newFixture(t, nil, nil)
		m := &menus{fail: errors.New("LINE link rich menu: status 500")}
		f.h.o.Menus = m
		f.start(t, alice) // fails the test if the conversation does not open
		if _, err := f.h.Close(ctx, alice); err != nil {
			t.Fatalf("close with a failing menu switch: %v", err)
		}
		if a, _ := f.h.Active(ctx, alice); a || len(m.got()) != 2 {
			t.Errorf("active %v after close, %d switches tried; want false, 2", a, len(m.got()))
		}
	})
}

func TestDescribeHours(t *testing.T) {
	set := testSettings()
	set.Weekly[time.Wednesday] = []catalogue.Span{{Open: 9 * time.Hour, Close: 12 * time.Hour}, {Open: 13 * time.Hour, Close: 17 * time.Hour}}
	saturday := time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC) // 12:00 in Tokyo
	for _, tc := range []struct {
		name string
		now  time.Time
		lang catalogue.Lang
		want string
	}{
		{"open en", monday10, catalogue.English, "Office hours (Asia/Tokyo)\nMon–Tue: 09:00-17:00\nWed: 09:00-12:00, 13:00-17:00\nThu–Fri: 09:00-17:00\nSat–Sun: closed\nStaff are in now."},
		{"closed ja", saturday, catalogue.Japanese, "受付時間 (Asia/Tokyo)\n月〜火: 09:00-17:00\n水: 09:00-12:00, 13:00-17:00\n木〜金: 09:00-17:00\n土〜日: 休み\nただいま受付時間外です。次の受付は 11月30日(月) 09:00 からです。"},
		{"closed en", saturday, catalogue.English, "Office hours (Asia/Tokyo)\nMon–Tue: 09:00-17:00\nWed: 09:00-12:00, 13:00-17:00\nThu–Fri: 09:00-17:00\nSat–Sun: closed\nClosed now; staff are in from Mon 30 Nov 09:00."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DescribeHours(set, tc.now, tc.lang); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
