package faqimport

import (
	"regexp"
	"strings"
)

// blockKind is what a block of a page is.
type blockKind int

const (
	para    blockKind = iota // a paragraph, list item, table cell
	heading                  // h1–h6, # … ######
	term                     // dt, summary: a question in a list of definitions
)

// block is a paragraph or heading of a Markdown or HTML page, as text.
type block struct {
	kind  blockKind
	level int // of a heading, 1–6
	lines []string
	links [][2]string // label, address
	line  int
}

func (b *block) text() string { return joinLines(b.lines) }

// A "Q." or 「Q」 paragraph starts a question, an "A." one its answer; the
// number of a "Q3." keys the item.
var (
	qMark = regexp.MustCompile(`^(?:[QＱ]\s*([0-9０-９]*)\s*[.．:：)）]|[「【]\s*[QＱ]\s*([0-9０-９]*)\s*[」】]|[QＱ]([0-9０-９]+)\s|問\s*([0-9０-９]*)\s*[.．:：)）])\s*`)
	aMark = regexp.MustCompile(`^(?:[AＡ]\s*[0-9０-９]*\s*[.．:：)）]|[「【]\s*[AＡ]\s*[0-9０-９]*\s*[」】]|[AＡ][0-9０-９]+\s|答\s*[0-9０-９]*\s*[.．:：)）])\s*`)
	// leadingNumber is the number before a heading's question ("3. …").
	leadingNumber = regexp.MustCompile(`^([0-9０-９]+(?:[-－][0-9０-９]+)*)[.．)）]?\s+`)
)

// fromBlocks finds the items of a page: definition terms (dt, summary)
// when it has any, else "Q." paragraphs, else its question headings.
func fromBlocks(blocks []*block) []Item {
	starts := map[int]bool{}
	stopAt := func(b *block) bool { return b.kind == term || b.kind == heading }
	for i, b := range blocks {
		if b.kind == term && strings.TrimSpace(b.text()) != "" {
			starts[i] = true
		}
	}
	if len(starts) == 0 {
		for i, b := range blocks {
			if b.kind == para && len(b.lines) > 0 && qMark.MatchString(b.lines[0]) {
				starts[i] = true
			}
		}
		stopAt = func(b *block) bool {
			return b.kind == heading || (b.kind == para && len(b.lines) > 0 && qMark.MatchString(b.lines[0]))
		}
	}
	if len(starts) == 0 {
		level := questionLevel(blocks)
		for i, b := range blocks {
			if b.kind == heading && b.level == level {
				starts[i] = true
			}
		}
		stopAt = func(b *block) bool { return b.kind == heading && b.level <= level }
	}
	var items []Item
	for i := 0; i < len(blocks); i++ {
		if !starts[i] {
			continue
		}
		q := blocks[i]
		it := Item{Line: q.line}
		lines := append([]string(nil), q.lines...)
		key := ""
		if m := qMark.FindStringSubmatch(lines[0]); m != nil && q.kind == para {
			key = strings.Join(m[1:], "")
			lines[0] = lines[0][len(m[0]):]
		} else if m := leadingNumber.FindStringSubmatch(lines[0]); m != nil {
			key = m[1]
			lines[0] = lines[0][len(m[0]):]
		}
		var answer []string
		// A "Q." paragraph may carry its "A." line.
		for j, l := range lines {
			if j > 0 && aMark.MatchString(l) {
				answer, lines = append(answer, aMark.ReplaceAllString(l, "")), lines[:j]
				answer = append(answer, q.lines[j+1:]...)
				break
			}
		}
		it.Question = oneLine(lines)
		links := q.links
		for j := i + 1; j < len(blocks) && !stopAt(blocks[j]); j++ {
			b := blocks[j]
			ls := append([]string(nil), b.lines...)
			if len(answer) == 0 && len(ls) > 0 {
				ls[0] = aMark.ReplaceAllString(ls[0], "")
			}
			if t := joinLines(ls); t != "" {
				answer = append(answer, t)
			}
			links = append(links, b.links...)
		}
		it.Answer = strings.Join(nonBlank(answer), "\n")
		for _, l := range links {
			it.addLink(l[1], l[0])
		}
		it.linkText(it.Question + "\n" + it.Answer)
		it.Key = key
		if it.Key == "" {
			it.Key = it.Question
		}
		if it.Question != "" {
			items = append(items, it)
		}
	}
	return items
}

// questionLevel is the heading level that holds the questions: the
// shallowest level with a heading that reads as a question, else the
// deepest level with text under it.
func questionLevel(blocks []*block) int {
	for level := 1; level <= 6; level++ {
		for _, b := range blocks {
			if b.kind == heading && b.level == level && questionLike(b.text()) {
				return level
			}
		}
	}
	deepest := 0
	for i, b := range blocks {
		if b.kind == heading && i+1 < len(blocks) && blocks[i+1].kind == para && b.level > deepest {
			deepest = b.level
		}
	}
	return deepest
}

var (
	mdHeading = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	mdImage   = regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`)
	mdLink    = regexp.MustCompile(`\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	mdAuto    = regexp.MustCompile(`<((?:https?://|mailto:)[^>\s]+)>`)
	mdEmph    = regexp.MustCompile("\\*\\*|__|`")
	mdRule    = regexp.MustCompile(`^\s*(?:[-*_]\s*){3,}$|^\s*[=-]{3,}\s*$`)
)

// markdownBlocks splits a Markdown page into headings and paragraphs,
// with its links taken out of the text ([label](url) reads "label").
func markdownBlocks(text string) []*block {
	var (
		blocks []*block
		cur    *block
		fence  bool
	)
	flush := func() {
		if cur != nil && len(cur.lines) > 0 {
			blocks = append(blocks, cur)
		}
		cur = nil
	}
	for i, l := range strings.Split(text, "\n") {
		line := i + 1
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fence = !fence
			continue
		}
		if strings.TrimSpace(l) == "" || mdRule.MatchString(l) {
			flush()
			continue
		}
		var links [][2]string
		l = mdImage.ReplaceAllString(l, "")
		l = mdLink.ReplaceAllStringFunc(l, func(m string) string {
			sm := mdLink.FindStringSubmatch(m)
			links = append(links, [2]string{sm[1], sm[2]})
			return sm[1]
		})
		for _, sm := range mdAuto.FindAllStringSubmatch(l, -1) {
			links = append(links, [2]string{"", sm[1]})
		}
		l = mdAuto.ReplaceAllString(l, "$1")
		if !fence {
			l = mdEmph.ReplaceAllString(l, "")
		}
		l = strings.TrimPrefix(strings.TrimSpace(l), "> ")
		if m := mdHeading.FindStringSubmatch(l); m != nil && !fence {
			flush()
			blocks = append(blocks, &block{kind: heading, level: len(m[1]), lines: []string{m[2]}, links: links, line: line})
			continue
		}
		if cur != nil && (qMark.MatchString(l) || aMark.MatchString(l)) {
			flush()
		}
		if cur == nil {
			cur = &block{kind: para, line: line}
		}
		cur.lines = append(cur.lines, l)
		cur.links = append(cur.links, links...)
	}
	flush()
	return blocks
}
