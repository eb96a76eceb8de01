package handoff

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// LINE's limits on a push: MaxText UTF-16 units per text message and
// MaxPerPush messages per call.
const (
	MaxText    = 5000
	MaxPerPush = 5
)

// slackToken is anything Slack writes between angle brackets: links, user
// and channel mentions, special mentions and dates.
var slackToken = regexp.MustCompile(`<([^<>\n]+)>`)

// Emphasis markers count as formatting only at word edges, as Slack reads
// them: "*bold*" is bold, "a*b*c" and "snake_case_name" are not.
var emphasis = []*regexp.Regexp{
	regexp.MustCompile(`(^|[^\p{L}\p{N}*])\*([^*\s](?:[^*\n]*[^*\s])?)\*($|[^\p{L}\p{N}*])`),
	regexp.MustCompile(`(^|[^\p{L}\p{N}_])_([^_\s](?:[^_\n]*[^_\s])?)_($|[^\p{L}\p{N}_])`),
	regexp.MustCompile(`(^|[^\p{L}\p{N}~])~([^~\s](?:[^~\n]*[^~\s])?)~($|[^\p{L}\p{N}~])`),
	regexp.MustCompile("(^|[^`])`([^`\n]+)`($|[^`])"),
}

var unescape = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// Plain turns Slack mrkdwn into plain text for LINE: links become "label
// url", mentions disappear, emphasis markers are dropped and Slack's HTML
// escapes are undone.
func Plain(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range slackToken.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(stripEmphasis(s[last:m[0]]))
		tok := token(s[m[2]:m[3]])
		if next, _ := utf8.DecodeRuneInString(s[m[1]:]); tok == "" && (unicode.IsPunct(next) || m[1] == len(s)) {
			// "Hi <@U1>, see" reads "Hi, see", not "Hi , see".
			kept := strings.TrimRight(b.String(), " ")
			b.Reset()
			b.WriteString(kept)
		}
		b.WriteString(tok)
		last = m[1]
	}
	b.WriteString(stripEmphasis(s[last:]))
	out := strings.ReplaceAll(b.String(), "```", "")
	out = unescape.Replace(out)
	// A removed mention leaves doubled or leading spaces behind.
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(strings.Join(strings.FieldsFunc(l, func(r rune) bool { return r == ' ' }), " "))
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// token renders the inside of one <…> token.
func token(t string) string {
	target, label, hasLabel := strings.Cut(t, "|")
	switch {
	case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "!subteam^"),
		target == "!here", target == "!channel", target == "!everyone":
		return ""
	case strings.HasPrefix(target, "#"):
		if hasLabel {
			return "#" + label
		}
		return ""
	case strings.HasPrefix(target, "!"):
		// Dates and other special tokens carry their fallback text.
		return label
	}
	if !hasLabel {
		return strings.TrimPrefix(target, "mailto:")
	}
	bare := strings.TrimPrefix(target, "mailto:")
	if label == bare || label == target {
		return bare
	}
	return label + " " + bare
}

func stripEmphasis(s string) string {
	for _, re := range emphasis {
		// Adjacent spans share the character between them, which one pass
		// consumes; a second pass catches the other.
		for range 2 {
			s = re.ReplaceAllString(s, "$1$2$3")
		}
	}
	return s
}

// Split cuts text into pieces of at most limit UTF-16 units, at a line
// break or else a space where it can, never inside a character.
func Split(text string, limit int) []string {
	var out []string
	for utf16Len(text) > limit {
		cut, units := 0, 0
		lastBreak, lastSpace := -1, -1
		for i, r := range text {
			n := utf16.RuneLen(r)
			if n < 0 {
				n = 1
			}
			if units+n > limit {
				break
			}
			units += n
			cut = i + utf8.RuneLen(r)
			switch r {
			case '\n':
				lastBreak = i
			case ' ':
				lastSpace = i
			}
		}
		switch {
		case lastBreak > 0:
			out = append(out, text[:lastBreak])
			text = text[lastBreak+1:]
		case lastSpace > 0:
			out = append(out, text[:lastSpace])
			text = text[lastSpace+1:]
		default:
			out = append(out, text[:cut])
			text = text[cut:]
		}
	}
	if text != "" {
		out = append(out, text)
	}
	return out
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// batches groups messages into pushes of at most MaxPerPush.
func batches(msgs []string) [][]string {
	var out [][]string
	for len(msgs) > MaxPerPush {
		out = append(out, msgs[:MaxPerPush])
		msgs = msgs[MaxPerPush:]
	}
	if len(msgs) > 0 {
		out = append(out, msgs)
	}
	return out
}
