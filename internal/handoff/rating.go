package handoff

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// PostbackRate prefixes the data of the rating buttons asked after a
// conversation closed: PostbackRate + ticket id + ":" + score + "/" +
// levels. The levels travel with the score, so that a rating asked on
// three levels means the same after the office switched to five.
const PostbackRate = PostbackPrefix + "rate:"

// ratingLabels are the buttons of a rating, best first, in each language.
var ratingLabels = map[int]map[catalogue.Lang][]string{
	3: {
		catalogue.Japanese: {"満足", "ふつう", "不満"},
		catalogue.English:  {"Satisfied", "Neutral", "Dissatisfied"},
	},
	5: {
		catalogue.Japanese: {"とても満足", "満足", "ふつう", "不満", "とても不満"},
		catalogue.English:  {"Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied"},
	},
}

// rateData is the postback data of rating t score out of levels.
func rateData(ticket string, score, levels int) string {
	return PostbackRate + ticket + ":" + strconv.Itoa(score) + "/" + strconv.Itoa(levels)
}

// ParseRate reads what a rating button carries; ok is false for any other
// data, or a score outside 1..levels with levels 3 or 5.
func ParseRate(data string) (ticket string, score, levels int, ok bool) {
	rest, found := strings.CutPrefix(data, PostbackRate)
	if !found {
		return "", 0, 0, false
	}
	i := strings.LastIndex(rest, ":")
	if i <= 0 {
		return "", 0, 0, false
	}
	s, l, found := strings.Cut(rest[i+1:], "/")
	score, err1 := strconv.Atoi(s)
	levels, err2 := strconv.Atoi(l)
	if !found || err1 != nil || err2 != nil || ratingLabels[levels] == nil || score < 1 || score > levels {
		return "", 0, 0, false
	}
	return rest[:i], score, levels, true
}

// rating is the question asked once t closed, with its buttons; ok is
// false when the office turned it off or no staff member replied in t
// (there is no help to rate).
func (h *Handoff) rating(t Ticket) (Reply, bool) {
	if t.FirstReply.IsZero() {
		return Reply{}, false
	}
	return RatingQuestion(t.ID, h.o.Settings().Satisfaction, t.Lang)
}

// RatingQuestion is the rating question of ticket in lang, with one
// button per level, best first; ok is false when s does not ask. The
// adapters' conformance tests render it.
func RatingQuestion(ticket string, s catalogue.Satisfaction, lang catalogue.Lang) (Reply, bool) {
	labels := ratingLabels[s.Levels][lang]
	if !s.Ask || labels == nil {
		return Reply{}, false
	}
	r := Reply{Text: s.Question.In(lang)}
	for i, l := range labels {
		r.Buttons = append(r.Buttons, Button{Label: l, Data: rateData(ticket, s.Levels-i, s.Levels)})
	}
	return r, true
}

// withRating adds the rating question and its buttons after text, when
// t is to be asked.
func (h *Handoff) withRating(t Ticket, text string) Reply {
	q, ok := h.rating(t)
	if !ok {
		return Reply{Text: text}
	}
	if text != "" {
		q.Text = text + "\n\n" + q.Text
	}
	return q
}

// Rate records u's rating of the closed conversation ticket (score out of
// levels) and thanks them. Only the ticket's own user rates it, once: a
// second tap, another user's or a forged button, or a ticket no longer
// kept changes nothing. The record keeps the score without the staff
// member, so the figures are the office's, not a ranking of people.
func (h *Handoff) Rate(ctx context.Context, u UserRef, ticket string, score, levels int) (Reply, error) {
	thanks := Reply{Text: h.o.Settings().Satisfaction.Thanks.In(u.Lang)}
	t, ok, err := h.o.Store.Get(ctx, ticket)
	if err != nil {
		return Reply{}, fmt.Errorf("handoff rate: %w", err)
	}
	if !ok || t.Handle != h.handle(u) || t.Status != StatusClosed {
		// The ticket id came from the button: not logged, it may be forged.
		h.o.Log.Info("handoff rating ignored: not a closed ticket of this user", "known", ok)
		return Reply{}, nil
	}
	first, err := h.o.Store.Claim(ctx, "rate:"+t.ID, ClosedRetention)
	if err != nil {
		return Reply{}, fmt.Errorf("handoff rate: %w", err)
	}
	if first && h.o.Journal != nil {
		h.o.Journal.Rated(t.ID, score, levels, h.o.Now())
	}
	return thanks, nil
}
