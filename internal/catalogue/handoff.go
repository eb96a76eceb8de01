package catalogue

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Handoff is how a conversation is handed to office staff: when they are
// in, how long a quiet conversation stays open, and what the bot says.
// It is optional in the settings file; Configured is false without it.
type Handoff struct {
	Configured bool
	// TimeZone names Location, the office's time zone (default Asia/Tokyo).
	TimeZone string
	Location *time.Location
	// Weekly holds the opening spans of each day, indexed by time.Weekday;
	// a day without spans is closed.
	Weekly [7][]Span
	// Closed lists dates (YYYY-MM-DD, in Location) the office is closed.
	Closed []string
	// Inactivity closes a conversation nobody wrote in for this long.
	Inactivity time.Duration
	// ReceiptEvery is the least time between two "sent to staff" receipts.
	ReceiptEvery time.Duration
	// ShowName lets the ticket show the user's platform display name
	// instead of only the pseudonymous handle.
	ShowName bool
	// TicketsPerHour is how many conversations with staff one user may
	// open within an hour (DefaultTicketsPerHour unless written), so that
	// one user cannot flood the staff channel with tickets.
	TicketsPerHour int
	Texts          HandoffTexts
	// Satisfaction is the rating asked after staff helped (see
	// DefaultSatisfaction; zero, as in a Handoff built in code: not asked).
	Satisfaction Satisfaction
}

// DefaultTicketsPerHour is TicketsPerHour when the settings do not say:
// enough for a user who ends a conversation too early and comes back.
const DefaultTicketsPerHour = 3

// maxTicketsPerHour bounds tickets_per_hour: more is no limit at all.
const maxTicketsPerHour = 60

// DefaultTooMany is TooMany when the settings do not say.
var DefaultTooMany = Text{
	JA: "申し訳ございません。スタッフへのおつなぎは、短い時間のうちに続けてはお受けしておりません。しばらく時間をおいてから、あらためてお試しいただけますでしょうか。お急ぎの場合は、卒業生係まで直接ご連絡くださいますようお願いいたします。",
	EN: "We are sorry, but we cannot connect you to the staff again so soon. Please try again a little later; if it is urgent, please contact the Alumni Office directly.",
}

// Span is an opening time within a day, as offsets from midnight.
type Span struct{ Open, Close time.Duration }

// HandoffTexts are the sentences of a handoff, in each language. The
// Opened and Receipt texts may hold {next}, replaced by the next opening
// time when the office is closed.
type HandoffTexts struct {
	// Offer labels the button offered with every escalation.
	Offer Text
	// Consent says who reads the messages, what never to send, and when
	// staff answer; Start and Cancel label its buttons.
	Consent Text
	Start   Text
	Cancel  Text
	// Cancelled answers Cancel.
	Cancelled Text
	// Opened confirms the conversation is with staff; OutOfHours is added
	// when the office is closed ({next} is when it opens).
	Opened     Text
	OutOfHours Text
	// Joined answers a second request while one is already open.
	Joined Text
	// Receipt acknowledges a message passed to staff; NotSent says one
	// could not be, so the user sends it again.
	Receipt Text
	NotSent Text
	// NonText says a sticker or image was not passed on.
	NonText Text
	// End labels the button that ends the conversation.
	End Text
	// Closed, ClosedByStaff and ClosedInactive tell the user the bot
	// answers again, after they, staff, or silence ended it.
	Closed         Text
	ClosedByStaff  Text
	ClosedInactive Text
	// Group says handoff is not available in group chats.
	Group Text
	// TooMany answers a request for staff beyond TicketsPerHour
	// (optional, DefaultTooMany unless written).
	TooMany Text
}

// parseHandoff reads the optional handoff block.
func (w *walker) parseHandoff(n *yaml.Node) Handoff {
	h := Handoff{Configured: true, TimeZone: "Asia/Tokyo", Inactivity: 24 * time.Hour, ReceiptEvery: 5 * time.Minute,
		TicketsPerHour: DefaultTicketsPerHour, Satisfaction: DefaultSatisfaction()}
	t := &h.Texts
	t.TooMany = DefaultTooMany
	// Where each text and the time zone were written, for problems found
	// after reading them.
	at := map[string]*yaml.Node{"time_zone": n}
	text := func(name string, p *Text) field {
		return field{name, true, func(v *yaml.Node) { at[name] = v; *p = w.text(v, "handoff texts "+name) }}
	}
	var hours, closed *yaml.Node
	w.fields(n, "handoff", []field{
		{"time_zone", false, func(v *yaml.Node) { at["time_zone"] = v; h.TimeZone, _ = w.str(v, "handoff time_zone") }},
		{"hours", true, func(v *yaml.Node) { hours = v }},
		{"closed_dates", false, func(v *yaml.Node) { closed = v }},
		{"inactivity", false, func(v *yaml.Node) { h.Inactivity = w.duration(v, "handoff inactivity", time.Minute) }},
		{"receipt_every", false, func(v *yaml.Node) { h.ReceiptEvery = w.duration(v, "handoff receipt_every", 0) }},
		{"show_display_name", false, func(v *yaml.Node) { h.ShowName = w.boolean(v, "handoff show_display_name") }},
		{"tickets_per_hour", false, func(v *yaml.Node) { h.TicketsPerHour = w.ticketsPerHour(v) }},
		{"satisfaction", false, func(v *yaml.Node) { h.Satisfaction = w.satisfaction(v) }},
		{"texts", true, func(v *yaml.Node) {
			w.fields(v, "handoff texts", []field{
				text("offer", &t.Offer), text("consent", &t.Consent), text("start", &t.Start),
				text("cancel", &t.Cancel), text("cancelled", &t.Cancelled), text("opened", &t.Opened),
				text("out_of_hours", &t.OutOfHours), text("joined", &t.Joined), text("receipt", &t.Receipt),
				text("not_sent", &t.NotSent), text("non_text", &t.NonText), text("end", &t.End), text("closed", &t.Closed),
				text("closed_by_staff", &t.ClosedByStaff), text("closed_inactive", &t.ClosedInactive),
				text("group", &t.Group),
				{"too_many", false, func(v *yaml.Node) { t.TooMany = w.text(v, "handoff texts too_many") }},
			})
		}},
	})
	loc, err := time.LoadLocation(h.TimeZone)
	if err != nil || h.TimeZone == "Local" {
		w.addJA(at["time_zone"], fmt.Sprintf("handoff time_zone %q is not a known time zone; write an IANA name such as Asia/Tokyo", h.TimeZone),
			fmt.Sprintf("handoff time_zone %q というタイムゾーンはありません。Asia/Tokyo のような IANA の名前を書いてください", h.TimeZone))
		loc = time.UTC
	}
	h.Location = loc
	if hours != nil {
		h.Weekly = w.weekly(hours)
	}
	if closed != nil {
		h.Closed = w.dates(closed)
	}
	for _, l := range Langs {
		for name, s := range map[string]string{"opened": t.Opened.In(l), "receipt": t.Receipt.In(l)} {
			if strings.Contains(s, "{next}") {
				w.addJA(at[name], fmt.Sprintf("handoff texts %s (%s): {next} belongs in out_of_hours only", name, l),
					fmt.Sprintf("handoff texts %s (%s): {next} は out_of_hours にだけ書けます", name, l))
			}
		}
		if s := t.OutOfHours.In(l); s != "" && !strings.Contains(s, "{next}") {
			w.addJA(at["out_of_hours"], fmt.Sprintf("handoff texts out_of_hours (%s) must say when the office opens with {next}", l),
				fmt.Sprintf("handoff texts out_of_hours (%s) には、次に窓口が開く日時を {next} で書いてください", l))
		}
	}
	return h
}

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

var spanRE = regexp.MustCompile(`^(\d\d):(\d\d)-(\d\d):(\d\d)$`)

// weekly reads hours per weekday: mon: "09:00-17:00", several spans
// separated by commas, or "closed". Days not written are closed.
func (w *walker) weekly(n *yaml.Node) [7][]Span {
	var week [7][]Span
	if n.Kind != yaml.MappingNode {
		w.addJA(n, "handoff hours must be a set of days, like mon: \"09:00-17:00\"", "handoff hours には mon: \"09:00-17:00\" のように曜日ごとに書いてください")
		return week
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		day, ok := weekdays[k.Value]
		if !ok {
			w.addJA(k, fmt.Sprintf("handoff hours: %q is not a weekday; write mon, tue, wed, thu, fri, sat or sun", k.Value),
				fmt.Sprintf("handoff hours: %q は曜日ではありません。mon, tue, wed, thu, fri, sat, sun のどれかを書いてください", k.Value))
			continue
		}
		s, ok := w.str(v, "handoff hours "+k.Value)
		if !ok || s == "closed" {
			continue
		}
		var last time.Duration
		for _, part := range strings.Split(s, ",") {
			m := spanRE.FindStringSubmatch(strings.TrimSpace(part))
			var sp Span
			if m != nil {
				sp.Open, ok = clock(m[1], m[2])
				if ok {
					sp.Close, ok = clock(m[3], m[4])
				}
			}
			if m == nil || !ok || sp.Open >= sp.Close || sp.Open < last {
				w.addJA(v, fmt.Sprintf("handoff hours %s: %q must be opening spans in order, like \"09:00-17:00\" or \"09:00-12:00, 13:00-17:00\", or closed", k.Value, s),
					fmt.Sprintf("handoff hours %s: %q は \"09:00-17:00\" や \"09:00-12:00, 13:00-17:00\" のように受付時間を早い順に書くか、closed と書いてください", k.Value, s))
				break
			}
			last = sp.Close
			week[day] = append(week[day], sp)
		}
	}
	return week
}

// clock reads hours and minutes, allowing 24:00 as the end of a day.
func clock(hh, mm string) (time.Duration, bool) {
	h, _ := strconv.Atoi(hh)
	m, _ := strconv.Atoi(mm)
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, true
}

// dates reads a list of YYYY-MM-DD dates.
func (w *walker) dates(n *yaml.Node) []string {
	ds, pos := w.strList(n, "handoff closed_dates")
	var out []string
	for i, d := range ds {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			w.ps = append(w.ps, Problem{File: w.file, Line: pos[i].line, Col: pos[i].col,
				Msg:   fmt.Sprintf("handoff closed_dates: %q is not a date written YYYY-MM-DD", d),
				MsgJA: fmt.Sprintf("handoff closed_dates: %q は YYYY-MM-DD の形の日付ではありません", d)})
			continue
		}
		out = append(out, d)
	}
	return out
}

// ticketsPerHour reads a whole number from 1 to maxTicketsPerHour.
func (w *walker) ticketsPerHour(n *yaml.Node) int {
	i, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || i < 1 || i > maxTicketsPerHour {
		w.addJA(n, fmt.Sprintf("handoff tickets_per_hour must be a whole number from 1 to %d", maxTicketsPerHour),
			fmt.Sprintf("handoff tickets_per_hour には 1 から %d までの整数を書いてください", maxTicketsPerHour))
		return DefaultTicketsPerHour
	}
	return i
}

// duration reads a Go duration ("24h", "90m") of at least least.
func (w *walker) duration(n *yaml.Node, what string, least time.Duration) time.Duration {
	s, ok := w.str(n, what)
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d < least {
		least := strings.TrimSuffix(max(least, time.Second).String(), "0s")
		w.addJA(n, fmt.Sprintf("%s %q must be a duration of at least %s, like \"24h\" or \"30m\"", what, s, least),
			fmt.Sprintf("%s %q には \"24h\" や \"30m\" のように %s 以上の長さを書いてください", what, s, least))
		return 0
	}
	return d
}
