package figures

import (
	"fmt"
	"io"
	"time"
)

// WriteText prints the figures for an admin, after the record's counts.
func WriteText(w io.Writer, f Figures) {
	pct := func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
	fmt.Fprintln(w, "\nResolution:")
	fmt.Fprintf(w, "  answer rate %s, asked back %s, escalated %s, handed to staff %s\n",
		pct(f.AnswerRate), pct(f.AskedBackRate), pct(f.EscalationRate), pct(f.HandoffRate))
	fmt.Fprintf(w, "  self-resolution %s: confirmed %s (%d), assumed %s (%d), of %d questions judged",
		pct(f.SelfResolutionRate), pct(f.Confirmed), f.ConfirmedN, pct(f.Assumed), f.AssumedN, f.Judged)
	if f.Pending > 0 {
		fmt.Fprintf(w, "; %d answered in the last 24 h wait for their verdict", f.Pending)
	}
	fmt.Fprintln(w)
	helpful := "-"
	if f.Rated > 0 {
		helpful = pct(f.HelpfulShare)
	}
	fmt.Fprintf(w, "  answers rated \"solved\": %s of %d rated\n", helpful, f.Rated)
	reply := "-"
	if f.Replied > 0 {
		reply = time.Duration(f.FirstReplyMedian * float64(time.Second)).Round(time.Second).String()
	}
	fmt.Fprintf(w, "  handoffs per day %.2f; median time to the first staff reply %s (%d conversations)\n", f.HandoffsPerDay, reply, f.Replied)
	csat := "-"
	if f.Ratings > 0 {
		csat = pct(f.CSAT)
	}
	fmt.Fprintf(w, "  satisfied after a handoff (csat): %s of %d ratings\n", csat, f.Ratings)
	if len(f.Trend) == 0 {
		return
	}
	fmt.Fprintln(w, "\nPer day (questions, answer rate, self-resolution rate, handoffs):")
	for _, d := range f.Trend {
		fmt.Fprintf(w, "  %s %5d %7s %7s %4d\n", d.Day, d.Questions, pct(d.AnswerRate), pct(d.SelfResolutionRate), d.Handoffs)
	}
}
