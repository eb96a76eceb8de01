package slack

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// Block Kit limits (https://api.slack.com/reference/block-kit).
const (
	maxSectionText = 3000
	maxButtonText  = 75
	maxButtons     = 25 // per actions block
	maxBlocks      = 50 // per message
	// maxFallbackText is what is kept of a message's top-level text,
	// which notifications and screen readers read: Slack truncates
	// longer text at 40,000, a notification shows a line.
	maxFallbackText = 300
)

// Action ids of madoguchi's buttons; link buttons also send an (ignored)
// interaction.
const (
	actionChoose = "choose"
	actionLink   = "link"
)

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	if utf8.RuneCountInString(s) > maxButtonText {
		s = string([]rune(s)[:maxButtonText-1]) + "…"
	}
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func section(s string) slack.Block { return slack.NewSectionBlock(mrkdwn(s), nil, nil) }

// blocks renders a reply in Block Kit: the answer (or question), link
// buttons, choice buttons, related questions, the office contact, and, for
// staff, a context line with the intent and score. Staff are the office
// itself: they are not shown the alumni's warnings about this chat.
func blocks(r bot.Reply, staff bool) []slack.Block { return blocksWithIDs(r, staff, "") }

// blocksWithIDs is blocks with suffix appended to every block and action
// id, so that several replies can share one message (ids must be unique in
// a message).
func blocksWithIDs(r bot.Reply, staff bool, suffix string) []slack.Block {
	var out []slack.Block
	if r.Title != "" {
		out = append(out, section("*"+escape(r.Title)+"*"))
	}
	for _, part := range escapedChunks(r.Text, maxSectionText) {
		out = append(out, section(part))
	}
	var links []slack.BlockElement
	for i, l := range r.Links {
		b := slack.NewButtonBlockElement(fmt.Sprintf("%s-%d%s", actionLink, i, suffix), "", plain(l.Label))
		b.URL = l.URL
		links = append(links, b)
	}
	if len(links) > 0 {
		out = append(out, slack.NewActionBlock("links"+suffix, links[:min(len(links), maxButtons)]...))
	}
	var choices []slack.BlockElement
	for i, c := range r.Choices {
		b := slack.NewButtonBlockElement(fmt.Sprintf("%s-%d%s", actionChoose, i, suffix), choiceValue(c.ID, r.Lang), plain(c.Label))
		if c.ID != bot.NoneChoice && i == 0 {
			b.Style = slack.StylePrimary
		}
		choices = append(choices, b)
	}
	if len(choices) > 0 {
		out = append(out, slack.NewActionBlock("choices"+suffix, choices[:min(len(choices), maxButtons)]...))
	}
	if len(r.Related) > 0 {
		// The same buttons as choices: a click answers that intent.
		var related []slack.BlockElement
		for i, c := range r.Related[:min(len(r.Related), maxButtons)] {
			related = append(related, slack.NewButtonBlockElement(fmt.Sprintf("%s-related-%d%s", actionChoose, i, suffix), choiceValue(c.ID, r.Lang), plain(c.Label)))
		}
		if r.RelatedLabel != "" {
			out = append(out, slack.NewContextBlock("related-label"+suffix, mrkdwn(escape(r.RelatedLabel))))
		}
		out = append(out, slack.NewActionBlock("related"+suffix, related...))
	}
	if c := r.Contact; c != nil {
		details := c.Details
		if staff {
			details = withoutChatWarnings(details)
		}
		out = append(out, slack.NewDividerBlock(), section("*"+escape(c.Name)+"*"))
		for _, part := range escapedChunks(details, maxSectionText) {
			if part != "" { // Slack refuses an empty section
				out = append(out, section(part))
			}
		}
		b := slack.NewButtonBlockElement(actionLink+"-office"+suffix, "", plain(c.Label))
		b.URL = c.URL
		out = append(out, slack.NewActionBlock("office"+suffix, b))
	}
	if fb := feedbackBlock(r); fb != nil {
		out = append(out, fb)
	}
	if staff {
		if line := staffLine(r); line != "" {
			out = append(out, slack.NewContextBlock("staff"+suffix, mrkdwn(line)))
		}
	}
	return out
}

// chatWarning finds the sentences that tell alumni what not to send in
// the chat (passwords, identity documents): addressed to the LINE user,
// they read as nonsense to office staff in Slack.
var chatWarning = regexp.MustCompile(`[^。\n]*このチャット[^。\n]*。?|[^.\n]*\bthis chat\b[^.\n]*\.?`)

// withoutChatWarnings drops the sentences meant for alumni about this chat.
func withoutChatWarnings(s string) string {
	s = chatWarning.ReplaceAllString(s, "")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// replyThread is the thread to answer a message in: the thread it was
// written in, or, for a channel message, a new thread under it. A direct
// message outside a thread is answered in the conversation itself, as a
// person would.
func replyThread(channelType, threadTS, ts string) string {
	if threadTS != "" {
		return threadTS
	}
	if channelType == "im" {
		return ""
	}
	return ts
}

// staffLine tells staff why the bot said what it said.
func staffLine(r bot.Reply) string {
	m := r.Match
	if m.Decision == "" {
		if r.Intent != "" {
			return fmt.Sprintf("intent `%s` (chosen)", r.Intent)
		}
		return ""
	}
	switch m.Decision {
	case match.Answer:
		if r.Also != "" {
			return fmt.Sprintf("intents `%s` and `%s` (related, both answered) · score %.2f", r.Intent, r.Also, m.Score())
		}
		return fmt.Sprintf("intent `%s` · score %.2f", r.Intent, m.Score())
	default:
		var parts []string
		for _, c := range m.Candidates {
			parts = append(parts, fmt.Sprintf("`%s` %.2f", c.Intent.ID, c.Score))
		}
		if len(parts) == 0 {
			return string(m.Decision) + " · no candidate"
		}
		return string(m.Decision) + " · " + strings.Join(parts, ", ")
	}
}

// fallbackText is the notification and accessibility text of a message:
// the title, else the first line of the text.
func fallbackText(r bot.Reply) string {
	if r.Title != "" {
		return firstLine(r.Title)
	}
	return firstLine(r.Text)
}

// firstLine is the first non-empty line of s, at most maxFallbackText
// characters. The top-level text is mrkdwn too, so it is escaped.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if utf8.RuneCountInString(l) > maxFallbackText {
				l = string([]rune(l)[:maxFallbackText-1]) + "…"
			}
			return escape(l)
		}
	}
	return "madoguchi"
}

// escapedChunks escapes s for mrkdwn and cuts it into pieces of at most
// n characters, at line breaks where it can, and never inside an escape
// sequence ("&amp;" is cut before or after, not "&am" | "p;").
func escapedChunks(s string, n int) []string {
	var out []string
	for {
		esc := []rune(escape(s))
		if len(esc) <= n {
			return append(out, string(esc))
		}
		// The longest prefix of s whose escaped form fits.
		fit, width := 0, 0
		for i, r := range s {
			w := utf8.RuneCountInString(escape(string(r)))
			if width+w > n {
				break
			}
			width += w
			fit = i + utf8.RuneLen(r)
		}
		cut := strings.LastIndex(s[:fit], "\n")
		if cut <= 0 {
			cut = fit
		}
		out = append(out, escape(s[:cut]))
		s = strings.TrimLeft(s[cut:], "\n")
	}
}
