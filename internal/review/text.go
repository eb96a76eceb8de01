package review

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// WriteClusters prints the review's clusters for an admin: each group's
// questions, every one, with the numbered suggestions (`review --write DIR
// --only 1,4`) and their evidence; then, apart, the questions asked that
// are not ours.
func WriteClusters(w io.Writer, clusters []*Cluster) {
	if len(clusters) == 0 {
		fmt.Fprintln(w, "No question was escalated, asked back or disliked.")
		return
	}
	var notOurs []*Cluster
	i := 0
	for _, c := range clusters {
		if c.Suggestion == OutOfScope {
			notOurs = append(notOurs, c)
			continue
		}
		i++
		fmt.Fprintf(w, "Group %d: %d question(s): escalated %d, asked back %d, 👎 %d\n", i, c.Count, c.Escalated, c.Clarified, c.Disliked)
		for _, it := range c.Items {
			writeItem(w, it)
		}
		switch c.Suggestion {
		case AddExamples:
			fmt.Fprintf(w, "   → add the numbered questions you choose as examples (review --write DIR --only N,…)\n")
		case NewIntent:
			fmt.Fprintf(w, "   → a new intent: save this as new-intent.yaml, write its id, titles and answer, then review --write DIR --new new-intent.yaml (which lists it in the Kustomization too):\n%s", indentLines(c.Skeleton, "       "))
		}
		fmt.Fprintln(w)
	}
	if len(notOurs) > 0 {
		fmt.Fprintln(w, "Asked, not ours (rightly escalated, or about something the catalogue does not cover; material for out-of-scope intents):")
		for _, c := range notOurs {
			for _, it := range c.Items {
				fmt.Fprintf(w, "     %q\n", it.Text)
			}
		}
	}
}

// writeItem prints one question of a group and its suggestion.
func writeItem(w io.Writer, it *Item) {
	switch {
	case it.Number > 0:
		fmt.Fprintf(w, "  [%d] %q → %s (confidence %.2f", it.Number, it.Text, it.Intent, it.Confidence)
		if ev := it.Evidence; ev != nil {
			if ev.Picked > 0 {
				fmt.Fprintf(w, "; picked by %d user(s) when asked back", ev.Picked)
			}
			if ev.Example != "" {
				fmt.Fprintf(w, "; closest example %q at %.2f", ev.Example, ev.Similarity)
			}
		}
		fmt.Fprintln(w, ")")
	case it.Personal != "":
		fmt.Fprintf(w, "   -  %q: not suggested, %s\n", it.Text, it.Personal)
	default:
		fmt.Fprintf(w, "   -  %q\n", it.Text)
	}
}

// indentLines puts prefix before every line of s, ending in a newline.
func indentLines(s, prefix string) string {
	lines := strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n")
	return prefix + strings.Join(lines, prefix) + "\n"
}

// WriteChange prints a planned change before it is written: what it adds,
// the recorded questions answered differently (before → after), the
// figures, and why it is refused, if it is.
func WriteChange(w io.Writer, ch *Change) {
	if ch.Added == 0 {
		fmt.Fprintln(w, "Nothing to write: the intents already have these examples.")
		return
	}
	if ch.NewIntent != "" {
		fmt.Fprintf(w, "Adding the intent %s with %d example(s); lint passed.\n", ch.NewIntent, ch.Added)
		if _, ok := ch.Files[catalogue.KustomizationFile]; ok {
			fmt.Fprintf(w, "  and listing it in %s (lint --kustomize passes)\n", catalogue.KustomizationFile)
		}
	} else {
		fmt.Fprintf(w, "Adding %d example(s); lint passed.\n", ch.Added)
	}
	for _, c := range ch.Choices {
		fmt.Fprintf(w, "  %s ← %q\n", c.Intent, c.Text)
	}
	fmt.Fprintf(w, "Recorded questions answered differently: %d\n", len(ch.Shifts))
	for _, s := range ch.Shifts {
		mark := ""
		if s.OffTopic {
			mark = "  (asked, not ours!)"
		}
		fmt.Fprintf(w, "  %q: %s → %s%s\n", s.Text, s.Before, s.After, mark)
	}
	b, a := ch.Before, ch.After
	fmt.Fprintf(w, "Leave-one-out over the existing examples: correct %d → %d, wrong %d → %d of %d\n",
		b.LeaveOneOut.Correct, a.LeaveOneOut.Correct, b.LeaveOneOut.Wrong, a.LeaveOneOut.Wrong, a.LeaveOneOut.InScope)
	names := make([]string, 0, len(b.Sets))
	for n := range b.Sets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		rb, ra := b.Sets[n], a.Sets[n]
		fmt.Fprintf(w, "%s: correct %d → %d, wrong %d → %d of %d; not ours escalated %d → %d of %d\n",
			n, rb.Correct, ra.Correct, rb.Wrong, ra.Wrong, ra.InScope, rb.Rejected, ra.Rejected, ra.Reject)
	}
	fmt.Fprintf(w, "Chosen questions answered with their intent: %d → %d of %d\n", b.Suggested, a.Suggested, a.Reviewed)
	if len(ch.Refusals) > 0 {
		fmt.Fprintln(w, "Refused (--force writes it anyway):")
		for _, r := range ch.Refusals {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
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
