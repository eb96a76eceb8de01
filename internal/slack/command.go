package slack

import (
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
//	/madoguchi help             this list
func (a *Adapter) commandResponse(cmd slack.SlashCommand) *slack.Msg {
	word, rest, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
	rest = strings.TrimSpace(rest)
	var bl []slack.Block
	switch strings.ToLower(word) {
	case "", "help":
		bl = []slack.Block{section(a.help())}
	case "search":
		bl = []slack.Block{section(a.search(rest))}
	case "show":
		bl = a.show(rest)
	default:
		r := a.bot.Ask(cmd.Text)
		a.metrics.Answered(platform, string(r.Decision), r.Intent, r.Limited, r.Matched)
		bl = blocks(r, true)
	}
	return &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Blocks: slack.Blocks{BlockSet: bl}, Text: "madoguchi"}
}

func (a *Adapter) help() string {
	c := a.cfg.Command
	return fmt.Sprintf("*madoguchi* answers alumni questions from the OUMail FAQ.\n"+
		"• `%[1]s <question>`: what the bot would answer (only you see it)\n"+
		"• `%[1]s search <letters>`: find intents by a few letters of their id or title\n"+
		"• `%[1]s show <id>`: an intent's answer in Japanese and English\n"+
		"• mention me in a channel, or message me directly, and I answer in a thread", c)
}

func (a *Adapter) search(words string) string {
	if words == "" {
		return fmt.Sprintf("Type a few letters: `%s search pwd`", a.cfg.Command)
	}
	hits := search.Find(a.bot.Index().Catalogue(), words)
	if len(hits) == 0 {
		return "No intent matches `" + escape(words) + "`."
	}
	var b strings.Builder
	for _, h := range hits[:min(len(hits), 15)] {
		fmt.Fprintf(&b, "• `%s` %s\n", h.Intent.ID, h.Highlight("*", "*"))
	}
	return b.String()
}

func (a *Adapter) show(id string) []slack.Block {
	cat := a.bot.Index().Catalogue()
	in := cat.Intent(id)
	if in == nil {
		return []slack.Block{section(fmt.Sprintf("No intent `%s`.%s", escape(id), a.suggest(id)))}
	}
	var out []slack.Block
	for _, lang := range catalogue.Langs {
		out = append(out, blocks(a.bot.Choose(in.ID, lang), false)...)
	}
	return append(out, section(fmt.Sprintf("_%s_ · `%s`", escape(in.File), in.ID)))
}

func (a *Adapter) suggest(id string) string {
	if hits := search.Find(a.bot.Index().Catalogue(), id); len(hits) > 0 {
		return " Did you mean `" + hits[0].Intent.ID + "`?"
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
// thread.
func threadOfClick(cb slack.InteractionCallback) string {
	if cb.Container.ThreadTs != "" {
		return cb.Container.ThreadTs
	}
	return threadOf(cb.Message.ThreadTimestamp, cb.Message.Timestamp)
}
