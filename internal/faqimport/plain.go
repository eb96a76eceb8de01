package faqimport

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

var (
	// numberedLine is a line that may start an item: its number, then a
	// period ("dot" style) or spaces or nothing ("bare" style), then
	// perhaps the question.
	numberedLine = regexp.MustCompile(`^\s*([0-9０-９]{1,3}(?:[-－][0-9０-９]{1,3})*)(?:([.．)）])[ \t　]*|[ \t　]+|$)(.*)$`)
	// trailingNumber is a question that a PDF's columns put before its
	// number ("…可能ですか？17").
	trailingNumber = regexp.MustCompile(`^\s*(.*[?？])\s*([0-9０-９]{1,3})\s*$`)
	// urlTail is the rest of an address that a PDF's page width broke
	// onto the next line.
	urlTail = regexp.MustCompile(`^[A-Za-z0-9%\-._~/?#=&+]+$`)
	// cutEscape ends an address whose last escape (%E3) was cut.
	cutEscape = regexp.MustCompile(`%[0-9A-Fa-f]?$`)
)

// numbering styles: a period after the number, or none.
const (
	bare = iota
	dotted
)

// candidate is a numbered line that may start an item.
type candidate struct {
	at       int // index into the lines
	num      string
	style    int
	rest     string
	trailing bool
}

// readPlain reads plain text, such as the text of a PDF: "Q." paragraphs
// when it has them, else numbered items. PDF text comes out of order
// where a page had columns; each numbered question takes the lines up to
// the next one as its answer, which is what an admin then checks.
func readPlain(text string) []Item {
	lines := strings.Split(text, "\n")
	for _, l := range lines {
		if qMark.MatchString(strings.TrimSpace(l)) {
			return fromBlocks(markdownBlocks(text))
		}
	}
	joinURLs(lines)
	var cands []candidate
	for i, l := range lines {
		if m := trailingNumber.FindStringSubmatch(l); m != nil && !numberedLine.MatchString(l) {
			cands = append(cands, candidate{at: i, num: ascii(m[2]), style: bare, rest: strings.TrimSpace(m[1]), trailing: true})
			continue
		}
		m := numberedLine.FindStringSubmatch(l)
		if m == nil || (m[3] != "" && unicode.IsDigit([]rune(m[3])[0])) {
			continue
		}
		c := candidate{at: i, num: ascii(m[1]), style: bare, rest: strings.TrimSpace(m[3])}
		if m[2] != "" {
			c.style = dotted
		}
		cands = append(cands, c)
	}
	cands = chooseNumbering(cands, lines)
	width := pageWidth(lines)
	var items []Item
	for k, c := range cands {
		end := len(lines)
		if k+1 < len(cands) {
			end = cands[k+1].at
		}
		q, next := question(lines, c, end)
		answer := joinWrapped(lines[next:end], width)
		if before, after, ok := strings.Cut(q, "\x00"); ok {
			q, answer = before, after+"\n"+answer
		}
		it := Item{Line: c.at + 1, Key: c.num, Question: q, Answer: strings.TrimSpace(answer)}
		it.linkText(q + "\n" + it.Answer)
		items = append(items, it)
	}
	return items
}

// chooseNumbering keeps the candidates of the numbering style that counts
// the most distinct numbers (a numbered list inside an answer restarts
// at 1 in its own style), each number once: the first that reads as a
// question.
func chooseNumbering(cands []candidate, lines []string) []candidate {
	distinct := [2]map[string]bool{{}, {}}
	for _, c := range cands {
		distinct[c.style][c.num] = true
	}
	style := dotted
	if len(distinct[bare]) > len(distinct[dotted]) {
		style = bare
	}
	chosen := map[string]int{}
	var out []candidate
	for _, c := range cands {
		if c.style != style {
			continue
		}
		q, _ := question(lines, c, len(lines))
		i, dup := chosen[c.num]
		switch {
		case !dup:
			chosen[c.num] = len(out)
			out = append(out, c)
		case !questionLike(firstQuestion(lines, out[i])) && questionLike(q):
			out[i] = c
		}
	}
	// A replaced duplicate may now stand out of order.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].at < out[j-1].at; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func firstQuestion(lines []string, c candidate) string {
	q, _ := question(lines, c, len(lines))
	return q
}

// question reads the question that starts at candidate c, and returns it
// with the index of the line after it. The question goes on over the
// lines a page width broke it into: a Japanese line that ends mid
// sentence, an English one followed by a lower-case word, a note in
// parentheses. A question that shares its line with the start of its
// answer comes back with a NUL between the two.
func question(lines []string, c candidate, end int) (string, int) {
	var q []string
	i := c.at + 1
	if c.rest != "" {
		q = append(q, c.rest)
	} else {
		for i < end && i < c.at+3 && strings.TrimSpace(lines[i]) == "" {
			i++
		}
		if i < end {
			q = append(q, strings.TrimSpace(lines[i]))
			i++
		}
	}
	for !c.trailing && len(q) > 0 && len(q) < 4 && i < end {
		next := strings.TrimSpace(lines[i])
		if next == "" || numberedLine.MatchString(lines[i]) || bullet.MatchString(next) {
			break
		}
		text := strings.Join(q, "")
		englishHeading := unicode.IsUpper(firstRune(next)) && !wide(lastRune(text))
		open := strings.Count(text, "(")+strings.Count(text, "（") > strings.Count(text, ")")+strings.Count(text, "）")
		goesOn := parenthesised(text) || open || // a note before the question, or one not closed
			(endsSentence(text) && parenthesised(next)) || // a note after it
			(!endsSentence(text) && !englishHeading) // a line broken mid sentence
		if !goesOn {
			break
		}
		q = append(q, next)
		i++
	}
	text := oneLine(q)
	// "…ですか？ メールデータ…": the answer began on the question's line.
	if j := strings.IndexAny(text, "?？"); j >= 0 {
		size := len("?")
		if text[j] != '?' {
			size = len("？")
		}
		if rest := strings.TrimSpace(text[j+size:]); rest != "" && !parenthesised(rest) && !strings.ContainsAny(rest, "?？") {
			return text[:j+size] + "\x00" + rest, i
		}
	}
	return text, i
}

// parenthesised reports whether s is a note in parentheses.
func parenthesised(s string) bool {
	s = strings.TrimSpace(s)
	return (strings.HasPrefix(s, "（") || strings.HasPrefix(s, "(")) && (strings.HasSuffix(s, "）") || strings.HasSuffix(s, ")"))
}

// joinURLs puts back together an address that the page width broke over
// lines (an escape cut in two, a hyphen at the end of the line), leaving
// the lines it took blank.
func joinURLs(lines []string) {
	for i := 0; i+1 < len(lines); i++ {
		l := strings.TrimRight(lines[i], " \t")
		us := urls(l)
		if len(us) == 0 || !strings.HasSuffix(l, us[len(us)-1]) {
			continue
		}
		u := us[len(us)-1]
		next := strings.TrimSpace(lines[i+1])
		if !urlTail.MatchString(next) {
			continue
		}
		cut := strings.HasSuffix(u, "-") || cutEscape.MatchString(u) || strings.HasPrefix(next, "%")
		if !cut {
			continue
		}
		lines[i+1] = l + next
		lines[i] = ""
	}
}

// ascii writes full-width digits and hyphens as ASCII.
func ascii(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == '－':
			return '-'
		}
		return r
	}, s)
}

// pageWidth is the width the text was wrapped at: that of its long lines
// (the 90th percentile, so that one long address does not count).
func pageWidth(lines []string) int {
	var ws []int
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" && len(urls(l)) == 0 {
			ws = append(ws, cells(l))
		}
	}
	if len(ws) == 0 {
		return 0
	}
	slices.Sort(ws)
	return ws[len(ws)*9/10]
}
