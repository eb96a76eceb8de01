package slack

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/search"
)

// commandResponse answers the slash command, privately ("ephemeral"):
//
//	/madoguchi <question>       the bot's answer
//	/madoguchi search <letters> intents found by a few letters of id or title
//	/madoguchi show <id>        an intent's answer in both languages
//	/madoguchi handoffs         the open conversations with staff
//	/madoguchi help             this list
func (a *Adapter) commandResponse(ctx context.Context, cmd slack.SlashCommand) *slack.Msg {
	word, rest, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
	rest = strings.TrimSpace(rest)
	var bl []slack.Block
	var text string // the message's fallback text
	switch strings.ToLower(word) {
	case "", "help":
		help := a.help()
		bl, text = []slack.Block{section(help)}, "madoguchi help"
	case "search":
		found := a.search(rest)
		bl, text = []slack.Block{section(found)}, "madoguchi search: "+escape(rest)
	case "show":
		bl, text = a.show(rest)
	case "handoffs":
		list := a.handoffs(ctx, cmd)
		bl, text = []slack.Block{section(list)}, "madoguchi handoffs"
	default:
		r := a.bot.Ask(cmd.Text)
		a.metrics.Answered(platform, string(r.Decision), r.Intent, r.Limited, r.Matched)
		bl, text = blocks(r, true), fallbackText(r)
	}
	return &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Blocks: slack.Blocks{BlockSet: bl[:min(len(bl), maxBlocks)]}, Text: text}
}

func (a *Adapter) help() string {
	c := escape(a.cfg.Command)
	return fmt.Sprintf("*madoguchi* answers alumni questions from the OUMail FAQ.\n"+
		"• `%[1]s &lt;question&gt;`: what the bot would answer (only you see it)\n"+
		"• `%[1]s search &lt;letters&gt;`: find intents by a few letters of their id or title\n"+
		"• `%[1]s show &lt;id&gt;`: an intent's answer in Japanese and English\n"+
		"• `%[1]s handoffs`: the open conversations handed to the office staff (in the staff channel)\n"+
		"• mention me in a channel and I answer in a thread; message me directly and I answer there", c)
}

func (a *Adapter) search(words string) string {
	if words == "" {
		return fmt.Sprintf("Type a few letters: `%s search pwd`", escape(a.cfg.Command))
	}
	hits := search.Find(a.bot.Index().Catalogue(), words)
	if len(hits) == 0 {
		return "No intent matches `" + escape(words) + "`."
	}
	var b strings.Builder
	for _, h := range hits[:min(len(hits), 15)] {
		fmt.Fprintf(&b, "• `%s` %s\n", h.Intent.ID, highlightWords(h))
	}
	return b.String()
}

// highlightWords escapes a hit's text and makes bold each word holding a
// matched letter: Slack renders *bold* only around whole words, not
// around letters inside one (*p*ass*w*or*d*).
func highlightWords(h search.Hit) string {
	matched := make(map[int]bool, len(h.Matched))
	for _, i := range h.Matched {
		matched[i] = true
	}
	var b strings.Builder
	start := 0
	flush := func(end int) {
		word := h.Text[start:end]
		bold := false
		for i := start; i < end; i++ {
			bold = bold || matched[i]
		}
		if bold && word != "" {
			b.WriteString("*" + escape(word) + "*")
		} else {
			b.WriteString(escape(word))
		}
	}
	for i, r := range h.Text {
		if r == ' ' {
			flush(i)
			b.WriteByte(' ')
			start = i + 1
		}
	}
	flush(len(h.Text))
	return b.String()
}

// show renders an intent in both languages in one message, with the
// second language's block and action ids suffixed to keep them unique.
func (a *Adapter) show(id string) ([]slack.Block, string) {
	cat := a.bot.Index().Catalogue()
	in := cat.Intent(id)
	if in == nil {
		return []slack.Block{section(fmt.Sprintf("No intent `%s`.%s", escape(id), a.suggest(id)))}, "madoguchi show: no intent " + escape(id)
	}
	var out []slack.Block
	for _, lang := range catalogue.Langs {
		out = append(out, blocksWithIDs(a.bot.Choose(in.ID, lang), false, "-"+string(lang))...)
	}
	return append(out, section(fmt.Sprintf("_%s_ · `%s`", escape(in.File), in.ID))), escape(in.Title.In(catalogue.Japanese)) + " / " + escape(in.Title.In(catalogue.English))
}

func (a *Adapter) suggest(id string) string {
	if hits := search.Find(a.bot.Index().Catalogue(), id); len(hits) > 0 {
		return " Did you mean `" + escape(hits[0].Intent.ID) + "`?"
	}
	return ""
}

// clickedChoice returns the choice of a madoguchi choice button, or "".
func clickedChoice(cb slack.InteractionCallback) string {
	for _, act := range cb.ActionCallback.BlockActions {
		if strings.HasPrefix(act.ActionID, actionChoose) {
			return act.Value
		}
	}
	return ""
}

// threadOfClick is where the answer to a click goes: the clicked message's
// thread, or, in a direct message outside a thread, the conversation
// itself, as the question was answered. A click does not say the
// channel's type; direct message channel ids start with D.
func threadOfClick(cb slack.InteractionCallback) string {
	if cb.Container.ThreadTs != "" {
		return cb.Container.ThreadTs
	}
	channelType := "channel"
	if strings.HasPrefix(cb.Channel.ID, "D") {
		channelType = "im"
	}
	return replyThread(channelType, cb.Message.ThreadTimestamp, cb.Message.Timestamp)
}
