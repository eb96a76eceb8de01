package handoff

import (
	"sync"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// How much of each user's recent conversation is kept for a ticket, for how
// many users, and for how long: enough for the question that led to the
// request, bounded so that a flood of users cannot grow memory.
const (
	recentExchanges = 3
	recentUsers     = 10000
	recentLife      = time.Hour
)

// Remember notes one of u's exchanges with the bot (and the bot's guesses,
// which replace earlier ones unless there are none: an escalation keeps
// the guesses of the question before), for the ticket should u ask for
// staff. It is kept per replica: a ticket opened on another replica than
// the one that answered shows no recent conversation, which costs staff a
// question, not the user an answer.
func (h *Handoff) Remember(u UserRef, ex Exchange, guesses []Guess) {
	if u.Group || u.ID == "" {
		return
	}
	h.recent.add(h.handle(u), u.Lang, ex, guesses)
}

// LastLang is the language u last wrote to the bot in, when it is still
// remembered: a sticker has no language of its own.
func (h *Handoff) LastLang(u UserRef) (catalogue.Lang, bool) {
	r, ok := h.recent.get(h.handle(u))
	return r.lang, ok
}

// remembered is what is kept of one user's recent conversation.
type remembered struct {
	lang      catalogue.Lang
	exchanges []Exchange
	guesses   []Guess
	at        time.Time
}

// recentLog keeps each user's last exchanges in memory, bounded in users
// and age.
type recentLog struct {
	mu    sync.Mutex
	users map[string]remembered
	max   int
	life  time.Duration
	now   func() time.Time
}

func newRecentLog(max int, life time.Duration, now func() time.Time) *recentLog {
	return &recentLog{users: map[string]remembered{}, max: max, life: life, now: now}
}

// add notes an exchange of the user with handle user.
func (l *recentLog) add(user string, lang catalogue.Lang, ex Exchange, guesses []Guess) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	r, ok := l.users[user]
	if !ok || now.Sub(r.at) > l.life {
		r = remembered{}
		if len(l.users) >= l.max {
			l.evict(now)
		}
	}
	r.lang, r.at = lang, now
	r.exchanges = append(r.exchanges, ex)
	if n := len(r.exchanges); n > recentExchanges {
		r.exchanges = append([]Exchange(nil), r.exchanges[n-recentExchanges:]...)
	}
	if len(guesses) > 0 {
		r.guesses = guesses
	}
	l.users[user] = r
}

// evict makes room: expired entries go, and when none has expired, one
// arbitrary entry does.
func (l *recentLog) evict(now time.Time) {
	for k, r := range l.users {
		if now.Sub(r.at) > l.life {
			delete(l.users, k)
		}
	}
	for k := range l.users {
		if len(l.users) < l.max {
			return
		}
		delete(l.users, k)
	}
}

func (l *recentLog) get(user string) (remembered, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.users[user]
	if !ok || l.now().Sub(r.at) > l.life {
		return remembered{}, false
	}
	return r, true
}
