package console

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/figures"
)

// trendChart draws the answer rate and the self-resolution rate of each
// day as two lines from 0 to 100% in SVG, on the server, as chart does;
// the page repeats the figures in a table. Days without questions are
// left out of the lines.
func trendChart(days []figures.Day, t tr) template.HTML {
	const w, h, left, bottom, top = 720.0, 160.0, 36.0, 24.0, 8.0
	n := max(len(days), 1)
	slot := (w - left) / float64(n)
	y := func(rate float64) float64 { return h - bottom - rate*(h-bottom-top) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart trend" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(t.S("trend")))
	fmt.Fprintf(&b, `<line class="axis" x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f"/>`, left, h-bottom, w, h-bottom)
	fmt.Fprintf(&b, `<text class="tick" x="%.0f" y="%.0f" text-anchor="end">100%%</text>`, left-4, top+10)
	fmt.Fprintf(&b, `<text class="tick" x="%.0f" y="%.0f" text-anchor="end">0</text>`, left-4, h-bottom)
	for _, line := range []struct {
		class string
		rate  func(figures.Day) float64
	}{
		{"answer-rate", func(d figures.Day) float64 { return d.AnswerRate }},
		{"self-resolution", func(d figures.Day) float64 { return d.SelfResolutionRate }},
	} {
		var pts []string
		for i, d := range days {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", left+(float64(i)+0.5)*slot, y(line.rate(d))))
		}
		fmt.Fprintf(&b, `<polyline class="%s" fill="none" points="%s"/>`, line.class, strings.Join(pts, " "))
	}
	every := max(1, n/7)
	for i, d := range days {
		if i%every == 0 {
			fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%.0f" text-anchor="middle">%s</text>`, left+(float64(i)+0.5)*slot, h-6, d.Day[5:])
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from numbers and escaped words only
}
