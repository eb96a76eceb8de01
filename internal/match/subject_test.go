package match

import (
	"slices"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// TestSubject checks that a question about something the catalogue does
// not know loses its answer, while the same question about OUMail keeps
// it. The names used here appear nowhere in the catalogue or the
// development sets.
func TestSubject(t *testing.T) {
	x := shippedIndex(t)
	tests := []struct {
		q           string
		wantAnswer  string // "" when no FAQ intent may answer
		wantUnknown string // a word Explain must report as an unknown subject
	}{
		{"パスワードを忘れました", "forgot-id-password", ""},
		{"Evernoteのパスワードを忘れました", "", "Evernote"},
		{"パラダイスメールのパスワードを忘れました", "", "ぱら"}, // "だいす" is in a word it knows
		{"How much storage does my Evernote account get?", "", "Evernote"},
		{"OUMailのパスワードを忘れました", "forgot-id-password", ""},
		// A host name the catalogue never writes is another service; one
		// it writes, or the domain of an address, is not.
		{"How do I change the recovery address of my Proton.me account?", "", "Proton.me"},
		{"fastmail.comのパスワードを忘れました", "", "fastmail.com"},
		{"https://mail.office365.com でパスワードを忘れました", "forgot-id-password", ""},
		{"パスワードを忘れました。連絡先は hanako.y@example.org です", "forgot-id-password", ""},
		// A word before "mail" that the catalogue never writes there names
		// another mail service, even in lower case; an English adjective
		// ("outgoing") or the catalogue's own ("alumni") does not.
		{"I forgot the password of my zoho mail", "", "zoho"},
		{"forgot the password for my alumni mail", "forgot-id-password", ""},
		{"Ziggo Mail password forgotten", "", "Ziggo"},
		// Signing in to a place the catalogue only mentions is about that
		// place; one its examples or titles sign in to is its own.
		{"Chromeにログインできません", "", "Chrome"},
		{"I cannot sign in to Safari", "", "Safari"},
		{"Outlookにログインできません", "outlook-trouble", ""},
		// A katakana word the dictionary knows only as a firm's name is
		// one, though its pieces (ソフト, バン) are words the catalogue uses.
		{"ドコモのメールのパスワードを忘れました", "", "ドコモ"},
		{"ソフトバンクのメールが受信できない", "", "ソフトバンク"},
		{"スマホでメールが受信できない", "smartphone-app", ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			r := x.Match(tt.q)
			got := ""
			if in := r.Intent(); in != nil {
				got = in.ID
			}
			if got != tt.wantAnswer {
				t.Errorf("answered %q (%s), want %q", got, r.Decision, tt.wantAnswer)
			}
			if tt.wantUnknown != "" {
				if e := x.Explain(tt.q); !slices.Contains(e.UnknownSubjects, tt.wantUnknown) {
					t.Errorf("unknown subjects %q, want %q among them", e.UnknownSubjects, tt.wantUnknown)
				}
			}
		})
	}
}

// TestHandoffInContext checks that a request for a person is heard as a
// wish, not as a word that questions also use.
func TestDropParticles(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"人間を呼", "人間呼"},
		{"担当者と話", "担当者話"},
		{"にんげん", "にんげん"}, // に starting a word in kana stays
		{"talk to a human", "talk to a human"},
	} {
		if got := dropParticles(tt.in); got != tt.want {
			t.Errorf("dropParticles(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHandoffInContext(t *testing.T) {
	x := shippedIndex(t)
	tests := []struct {
		q    string
		want bool
	}{
		{"スタッフなのですがパスワードが違うと言われます", false},
		{"my mobile operator changed", false},
		{"スタッフと話したい", true},
		{"人に代わってください", true},
		{"can someone call me back", true},
		// Chat drops particles, and writes in kana or romaji.
		{"担当者呼んでください", true},
		{"にんげんよんでほしい", true},
		{"話できる人いますか", true},
		{"hanashi dekiru hito imasu ka", true},
	}
	for _, tt := range tests {
		if got := x.Match(tt.q).Handoff; got != tt.want {
			t.Errorf("%q: handoff %v, want %v", tt.q, got, tt.want)
		}
	}
	// The settings' words are the catalogue's: "スタッフ" is no strange subject.
	if in := x.Match("スタッフなのですがパスワードが違うと言われます").Intent(); in == nil || in.ID != "password-incorrect" {
		t.Errorf("a staff member's question answered with %v, want password-incorrect", in)
	}
}

// TestDecideOutOfScope checks that an out-of-scope intent is never
// answered nor offered, and becomes the escalation's topic.
func TestDecideOutOfScope(t *testing.T) {
	a := &catalogue.Intent{ID: "a"}
	b := &catalogue.Intent{ID: "b"}
	o := &catalogue.Intent{ID: "o", Kind: catalogue.OutOfScope}
	thr := catalogue.Thresholds{Answer: 0.3, Margin: 0.2, Floor: 0.2}
	tests := []struct {
		name      string
		cands     []Candidate
		want      Decision
		wantTopic *catalogue.Intent
		choices   int
	}{
		{"out of scope first", []Candidate{{Intent: o, Score: 0.9}, {Intent: a, Score: 0.3}}, Escalate, o, 0},
		{"out of scope not offered", []Candidate{{Intent: a, Score: 0.5}, {Intent: o, Score: 0.45}, {Intent: b, Score: 0.44}}, Clarify, nil, 2},
		{"its keyword blocks an answer", []Candidate{{Intent: a, Score: 0.9}, {Intent: o, Score: 0.4, Keyword: true}}, Escalate, o, 0},
		{"a doubtful first is offered", []Candidate{{Intent: a, Score: 0.9, Doubt: true}, {Intent: b, Score: 0.3}}, Clarify, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Result{Candidates: tt.cands}
			r.Apply(thr)
			if r.Decision != tt.want || r.Topic != tt.wantTopic || len(r.Choices) != tt.choices {
				t.Errorf("got %s, topic %v, %d choices; want %s, topic %v, %d choices", r.Decision, r.Topic, len(r.Choices), tt.want, tt.wantTopic, tt.choices)
			}
		})
	}
}

// TestAddressesAreNotSubjects: the parts of an e-mail or web address that
// a user adds to a question are not names of another service.
func TestAddressesAreNotSubjects(t *testing.T) {
	x := shippedIndex(t)
	tests := []struct{ q, want string }{
		{"パスワードを忘れました。連絡先は foo@example.com です", "forgot-id-password"},
		{"パスワードを忘れました。連絡先はfoo.bar@example.co.jpです", "forgot-id-password"},
		{"I forgot my password, reach me at jdoe@example.org", "forgot-id-password"},
	}
	for _, tt := range tests {
		e := x.Explain(tt.q)
		if len(e.UnknownSubjects) != 0 {
			t.Errorf("%q: unknown subjects %q, want none", tt.q, e.UnknownSubjects)
		}
		if r := x.Match(tt.q); r.Decision != Answer || r.Candidates[0].Intent.ID != tt.want {
			t.Errorf("%q: %s %v, want answer %s", tt.q, r.Decision, r.Candidates, tt.want)
		}
	}
}

// TestEachDomain checks which stretches of a question read as host names.
func TestEachDomain(t *testing.T) {
	tests := []struct {
		s    string
		want []string // "@" marks the domain of an address
	}{
		{"my Proton.me account", []string{"Proton.me"}},
		{"send to taro@alumni.osaka-u.ac.jp please", []string{"@alumni.osaka-u.ac.jp"}},
		{"mail taro.yamada@example.org", []string{"@example.org"}},
		{"It broke. Then it worked.", nil},
		{"version 2.0 of office365.com", []string{"office365.com"}},
		{"a.b1 and x.y", nil},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		eachDomain(tt.s, func(at int, d string, address bool) {
			if tt.s[at:at+len(d)] != d {
				t.Errorf("%q: offset %d does not point at %q", tt.s, at, d)
			}
			if address {
				d = "@" + d
			}
			got = append(got, d)
		})
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.s, got, tt.want)
		}
	}
}

// TestTimeNamesAreNotSubjects checks that a month or weekday names when,
// never which service: the catalogue writes "March" in one intent (the
// graduation dates), yet "last March" must not make every other intent
// foreign to the question.
func TestTimeNamesAreNotSubjects(t *testing.T) {
	x := shippedIndex(t)
	e := x.Explain("I got my degree last March and want to use the alumni inbox. Which ID do I use?")
	if len(e.KnownNames) > 0 || len(e.UnknownSubjects) > 0 {
		t.Errorf("names %v, unknown subjects %v; want none", e.KnownNames, e.UnknownSubjects)
	}
	for _, c := range e.Candidates {
		if len(c.Foreign) > 0 || c.SubjectFactor != 1 {
			t.Errorf("%s has foreign names %v (×%.2f); want none", c.Intent, c.Foreign, c.SubjectFactor)
		}
	}
}

// TestLoanwordsAreNotNames checks that an ordinary katakana word of
// Japanese that the catalogue never writes (ミス) weighs as an unknown
// kanji compound does, not as the name of another service.
func TestLoanwordsAreNotNames(t *testing.T) {
	x := shippedIndex(t)
	q := "パスワードの入力をミスしたらロックされました"
	e := x.Explain(q)
	if len(e.Candidates) == 0 || e.Candidates[0].Intent != "login-trouble" {
		t.Fatalf("%q: candidates %v, want login-trouble first", q, e.Candidates)
	}
	if c := e.Candidates[0]; c.SubjectFactor < unknownCompound {
		t.Errorf("%q: login-trouble's score ×%.2f for the subject, want at least ×%.2f (an ordinary word)", q, c.SubjectFactor, unknownCompound)
	}
	if e.Result.Candidates[0].Doubt {
		t.Errorf("%q: login-trouble in doubt; an ordinary word names no other service", q)
	}
}

// TestAdverbialWordsAreNotSubjects checks that kanji words that say when
// or how (先週, 普通) are no unknown subject, while a thing the catalogue
// does not know (同窓会誌) still is.
func TestAdverbialWordsAreNotSubjects(t *testing.T) {
	x := shippedIndex(t)
	if e := x.Explain("先週までは普通に受信できていたのに、メールが届きません"); len(e.UnknownSubjects) > 0 {
		t.Errorf("unknown subjects %v, want none", e.UnknownSubjects)
	}
	if e := x.Explain("同窓会誌が届きません"); len(e.UnknownSubjects) == 0 {
		t.Errorf("同窓会誌: no unknown subject, want one")
	}
}

// TestWithoutAddresses: an address at a domain the catalogue never writes
// is left out of what is matched; one at the alumni domain says which
// address is asked about and stays.
func TestWithoutAddresses(t *testing.T) {
	x := shippedIndex(t)
	tests := []struct{ in, want string }{
		{"reach me at jdoe@example.org please", "reach me at " + blank("jdoe@example.org") + " please"},
		{"連絡先はfoo.bar+x@example.co.jpです", "連絡先は" + blank("foo.bar+x@example.co.jp") + "です"},
		{"is taro@alumni.osaka-u.ac.jp mine?", "is taro@alumni.osaka-u.ac.jp mine?"},
		{"no address here", "no address here"},
	}
	for _, tt := range tests {
		if got := x.subjects.withoutAddresses(tt.in); got != tt.want {
			t.Errorf("withoutAddresses(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// blank is s's length in spaces.
func blank(s string) string { return strings.Repeat(" ", len(s)) }

// TestForwardingDestinationNoSubject: where mail is forwarded to is a
// detail of a question about forwarding, not its subject; the same name
// as the source of the mail, or outside forwarding, is one.
func TestForwardingDestinationNoSubject(t *testing.T) {
	x := shippedIndex(t)
	tests := []struct {
		q       string
		unknown bool
	}{
		{"Please forward my alumni mail to my Fastmail account", false},
		{"卒業生メールをFastmailに転送したい", false},
		{"I forgot my Fastmail password", true},
		{"Fastmailに届いたメールを会社に転送したい", true},
		{"Can Fastmail forward to my office address?", true},
	}
	for _, tt := range tests {
		e := x.Explain(tt.q)
		if got := len(e.UnknownSubjects) > 0; got != tt.unknown {
			t.Errorf("%q: unknown subjects %q, want some: %v", tt.q, e.UnknownSubjects, tt.unknown)
		}
	}
}
