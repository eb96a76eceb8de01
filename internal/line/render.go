package line

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// LINE's limits (https://developers.line.biz/en/reference/messaging-api/),
// all counted in UTF-16 code units, as LINE counts them: an emoji is two.
const (
	maxMessages        = 5    // messages per reply
	maxTextUnits       = 5000 // per text message
	maxAltText         = 1500 // a Flex message's alternative text
	maxQuickReplies    = 13
	maxQuickReplyLabel = 20
	maxButtonLabel     = 40  // an action's label on a Flex button
	maxDisplayText     = 300 // what a postback shows as the user's message
	// bubbleTextUnits is the most answer text put on a card; the rest
	// follows as text messages, which read better than a very tall card.
	bubbleTextUnits = 2000
)

// render turns a reply into LINE messages: a Flex card for an answer or an
// escalation (with the text as the card's alternative text), a text with
// quick-reply buttons for a clarifying question.
func render(r bot.Reply) []messaging_api.MessageInterface { return renderCards(r, nil) }

// renderCards is render, taking a card's bubble from cards when it was
// encoded before (cards may be nil).
func renderCards(r bot.Reply, cards *cardCache) []messaging_api.MessageInterface {
	var msgs []messaging_api.MessageInterface
	switch {
	case r.Decision == match.Clarify:
		msgs = []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: clarifyText(r)}}
	case r.Title != "" || r.Contact != nil:
		msgs = card(r, cards)
	default: // greetings, thanks without a title, text-only notices
		for _, part := range split(r.Text, maxTextUnits) {
			msgs = append(msgs, &messaging_api.TextMessage{Text: part})
		}
	}
	if len(msgs) > maxMessages {
		msgs = msgs[:maxMessages]
	}
	if qr := quickReplies(r); qr != nil {
		setQuickReply(msgs[len(msgs)-1], qr)
	}
	return msgs
}

// card is a Flex bubble: title, answer, what to send the office, then link
// buttons and the office button. Text beyond bubbleTextUnits follows as
// plain messages.
func card(r bot.Reply, cards *cardCache) []messaging_api.MessageInterface {
	parts := split(r.Text, bubbleTextUnits)
	alt := r.Title + "\n" + r.Text
	if c := r.Contact; c != nil {
		alt += "\n" + c.Name + " " + c.URL
	}
	contents := cards.bubble(r, parts[0])
	msgs := []messaging_api.MessageInterface{&messaging_api.FlexMessage{AltText: truncate(strings.TrimSpace(alt), maxAltText), Contents: contents}}
	for _, p := range parts[1:] {
		msgs = append(msgs, &messaging_api.TextMessage{Text: p})
	}
	return msgs
}

// bubble is a card's Flex bubble, with text as the answer on it.
func bubble(r bot.Reply, text string) *messaging_api.FlexBubble {
	body := []messaging_api.FlexComponentInterface{}
	if r.Title != "" {
		body = append(body, &messaging_api.FlexText{Text: r.Title, Weight: messaging_api.FlexTextWEIGHT_BOLD, Size: "lg", Wrap: true})
	}
	body = append(body, &messaging_api.FlexText{Text: text, Size: "sm", Wrap: true})
	var footer []messaging_api.FlexComponentInterface
	for _, l := range r.Links {
		footer = append(footer, &messaging_api.FlexButton{
			Style: messaging_api.FlexButtonSTYLE_LINK, Height: messaging_api.FlexButtonHEIGHT_SM,
			Action: &messaging_api.UriAction{Label: truncate(l.Label, maxButtonLabel), Uri: l.URL},
		})
	}
	if c := r.Contact; c != nil {
		body = append(body,
			&messaging_api.FlexSeparator{Margin: "md"},
			&messaging_api.FlexText{Text: c.Name, Weight: messaging_api.FlexTextWEIGHT_BOLD, Size: "sm", Wrap: true, Margin: "md"})
		// The details are left out when the answer already gives them;
		// LINE refuses a text component with no text.
		if c.Details != "" {
			body = append(body, &messaging_api.FlexText{Text: c.Details, Size: "xs", Wrap: true, Color: "#555555"})
		}
		footer = append(footer, &messaging_api.FlexButton{
			Style: messaging_api.FlexButtonSTYLE_PRIMARY, Height: messaging_api.FlexButtonHEIGHT_SM,
			Action: &messaging_api.UriAction{Label: truncate(c.Label, maxButtonLabel), Uri: c.URL},
		})
	}
	// "flex": 0, which the SDK always writes, keeps each part at its
	// natural height in these vertical boxes, as intended.
	b := &messaging_api.FlexBubble{
		Body: &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Spacing: "md", Contents: body},
	}
	if len(footer) > 0 {
		b.Footer = &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Spacing: "sm", Contents: footer}
	}
	return b
}

// quickReplies are the buttons under the last message: the 👍/👎 pair
// after an answer that offers feedback, then the choices of a clarifying
// question or the related questions after an answer, at most LINE's 13 in
// all.
func quickReplies(r bot.Reply) *messaging_api.QuickReply {
	items := feedbackItems(r)
	choices := r.Choices
	if len(choices) == 0 {
		choices = r.Related
	}
	for _, c := range choices {
		if len(items) == maxQuickReplies {
			break
		}
		items = append(items, messaging_api.QuickReplyItem{
			// The SDK leaves the item type empty; LINE requires "action".
			Type: "action",
			Action: &messaging_api.PostbackAction{
				Label:       truncate(c.Label, maxQuickReplyLabel),
				Data:        postbackData(c.ID, r.Lang),
				DisplayText: truncate(c.Label, maxDisplayText),
			},
		})
	}
	if len(items) == 0 {
		return nil
	}
	return &messaging_api.QuickReply{Items: items}
}

// clarifyText is a clarifying question's text. When a choice's title is
// cut to fit a quick-reply label, or there are more choices than buttons,
// the text lists every choice in full, numbered: typing the number picks
// it (bot.Dialog), and the buttons stay the short way.
func clarifyText(r bot.Reply) string {
	listed := len(feedbackItems(r))+len(r.Choices) > maxQuickReplies
	for _, c := range r.Choices {
		listed = listed || units(c.Label) > maxQuickReplyLabel
	}
	if !listed {
		return r.Text
	}
	var b strings.Builder
	b.WriteString(r.Text)
	b.WriteString("\n")
	for i, c := range r.Choices {
		fmt.Fprintf(&b, "\n%d. %s", i+1, c.Label)
	}
	if r.Lang == catalogue.English {
		b.WriteString("\n(You can also send the number.)")
	} else {
		b.WriteString("\n（番号を送っても選べます）")
	}
	return truncate(b.String(), maxTextUnits)
}

func setQuickReply(m messaging_api.MessageInterface, qr *messaging_api.QuickReply) {
	switch m := m.(type) {
	case *messaging_api.TextMessage:
		m.QuickReply = qr
	case *messaging_api.FlexMessage:
		m.QuickReply = qr
	}
}

// truncate shortens s to at most n UTF-16 units, ending with "…" (one
// unit) when cut, and never between the halves of a surrogate pair.
func truncate(s string, n int) string {
	if units(s) <= n {
		return s
	}
	end, used := 0, 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if w < 0 {
			w = 1 // an invalid rune is sent as U+FFFD, one unit
		}
		if used+w > n-1 {
			break
		}
		used += w
		end = i + len(string(r))
	}
	return s[:end] + "…"
}

// urlPattern finds URLs: ASCII characters allowed in a URL, so that the
// Japanese text around one is not taken for part of it.
var urlPattern = regexp.MustCompile(`https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+`)

// split cuts text into parts of at most limit UTF-16 units, at a line
// break where it can, else after a sentence or a space, never inside a
// URL or a character, and dropping the spaces and line breaks at each cut.
// It is the one splitter of LINE texts: replies, cards' follow-ups and the
// staff's pushes. No part is empty, except the one part of an empty text.
func split(text string, limit int) []string {
	var parts []string
	for units(text) > limit {
		cut := cutPoint(text, limit)
		if cut == 0 {
			// One character wider than the limit (an emoji, limit 1):
			// it goes alone rather than nowhere.
			_, cut = utf8.DecodeRuneInString(text)
		}
		if p := strings.TrimRight(text[:cut], " \n"); p != "" {
			parts = append(parts, p)
		}
		text = strings.TrimLeft(text[cut:], " \n")
	}
	if text != "" || len(parts) == 0 {
		parts = append(parts, text)
	}
	return parts
}

// cutPoint returns a byte offset in s, within limit UTF-16 units, where s
// may be cut.
func cutPoint(s string, limit int) int {
	// The longest prefix within the limit.
	end, n := 0, 0
	for i, r := range s {
		w := len(utf16.Encode([]rune{r}))
		if n+w > limit {
			break
		}
		n += w
		end = i + len(string(r))
	}
	inURL := func(i int) bool {
		for _, loc := range urlPattern.FindAllStringIndex(s, -1) {
			if i > loc[0] && i < loc[1] {
				return true
			}
		}
		return false
	}
	for _, sep := range []string{"\n", "。", ". ", " ", "、"} {
		if i := strings.LastIndex(s[:end], sep); i > 0 && !inURL(i+len(sep)) {
			return i + len(sep)
		}
	}
	// No break anywhere: cut before the URL that straddles the limit, if
	// one does and starts after the beginning.
	for _, loc := range urlPattern.FindAllStringIndex(s, -1) {
		if end > loc[0] && end < loc[1] && loc[0] > 0 {
			return loc[0]
		}
	}
	return end
}

// units is the length of s in UTF-16 code units.
func units(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}
