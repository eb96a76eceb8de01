package catalogue

import (
	"fmt"
	"regexp"
	"strings"
)

// The YAML parser reports what its grammar expected ("did not find
// expected key"), often at the line where the enclosing block began. The
// checks here read the file line by line instead, the way an admin sees
// it, and name the line that is wrong and what to do, in English and in
// Japanese. They cover the mistakes admins make: a line indented one
// space off, a tab, a colon in unquoted text, a quote left open.

// syntaxIssue is a problem found by reading the lines.
type syntaxIssue struct {
	line, col int
	en, ja    string
	// silent marks a mistake that is valid YAML but never meant: it is
	// reported even when the file parses.
	silent bool
}

// srcLine is one line holding content (not blank, not a comment).
type srcLine struct {
	num, indent int
	item        bool   // a list item: "- …"
	key         string // the field name when the line (or its item) is "name: …"
	value       string // what follows "name:" or "- ", without a comment
	valueCol    int    // the 1-based column where value starts
	nested      int    // the indent of a field that follows "- " on the line, else -1
}

var keyRE = regexp.MustCompile(`^([A-Za-z0-9_.-]+):(?:[ \t]+|$)`)

func parseSrcLine(num int, raw string) srcLine {
	l := srcLine{num: num, nested: -1}
	rest := strings.TrimLeft(raw, " ")
	l.indent = len(raw) - len(rest)
	col := l.indent
	if rest == "-" || strings.HasPrefix(rest, "- ") {
		l.item = true
		after := strings.TrimLeft(rest[1:], " ")
		col += len(rest) - len(after)
		rest = after
		if keyRE.MatchString(rest) {
			l.nested = col
		}
	}
	if m := keyRE.FindString(rest); m != "" {
		l.key = strings.TrimRight(m, ": \t")
		col += len(m)
		rest = rest[len(m):]
	}
	l.value = stripComment(rest)
	l.valueCol = col + 1
	return l
}

// stripComment drops a trailing " # comment" outside quotes.
func stripComment(s string) string {
	if strings.HasPrefix(s, "#") {
		return ""
	}
	if !strings.HasPrefix(s, `"`) && !strings.HasPrefix(s, "'") {
		if i := strings.Index(s, " #"); i >= 0 {
			s = s[:i]
		}
	}
	return strings.TrimSpace(s)
}

// opens reports whether the lines after l may be indented deeper: l is a
// field or item with nothing after it.
func (l srcLine) opens() bool { return l.value == "" }

// blockScalar reports whether l starts a "|" or ">" text.
func (l srcLine) blockScalar() bool { return blockRE.MatchString(l.value) }

var blockRE = regexp.MustCompile(`^[|>][-+0-9]*$`)

// plainText reports whether l's value is unquoted text (not a list or a
// set of fields written in brackets, not a block of text).
func (l srcLine) plainText() bool {
	if l.value == "" {
		return false
	}
	return !strings.ContainsAny(l.value[:1], `"'[{|>&*!`)
}

func spaces(n int) string {
	if n == 1 {
		return "1 space"
	}
	return fmt.Sprintf("%d spaces", n)
}

// scanSyntax reads data line by line and returns the first mistake found,
// or nil.
func scanSyntax(data []byte) *syntaxIssue {
	lines := strings.Split(string(data), "\n")
	var (
		levels []int // the indents of the open blocks, innermost last
		prev   *srcLine
		block  = -1 // inside a block of text begun by a field at this indent
	)
	for i, raw := range lines {
		raw = strings.TrimRight(raw, "\r")
		num := i + 1
		if block >= 0 {
			if strings.TrimSpace(raw) == "" || len(raw)-len(strings.TrimLeft(raw, " ")) > block {
				continue
			}
			block = -1
		}
		trimmed := strings.TrimLeft(raw, " \t")
		if lead := raw[:len(raw)-len(trimmed)]; strings.Contains(lead, "\t") && trimmed != "" {
			return &syntaxIssue{line: num, col: strings.Index(lead, "\t") + 1,
				en: "tabs are not allowed: indent with spaces",
				ja: "タブ文字は使えません。字下げにはスペースを使ってください"}
		}
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "---") {
			continue
		}
		l := parseSrcLine(num, raw)
		top := -1
		popped := -1
		for len(levels) > 0 && levels[len(levels)-1] > l.indent {
			popped = levels[len(levels)-1]
			levels = levels[:len(levels)-1]
		}
		if len(levels) > 0 {
			top = levels[len(levels)-1]
		}
		// Less deep than the line before without lining up with a block
		// above it, or deeper than a line that has its value already.
		misaligned := prev != nil && top != l.indent && (popped >= 0 || !prev.opens())
		if misaligned && (l.item || l.key != "") {
			want := popped
			if want < 0 {
				want = top
			}
			what, whatJA := "fields", "項目"
			if l.item {
				what, whatJA = "items", "リストの項目"
			}
			return &syntaxIssue{line: num, col: l.indent + 1,
				en:     fmt.Sprintf("line %d is indented %s, the %s above it %d: line them up", num, spaces(l.indent), what, want),
				ja:     fmt.Sprintf("%d 行目の字下げはスペース %d 個ですが、上の%sは %d 個です。そろえてください", num, l.indent, whatJA, want),
				silent: l.item && prev.item && prev.plainText() && l.indent > top}
		}
		if misaligned {
			continue // the continued text of the line before
		}
		if issue := quoteIssue(l); issue != nil {
			return issue
		}
		if top != l.indent {
			levels = append(levels, l.indent)
		}
		if l.nested >= 0 {
			levels = append(levels, l.nested)
		}
		if l.blockScalar() {
			block = l.indent
			if l.nested >= 0 {
				block = l.nested
			}
		}
		prev = &l
	}
	return nil
}

// quoteIssue finds text that must be quoted or whose quote is not closed.
func quoteIssue(l srcLine) *syntaxIssue {
	v := l.value
	fix := "- " + quoted(v)
	if l.key != "" {
		fix = l.key + ": " + quoted(v)
	}
	switch {
	case l.key != "" && l.plainText() && (strings.Contains(v, ": ") || strings.HasSuffix(v, ":")):
		return &syntaxIssue{line: l.num, col: l.valueCol,
			en: fmt.Sprintf("put text that contains ': ' in quotes: %s", fix),
			ja: fmt.Sprintf("「: 」を含む文は引用符で囲んでください: %s", fix)}
	case v != "" && strings.ContainsAny(v[:1], "@`%*&!"):
		return &syntaxIssue{line: l.num, col: l.valueCol,
			en: fmt.Sprintf("put text that starts with %s in quotes: %s", v[:1], fix),
			ja: fmt.Sprintf("%s で始まる文は引用符で囲んでください: %s", v[:1], fix)}
	case v != "" && (v[0] == '"' || v[0] == '\'') && !closed(v):
		q := v[:1]
		return &syntaxIssue{line: l.num, col: l.valueCol,
			en: fmt.Sprintf("the quote %s that starts this text is not closed: end the text with %s", q, q),
			ja: fmt.Sprintf("この文の最初の引用符 %s が閉じていません。文の終わりにも %s を付けてください", q, q)}
	}
	return nil
}

// closed reports whether a quoted value ends with its opening quote.
func closed(v string) bool {
	q := v[0]
	body := v[1:]
	if q == '"' {
		body = strings.ReplaceAll(body, `\\`, "")
		body = strings.ReplaceAll(body, `\"`, "")
	} else {
		body = strings.ReplaceAll(body, "''", "")
	}
	return strings.IndexByte(body, q) == len(body)-1 && len(body) > 0
}

// quoted writes v as a quoted YAML text.
func quoted(v string) string {
	if !strings.Contains(v, `"`) && !strings.Contains(v, `\`) {
		return `"` + v + `"`
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// plainYAMLError puts the parser's words for a mistake the line checks did
// not place into plain words, in English and Japanese.
func plainYAMLError(msg string) (en, ja string) {
	switch {
	case strings.HasPrefix(msg, "did not find expected key"):
		return "this block is not lined up: check the indentation of the lines below it",
			"この部分の字下げがそろっていません。下に続く行の字下げを確かめてください"
	case strings.HasPrefix(msg, "mapping values are not allowed"):
		return "a colon (:) here is not expected: put the text in quotes, or check the indentation",
			"ここに「:」は書けません。文を引用符で囲むか、字下げを確かめてください"
	case strings.Contains(msg, "expected ',' or '}'"):
		return "a list in braces { } is not closed: end it with }",
			"{ } で囲んだ部分が閉じていません。最後に } を付けてください"
	case strings.Contains(msg, "expected ',' or ']'"):
		return "a list in brackets [ ] is not closed: end it with ]",
			"[ ] で囲んだ部分が閉じていません。最後に ] を付けてください"
	case strings.Contains(msg, "found a tab"):
		return "tabs are not allowed: indent with spaces",
			"タブ文字は使えません。字下げにはスペースを使ってください"
	}
	return "the file is not valid YAML here (" + msg + ")",
		"ここで YAML の書き方が正しくありません（" + msg + "）"
}
