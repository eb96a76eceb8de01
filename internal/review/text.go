package review

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteClusters prints the review's clusters for an admin: each group's
// examples, nearest intent and suggestion.
func WriteClusters(w io.Writer, clusters []*Cluster) {
	if len(clusters) == 0 {
		fmt.Fprintln(w, "No question was escalated, asked back or disliked.")
		return
	}
	for i, c := range clusters {
		fmt.Fprintf(w, "%d. %d question(s): escalated %d, asked back %d, 👎 %d\n", i+1, c.Count, c.Escalated, c.Clarified, c.Disliked)
		for _, ex := range c.Examples {
			fmt.Fprintf(w, "     %q\n", ex)
		}
		if c.Nearest != "" {
			how := fmt.Sprintf("score %.3f", c.Score)
			if c.Picked {
				how = "picked by users when asked back"
			}
			fmt.Fprintf(w, "   nearest intent: %s (%s)\n", c.Nearest, how)
		}
		switch c.Suggestion {
		case AddExamples:
			fmt.Fprintf(w, "   → add as examples to %s\n", c.Intent)
		case NewIntent:
			fmt.Fprintf(w, "   → a new intent, for example intents/new-intent.yaml:\n%s", indentLines(c.Skeleton, "       "))
		case OutOfScope:
			fmt.Fprintln(w, "   → out of scope: nothing the catalogue covers (the office answers it elsewhere, or an intent that says so)")
		}
		fmt.Fprintln(w)
	}
}

// indentLines puts prefix before every line of s, ending in a newline.
func indentLines(s, prefix string) string {
	lines := strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n")
	return prefix + strings.Join(lines, prefix) + "\n"
}

// WriteApplied prints what --write added and its measured effect.
func WriteApplied(w io.Writer, a Applied) {
	if a.Added == 0 {
		fmt.Fprintln(w, "Nothing to write: no new examples to add.")
		return
	}
	fmt.Fprintf(w, "Added %d examples to %s; lint passed.\n", a.Added, strings.Join(a.Files, ", "))
	b, f := a.Before, a.After
	fmt.Fprintf(w, "  leave-one-out: accuracy %.1f%% → %.1f%%, wrong %.1f%% → %.1f%%\n",
		100*b.LeaveOneOut.Accuracy(), 100*f.LeaveOneOut.Accuracy(), 100*b.LeaveOneOut.WrongRate(), 100*f.LeaveOneOut.WrongRate())
	fmt.Fprintf(w, "  reviewed questions answered with the intent they were added to: %d → %d of %d\n", b.Suggested, f.Suggested, f.Reviewed)
}

// WriteStats prints the figures of the record for an admin.
func WriteStats(w io.Writer, s Stats) {
	fmt.Fprintf(w, "Questions since %s: %d\n", s.Since.UTC().Format(time.DateOnly), s.Questions)
	if s.Questions == 0 {
		return
	}
	fmt.Fprintf(w, "  answered %d (%.1f%%), asked back %d (%.1f%%), escalated %d (%.1f%%), of which asked for a person %d\n",
		s.Answered, 100*s.Rate(s.Answered), s.Clarified, 100*s.Rate(s.Clarified), s.Escalated, 100*s.Rate(s.Escalated), s.AskedForPerson)
	fmt.Fprintf(w, "  choices picked %d; feedback 👍 %d 👎 %d; handed to staff %d\n", s.Choices, s.Helpful, s.NotHelpful, s.Handoffs)
	fmt.Fprintln(w, "\nPer day and platform:")
	for _, d := range s.Days {
		fmt.Fprintf(w, "  %s  %-6s %5d\n", d.Day, d.Platform, d.N)
	}
	fmt.Fprintln(w, "\nIntents answered (answers, 👍, 👎, share of feedback that is 👍):")
	for _, ic := range s.Intents {
		ratio := "-"
		if n := ic.Helpful + ic.NotHelpful; n > 0 {
			ratio = fmt.Sprintf("%.0f%%", 100*float64(ic.Helpful)/float64(n))
		}
		fmt.Fprintf(w, "  %-26s %5d %4d %4d  %s\n", ic.Intent, ic.N, ic.Helpful, ic.NotHelpful, ratio)
	}
}
