package line

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"gopkg.in/yaml.v3"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// The conformance test renders every reply the shipped catalogue can give
// and checks each request body against LINE's own OpenAPI description of
// the Messaging API (testdata/line-openapi, see SOURCE there) and the
// limits LINE documents but the description does not carry. An admin's
// next intent that would make LINE refuse a reply fails here first.

// Documented limits not in the OpenAPI file
// (https://developers.line.biz/en/reference/messaging-api/), in UTF-16
// units, as LINE counts.
const (
	docMaxText            = 5000
	docMaxAltText         = 1500
	docMaxQuickReplyLabel = 20
	docMaxActionLabel     = 40 // a Flex button's action
	docMaxURI             = 1000
	docMaxPostbackData    = 300
	docMaxDisplayText     = 300
	docMaxBubbleBytes     = 30 * 1024 // the JSON of one bubble
)

// lineSpec loads the vendored OpenAPI file. Its polymorphic schemas
// (Message, Action, FlexComponent, …) name their subtypes only through a
// discriminator mapping, which a validator follows only inside oneOf; each
// is rewritten as a oneOf of its subtypes, the subtypes inheriting from a
// copy of the original ("…Base"), so that a Flex message is validated as a
// Flex message all the way down.
func lineSpec(t testing.TB) *openapi3.T {
	t.Helper()
	data, err := os.ReadFile("testdata/line-openapi/messaging-api.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	const prefix = "#/components/schemas/"
	polymorphic := map[string]bool{}
	for name, s := range schemas {
		s := s.(map[string]any)
		d, ok := s["discriminator"].(map[string]any)
		if !ok || d["mapping"] == nil {
			continue
		}
		base := map[string]any{}
		for k, v := range s {
			if k != "discriminator" {
				base[k] = v
			}
		}
		schemas[name+"Base"] = base
		var oneOf []any
		for _, ref := range d["mapping"].(map[string]any) {
			oneOf = append(oneOf, map[string]any{"$ref": ref})
		}
		schemas[name] = map[string]any{"oneOf": oneOf, "discriminator": d}
		polymorphic[name] = true
	}
	for _, s := range schemas {
		all, _ := s.(map[string]any)["allOf"].([]any)
		for _, item := range all {
			ref, _ := item.(map[string]any)["$ref"].(string)
			if name := strings.TrimPrefix(ref, prefix); polymorphic[name] {
				item.(map[string]any)["$ref"] = prefix + name + "Base"
			}
		}
	}
	js, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := openapi3.NewLoader().LoadFromData(js)
	if err != nil {
		t.Fatalf("load the OpenAPI file: %v", err)
	}
	return spec
}

// checkSchema validates body (any JSON-encodable value) against the named
// schema.
func checkSchema(spec *openapi3.T, schema string, body any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	ref := spec.Components.Schemas[schema]
	if ref == nil {
		return fmt.Errorf("no schema %s", schema)
	}
	return ref.Value.VisitJSON(v, openapi3.MultiErrors())
}

// checkLimits walks the messages of a request body and reports every
// documented limit they break.
func checkLimits(msgs []messaging_api.MessageInterface) []string {
	var bad []string
	addf := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if len(msgs) == 0 || len(msgs) > maxMessages {
		addf("%d messages; LINE takes 1 to %d", len(msgs), maxMessages)
	}
	u16 := func(s string) int { return len(utf16.Encode([]rune(s))) }
	for i, m := range msgs {
		var qr *messaging_api.QuickReply
		switch m := m.(type) {
		case *messaging_api.TextMessage:
			if n := u16(m.Text); n == 0 || n > docMaxText {
				addf("message %d: text of %d units; LINE takes 1 to %d", i, n, docMaxText)
			}
			qr = m.QuickReply
		case *messaging_api.FlexMessage:
			if n := u16(m.AltText); n == 0 || n > docMaxAltText {
				addf("message %d: altText of %d units; LINE takes 1 to %d", i, n, docMaxAltText)
			}
			if data, _ := json.Marshal(m.Contents); len(data) > docMaxBubbleBytes {
				addf("message %d: bubble of %d bytes; LINE takes %d", i, len(data), docMaxBubbleBytes)
			}
			bad = append(bad, checkFlex(fmt.Sprintf("message %d", i), m.Contents)...)
			qr = m.QuickReply
		default:
			addf("message %d: unexpected %T", i, m)
		}
		if qr == nil {
			continue
		}
		if len(qr.Items) == 0 || len(qr.Items) > maxQuickReplies {
			addf("message %d: %d quick replies; LINE takes 1 to %d", i, len(qr.Items), maxQuickReplies)
		}
		for j, it := range qr.Items {
			if it.Type != "action" {
				addf("message %d: quick reply %d has type %q, want \"action\"", i, j, it.Type)
			}
			pb, ok := it.Action.(*messaging_api.PostbackAction)
			if !ok {
				addf("message %d: quick reply %d is a %T", i, j, it.Action)
				continue
			}
			if n := u16(pb.Label); n == 0 || n > docMaxQuickReplyLabel {
				addf("message %d: quick reply %d label of %d units; LINE takes 1 to %d", i, j, n, docMaxQuickReplyLabel)
			}
			if n := u16(pb.Data); n > docMaxPostbackData {
				addf("message %d: quick reply %d data of %d units; LINE takes %d", i, j, n, docMaxPostbackData)
			}
			if n := u16(pb.DisplayText); n > docMaxDisplayText {
				addf("message %d: quick reply %d displayText of %d units; LINE takes %d", i, j, n, docMaxDisplayText)
			}
		}
	}
	return bad
}

// checkChoicesListed: when a clarifying question's quick replies do not
// show every choice in full (a label cut to LINE's 20 units, or more
// choices than buttons), the question's text lists each choice's full
// title with the number that picks it (bot.Dialog: "2" picks the second).
func checkChoicesListed(r bot.Reply, msgs []messaging_api.MessageInterface) []string {
	if r.Decision != match.Clarify || len(msgs) == 0 {
		return nil
	}
	text, ok := msgs[0].(*messaging_api.TextMessage)
	if !ok {
		return []string{fmt.Sprintf("a clarifying question rendered as a %T, want a text", msgs[0])}
	}
	shown := map[string]bool{}
	if text.QuickReply != nil {
		for _, it := range text.QuickReply.Items {
			if pb, ok := it.Action.(*messaging_api.PostbackAction); ok {
				shown[pb.Label] = true
			}
		}
	}
	cut := false
	for _, c := range r.Choices {
		cut = cut || !shown[c.Label]
	}
	if !cut {
		return nil
	}
	var bad []string
	for i, c := range r.Choices {
		if line := fmt.Sprintf("\n%d. %s\n", i+1, c.Label); !strings.Contains(text.Text+"\n", line) {
			bad = append(bad, fmt.Sprintf("choice %d %q is not shown in full on a button, and the text does not list it as %q", i+1, c.Label, strings.TrimSpace(line)))
		}
	}
	return bad
}

// checkFlex checks the components of a Flex container.
func checkFlex(where string, c any) []string {
	var bad []string
	var walk func(path string, c any)
	walk = func(path string, c any) {
		switch c := c.(type) {
		case *messaging_api.FlexBubble:
			for name, box := range map[string]*messaging_api.FlexBox{"header": c.Header, "body": c.Body, "footer": c.Footer} {
				if box != nil {
					walk(path+"."+name, box)
				}
			}
		case *messaging_api.FlexBox:
			if len(c.Contents) == 0 {
				bad = append(bad, path+": an empty box")
			}
			for i, x := range c.Contents {
				walk(fmt.Sprintf("%s[%d]", path, i), x)
			}
		case *messaging_api.FlexText:
			if c.Text == "" {
				bad = append(bad, path+": empty text")
			}
		case *messaging_api.FlexButton:
			a, ok := c.Action.(*messaging_api.UriAction)
			if !ok {
				bad = append(bad, fmt.Sprintf("%s: button with a %T", path, c.Action))
				return
			}
			if n := len(utf16.Encode([]rune(a.Label))); n == 0 || n > docMaxActionLabel {
				bad = append(bad, fmt.Sprintf("%s: button label of %d units; LINE takes 1 to %d", path, n, docMaxActionLabel))
			}
			bad = append(bad, checkURI(path, a.Uri)...)
		case *messaging_api.FlexSeparator:
		default:
			bad = append(bad, fmt.Sprintf("%s: unexpected %T", path, c))
		}
	}
	walk(where, c)
	return bad
}

// checkURI: an https URL, ASCII only, at most 1,000 characters.
func checkURI(where, uri string) []string {
	var bad []string
	if len(uri) > docMaxURI {
		bad = append(bad, fmt.Sprintf("%s: URI of %d characters; LINE takes %d", where, len(uri), docMaxURI))
	}
	for _, r := range uri {
		if r <= ' ' || r >= 0x7f {
			bad = append(bad, fmt.Sprintf("%s: URI %q has the raw character %q", where, uri, r))
			break
		}
	}
	if u, err := url.Parse(uri); err != nil || u.Scheme != "https" || u.Host == "" {
		bad = append(bad, fmt.Sprintf("%s: URI %q is not an https URL", where, uri))
	}
	return bad
}

// replies are every reply the catalogue in dir can produce (see
// testkit.Replies), with clarifying questions offering more choices than a
// row of quick replies holds.
func replies(t testing.TB, dir string) map[string]bot.Reply {
	t.Helper()
	cat, err := catalogue.Load(dir)
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	return testkit.Replies(bot.New(match.New(cat)), platform+":0123456789abcdef", maxQuickReplies+2)
}

// conformance reports every way the reply and push bodies of r break the
// schema or the documented limits.
func conformance(spec *openapi3.T, r bot.Reply) []string {
	msgs := render(r)
	bad := checkLimits(msgs)
	bad = append(bad, checkChoicesListed(r, msgs)...)
	if err := checkSchema(spec, "ReplyMessageRequest", &messaging_api.ReplyMessageRequest{ReplyToken: "token", Messages: msgs}); err != nil {
		bad = append(bad, "reply body: "+err.Error())
	}
	if err := checkSchema(spec, "PushMessageRequest", pushRequest{To: "U0123456789abcdef0123456789abcdef", Messages: msgs}); err != nil {
		bad = append(bad, "push body: "+err.Error())
	}
	// The body the adapter sends, with the card from its cache.
	cards := newCardCache()
	renderCards(r, cards)
	if body, err := replyBody("token", renderCards(r, cards)); err != nil {
		bad = append(bad, "sent reply body: "+err.Error())
	} else if err := checkSchema(spec, "ReplyMessageRequest", json.RawMessage(body)); err != nil {
		bad = append(bad, "sent reply body: "+err.Error())
	}
	return bad
}

func TestConformance(t *testing.T) {
	spec := lineSpec(t)
	all := replies(t, "../../intents")
	feedback := 0
	for name, r := range all {
		if r.Silent {
			continue
		}
		if r.Feedback != nil {
			feedback++
		}
		for _, problem := range conformance(spec, r) {
			t.Errorf("%s: %s", name, problem)
		}
	}
	if feedback == 0 {
		t.Error("no reply checked carries the feedback buttons")
	}
	t.Logf("%d replies checked, %d with feedback buttons", len(all), feedback)
}

// TestConformanceCatches shows that the checks fail on what LINE refuses:
// the SDK's own push body, and replies past each limit (built by hand, as
// lint keeps such intents out of a catalogue).
func TestConformanceCatches(t *testing.T) {
	spec := lineSpec(t)
	sdkPush := &messaging_api.PushMessageRequest{To: "U1", Messages: []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "hi"}}}
	if err := checkSchema(spec, "PushMessageRequest", sdkPush); err == nil || !strings.Contains(err.Error(), "customAggregationUnits") {
		t.Errorf("the SDK's push body with \"customAggregationUnits\": null passed the schema: %v", err)
	}
	badType := &messaging_api.ReplyMessageRequest{ReplyToken: "t", Messages: []messaging_api.MessageInterface{
		&messaging_api.FlexMessage{AltText: "x", Contents: &messaging_api.FlexBubble{Body: &messaging_api.FlexBox{Layout: "sideways", Contents: []messaging_api.FlexComponentInterface{&messaging_api.FlexText{Text: "x"}}}}},
	}}
	if err := checkSchema(spec, "ReplyMessageRequest", badType); err == nil || !strings.Contains(err.Error(), "sideways") {
		t.Errorf("a Flex box with layout \"sideways\" passed the schema: %v", err)
	}

	// Messages built past the limits, as a renderer with a bug would.
	longURL := "https://example.org/" + strings.Repeat("a", 1000)
	bad := []messaging_api.MessageInterface{
		&messaging_api.TextMessage{Text: strings.Repeat("😀", 2501)},
		&messaging_api.FlexMessage{AltText: strings.Repeat("😀", 751), Contents: &messaging_api.FlexBubble{
			Body: &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Contents: []messaging_api.FlexComponentInterface{
				&messaging_api.FlexText{Text: ""},
				&messaging_api.FlexButton{Action: &messaging_api.UriAction{Label: strings.Repeat("a", 41), Uri: longURL}},
				&messaging_api.FlexButton{Action: &messaging_api.UriAction{Label: "ok", Uri: "https://example.org/卒業生"}},
			}},
		}},
	}
	qr := &messaging_api.QuickReply{}
	for range 14 {
		qr.Items = append(qr.Items, messaging_api.QuickReplyItem{Action: &messaging_api.PostbackAction{Label: strings.Repeat("あ", 21), Data: "x"}})
	}
	bad = append(bad, &messaging_api.TextMessage{Text: "q", QuickReply: qr}, &messaging_api.TextMessage{Text: "4"}, &messaging_api.TextMessage{Text: "5"}, &messaging_api.TextMessage{Text: "6"})
	got := strings.Join(checkLimits(bad), "\n")
	for _, want := range []string{
		"6 messages", "text of 5002 units", "altText of 1502 units", "empty text",
		"button label of 41 units", "URI of 1020 characters", `raw character '卒'`,
		"14 quick replies", `type ""`, "label of 21 units",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the limits check missed %q; it reported:\n%s", want, got)
		}
	}
}

// TestConformanceChoicesListed: a clarifying question whose choices'
// titles are cut on the buttons lists them in full, numbered, and the
// check catches a rendering that does not.
func TestConformanceChoicesListed(t *testing.T) {
	r := bot.Reply{Decision: match.Clarify, Lang: catalogue.English, Text: "Which of these do you mean?", Choices: []bot.Choice{
		{ID: "mfa-phone", Label: "MFA fails after a phone change"},
		{ID: "phone-number", Label: "Changed phone number"},
		{ID: bot.NoneChoice, Label: "None of these"},
	}}
	msgs := render(r)
	if bad := checkChoicesListed(r, msgs); len(bad) > 0 {
		t.Errorf("render: %s", strings.Join(bad, "\n"))
	}
	want := "Which of these do you mean?\n\n1. MFA fails after a phone change\n2. Changed phone number\n3. None of these\n(You can also send the number.)"
	if got := msgs[0].(*messaging_api.TextMessage).Text; got != want {
		t.Errorf("got text %q, want %q", got, want)
	}
	// Short titles fit on the buttons: the text stays the question.
	short := r
	short.Choices = []bot.Choice{{ID: "a", Label: "Forgot password"}, {ID: "b", Label: "Changed phone"}}
	if got := render(short)[0].(*messaging_api.TextMessage).Text; got != r.Text {
		t.Errorf("short titles: got text %q, want the question alone %q", got, r.Text)
	}
	// The renderer as it was: the question alone, the titles cut.
	unlisted := render(r)
	unlisted[0].(*messaging_api.TextMessage).Text = r.Text
	got := strings.Join(checkChoicesListed(r, unlisted), "\n")
	for _, want := range []string{`choice 1 "MFA fails after a phone change"`, `choice 2 "Changed phone number"`} {
		if !strings.Contains(got, want) {
			t.Errorf("the check missed %s; it reported:\n%s", want, got)
		}
	}
}

// TestConformanceExtremeIntent renders an intent at every limit lint
// allows (../catalogue/testdata/extreme): the longest title and labels, an
// answer of emoji (two units each), six long links, fifteen related intents.
func TestConformanceExtremeIntent(t *testing.T) {
	spec := lineSpec(t)
	for name, r := range replies(t, "../catalogue/testdata/extreme") {
		for _, problem := range conformance(spec, r) {
			t.Errorf("%s: %s", name, problem)
		}
	}
}

// TestConformanceBadIntent builds, past lint (catalogue.New checks less
// than a file's lint), an intent whose links LINE refuses: the conformance
// check must name both.
func TestConformanceBadIntent(t *testing.T) {
	spec := lineSpec(t)
	shipped, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	bad := &catalogue.Intent{
		ID: "bad", File: "bad.yaml",
		Title:    catalogue.Text{JA: "悪い例", EN: "Bad"},
		Examples: catalogue.Examples{JA: []string{"悪い例"}, EN: []string{"bad example"}},
		Answer:   catalogue.Text{JA: "答え", EN: "Answer"},
		Links: []catalogue.Link{
			{Label: catalogue.Text{JA: "長い", EN: "Long"}, URL: "https://example.org/" + strings.Repeat("a", 1000)},
			{Label: catalogue.Text{JA: "日本語", EN: "Japanese"}, URL: "https://example.org/卒業生"},
		},
	}
	cat, err := catalogue.New([]*catalogue.Intent{bad}, shipped.Settings)
	if err != nil {
		t.Fatal(err)
	}
	r := bot.New(match.New(cat)).Choose("bad", catalogue.Japanese)
	got := strings.Join(conformance(spec, r), "\n")
	for _, want := range []string{"URI of 1020 characters", `raw character '卒'`} {
		if !strings.Contains(got, want) {
			t.Errorf("the check missed %q; it reported:\n%s", want, got)
		}
	}
}
