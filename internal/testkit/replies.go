package testkit

import (
	"context"
	"fmt"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/state"
)

// Replies are every reply b's catalogue can produce, by name: each
// intent's answer and a clarifying question offering it and the next
// choices-1 intents (more than a platform shows, to test the cut), in each
// language, what the bot answers to each of the intent's examples, and the
// fixed replies (greeting, text only, escalation). Answers go through a
// recording dialog for user (a key as the adapter makes them), so that
// they carry feedback buttons with tokens as long as real ones.
func Replies(b *bot.Bot, user string, choices int) map[string]bot.Reply {
	ctx := context.Background()
	cat := b.Index().Catalogue()
	d := bot.NewDialog(b, state.NewMemory(time.Now), 0, nil, bot.WithRecorder(nopRecorder{}, []byte("conformance key"), nil))
	out := map[string]bot.Reply{}
	for _, l := range catalogue.Langs {
		out["greeting/"+string(l)] = b.Greeting(l)
		out["text only/"+string(l)] = b.TextOnly(l)
		out["escalate/"+string(l)] = b.Choose(bot.NoneChoice, l)
		for i, in := range cat.Intents {
			out["answer/"+in.ID+"/"+string(l)] = d.Choose(ctx, user, in.ID, l)
			r := bot.Reply{Decision: match.Clarify, Lang: l, Text: cat.Settings.Messages.Clarify.In(l)}
			for j := range choices {
				c := cat.Intents[(i+j)%len(cat.Intents)]
				r.Choices = append(r.Choices, bot.Choice{ID: c.ID, Label: c.Title.In(l)})
			}
			r.Choices = append(r.Choices, bot.Choice{ID: bot.NoneChoice, Label: cat.Settings.Messages.NoneOfThese.In(l)})
			out["clarify/"+in.ID+"/"+string(l)] = r
			for k, q := range in.Examples.In(l) {
				out[fmt.Sprintf("ask/%s/%s/%d", in.ID, l, k)] = d.Message(ctx, user, q)
			}
		}
	}
	return out
}

// nopRecorder is a bot.Recorder that keeps nothing: Replies needs
// feedback tokens, not a record.
type nopRecorder struct{}

func (nopRecorder) Record(bot.Question)                           {}
func (nopRecorder) Feedback(string, bool, time.Time)              {}
func (nopRecorder) Forget(context.Context, string) (int64, error) { return 0, nil }
