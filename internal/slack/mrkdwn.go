package slack

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
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

// escaper and unescaper are Slack's three HTML escapes, the only ones
// mrkdwn has.
var (
	escaper   = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	unescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")
)

// escape makes plain text safe in mrkdwn, so that nothing in it is read
// as markup: a user's "<!channel>" does not notify a channel, a fake link
// stays text. It is the one escape of this package (answers, tickets,
// notes, users' messages relayed to a ticket).
func escape(s string) string { return escaper.Replace(s) }

// channelWord is what a channel mention becomes for a user: the staff's
// channel names (#hr-secret) are not theirs to read.
var channelWord = map[catalogue.Lang]string{catalogue.Japanese: "チャンネル", catalogue.English: "#channel"}

// plainText turns a staff member's Slack mrkdwn into plain text for a user
// who reads lang: links become "label url", mentions of people disappear,
// channel mentions become a word without the channel's name, emphasis
// markers are dropped and Slack's HTML escapes are undone.
func plainText(s string, lang catalogue.Lang) string {
	var b strings.Builder
	last := 0
	for _, m := range slackToken.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(stripEmphasis(s[last:m[0]]))
		tok := token(s[m[2]:m[3]], lang)
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
	out = unescaper.Replace(out)
	// A removed mention leaves doubled or leading spaces behind.
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(strings.Join(strings.FieldsFunc(l, func(r rune) bool { return r == ' ' }), " "))
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// token renders the inside of one <…> token.
func token(t string, lang catalogue.Lang) string {
	target, label, hasLabel := strings.Cut(t, "|")
	switch {
	case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "!subteam^"),
		target == "!here", target == "!channel", target == "!everyone":
		return ""
	case strings.HasPrefix(target, "#"):
		if w, ok := channelWord[lang]; ok {
			return w
		}
		return channelWord[catalogue.Japanese]
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
