package catalogue

import (
	"os"
	"strings"
	"testing"
	"time"
)

// handoffTexts is a complete texts block for the tests below.
const handoffTexts = `
  texts:
    offer: {ja: 質問, en: Ask}
    consent: {ja: 同意, en: Consent}
    start: {ja: つなぐ, en: Connect}
    cancel: {ja: やめる, en: Cancel}
    cancelled: {ja: 取消, en: Cancelled}
    opened: {ja: 開始, en: Opened}
    out_of_hours: {ja: "{next} から", en: "from {next}"}
    joined: {ja: 参加, en: Joined}
    receipt: {ja: 受付, en: Received}
    not_sent: {ja: 未送信, en: Not sent}
    non_text: {ja: 文字で, en: Text please}
    end: {ja: 終了, en: End}
    closed: {ja: 終了, en: Closed}
    closed_by_staff: {ja: 職員終了, en: Staff closed}
    closed_inactive: {ja: 放置終了, en: Inactive}
    group: {ja: グループ不可, en: No groups}
`

// settingsWith is the valid test settings file with a handoff block added.
func settingsWith(t *testing.T, handoff string) []byte {
	t.Helper()
	base := mustRead(t, "testdata/valid/_settings.yaml")
	return []byte(string(base) + "\nhandoff:\n" + handoff)
}

func TestHandoffSettings(t *testing.T) {
	s, ps := ParseSettings("s.yaml", settingsWith(t, `
  time_zone: Asia/Tokyo
  hours:
    mon: "09:00-12:00, 13:00-17:00"
    sat: closed
    sun: "10:00-24:00"
  closed_dates: [2026-12-31]
  inactivity: 2h
  receipt_every: 3m
`+handoffTexts))
	if len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	h := s.Handoff
	if !h.Configured || h.Location.String() != "Asia/Tokyo" {
		t.Errorf("got configured %v in %v, want true in Asia/Tokyo", h.Configured, h.Location)
	}
	want := []Span{{9 * time.Hour, 12 * time.Hour}, {13 * time.Hour, 17 * time.Hour}}
	if got := h.Weekly[time.Monday]; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("monday = %v, want %v", got, want)
	}
	if got := h.Weekly[time.Saturday]; len(got) != 0 {
		t.Errorf("saturday = %v, want closed", got)
	}
	if got := h.Weekly[time.Sunday]; len(got) != 1 || got[0].Close != 24*time.Hour {
		t.Errorf("sunday = %v, want 10:00-24:00", got)
	}
	if got := h.Weekly[time.Tuesday]; len(got) != 0 {
		t.Errorf("tuesday (not written) = %v, want closed", got)
	}
	if h.Inactivity != 2*time.Hour || h.ReceiptEvery != 3*time.Minute {
		t.Errorf("got inactivity %v receipt %v, want 2h 3m", h.Inactivity, h.ReceiptEvery)
	}
	if len(h.Closed) != 1 || h.Closed[0] != "2026-12-31" {
		t.Errorf("closed = %v, want [2026-12-31]", h.Closed)
	}
	if got := h.Texts.OutOfHours.In(English); got != "from {next}" {
		t.Errorf("out_of_hours = %q", got)
	}
}

func TestHandoffDefaults(t *testing.T) {
	s, ps := ParseSettings("s.yaml", settingsWith(t, "  hours: {mon: \"09:00-17:00\"}\n"+handoffTexts))
	if len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	if got := s.Handoff.Location.String(); got != "Asia/Tokyo" {
		t.Errorf("time zone = %s, want Asia/Tokyo", got)
	}
	if got := s.Handoff.Inactivity; got != 24*time.Hour {
		t.Errorf("inactivity = %v, want 24h", got)
	}
	if got, want := s.Handoff.TicketsPerHour, DefaultTicketsPerHour; got != want {
		t.Errorf("tickets per hour = %d, want %d", got, want)
	}
	if got, want := s.Handoff.Texts.TooMany, DefaultTooMany; got != want {
		t.Errorf("too_many = %+v, want the default %+v", got, want)
	}
}

func TestHandoffTicketsPerHour(t *testing.T) {
	s, ps := ParseSettings("s.yaml", settingsWith(t, "  hours: {mon: \"09:00-17:00\"}\n  tickets_per_hour: 5\n"+
		handoffTexts+"    too_many: {ja: 多すぎます, en: Too many}\n"))
	if len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	if got := s.Handoff.TicketsPerHour; got != 5 {
		t.Errorf("tickets per hour = %d, want 5", got)
	}
	if got := s.Handoff.Texts.TooMany.In(English); got != "Too many" {
		t.Errorf("too_many (en) = %q, want Too many", got)
	}
}

func TestHandoffAbsent(t *testing.T) {
	s, ps := ParseSettings("s.yaml", mustRead(t, "testdata/valid/_settings.yaml"))
	if len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	if s.Handoff.Configured {
		t.Error("handoff configured without a handoff block")
	}
}

func TestHandoffLint(t *testing.T) {
	for _, tc := range []struct{ name, block, want string }{
		{"zone", "  time_zone: Mars/Olympus\n  hours: {mon: \"09:00-17:00\"}\n", `"Mars/Olympus" is not a known time zone`},
		{"weekday", "  hours: {monday: \"09:00-17:00\"}\n", `"monday" is not a weekday`},
		{"hours format", "  hours: {mon: \"9-17\"}\n", `handoff hours mon: "9-17" must be`},
		{"hours reversed", "  hours: {mon: \"17:00-09:00\"}\n", `handoff hours mon: "17:00-09:00"`},
		{"hours overlap", "  hours: {mon: \"09:00-13:00, 12:00-17:00\"}\n", `handoff hours mon:`},
		{"hour 25", "  hours: {mon: \"09:00-25:00\"}\n", `handoff hours mon:`},
		{"date", "  hours: {mon: \"09:00-17:00\"}\n  closed_dates: [2026-13-01]\n", `"2026-13-01" is not a date`},
		{"inactivity", "  hours: {mon: \"09:00-17:00\"}\n  inactivity: 10s\n", `handoff inactivity "10s" must be a duration`},
		{"no hours", "  inactivity: 1h\n", `missing required field "hours"`},
		{"tickets zero", "  hours: {mon: \"09:00-17:00\"}\n  tickets_per_hour: 0\n", "tickets_per_hour must be a whole number from 1 to 60"},
		{"tickets fraction", "  hours: {mon: \"09:00-17:00\"}\n  tickets_per_hour: 2.5\n", "tickets_per_hour must be a whole number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := ParseSettings("s.yaml", settingsWith(t, tc.block+handoffTexts))
			if !strings.Contains(ps.Error(), tc.want) {
				t.Errorf("got problems %q, want one containing %q", ps.Error(), tc.want)
			}
		})
	}
	t.Run("out_of_hours without next", func(t *testing.T) {
		texts := strings.Replace(handoffTexts, `"from {next}"`, "later", 1)
		_, ps := ParseSettings("s.yaml", settingsWith(t, "  hours: {mon: \"09:00-17:00\"}\n"+texts))
		if want := "out_of_hours (en) must say when"; !strings.Contains(ps.Error(), want) {
			t.Errorf("got %q, want %q", ps.Error(), want)
		}
	})
	t.Run("missing text", func(t *testing.T) {
		texts := strings.Replace(handoffTexts, "    group: {ja: グループ不可, en: No groups}\n", "", 1)
		_, ps := ParseSettings("s.yaml", settingsWith(t, "  hours: {mon: \"09:00-17:00\"}\n"+texts))
		if want := `handoff texts: missing required field "group"`; !strings.Contains(ps.Error(), want) {
			t.Errorf("got %q, want %q", ps.Error(), want)
		}
	})
}

// TestShippedHandoff checks the shipped settings configure a handoff whose
// consent says who reads the messages and warns against passwords.
func TestShippedHandoff(t *testing.T) {
	c, err := Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	h := c.Settings.Handoff
	if !h.Configured || len(h.Weekly[time.Monday]) == 0 {
		t.Fatalf("shipped handoff = %+v, want configured with monday hours", h)
	}
	for _, want := range []string{"alumni office staff", "passwords", "identity documents"} {
		if !strings.Contains(h.Texts.Consent.EN, want) {
			t.Errorf("consent (en) does not mention %q", want)
		}
	}
	for _, want := range []string{"卒業生係のスタッフ", "パスワード", "本人確認書類"} {
		if !strings.Contains(h.Texts.Consent.JA, want) {
			t.Errorf("consent (ja) does not mention %q", want)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
