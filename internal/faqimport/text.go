package faqimport

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	encunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// decode returns a document as UTF-8 text with "\n" line ends, whichever
// way Excel or an editor saved it: UTF-8 with or without a byte order mark,
// UTF-16 with one ("Unicode text"), or Shift_JIS (Windows' code page 932,
// Excel's CSV on a Japanese Windows).
func decode(path string, data []byte) (string, *catalogue.Problem) {
	var text string
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		fallthrough
	case utf8.Valid(data):
		text = string(data)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, _, err := transform.Bytes(encunicode.UTF16(encunicode.LittleEndian, encunicode.ExpectBOM).NewDecoder(), data)
		if err != nil {
			p := problemf(path, 0, "cannot read the UTF-16 text: %v; save the file as UTF-8", err)
			return "", &p
		}
		text = string(out)
	default:
		out, _, err := transform.Bytes(japanese.ShiftJIS.NewDecoder(), data)
		if err != nil || !utf8.Valid(out) || strings.ContainsRune(string(out), utf8.RuneError) {
			line := 1 + bytes.Count(data[:invalidAt(data)], []byte("\n"))
			p := problemf(path, line, "the text is neither UTF-8 nor Shift_JIS; save the file as UTF-8 (Excel: CSV UTF-8)")
			return "", &p
		}
		text = string(out)
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.ReplaceAll(text, "\r", "\n"), nil
}

// invalidAt is the offset of the first byte of data that is not UTF-8.
func invalidAt(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// language is Japanese when s has kana or kanji, else English.
func language(s string) catalogue.Lang {
	for _, r := range s {
		if isJapanese(r) {
			return catalogue.Japanese
		}
	}
	return catalogue.English
}

func isJapanese(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) || r == 'ー'
}

// urlPattern finds web and mail addresses written out in text.
var urlPattern = regexp.MustCompile(`(?:https?://|mailto:)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+`)

// urls returns the addresses written in s, without the punctuation that
// ends the sentence around them.
func urls(s string) []string {
	var out []string
	for _, u := range urlPattern.FindAllString(s, -1) {
		u = strings.TrimRight(u, ".,;:!?'")
		if strings.HasSuffix(u, ")") && !strings.Contains(u, "(") {
			u = strings.TrimRight(u, ")")
		}
		if _, err := url.Parse(u); err == nil && len(u) > len("https://") {
			out = append(out, u)
		}
	}
	return out
}

// addLink appends a link to the item unless it has that address already.
// A label the document gives goes in its language; an address alone is
// labelled with its host in both languages.
func (it *Item) addLink(rawURL, label string) {
	for _, l := range it.Links {
		if l.URL == rawURL {
			return
		}
	}
	var t catalogue.Text
	label = strings.TrimSpace(label)
	if label == strings.TrimPrefix(rawURL, "mailto:") {
		t = catalogue.Text{JA: label, EN: label} // an address reads the same in both
	} else if label != "" && label != rawURL {
		if language(label) == catalogue.Japanese {
			t.JA = label
		} else {
			t.EN = label
		}
	} else {
		host := rawURL
		if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
			host = u.Host
		} else if ok := strings.HasPrefix(rawURL, "mailto:"); ok {
			host = strings.TrimPrefix(rawURL, "mailto:")
		}
		t = catalogue.Text{JA: host, EN: host}
	}
	it.Links = append(it.Links, catalogue.Link{Label: t, URL: rawURL})
}

// linkText adds to the item every address written in s.
func (it *Item) linkText(s string) {
	for _, u := range urls(s) {
		it.addLink(u, "")
	}
}

// bullet matches a line that starts a point of its own: a list item, a
// note, a numbered step, a heading in brackets.
var bullet = regexp.MustCompile(`^(?:[-*+・●○■□◆◇※＊•▶→①②③④⑤⑥⑦⑧⑨⑩【〔<＜>＞]|\d+[.．)）、]|[（(]\d+[)）])`)

// joinLines makes one text of lines a document wrapped at its page width:
// a line goes on the previous one unless that one ended a sentence or
// this one starts a point of its own (Japanese joins without a space,
// other text with one). Blank lines are dropped: a reply lays out its own
// parts.
func joinLines(lines []string) string { return joinWrapped(lines, 0) }

// joinWrapped is joinLines for text wrapped at a known page width (in
// cells, a full-width character taking two): a line that ends well short
// of it ended there on purpose.
func joinWrapped(lines []string, width int) string {
	var b strings.Builder
	prev := ""
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		switch {
		case prev == "":
		case endsSentence(prev) || bullet.MatchString(l) || urlPattern.MatchString(lastWord(prev)) || cells(prev)*10 < width*7:
			b.WriteByte('\n')
		case wide(lastRune(prev)) || wide(firstRune(l)):
			// Japanese wraps anywhere, without a space.
		default:
			b.WriteByte(' ')
		}
		b.WriteString(l)
		prev = l
	}
	return b.String()
}

func endsSentence(s string) bool {
	return strings.ContainsRune("。．.!！?？:：」）)】", lastRune(s))
}

func lastWord(s string) string {
	if i := strings.LastIndexAny(s, " \t　"); i >= 0 {
		return s[i+1:]
	}
	return s
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// wide reports whether r is a full-width (CJK) character, after which a
// wrapped line goes on without a space.
func wide(r rune) bool {
	return isJapanese(r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// questionLike reports whether s reads as a question rather than a
// statement or a step.
func questionLike(s string) bool {
	s = strings.TrimRight(strings.TrimSpace(s), "）)")
	return strings.HasSuffix(s, "?") || strings.HasSuffix(s, "？") || strings.HasSuffix(s, "か") || strings.HasSuffix(s, "か。")
}

// oneLine joins the lines of a question or title into one line, as
// joinLines would without its line breaks.
func oneLine(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if b.Len() > 0 && !wide(lastRune(b.String())) && !wide(firstRune(l)) {
			b.WriteByte(' ')
		}
		b.WriteString(l)
	}
	return b.String()
}

// cells is how wide s is on a page, a full-width character counting two.
func cells(s string) int {
	n := 0
	for _, r := range s {
		n++
		if wide(r) {
			n++
		}
	}
	return n
}
