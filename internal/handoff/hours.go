package handoff

import (
	"fmt"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Hours are the office's opening hours. The zero value is always open, so
// that a handoff without configured hours never tells users to wait.
type Hours struct {
	loc    *time.Location
	weekly [7][]catalogue.Span
	closed map[string]bool
	always bool
}

// NewHours builds opening hours from the settings; closed dates are read
// in the office's time zone.
func NewHours(h catalogue.Handoff) Hours {
	hs := Hours{loc: h.Location, weekly: h.Weekly, closed: map[string]bool{}, always: true}
	if hs.loc == nil {
		hs.loc = time.UTC
	}
	for _, spans := range h.Weekly {
		if len(spans) > 0 {
			hs.always = false
		}
	}
	for _, d := range h.Closed {
		hs.closed[d] = true
	}
	return hs
}

// IsOpen reports whether staff are in at t.
func (h Hours) IsOpen(t time.Time) bool {
	if h.always || h.loc == nil {
		return true
	}
	lt := t.In(h.loc)
	if h.closed[lt.Format(time.DateOnly)] {
		return false
	}
	off := sinceMidnight(lt)
	for _, s := range h.weekly[lt.Weekday()] {
		if off >= s.Open && off < s.Close {
			return true
		}
	}
	return false
}

// Next returns the next opening at or after t, in the office's time zone,
// and false when there is none within a year (every day closed).
func (h Hours) Next(t time.Time) (time.Time, bool) {
	if h.IsOpen(t) {
		return t, true
	}
	lt := t.In(h.loc)
	day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, h.loc)
	for i := 0; i <= 366; i++ {
		d := day.AddDate(0, 0, i)
		if h.closed[d.Format(time.DateOnly)] {
			continue
		}
		for _, s := range h.weekly[d.Weekday()] {
			// Add the offset as wall-clock hours and minutes so that a day
			// with a daylight-saving change still opens at the written time.
			open := time.Date(d.Year(), d.Month(), d.Day(), int(s.Open/time.Hour), int(s.Open%time.Hour/time.Minute), 0, 0, h.loc)
			if open.After(lt) {
				return open, true
			}
		}
	}
	return time.Time{}, false
}

func sinceMidnight(t time.Time) time.Duration {
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second
}

// formatNext writes an opening time for a user in lang.
func formatNext(t time.Time, lang catalogue.Lang) string {
	if lang == catalogue.English {
		return t.Format("Mon 2 Jan 15:04")
	}
	wd := [...]string{"日", "月", "火", "水", "木", "金", "土"}[t.Weekday()]
	return t.Format("1月2日") + "(" + wd + ") " + t.Format("15:04")
}

// DescribeHours writes the office's opening hours for a user in lang:
// the days with their spans (days with the same spans together), then
// whether staff are in at now or when they are next.
func DescribeHours(set catalogue.Handoff, now time.Time, lang catalogue.Lang) string {
	names := [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	closedDay, to, title := "closed", "–", "Office hours"
	if lang != catalogue.English {
		names = [...]string{"日", "月", "火", "水", "木", "金", "土"}
		closedDay, to, title = "休み", "〜", "受付時間"
	}
	if set.TimeZone != "" {
		title += " (" + set.TimeZone + ")"
	}
	lines := []string{title}
	spans := func(d time.Weekday) string {
		var parts []string
		for _, s := range set.Weekly[d] {
			parts = append(parts, hhmm(s.Open)+"-"+hhmm(s.Close))
		}
		if parts == nil {
			return closedDay
		}
		return strings.Join(parts, ", ")
	}
	// Monday first, as offices write their week.
	week := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	for i := 0; i < len(week); {
		j := i
		for j+1 < len(week) && spans(week[j+1]) == spans(week[i]) {
			j++
		}
		days := names[week[i]]
		if j > i {
			days += to + names[week[j]]
		}
		lines = append(lines, days+": "+spans(week[i]))
		i = j + 1
	}
	h := NewHours(set)
	next, ok := h.Next(now)
	switch {
	case h.IsOpen(now) && lang == catalogue.English:
		lines = append(lines, "Staff are in now.")
	case h.IsOpen(now):
		lines = append(lines, "ただいま受付中です。")
	case ok && lang == catalogue.English:
		lines = append(lines, "Closed now; staff are in from "+formatNext(next, lang)+".")
	case ok:
		lines = append(lines, "ただいま受付時間外です。次の受付は "+formatNext(next, lang)+" からです。")
	}
	return strings.Join(lines, "\n")
}

// hhmm writes an offset from midnight as 09:00.
func hhmm(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
