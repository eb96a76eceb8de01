package handoff

import (
	"fmt"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

func TestRecentLog(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	l := newRecentLog(3, time.Hour, clock)
	g := []Guess{{IntentID: "forgot-id-password", Title: "t"}}
	for i := range 5 {
		l.add("u1", catalogue.Japanese, Exchange{User: fmt.Sprint("q", i)}, nil)
	}
	l.add("u1", catalogue.English, Exchange{User: "q5"}, g)
	l.add("u1", catalogue.English, Exchange{User: "q6"}, nil) // an escalation: no guesses
	r, ok := l.get("u1")
	if !ok || len(r.exchanges) != recentExchanges || r.exchanges[0].User != "q4" || r.exchanges[2].User != "q6" {
		t.Errorf("kept %v, want the last %d (q4…q6)", r.exchanges, recentExchanges)
	}
	if len(r.guesses) != 1 || r.lang != catalogue.English {
		t.Errorf("guesses %v lang %s, want the last question's guesses, in English", r.guesses, r.lang)
	}
	for i := range 10 {
		l.add(fmt.Sprint("other", i), catalogue.Japanese, Exchange{User: "x"}, nil)
	}
	if n := len(l.users); n > 3 {
		t.Errorf("%d users kept, want at most 3", n)
	}
	l.add("u2", catalogue.Japanese, Exchange{User: "old"}, nil)
	now = now.Add(2 * time.Hour)
	if _, ok := l.get("u2"); ok {
		t.Errorf("an exchange two hours old is still offered to the ticket")
	}
}

// TestRememberedOnTicket: the ticket shows what the user asked the bot
// before, keyed by the user's handle (never the raw id), and a group
// chat's exchanges are not kept.
func TestRememberedOnTicket(t *testing.T) {
	f := newFixture(t, nil, nil)
	bob := UserRef{Platform: "line", ID: "U-bob", Lang: catalogue.Japanese}
	f.h.Remember(bob, Exchange{User: "ログインできない", Bot: "escalated"}, []Guess{{IntentID: "login", Title: "ログイン"}})
	f.h.Remember(UserRef{Platform: "line", ID: "U-bob", Group: true}, Exchange{User: "in a group"}, nil)
	if lang, ok := f.h.LastLang(bob); !ok || lang != catalogue.Japanese {
		t.Errorf("LastLang = %s, %v; want ja, true", lang, ok)
	}
	if _, ok := f.h.LastLang(alice); ok {
		t.Error("LastLang of a user who never wrote: ok")
	}
	for k := range f.h.recent.users {
		if k == bob.ID {
			t.Errorf("recent conversation keyed by the raw user id")
		}
	}
	if _, err := f.consentAndStart(t, bob); err != nil {
		t.Fatal(err)
	}
	v := f.desk.tickets[0]
	if len(v.Recent) != 1 || v.Recent[0].User != "ログインできない" || len(v.Guesses) != 1 || v.Guesses[0].IntentID != "login" {
		t.Errorf("ticket shows recent %+v guesses %+v, want the remembered exchange and guess", v.Recent, v.Guesses)
	}
}
