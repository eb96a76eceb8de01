// Package bot is madoguchi's core: it turns a user's text into a Reply
// (answer, clarifying question, or escalation to the alumni office) and
// knows nothing of LINE, Slack or terminals. Adapters translate platform
// events into calls here and Replies into platform messages.
package bot

import (
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

// NoneChoice is the id of the choice that rejects every candidate of a
// clarifying question; choosing it escalates.
const NoneChoice = "none"

// Choice is a button: an intent id and its title in the reply language.
type Choice struct {
	ID    string
	Label string
}

// Contact is the alumni office, in the reply language.
type Contact struct {
	Name    string
	URL     string
	Email   string
	Phone   string
	Label   string // button label
	Details string // what to send, and how
}

// Link is a labelled URL in the reply language.
type Link struct {
	Label string
	URL   string
}

// Reply is what the bot says, independent of platform.
type Reply struct {
	Decision match.Decision
	Lang     catalogue.Lang
	// Intent is the answered intent (Decision Answer), or the out-of-scope
	// intent whose reply an escalation gives, else "".
	Intent string
	// Also is a related intent answered below Intent, in the same text,
	// when the question fits both (see match.Pair), else "".
	Also string
	// Title is the answered intent's title, else "".
	Title string
	// Text is the answer, the clarifying question or the escalation notice.
	Text  string
	Links []Link
	// Choices are offered with a clarifying question; the last is
	// NoneChoice.
	Choices []Choice
	// Related are offered as next questions after an answer.
	Related      []Choice
	RelatedLabel string
	// Contact is set when the reply hands the user to the office.
	Contact *Contact
	// Match is the matcher's verdict, for staff views and metrics; zero for
	// replies that did not come from matching (choices, greetings).
	Match match.Result
	// Limited is set when the user sent too many messages; Silent when the
	// reply must not be sent at all (they were already told).
	Limited bool
	Silent  bool
	// Matched is the time spent matching the question; zero when the
	// reply did not come from matching.
	Matched time.Duration
	// Feedback, when set, is a 👍/👎 pair to offer after the answer; a
	// click goes to Dialog.Feedback with its Token.
	Feedback *Feedback
}

// Bot answers questions from the current catalogue snapshot.
type Bot struct {
	index   atomic.Pointer[match.Index]
	onPanic atomic.Pointer[func(Panic)] // see OnPanic
}

// New returns a bot serving the given index.
func New(x *match.Index) *Bot {
	b := &Bot{}
	b.index.Store(x)
	return b
}

// Index returns the snapshot in use. A caller that needs several calls to
// agree (for example a question and its rendering) takes it once.
func (b *Bot) Index() *match.Index { return b.index.Load() }

// Swap replaces the snapshot in one atomic step: a call already running
// finishes on the snapshot it started with, and every later call sees the
// new one, never a mixture.
func (b *Bot) Swap(x *match.Index) { b.index.Store(x) }

// Ask answers a question. A panic while answering is recovered: the reply
// is then the escalation (see OnPanic).
func (b *Bot) Ask(text string) (r Reply) {
	defer b.recovered("ask", LangOf(text), &r)
	x := b.Index()
	start := time.Now()
	res := x.Match(text)
	took := time.Since(start)
	r = reply(x.Catalogue(), res)
	r.Match, r.Matched = res, took
	return r
}

// Choose answers a choice the user picked (a button from Choices or
// Related): the intent's answer, or an escalation for NoneChoice or an
// intent that no longer exists. A panic is recovered as in Ask.
func (b *Bot) Choose(id string, lang catalogue.Lang) (r Reply) {
	defer b.recovered("choose", lang, &r)
	cat := b.Index().Catalogue()
	if in := cat.Intent(id); in != nil && id != NoneChoice {
		if in.Handoff {
			return escalate(cat, lang, true)
		}
		return answer(cat, in, lang)
	}
	return escalate(cat, lang, false)
}

// AnswerText is an intent's answer as staff send it with "Send this
// answer" in a handoff: title, text and links, as plain text for a push
// message; false when there is no such intent.
func (b *Bot) AnswerText(id string, lang catalogue.Lang) (string, bool) {
	if b.Index().Catalogue().Intent(id) == nil || id == NoneChoice {
		return "", false
	}
	r := b.Choose(id, lang)
	var s strings.Builder
	s.WriteString(r.Title + "\n" + r.Text)
	for _, l := range r.Links {
		s.WriteString("\n" + l.Label + ": " + l.URL)
	}
	return s.String(), true
}

// Greeting welcomes a new user, offering the help menu's topics.
func (b *Bot) Greeting(lang catalogue.Lang) Reply {
	cat := b.Index().Catalogue()
	r := Reply{Decision: match.Answer, Lang: lang, Text: cat.Settings.Messages.Greeting.In(lang)}
	if help := cat.Intent("help"); help != nil {
		r.Related, r.RelatedLabel = related(cat, help, lang)
	}
	return r
}

// Menu answers with the help intent (what can be asked), or, in a
// catalogue without one, with the escalation notice.
func (b *Bot) Menu(lang catalogue.Lang) Reply {
	cat := b.Index().Catalogue()
	if help := cat.Intent("help"); help != nil {
		return answer(cat, help, lang)
	}
	return escalate(cat, lang, false)
}

// TextOnly tells the user the bot reads text only.
func (b *Bot) TextOnly(lang catalogue.Lang) Reply {
	return Reply{Decision: match.Escalate, Lang: lang, Text: b.Index().Catalogue().Settings.Messages.TextOnly.In(lang)}
}

// LangOf returns the reply language for a text: Japanese when it contains
// Japanese script, English otherwise.
func LangOf(text string) catalogue.Lang {
	if textnorm.HasJapanese(text) {
		return catalogue.Japanese
	}
	return catalogue.English
}

func reply(cat *catalogue.Catalogue, res match.Result) Reply {
	switch res.Decision {
	case match.Answer:
		r := answer(cat, res.Intent(), res.Lang)
		if also := res.Also(); also != nil {
			r = withAlso(r, answer(cat, also, res.Lang))
		}
		return r
	case match.Clarify:
		m := cat.Settings.Messages
		r := Reply{Decision: match.Clarify, Lang: res.Lang, Text: m.Clarify.In(res.Lang)}
		for _, c := range res.Choices {
			r.Choices = append(r.Choices, Choice{c.Intent.ID, c.Intent.Title.In(res.Lang)})
		}
		r.Choices = append(r.Choices, Choice{NoneChoice, m.NoneOfThese.In(res.Lang)})
		return r
	default:
		if t := res.Topic; t != nil {
			return topic(cat, t, res.Lang)
		}
		return escalate(cat, res.Lang, res.Handoff)
	}
}

// withAlso adds a related intent's answer b below answer a, for a question
// that fits both (match.Pair): b's title and text after a's, its links
// after a's, its office contact when a gives none, and a's related
// questions without b.
func withAlso(a, b Reply) Reply {
	a.Also = b.Intent
	a.Text = a.Text + "\n\n■ " + b.Title + "\n" + b.Text
	for _, l := range b.Links {
		if !slices.ContainsFunc(a.Links, func(x Link) bool { return x.URL == l.URL }) {
			a.Links = append(a.Links, l)
		}
	}
	if a.Contact == nil {
		a.Contact = b.Contact
	}
	a.Related = slices.DeleteFunc(a.Related, func(c Choice) bool { return c.ID == b.Intent })
	return a
}

// topic escalates a question about something the office handles elsewhere
// with the out-of-scope intent's own reply, which says where to go.
func topic(cat *catalogue.Catalogue, in *catalogue.Intent, lang catalogue.Lang) Reply {
	r := answer(cat, in, lang)
	r.Decision = match.Escalate
	return r
}

func answer(cat *catalogue.Catalogue, in *catalogue.Intent, lang catalogue.Lang) Reply {
	r := Reply{
		Decision: match.Answer,
		Lang:     lang,
		Intent:   in.ID,
		Title:    in.Title.In(lang),
		Text:     in.Answer.In(lang),
	}
	if in.IsSmallTalk() {
		r.Title = "" // "■ お礼" above "どういたしまして" reads oddly
	}
	for _, l := range in.Links {
		r.Links = append(r.Links, Link{l.Label.In(lang), l.URL})
	}
	r.Related, r.RelatedLabel = related(cat, in, lang)
	if in.Escalate {
		r.Contact = contact(cat, lang)
		if listsDetails(r.Text, r.Contact.Details) {
			r.Contact.Details = "" // said once, in the answer
		}
	}
	return r
}

// listsDetails reports whether an answer already lists what to send the
// office: it contains one of the bullet lines of the office details.
func listsDetails(answer, details string) bool {
	for _, line := range strings.Split(details, "\n") {
		line = strings.TrimSpace(line)
		if (strings.HasPrefix(line, "・") || strings.HasPrefix(line, "- ")) && strings.Contains(answer, line) {
			return true
		}
	}
	return false
}

func related(cat *catalogue.Catalogue, in *catalogue.Intent, lang catalogue.Lang) ([]Choice, string) {
	var out []Choice
	for _, id := range in.Related {
		if rel := cat.Intent(id); rel != nil {
			out = append(out, Choice{id, rel.Title.In(lang)})
		}
	}
	return out, cat.Settings.Messages.Related.In(lang)
}

func escalate(cat *catalogue.Catalogue, lang catalogue.Lang, handoff bool) Reply {
	m := cat.Settings.Messages
	text := m.Escalate.In(lang)
	if handoff {
		text = m.Handoff.In(lang)
	}
	return Reply{Decision: match.Escalate, Lang: lang, Text: text, Contact: contact(cat, lang)}
}

func contact(cat *catalogue.Catalogue, lang catalogue.Lang) *Contact {
	o := cat.Settings.Office
	return &Contact{
		Name:    o.Name.In(lang),
		URL:     o.URL,
		Email:   o.Email,
		Phone:   o.Phone,
		Label:   cat.Settings.Messages.Contact.In(lang),
		Details: o.Details.In(lang),
	}
}
