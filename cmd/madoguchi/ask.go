package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

func runAsk(ctx context.Context, c *cli, fs *flag.FlagSet, args []string) error {
	dir := c.intentsFlag(fs)
	explain := fs.Bool("explain", false, "show the scores and the matched terms")
	rc := c.recordFlags(fs)
	recordAsk := fs.Bool("record", false, "record the questions, as serve does (--db, DATABASE_URL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	q := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if fs.NArg() > 0 && q == "" {
		return usageError{"the question is empty: write one, or leave it out to ask several in turn"}
	}
	x, err := c.load(*dir)
	if err != nil {
		return err
	}
	b := bot.New(x)
	asker, err := c.asker(ctx, b, rc, *recordAsk)
	if err != nil {
		return err
	}
	defer asker.close()
	if q != "" {
		if *explain {
			printExplain(c.stdout, x, q)
		}
		bot.WriteText(c.stdout, asker.ask(q))
		return nil
	}
	return interactive(ctx, c, asker, x, *explain)
}

// interactive reads questions until EOF, exit or quit; a number picks one
// of the last reply's choices, as a button would.
func interactive(ctx context.Context, c *cli, b cliAsker, x *match.Index, explain bool) error {
	fmt.Fprintln(c.stdout, "Ask a question (Japanese or English). A number picks a choice; exit, quit or Ctrl-D ends.")
	sc := bufio.NewScanner(c.stdin)
	var last bot.Reply
	for {
		fmt.Fprint(c.stdout, "> ")
		if !sc.Scan() {
			fmt.Fprintln(c.stdout)
			return sc.Err()
		}
		if ctx.Err() != nil {
			return nil
		}
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		if l := strings.ToLower(q); l == "exit" || l == "quit" {
			return nil
		}
		choices := append(append([]bot.Choice(nil), last.Choices...), last.Related...)
		if n, err := strconv.Atoi(q); err == nil && n >= 1 && n <= len(choices) {
			last = b.choose(choices[n-1].ID, last.Lang)
		} else if err == nil {
			// A number with nothing to pick is not a question: the menu,
			// in the language of the conversation (Japanese at first).
			lang := last.Lang
			if lang == "" {
				lang = catalogue.Japanese
			}
			last = b.menu(lang)
		} else {
			if explain {
				printExplain(c.stdout, x, q)
			}
			last = b.ask(q)
		}
		bot.WriteText(c.stdout, last)
	}
}

// printExplain shows how the matcher saw a question.
func printExplain(w io.Writer, x *match.Index, q string) {
	e := x.Explain(q)
	if e.Read != q {
		fmt.Fprintf(w, "read as: %q (romaji as kana)\n", e.Read)
	}
	if e.Context != "" {
		fmt.Fprintf(w, "asking: %q\ncontext (counts half): %q\n", e.Asking, e.Context)
	}
	if len(e.KnownNames) > 0 {
		fmt.Fprintf(w, "names some intents mention: %s\n", strings.Join(e.KnownNames, ", "))
	}
	fmt.Fprintf(w, "normalised: %q\n", e.Normalized)
	for _, c := range e.Corrections {
		fmt.Fprintf(w, "read %q as %q\n", c[0], c[1])
	}
	fmt.Fprint(w, "terms:")
	for _, t := range e.Terms {
		if t.Unknown {
			fmt.Fprintf(w, " %s(?)", t.Text)
		} else {
			fmt.Fprintf(w, " %s(%.2f)", t.Text, t.Weight)
		}
	}
	fmt.Fprintln(w)
	if len(e.UnknownSubjects) > 0 {
		fmt.Fprintf(w, "unknown subject: %s\n", strings.Join(e.UnknownSubjects, ", "))
	}
	for _, c := range e.Candidates {
		fmt.Fprintf(w, "  %-22s %.3f  (closest example %.3f: %q; all examples %.3f; keyword %v; naive Bayes support %.1f) matched: %s\n",
			c.Intent, c.Score, c.Best, c.BestExample, c.Pooled, c.Keyword, c.Support, strings.Join(c.Matched, " "))
		if c.SubjectFactor < 1 {
			fmt.Fprintf(w, "  %-22s score ×%.2f for the subject", "", c.SubjectFactor)
			if len(c.Foreign) > 0 {
				fmt.Fprintf(w, " (names it never mentions: %s)", strings.Join(c.Foreign, ", "))
			}
			fmt.Fprintln(w)
		}
	}
	if t := x.Catalogue().Settings.Matching; t.Confidence.On() && len(e.Result.Candidates) > 0 {
		f := match.Features(e.Result)
		fmt.Fprint(w, "evidence (value × weight):")
		for i, name := range catalogue.ConfidenceEvidence {
			if wt := t.Confidence.Weights[name]; f[i] != 0 && wt != 0 {
				fmt.Fprintf(w, " %s %.2f×%.2f", name, f[i], wt)
			}
		}
		fmt.Fprintf(w, "\nconfidence that %s is right: %.2f\n", e.Result.Candidates[0].Intent.ID, e.Result.Confidence)
	}
	fmt.Fprintf(w, "decision: %s (%s)\n\n", e.Result.Decision, x.Catalogue().Settings.Matching)
}
