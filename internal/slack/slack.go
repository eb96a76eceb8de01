// Package slack connects madoguchi to Slack for the alumni office's staff:
// mentions are answered in a thread and direct messages in the
// conversation, with Block Kit; the /madoguchi command answers privately
// and looks intents up; buttons pick among close answers and say whether
// an answer helped. It works over HTTP (Events API) or Socket Mode,
// with the slack-go client.
package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/secret"
)

const platform = "slack"

// Config is the Slack app and how hard to try.
type Config struct {
	SigningSecret secret.Secret // HTTP mode
	BotToken      secret.Secret
	AppToken      secret.Secret // Socket Mode (xapp-…), optional
	// APIURL overrides the Web API base URL (a local fake in tests); it
	// ends with a slash.
	APIURL string
	// Command is the slash command's name, "/madoguchi" by default.
	Command string
	// Retries bounds how often a rate-limited or failed call is retried;
	// RetryBase is the first wait after a failure, doubled each time;
	// MaxWait caps one wait, also Slack's Retry-After.
	Retries   int
	RetryBase time.Duration
	MaxWait   time.Duration
	// HTTPTimeout bounds one attempt of a Web API call.
	HTTPTimeout time.Duration
	DedupTTL    time.Duration
}

func (c *Config) defaults() {
	if c.Command == "" {
		c.Command = "/madoguchi"
	}
	if c.Retries == 0 {
		c.Retries = 3
	}
	if c.RetryBase == 0 {
		c.RetryBase = 500 * time.Millisecond
	}
	if c.MaxWait == 0 {
		c.MaxWait = 30 * time.Second
	}
	if c.HTTPTimeout == 0 {
		c.HTTPTimeout = 10 * time.Second
	}
	if c.DedupTTL == 0 {
		c.DedupTTL = time.Hour
	}
}

// Adapter answers Slack events, commands and button clicks.
type Adapter struct {
	log     *slog.Logger
	dialog  *bot.Dialog
	bot     *bot.Bot
	api     *Client
	intake  *intake.Intake
	metrics *metrics.Metrics
	cfg     Config
	ho      *deskLink // nil unless EnableHandoff was called
	home    *home     // nil unless EnableHome was called
}

// New returns a Slack adapter whose calls go through c, the app's one
// client. Its events go to q; the caller starts q with the adapter's
// Handle.
func New(logger *slog.Logger, d *bot.Dialog, claims intake.Claimer, q intake.Queue, m *metrics.Metrics, c *Client, cfg Config) *Adapter {
	cfg.defaults()
	logger = logger.With("platform", platform)
	return &Adapter{
		log: logger, dialog: d, bot: d.Bot(), api: c, metrics: m, cfg: cfg,
		intake: &intake.Intake{Platform: platform, Claims: claims, Queue: q, Metrics: m, Log: logger, TTL: cfg.DedupTTL},
	}
}

// question is a message to answer; thread is "" for a direct message
// answered in the conversation itself; ts is the message's own.
type question struct {
	channel, thread, user, text, ts string
}

// onEvent handles one Events API callback, from HTTP or Socket Mode; raw
// is its verified JSON, which is what is queued. It returns false when the
// event was claimed but could not be queued.
func (a *Adapter) onEvent(ctx context.Context, ev slackevents.EventsAPIEvent, raw []byte) bool {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || ev.Type != slackevents.CallbackEvent {
		return true
	}
	if a.inTicketThread(ev.InnerEvent.Data) {
		if _, ok := a.staffMessage(ev.InnerEvent.Data); !ok {
			a.metrics.Events.WithLabelValues(platform, "ignored").Inc()
			return true
		}
		return a.intake.Accept(ctx, cb.EventID, raw)
	}
	if a.homeOpened(ev.InnerEvent.Data) != "" {
		return a.intake.Accept(ctx, cb.EventID, raw)
	}
	if _, ok := toQuestion(ev.InnerEvent.Data); !ok {
		a.metrics.Events.WithLabelValues(platform, "ignored").Inc()
		return true
	}
	return a.intake.Accept(ctx, cb.EventID, raw)
}

// Handle answers one queued event or click (intake.Handler). It returns an
// error only when ctx ended before the answer was posted.
func (a *Adapter) Handle(ctx context.Context, ev intake.Event) error {
	var head struct {
		Type string `json:"type"`
	}
	json.Unmarshal(ev.Payload, &head)
	if head.Type == string(slack.InteractionTypeMessageAction) {
		var cb slack.InteractionCallback
		if err := json.Unmarshal(ev.Payload, &cb); err != nil {
			return a.unreadable(ev, err)
		}
		if req, ok := a.draftShortcut(cb); ok {
			return a.shortcutDraft(ctx, cb, req)
		}
		return nil
	}
	if head.Type == string(slack.InteractionTypeBlockActions) {
		var cb slack.InteractionCallback
		if err := json.Unmarshal(ev.Payload, &cb); err != nil {
			return a.unreadable(ev, err)
		}
		if act, ok := a.clickedHandoff(cb); ok {
			return a.staffAction(ctx, act)
		}
		if token, good, ok := clickedFeedback(cb); ok {
			return a.feedback(ctx, cb, token, good)
		}
		if choice := clickedChoice(cb); choice != "" {
			return a.choose(ctx, cb.Channel.ID, threadOfClick(cb), cb.User.ID, choice)
		}
		return nil
	}
	e, err := slackevents.ParseEvent(json.RawMessage(ev.Payload), slackevents.OptionNoVerifyToken())
	if err != nil {
		return a.unreadable(ev, err)
	}
	// A staff message in a ticket thread goes to the user, never to the bot.
	if a.inTicketThread(e.InnerEvent.Data) {
		return a.fromStaff(ctx, e.InnerEvent.Data)
	}
	if user := a.homeOpened(e.InnerEvent.Data); user != "" {
		return a.publishHome(ctx, user)
	}
	if q, ok := toQuestion(e.InnerEvent.Data); ok {
		return a.answer(ctx, q, ev)
	}
	return nil
}

func (a *Adapter) unreadable(ev intake.Event, err error) error {
	a.metrics.Failures.WithLabelValues(platform, "unreadable event").Inc()
	a.log.Error("queued event cannot be parsed", "event_id", ev.ID, "err", err)
	return nil
}

// toQuestion extracts what to answer from an inner event: a mention, or a
// direct message from a person (not a bot, not an edit or other subtype).
func toQuestion(data any) (question, bool) {
	switch e := data.(type) {
	case *slackevents.AppMentionEvent:
		if e.BotID != "" {
			return question{}, false
		}
		return question{e.Channel, threadOf(e.ThreadTimeStamp, e.TimeStamp), e.User, stripMentions(e.Text), e.TimeStamp}, true
	case *slackevents.MessageEvent:
		if e.BotID != "" || e.SubType != "" || e.ChannelType != "im" {
			return question{}, false
		}
		return question{e.Channel, replyThread(e.ChannelType, e.ThreadTimeStamp, e.TimeStamp), e.User, stripMentions(e.Text), e.TimeStamp}, true
	}
	return question{}, false
}

func threadOf(threadTS, ts string) string {
	if threadTS != "" {
		return threadTS
	}
	return ts
}

var mentionPattern = regexp.MustCompile(`<@[A-Z0-9]+(\|[^>]*)?>`)

// stripMentions removes "<@U123>" mentions from a message.
func stripMentions(s string) string {
	return strings.TrimSpace(mentionPattern.ReplaceAllString(s, " "))
}

// answer matches a question and posts the reply in its thread. The user
// is known to the state store (rate limits, offered choices) only by a
// keyed hash of the Slack id. The answer carries its event's id, so that
// a redelivered event already answered is not answered twice.
func (a *Adapter) answer(ctx context.Context, q question, ev intake.Event) error {
	if ev.Redelivered && ev.ID != "" && a.answered(ctx, q, ev.ID) {
		a.metrics.Events.WithLabelValues(platform, "duplicate").Inc()
		return nil
	}
	user := a.hashID(q.user)
	a.log.Debug("question", "user", user, "text", q.text)
	r := a.dialog.Message(ctx, platform+":"+user, q.text)
	a.metrics.Answered(platform, string(r.Decision), r.Intent, r.Limited, r.Matched)
	if !r.Silent {
		return a.post(ctx, q.channel, q.thread, r, answerMark(ev.ID)...)
	}
	return nil
}

// answerEvent is the metadata event type of an answer; its payload holds
// the id of the event it answers.
const answerEvent = "madoguchi_answer"

// answerMark is the metadata that marks an answer to event id (none
// without an id).
func answerMark(id string) []slack.MsgOption {
	if id == "" {
		return nil
	}
	return []slack.MsgOption{slack.MsgOptionMetadata(slack.SlackMetadata{EventType: answerEvent, EventPayload: map[string]any{"event_id": id}})}
}

// answered reports whether the conversation already holds an answer to
// event id, after the question: an earlier attempt, by a replica that
// died before acknowledging the event, may have posted it. When Slack
// cannot tell, it reports false: better twice than never.
func (a *Adapter) answered(ctx context.Context, q question, id string) bool {
	var msgs []slack.Message
	var err error
	if q.thread != "" {
		msgs, err = a.api.conversationReplies(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: q.channel, Timestamp: q.thread, Oldest: q.ts, Inclusive: true, Limit: 200, IncludeAllMetadata: true})
	} else {
		msgs, err = a.api.conversationHistory(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: q.channel, Oldest: q.ts, Inclusive: true, Limit: 200, IncludeAllMetadata: true})
	}
	if err != nil {
		a.metrics.Failures.WithLabelValues(platform, "redelivery check").Inc()
		a.log.Warn("cannot tell whether a redelivered event was answered; answering", "event_id", id, "err", err)
		return false
	}
	for _, m := range msgs {
		if m.Metadata.EventType == answerEvent && m.Metadata.EventPayload["event_id"] == id {
			return true
		}
	}
	return false
}

// hashID pseudonymises a Slack user id: stable for one app, not reversible
// without its bot token.
func (a *Adapter) hashID(id string) string {
	h := hmac.New(sha256.New, []byte(a.cfg.BotToken.Reveal()))
	h.Write([]byte(id))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// choose answers a button click in the thread it came from, recorded as
// the clicker's choice.
func (a *Adapter) choose(ctx context.Context, channel, thread, user, value string) error {
	id, lang := parseChoice(value)
	r := a.dialog.Choose(ctx, platform+":"+a.hashID(user), id, lang)
	a.metrics.Answered(platform, string(r.Decision), r.Intent, r.Limited, r.Matched)
	return a.post(ctx, channel, thread, r)
}

// feedback answers a click on a 👍/👎 button where the clicked answer
// is. The token is checked against the clicker's key, made as answer
// makes the asker's: a click by anyone but the asker changes nothing and
// gets no reply.
func (a *Adapter) feedback(ctx context.Context, cb slack.InteractionCallback, token string, good bool) error {
	r := a.dialog.Feedback(ctx, platform+":"+a.hashID(cb.User.ID), token, good)
	if r.Silent {
		a.metrics.Events.WithLabelValues(platform, "ignored").Inc()
		return nil
	}
	return a.post(ctx, cb.Channel.ID, threadOfClick(cb), r)
}

// post sends a reply to a thread (with more options, such as metadata),
// under the client's retry policy. It returns ctx's error when ctx ended
// before the post succeeded.
func (a *Adapter) post(ctx context.Context, channel, thread string, r bot.Reply, more ...slack.MsgOption) error {
	opts := append([]slack.MsgOption{slack.MsgOptionText(fallbackText(r), false), slack.MsgOptionBlocks(blocks(r, true)...)}, more...)
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	if _, _, err := a.api.postMessage(ctx, channel, opts...); err != nil {
		a.metrics.Failures.WithLabelValues(platform, "post").Inc()
		a.log.Warn("post failed", "err", err)
		return ctx.Err()
	}
	return nil
}

// choiceValue encodes a button's choice; parseChoice decodes it.
func choiceValue(id string, lang catalogue.Lang) string { return id + "|" + string(lang) }

func parseChoice(v string) (string, catalogue.Lang) {
	id, lang, _ := strings.Cut(v, "|")
	if id == "" {
		id = bot.NoneChoice
	}
	if lang == string(catalogue.English) {
		return id, catalogue.English
	}
	return id, catalogue.Japanese
}
