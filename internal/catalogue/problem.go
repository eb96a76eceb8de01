package catalogue

import (
	"fmt"
	"sort"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

// Problem is one thing wrong in an intents directory, at a place in a file.
// Line and Col are 1-based; zero when the problem concerns the whole file.
type Problem struct {
	File string
	Line int
	Col  int
	// Msg says what is wrong and what to do, in English.
	Msg string
	// MsgJA says it in Japanese, where it has been written; In shows Msg
	// otherwise.
	MsgJA string
}

// String formats the problem as "file:line:col: message", the form editors
// and terminals turn into a link.
func (p Problem) String() string { return p.In(English) }

// In formats the problem like String, with its message in language l
// when it has one in l.
func (p Problem) In(l Lang) string {
	msg := p.Msg
	if l == Japanese && p.MsgJA != "" {
		msg = p.MsgJA
	}
	switch {
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, msg)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, msg)
	default:
		return fmt.Sprintf("%s: %s", p.File, msg)
	}
}

// Problems is every problem found in one load; it is the error Load returns.
type Problems []Problem

// Error lists the problems one per line.
func (ps Problems) Error() string { return ps.In(English) }

// In lists the problems one per line, in language l where a message has
// been written in it.
func (ps Problems) In(l Lang) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.In(l)
	}
	return strings.Join(lines, "\n")
}

func (ps Problems) sorted() Problems {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return ps
}

// suggest returns ` (did you mean "x"?)` for the candidate closest to word
// when it is a plausible typo, and "" otherwise.
func suggest(word string, candidates []string) string {
	if best := closest(word, candidates); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// suggestJA is suggest in Japanese: `（"x" のことですか？）`.
func suggestJA(word string, candidates []string) string {
	if best := closest(word, candidates); best != "" {
		return fmt.Sprintf("（%q のことですか？）", best)
	}
	return ""
}

// closest returns the candidate closest to word when it is a plausible
// typo, and "" otherwise.
func closest(word string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		limit := 2
		if len(c) <= 4 {
			limit = 1
		}
		if d := textnorm.Distance(word, c, limit); d <= limit && d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// normalizeExample is the form in which two examples count as the same.
func normalizeExample(s string) string { return textnorm.Normalize(s) }
