package faqimport

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlBlocks splits an HTML page into headings, definition terms and
// paragraphs, keeping each one's line and the links in it. It reads the
// page's tokens rather than its tree so as to know the lines; scripts,
// styles, navigation, headers and footers are not the FAQ and are skipped.
func htmlBlocks(text string) []*block {
	z := html.NewTokenizer(strings.NewReader(text))
	var (
		blocks []*block
		cur    *block
		skip   int // depth inside skipped elements
		line   = 1
		href   string
		label  strings.Builder
		inLink bool
		space  bool // the last text ended in white space
	)
	flush := func() {
		if cur != nil {
			cur.lines = nonBlank(cur.lines)
			if len(cur.lines) > 0 {
				blocks = append(blocks, cur)
			}
		}
		cur = nil
	}
	open := func(kind blockKind, level int) {
		flush()
		cur = &block{kind: kind, level: level, line: line}
	}
	write := func(s string) {
		if cur == nil {
			cur = &block{kind: para, line: line}
		}
		if len(cur.lines) == 0 {
			cur.lines = []string{""}
		}
		cur.lines[len(cur.lines)-1] += s
	}
	for n := 0; n < 1_000_000; n++ {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := string(z.Raw())
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			switch tok.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Nav, atom.Header, atom.Footer, atom.Template, atom.Head:
				if tt == html.StartTagToken {
					skip++
				}
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				open(heading, int(tok.Data[1]-'0'))
			case atom.Dt, atom.Summary:
				open(term, 0)
			case atom.P, atom.Div, atom.Li, atom.Dd, atom.Td, atom.Th, atom.Tr, atom.Section, atom.Article, atom.Blockquote, atom.Pre, atom.Ul, atom.Ol, atom.Dl, atom.Table, atom.Details:
				open(para, 0)
			case atom.Br:
				if cur != nil {
					cur.lines = append(cur.lines, "")
				}
			case atom.A:
				href, inLink = "", true
				label.Reset()
				for _, a := range tok.Attr {
					if a.Key == "href" {
						href = strings.TrimSpace(a.Val)
					}
				}
			}
		case html.EndTagToken:
			switch tok.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Nav, atom.Header, atom.Footer, atom.Template, atom.Head:
				if skip > 0 {
					skip--
				}
			case atom.A:
				if inLink && skip == 0 && len(urls(href)) > 0 && cur != nil {
					cur.links = append(cur.links, [2]string{strings.TrimSpace(label.String()), href})
				}
				inLink = false
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Dt, atom.Summary, atom.P, atom.Div, atom.Li, atom.Dd, atom.Td, atom.Th, atom.Tr, atom.Pre:
				flush()
			}
		case html.TextToken:
			if skip > 0 {
				break
			}
			s := strings.Join(strings.Fields(tok.Data), " ")
			lead := space || strings.TrimLeft(tok.Data, " \t\n") != tok.Data
			space = strings.TrimRight(tok.Data, " \t\n") != tok.Data
			if s == "" {
				space = space || lead
				break
			}
			if cur != nil && len(cur.lines) > 0 {
				last := cur.lines[len(cur.lines)-1]
				if last != "" && lead && !wide(lastRune(last)) && !wide(firstRune(s)) {
					s = " " + s
				}
			}
			write(s)
			if inLink {
				label.WriteString(s)
			}
		}
		line += strings.Count(raw, "\n")
	}
	flush()
	return blocks
}
