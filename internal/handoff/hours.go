package handoff

import (
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
