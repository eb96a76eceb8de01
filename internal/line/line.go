// Package line connects madoguchi to LINE: it verifies webhook requests,
// queues each event as its raw JSON (on the intake queue, in memory or in
// Redis) and answers LINE within milliseconds; a worker parses the event
// with the LINE SDK and replies through the Messaging API with Flex cards
// and quick-reply buttons.
package line

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/secret"
)

// MaxBody is the largest webhook request accepted.
const MaxBody = 1 << 20

// MaxEvents bounds the answerable events one body of MaxBody can carry (each
// has an event id, a reply token and a user id: over 256 bytes): a queue
// that holds this many can take any body at once.
const MaxEvents = MaxBody / 256

// AcceptBudget bounds the time to queue a body's events. LINE waits about
// 2 s for the answer; the rest is for reading and verifying the body and
// the network. Events not queued within it make the answer 503, and LINE
// delivers the body again (the events already queued are duplicates then).
const AcceptBudget = time.Second

const platform = "line"

// Config is the LINE channel and how hard to try.
type Config struct {
	ChannelSecret secret.Secret
	ChannelToken  secret.Secret
	// Endpoint overrides the Messaging API base URL, and that of its
	// api-data host (rich menu images): a local fake in tests.
	Endpoint string
	// PushFallback sends a push message when a reply token has expired.
	// Off by default: push messages count against the paid quota.
	PushFallback bool
	// Retries is how many times a failed API call (network error, 429 or
	// 5xx) is tried again; RetryBase is the first wait, doubled each time
	// (the Client's retry policy, for every call).
	Retries   int
	RetryBase time.Duration
	// HTTPTimeout bounds one attempt of an API call.
	HTTPTimeout time.Duration
	// ReplyTokenLife is how long after the webhook a reply token is
	// taken to be valid (LINE says about a minute); an older event is
	// pushed with PushFallback, or counted as expired.
	ReplyTokenLife time.Duration
	// DedupTTL is how long handled event ids are remembered.
	DedupTTL time.Duration
}

func (c *Config) defaults() {
	if c.Retries == 0 {
		c.Retries = 3
	}
	if c.RetryBase == 0 {
		c.RetryBase = 300 * time.Millisecond
	}
	if c.HTTPTimeout == 0 {
		c.HTTPTimeout = 5 * time.Second
	}
	if c.ReplyTokenLife == 0 {
		c.ReplyTokenLife = time.Minute
	}
	if c.DedupTTL == 0 {
		c.DedupTTL = 24 * time.Hour
	}
}

// Adapter is the LINE webhook handler and its replier.
type Adapter struct {
	log     *slog.Logger
	dialog  *bot.Dialog
	bot     *bot.Bot
	api     *Client
	intake  *intake.Intake
	metrics *metrics.Metrics
	cfg     Config
	ho      *handoffLink // nil unless EnableHandoff was called
	menus   *Menus       // nil unless EnableRichMenus was called
	cards   *cardCache
}

// New returns a LINE adapter whose replies go through c, the channel's
// one client. Its events go to q; the caller starts q with the adapter's
// Handle.
func New(logger *slog.Logger, d *bot.Dialog, claims intake.Claimer, q intake.Queue, m *metrics.Metrics, c *Client, cfg Config) *Adapter {
	cfg.defaults()
	logger = logger.With("platform", platform)
	in := &intake.Intake{Platform: platform, Claims: claims, Queue: q, Metrics: m, Log: logger, TTL: cfg.DedupTTL}
	return &Adapter{log: logger, dialog: d, bot: d.Bot(), api: c, intake: in, metrics: m, cfg: cfg, cards: newCardCache()}
}

// ServeHTTP is the webhook: verify, claim each event, queue it, answer.
func (a *Adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var cb struct {
		Events []json.RawMessage `json:"events"`
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		a.reject(w, http.StatusRequestEntityTooLarge, "body too large")
		return
	case err != nil:
		a.reject(w, http.StatusBadRequest, "unreadable body")
		return
	case !webhook.ValidateSignature(a.cfg.ChannelSecret.Reveal(), r.Header.Get("X-Line-Signature"), body):
		a.reject(w, http.StatusBadRequest, "bad signature")
		return
	case json.Unmarshal(body, &cb) != nil:
		// The body is not logged: it may quote what a user wrote.
		a.reject(w, http.StatusBadRequest, "bad request")
		return
	}
	items := make([]intake.Item, 0, len(cb.Events))
	for _, raw := range cb.Events {
		var head eventHead
		if err := json.Unmarshal(raw, &head); err != nil || !answerable(head.Type) || head.Mode == "standby" {
			// Standby: another channel (a chat tool, a person) has
			// control of the chat; it answers, not the bot.
			a.metrics.Events.WithLabelValues(platform, "ignored").Inc()
			continue
		}
		items = append(items, intake.Item{ID: head.WebhookEventID, Payload: raw})
	}
	// The whole body is queued at once, within AcceptBudget: the events
	// are answered after the webhook's answer, however many there are.
	ctx, cancel := context.WithTimeout(r.Context(), AcceptBudget)
	defer cancel()
	if !a.intake.AcceptAll(ctx, items) {
		// LINE redelivers the request; the events already queued are
		// deduplicated then.
		http.Error(w, "busy, try again", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte("{}"))
}

func (a *Adapter) reject(w http.ResponseWriter, status int, reason string) {
	a.metrics.Events.WithLabelValues(platform, "rejected").Inc()
	a.log.Warn("webhook rejected", "reason", reason)
	http.Error(w, reason, status)
}

// eventHead is what the webhook reads of an event before queueing it.
type eventHead struct {
	Type           string `json:"type"`
	Mode           string `json:"mode"`
	WebhookEventID string `json:"webhookEventId"`
}

// answerable reports whether the bot answers events of type t; others
// (unfollow, joins, reads…) need nothing.
func answerable(t string) bool {
	return t == "message" || t == "postback" || t == "follow"
}

// Handle answers one queued event (intake.Handler). It returns an error
// only when ctx ended before the answer was sent.
func (a *Adapter) Handle(ctx context.Context, ev intake.Event) error {
	e, err := webhook.UnmarshalEvent(ev.Payload)
	if err != nil {
		a.metrics.Failures.WithLabelValues(platform, "unreadable event").Inc()
		a.log.Error("queued event cannot be parsed", "event_id", ev.ID, "err", err)
		return nil
	}
	return a.process(ctx, ev, e)
}

// process turns one event into a reply. It runs on a worker.
func (a *Adapter) process(ctx context.Context, qe intake.Event, ev webhook.EventInterface) error {
	switch e := ev.(type) {
	case webhook.MessageEvent:
		text, ok := e.Message.(webhook.TextMessageContent)
		if !ok {
			if done, err := a.handoffNonText(ctx, qe, e); done {
				return err
			}
			if !isGroup(e.Source) {
				return a.deliver(ctx, qe, e.ReplyToken, e.Source, a.messages(a.textOnly()))
			}
			return nil
		}
		// A user talking with staff is not answered by the bot.
		if done, err := a.handoffText(ctx, qe, e, text.Text); done {
			return err
		}
		q, ok := question(e.Source, text)
		if !ok {
			a.metrics.Events.WithLabelValues(platform, "ignored").Inc()
			return nil
		}
		user := a.hashID(sourceUser(e.Source))
		a.log.Debug("question", "user", user, "text", q)
		r := a.dialog.Message(ctx, platform+":"+user, q)
		a.metrics.Answered(platform, string(r.Decision), r.Intent, r.Limited, r.Matched)
		if !r.Silent {
			if err := a.deliver(ctx, qe, e.ReplyToken, e.Source, a.withOffer(e.Source, q, r, a.messages(r))); err != nil {
				return err // ctx ended: no time for the menu either
			}
			a.followMenu(ctx, e.Source, r.Lang)
		}
	case webhook.PostbackEvent:
		if e.Postback == nil {
			return nil
		}
		if strings.HasPrefix(e.Postback.Data, handoff.PostbackPrefix) {
			return a.handoffPostback(ctx, qe, e)
		}
		user := platform + ":" + a.hashID(sourceUser(e.Source))
		if token, good, ok := parseFeedback(e.Postback.Data); ok {
			r := a.dialog.Feedback(ctx, user, token, good)
			if r.Silent { // forged, another user's or expired
				a.metrics.Events.WithLabelValues(platform, "ignored").Inc()
				return nil
			}
			// A 👎 is answered with the office's contact, and the staff.
			return a.deliver(ctx, qe, e.ReplyToken, e.Source, a.withOffer(e.Source, "", r, a.messages(r)))
		}
		if done, err := a.menuPostback(ctx, qe, e); done {
			return err
		}
		id, lang := parsePostback(e.Postback.Data)
		r := a.dialog.Choose(ctx, user, id, lang)
		a.metrics.Answered(platform, string(r.Decision), r.Intent, r.Limited, r.Matched)
		return a.deliver(ctx, qe, e.ReplyToken, e.Source, a.withOffer(e.Source, "", r, a.messages(r)))
	case webhook.FollowEvent:
		return a.deliver(ctx, qe, e.ReplyToken, e.Source, a.messages(a.greeting()))
	}
	return nil
}

// messages is the reply as LINE messages (render), with answer cards
// encoded once.
func (a *Adapter) messages(r bot.Reply) []messaging_api.MessageInterface {
	return renderCards(r, a.cards)
}

// greeting welcomes a new friend in Japanese and English (LINE does not
// say which the user reads), with the Japanese topic menu.
func (a *Adapter) greeting() bot.Reply {
	r := a.bot.Greeting(catalogue.Japanese)
	r.Text += "\n\n" + a.bot.Greeting(catalogue.English).Text
	return r
}

func (a *Adapter) textOnly() bot.Reply {
	r := a.bot.TextOnly(catalogue.Japanese)
	r.Text += "\n" + a.bot.TextOnly(catalogue.English).Text
	return r
}

// question returns the text to answer: the whole message in a one-to-one
// chat; in a group or room only a message that mentions the bot, with the
// mention taken out.
func question(src webhook.SourceInterface, m webhook.TextMessageContent) (string, bool) {
	if !isGroup(src) {
		return m.Text, true
	}
	if m.Mention == nil {
		return "", false
	}
	for _, mn := range m.Mention.Mentionees {
		if u, ok := mn.(webhook.UserMentionee); ok && u.IsSelf {
			return strings.TrimSpace(cutUTF16(m.Text, int(u.Index), int(u.Length))), true
		}
	}
	return "", false
}

// cutUTF16 removes length UTF-16 code units at index (how LINE counts
// mention positions) from s.
func cutUTF16(s string, index, length int) string {
	u := utf16.Encode([]rune(s))
	if index < 0 || length < 0 || index+length > len(u) {
		return s
	}
	return string(utf16.Decode(append(append([]uint16(nil), u[:index]...), u[index+length:]...)))
}

func isGroup(src webhook.SourceInterface) bool {
	switch src.(type) {
	case webhook.GroupSource, webhook.RoomSource:
		return true
	}
	return false
}

// sourceUser is the user who sent the event, for logs (hashed).
func sourceUser(src webhook.SourceInterface) string {
	switch s := src.(type) {
	case webhook.UserSource:
		return s.UserId
	case webhook.GroupSource:
		return s.UserId
	case webhook.RoomSource:
		return s.UserId
	}
	return ""
}

// pushTarget is where a push message for the event's chat goes.
func pushTarget(src webhook.SourceInterface) string {
	switch s := src.(type) {
	case webhook.UserSource:
		return s.UserId
	case webhook.GroupSource:
		return s.GroupId
	case webhook.RoomSource:
		return s.RoomId
	}
	return ""
}

// hashID pseudonymises a user id for logs: stable for one channel, not
// reversible without its secret.
func (a *Adapter) hashID(id string) string {
	if id == "" {
		return ""
	}
	h := hmac.New(sha256.New, []byte(a.cfg.ChannelSecret.Reveal()))
	h.Write([]byte(id))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// postbackData encodes a choice for a postback button.
func postbackData(id string, lang catalogue.Lang) string {
	return url.Values{"intent": {id}, "lang": {string(lang)}}.Encode()
}

// parsePostback decodes postbackData; anything else escalates.
func parsePostback(data string) (string, catalogue.Lang) {
	v, err := url.ParseQuery(data)
	if err != nil {
		return bot.NoneChoice, catalogue.Japanese
	}
	lang := catalogue.Japanese
	if v.Get("lang") == string(catalogue.English) {
		lang = catalogue.English
	}
	id := v.Get("intent")
	if id == "" {
		id = bot.NoneChoice
	}
	return id, lang
}
