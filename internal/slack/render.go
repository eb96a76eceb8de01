package slack

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// Block Kit limits.
const (
	maxSectionText = 3000
	maxButtonText  = 75
	maxButtons     = 25 // per actions block
)

// Action ids of madoguchi's buttons; link buttons also send an (ignored)
// interaction.
const (
	actionChoose = "choose"
	actionLink   = "link"
)

// escape makes text safe for mrkdwn.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

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
// buttons, choice buttons, the office contact, and, for staff, a context
// line with the intent and score.
func blocks(r bot.Reply, staff bool) []slack.Block {
	var out []slack.Block
	if r.Title != "" {
		out = append(out, section("*"+escape(r.Title)+"*"))
	}
	for _, part := range chunks(escape(r.Text), maxSectionText) {
		out = append(out, section(part))
	}
	var links []slack.BlockElement
	for i, l := range r.Links {
		b := slack.NewButtonBlockElement(fmt.Sprintf("%s-%d", actionLink, i), "", plain(l.Label))
		b.URL = l.URL
		links = append(links, b)
	}
	if len(links) > 0 {
		out = append(out, slack.NewActionBlock("links", links[:min(len(links), maxButtons)]...))
	}
	var choices []slack.BlockElement
	for i, c := range r.Choices {
		b := slack.NewButtonBlockElement(fmt.Sprintf("%s-%d", actionChoose, i), choiceValue(c.ID, r.Lang), plain(c.Label))
		if c.ID != bot.NoneChoice && i == 0 {
			b.Style = slack.StylePrimary
		}
		choices = append(choices, b)
	}
	if len(choices) > 0 {
		out = append(out, slack.NewActionBlock("choices", choices[:min(len(choices), maxButtons)]...))
	}
	if c := r.Contact; c != nil {
		out = append(out, slack.NewDividerBlock(), section("*"+escape(c.Name)+"*\n"+escape(c.Details)))
		b := slack.NewButtonBlockElement(actionLink+"-office", "", plain(c.Label))
		b.URL = c.URL
		out = append(out, slack.NewActionBlock("office", b))
	}
	if staff {
		if line := staffLine(r); line != "" {
			out = append(out, slack.NewContextBlock("staff", mrkdwn(line)))
		}
	}
	return out
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

// fallbackText is the notification and accessibility text of a message.
func fallbackText(r bot.Reply) string {
	s := r.Text
	if r.Title != "" {
		s = r.Title + "\n" + s
	}
	if len(s) > 3000 {
		s = string([]rune(s)[:1000]) + "…"
	}
	return s
}

// chunks cuts text into pieces of at most n characters at line breaks
// where it can.
func chunks(s string, n int) []string {
	var out []string
	for utf8.RuneCountInString(s) > n {
		r := []rune(s)
		cut := strings.LastIndex(string(r[:n]), "\n")
		if cut <= 0 {
			cut = len(string(r[:n]))
		}
		out = append(out, s[:cut])
		s = strings.TrimLeft(s[cut:], "\n")
	}
	return append(out, s)
}
