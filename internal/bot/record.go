package bot

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// Question is one question (or one picked choice) as the record keeps it.
// Text is the user's text as typed: the Recorder redacts it before
// storing anything.
type Question struct {
	// ID is random, so that a feedback button can name the question
	// before it is written.
	ID       string
	Time     time.Time
	Platform string // "line", "slack", "cli": the user key's prefix
	Lang     catalogue.Lang
	// User is a pseudonym: the platform and a keyed hash of the user key
	// the adapter passed, never a raw platform id.
	User string
	Text string
	// Kind is "question", or "choice" for a button or number picked after
	// a clarifying question (then Intent is what was picked).
	Kind       string
	Decision   match.Decision
	Intent     string
	Score      float64
	Candidates []Scored
	// AskedForPerson is set when the user asked for a person.
	AskedForPerson bool
	// Catalogue is the version of the intents that answered.
	Catalogue string
}

// Scored is a candidate intent and its score.
type Scored struct {
	Intent string  `json:"intent"`
	Score  float64 `json:"score"`
}

// Kinds of recorded entries.
const (
	KindQuestion = "question"
	KindChoice   = "choice"
)

// Recorder keeps the record of questions (internal/record). Record and
// Feedback must not block: they queue the write and return.
type Recorder interface {
	Record(q Question)
	// Feedback stores a 👍 (good) or 👎 for a recorded question.
	Feedback(id string, good bool, at time.Time)
	// Forget deletes every record of user, waiting for the deletion.
	Forget(ctx context.Context, user string) (int64, error)
}

// Feedback is a 👍/👎 pair to show after an answer. Token identifies the
// question and is signed for the user it was shown to: a forged, altered,
// another user's or expired token changes nothing.
type Feedback struct {
	Token      string
	Helpful    string // label of the 👍 button, in the reply language
	NotHelpful string // label of the 👎 button
}

// FeedbackData encodes a feedback click for a postback or button value;
// ParseFeedbackData reads it back. Adapters use the pair so that LINE and
// Slack agree on the format.
func FeedbackData(token string, good bool) string {
	if good {
		return feedbackPrefix + "good:" + token
	}
	return feedbackPrefix + "bad:" + token
}

// ParseFeedbackData reads what FeedbackData wrote; ok is false for any
// other data (a choice, for instance).
func ParseFeedbackData(data string) (token string, good, ok bool) {
	rest, found := strings.CutPrefix(data, feedbackPrefix)
	if !found {
		return "", false, false
	}
	if t, found := strings.CutPrefix(rest, "good:"); found {
		return t, true, true
	}
	if t, found := strings.CutPrefix(rest, "bad:"); found {
		return t, false, true
	}
	return "", false, false
}

const feedbackPrefix = "fb:"

// FeedbackTTL is how long a feedback button works; an older click changes
// nothing.
const FeedbackTTL = 7 * 24 * time.Hour

// Option configures a Dialog.
type Option func(*Dialog)

// WithRecorder records every question the dialog handles in rec and offers
// feedback buttons after answers, signed with key (shared by every
// replica, so that any of them accepts a click). now is the clock (nil:
// time.Now).
func WithRecorder(rec Recorder, key []byte, now func() time.Time) Option {
	return func(d *Dialog) {
		if now == nil {
			now = time.Now
		}
		d.rec, d.key, d.now = rec, key, now
	}
}

// record queues q and, for an answer, attaches signed feedback buttons.
func (d *Dialog) record(user, text, kind string, r *Reply) {
	if d.rec == nil || r.Silent {
		return
	}
	x := d.bot.Index()
	q := Question{
		ID: newID(), Time: d.now(), Platform: platformOf(user), Lang: r.Lang, User: d.pseudonym(user), Text: text, Kind: kind,
		Decision: r.Decision, Intent: r.Intent, Score: r.Match.Score(), AskedForPerson: r.Match.Handoff,
		Catalogue: d.versions.of(x),
	}
	for _, c := range r.Match.Candidates {
		q.Candidates = append(q.Candidates, Scored{c.Intent.ID, c.Score})
	}
	d.rec.Record(q)
	if r.Decision == match.Answer && r.Intent != "" {
		rs := x.Catalogue().Settings.Record.WithDefaults()
		r.Feedback = &Feedback{Token: d.sign(q.ID, user, r.Lang, q.Time), Helpful: rs.Helpful.In(r.Lang), NotHelpful: rs.NotHelpful.In(r.Lang)}
	}
}

// Choose answers a choice the user picked from a clarifying question or
// the related questions (a button), and records it. Adapters call this
// rather than Bot.Choose so that choices are recorded and answers carry
// feedback buttons.
func (d *Dialog) Choose(ctx context.Context, user, id string, lang catalogue.Lang) Reply {
	r := d.bot.Choose(id, lang)
	d.record(user, "", KindChoice, &r)
	return r
}

// Feedback handles a click on a feedback button: 👍 thanks the user, 👎
// apologises and gives the office contact. A token that is forged, was
// shown to another user or has expired changes nothing and gets a Silent
// reply.
func (d *Dialog) Feedback(ctx context.Context, user, token string, good bool) Reply {
	if d.rec == nil {
		return Reply{Silent: true}
	}
	id, lang, ok := d.verify(token, user)
	if !ok {
		return Reply{Silent: true}
	}
	d.rec.Feedback(id, good, d.now())
	cat := d.bot.Index().Catalogue()
	rs := cat.Settings.Record.WithDefaults()
	if good {
		return Reply{Decision: match.Answer, Lang: lang, Text: rs.Thanks.In(lang)}
	}
	return Reply{Decision: match.Escalate, Lang: lang, Text: rs.Sorry.In(lang), Contact: contact(cat, lang)}
}

// forget answers a request to delete the user's data, when text is one.
func (d *Dialog) forget(ctx context.Context, user, text string, lang catalogue.Lang) (Reply, bool) {
	if d.rec == nil {
		return Reply{}, false
	}
	x := d.bot.Index()
	if !x.AsksToForget(text) {
		return Reply{}, false
	}
	rs := x.Catalogue().Settings.Record.WithDefaults()
	if _, err := d.rec.Forget(ctx, d.pseudonym(user)); err != nil {
		d.onError("forget", err)
		cat := x.Catalogue()
		return Reply{Decision: match.Escalate, Lang: lang, Text: cat.Settings.Messages.Escalate.In(lang), Contact: contact(cat, lang)}, true
	}
	return Reply{Decision: match.Answer, Lang: lang, Text: rs.Forgotten.In(lang)}, true
}

// sign makes a feedback token: id, time, language and an HMAC over them
// and the user.
func (d *Dialog) sign(id, user string, lang catalogue.Lang, at time.Time) string {
	body := id + "." + strconv.FormatInt(at.Unix(), 36) + "." + string(lang)
	return body + "." + d.mac(body, user)
}

func (d *Dialog) mac(body, user string) string {
	h := hmac.New(sha256.New, d.key)
	h.Write([]byte(user))
	h.Write([]byte{0})
	h.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

// verify checks a token for user and returns the question id and language.
func (d *Dialog) verify(token, user string) (string, catalogue.Lang, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 {
		return "", "", false
	}
	body := strings.Join(parts[:3], ".")
	if !hmac.Equal([]byte(parts[3]), []byte(d.mac(body, user))) {
		return "", "", false
	}
	sec, err := strconv.ParseInt(parts[1], 36, 64)
	if err != nil || d.now().Sub(time.Unix(sec, 0)) > FeedbackTTL {
		return "", "", false
	}
	lang := catalogue.Lang(parts[2])
	if lang != catalogue.Japanese && lang != catalogue.English {
		return "", "", false
	}
	return parts[0], lang, true
}

// pseudonym is the user key as recorded: the platform, then a keyed hash
// of the adapter's user key. Adapters pass keys of their own making (LINE
// a hash, Slack its user id): hashing here means no raw platform id is
// ever stored, and every replica, sharing the key, maps a user to the
// same pseudonym, so that forgetting finds all of theirs.
func (d *Dialog) pseudonym(user string) string {
	h := hmac.New(sha256.New, d.key)
	h.Write([]byte("user\x00"))
	h.Write([]byte(user))
	return platformOf(user) + ":" + hex.EncodeToString(h.Sum(nil))[:16]
}

// newID returns a random question id.
func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// platformOf returns the platform prefix of a user key ("line:…").
func platformOf(user string) string {
	if p, _, ok := strings.Cut(user, ":"); ok {
		return p
	}
	return "unknown"
}

// versions remembers the version of the last catalogue seen, so that it is
// computed once per reload rather than per question.
type versions struct {
	mu  sync.Mutex
	x   *match.Index
	ver string
}

func (v *versions) of(x *match.Index) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.x != x {
		v.x, v.ver = x, CatalogueVersion(x.Catalogue())
	}
	return v.ver
}

// CatalogueVersion is a short hash of what decides an answer: the intents'
// examples, keywords and answers, and the thresholds. Two catalogues with
// the same version answer alike.
func CatalogueVersion(cat *catalogue.Catalogue) string {
	h := sha256.New()
	for _, in := range cat.Intents {
		fmt.Fprintf(h, "%s\x00%q\x00%q\x00%q\x00%q\x00", in.ID, in.Examples.All(), in.Keywords, in.Answer.JA, in.Answer.EN)
	}
	fmt.Fprintf(h, "%+v\x00%q", cat.Settings.Matching, cat.Settings.Synonyms)
	return hex.EncodeToString(h.Sum(nil))[:12]
}
