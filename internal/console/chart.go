package console

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// day is one day's questions by decision.
type day struct {
	Day                            string
	Answered, Clarified, Escalated int
}

// Total is the day's questions.
func (d day) Total() int { return d.Answered + d.Clarified + d.Escalated }

// startOfDay is the midnight that begins t's day in t's location.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// perDay counts the questions (not picked choices) of each day, in since's
// location, from since to now, days without questions included, oldest
// first.
func perDay(entries []record.Entry, since, now time.Time) []day {
	var days []day
	index := map[string]int{}
	loc := since.Location()
	for t := startOfDay(since); !t.After(now); t = t.AddDate(0, 0, 1) {
		k := t.Format(time.DateOnly)
		index[k] = len(days)
		days = append(days, day{Day: k})
	}
	for _, e := range entries {
		if e.Kind == bot.KindChoice {
			continue
		}
		i, ok := index[e.Time.In(loc).Format(time.DateOnly)]
		if !ok {
			continue
		}
		switch e.Decision {
		case match.Answer:
			days[i].Answered++
		case match.Clarify:
			days[i].Clarified++
		default:
			days[i].Escalated++
		}
	}
	return days
}

// chart draws the days as stacked bars (answered at the bottom, then asked
// back, then escalated) in SVG, on the server: no script, no CDN. Colours
// come from the stylesheet's classes; each bar has a title for the
// pointer and the page repeats the figures in a table for screen readers.
func chart(days []day, t tr) template.HTML {
	// The margins leave room for labels up to 30 units tall: the
	// stylesheet enlarges them as the chart shrinks on a phone, so that
	// they stay readable.
	const w, h, left, bottom, top = 720.0, 200.0, 60.0, 38.0, 6.0
	peak := 1
	for _, d := range days {
		peak = max(peak, d.Total())
	}
	n := max(len(days), 1)
	slot := (w - left) / float64(n)
	bar := max(slot*0.7, 1)
	scale := (h - bottom - top) / float64(peak)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(t.S("perday")))
	fmt.Fprintf(&b, `<line class="axis" x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f"/>`, left, h-bottom, w, h-bottom)
	fmt.Fprintf(&b, `<text class="tick" x="%.0f" y="%.0f" text-anchor="end" dominant-baseline="hanging">%d</text>`, left-6, top, peak)
	fmt.Fprintf(&b, `<text class="tick" x="%.0f" y="%.0f" text-anchor="end">0</text>`, left-6, h-bottom)
	every := max(1, n/7)
	for i, d := range days {
		x := left + float64(i)*slot + (slot-bar)/2
		y := h - bottom
		fmt.Fprintf(&b, `<g><title>%s: %s %d, %s %d, %s %d</title>`, d.Day,
			template.HTMLEscapeString(t.S("answered")), d.Answered, template.HTMLEscapeString(t.S("clarified")), d.Clarified,
			template.HTMLEscapeString(t.S("escalated")), d.Escalated)
		for _, part := range []struct {
			class string
			n     int
		}{{"answered", d.Answered}, {"clarified", d.Clarified}, {"escalated", d.Escalated}} {
			if part.n == 0 {
				continue
			}
			ph := float64(part.n) * scale
			y -= ph
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, part.class, x, y, bar, ph)
		}
		b.WriteString(`</g>`)
		if i%every == 0 {
			fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%.0f" text-anchor="middle" dominant-baseline="hanging">%s</text>`, x+bar/2, h-bottom+4, d.Day[5:])
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from numbers and escaped words only
}
