package bot

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

func shipped(t testing.TB) *catalogue.Catalogue {
	t.Helper()
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestAsk(t *testing.T) {
	b := New(match.New(shipped(t)))
	tests := []struct {
		q        string
		decision match.Decision
		intent   string
		lang     catalogue.Lang
		contact  bool
	}{
		{"パスワードを忘れました", match.Answer, "forgot-id-password", catalogue.Japanese, true},
		{"how much storage does my mailbox have", match.Answer, "mailbox-quota", catalogue.English, false},
		{"変更したい", match.Clarify, "", catalogue.Japanese, false},
		{"学食のメニューは？", match.Escalate, "", catalogue.Japanese, true},
		{"talk to a human please", match.Escalate, "", catalogue.English, true},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			r := b.Ask(tt.q)
			if r.Decision != tt.decision || r.Intent != tt.intent || r.Lang != tt.lang {
				t.Fatalf("got %s %q %s, want %s %q %s", r.Decision, r.Intent, r.Lang, tt.decision, tt.intent, tt.lang)
			}
			if (r.Contact != nil) != tt.contact {
				t.Errorf("contact = %v, want %v", r.Contact != nil, tt.contact)
			}
			if r.Text == "" {
				t.Error("empty reply text")
			}
		})
	}
}

func TestAnswerCarriesLinksAndRelated(t *testing.T) {
	b := New(match.New(shipped(t)))
	r := b.Ask("I want to change my lifelong address")
	if r.Decision != match.Answer || r.Intent != "address-change" {
		t.Fatalf("got %s %s, want answer address-change", r.Decision, r.Intent)
	}
	if len(r.Links) != 1 || !strings.HasPrefix(r.Links[0].URL, "https://www.osaka-u.ac.jp/") || r.Links[0].Label == "" {
		t.Errorf("links = %+v", r.Links)
	}
	if len(r.Related) == 0 || r.RelatedLabel != "Related questions" {
		t.Errorf("related = %+v %q", r.Related, r.RelatedLabel)
	}
	if r.Title != "Changing my lifelong address" {
		t.Errorf("title = %q", r.Title)
	}
}

// A question that fits two related intents gets both answers in one reply:
// the second's title and text after the first's, its links too, and it is
// no longer offered as a related question.
func TestAnswerWithRelated(t *testing.T) {
	cat := shipped(t)
	r := New(match.New(cat)).Ask("転送の設定について教えて")
	if r.Decision != match.Answer || r.Intent == "" || r.Also == "" {
		t.Fatalf("got %s %q also %q, want an answer of two", r.Decision, r.Intent, r.Also)
	}
	first, second := cat.Intent(r.Intent), cat.Intent(r.Also)
	if r.Title != first.Title.JA || !strings.HasPrefix(r.Text, first.Answer.JA) || !strings.HasSuffix(r.Text, "■ "+second.Title.JA+"\n"+second.Answer.JA) {
		t.Errorf("reply %q: want %s's answer, then %s's under its title", r.Text, r.Intent, r.Also)
	}
	for _, l := range second.Links {
		if !slices.ContainsFunc(r.Links, func(x Link) bool { return x.URL == l.URL }) {
			t.Errorf("link %s of %s missing from %+v", l.URL, r.Also, r.Links)
		}
	}
	if slices.ContainsFunc(r.Related, func(c Choice) bool { return c.ID == r.Also }) {
		t.Errorf("related %+v still offers %s", r.Related, r.Also)
	}
}

// withAlso keeps each link once and takes the second's office contact when
// the first gives none.
func TestWithAlso(t *testing.T) {
	a := Reply{Intent: "a", Title: "A", Text: "text a", Links: []Link{{"manual", "https://example.org/m"}}, Related: []Choice{{"b", "B"}, {"c", "C"}}}
	b := Reply{Intent: "b", Title: "B", Text: "text b", Links: []Link{{"manual", "https://example.org/m"}, {"form", "https://example.org/f"}}, Contact: &Contact{Name: "office"}}
	r := withAlso(a, b)
	if r.Text != "text a\n\n■ B\ntext b" || r.Also != "b" || r.Intent != "a" {
		t.Errorf("got %q, also %q", r.Text, r.Also)
	}
	if len(r.Links) != 2 || r.Links[1].URL != "https://example.org/f" {
		t.Errorf("links %+v, want the manual once and the form", r.Links)
	}
	if r.Contact == nil || len(r.Related) != 1 || r.Related[0].ID != "c" {
		t.Errorf("contact %v, related %+v", r.Contact, r.Related)
	}
}

func TestContactSaysWhatToSendOnce(t *testing.T) {
	b := New(match.New(shipped(t)))
	tests := []struct {
		intent      string
		wantDetails bool
	}{
		{"mfa-device-change", true}, // the answer does not list it: the contact does
		{"mfa-reset", false},        // the answer lists it: not again in the contact
		{"forgot-id-password", false},
	}
	for _, tt := range tests {
		r := b.Choose(tt.intent, catalogue.Japanese)
		if r.Contact == nil || r.Contact.URL == "" {
			t.Fatalf("%s: contact = %+v, want the office", tt.intent, r.Contact)
		}
		if got := r.Contact.Details != ""; got != tt.wantDetails {
			t.Errorf("%s: contact details shown %v, want %v", tt.intent, got, tt.wantDetails)
		}
	}
}

func TestSmallTalkHasNoTitle(t *testing.T) {
	b := New(match.New(shipped(t)))
	for _, q := range []string{"ありがとう", "thank you"} {
		if r := b.Ask(q); r.Intent != "thanks" || r.Title != "" {
			t.Errorf("%q: got %s with title %q, want thanks without a title", q, r.Intent, r.Title)
		}
	}
}

func TestClarifyEndsWithNoneOfThese(t *testing.T) {
	b := New(match.New(shipped(t)))
	r := b.Ask("変更したい")
	if r.Decision != match.Clarify || len(r.Choices) < 2 {
		t.Fatalf("got %s with %d choices, want clarify with choices", r.Decision, len(r.Choices))
	}
	last := r.Choices[len(r.Choices)-1]
	if last.ID != NoneChoice || last.Label != "どれでもない" {
		t.Errorf("last choice = %+v, want none of these", last)
	}
	for _, c := range r.Choices[:len(r.Choices)-1] {
		if c.Label == "" || b.Index().Catalogue().Intent(c.ID) == nil {
			t.Errorf("choice %+v is not an intent with a label", c)
		}
	}
}

func TestChoose(t *testing.T) {
	b := New(match.New(shipped(t)))
	tests := []struct {
		id       string
		lang     catalogue.Lang
		decision match.Decision
		intent   string
	}{
		{"forward-change", catalogue.English, match.Answer, "forward-change"},
		{"forward-change", catalogue.Japanese, match.Answer, "forward-change"},
		{NoneChoice, catalogue.Japanese, match.Escalate, ""},
		{"no-such-intent", catalogue.English, match.Escalate, ""},
		{"handoff", catalogue.English, match.Escalate, ""},
	}
	for _, tt := range tests {
		r := b.Choose(tt.id, tt.lang)
		if r.Decision != tt.decision || r.Intent != tt.intent || r.Lang != tt.lang {
			t.Errorf("Choose(%q, %s) = %s %q %s, want %s %q", tt.id, tt.lang, r.Decision, r.Intent, r.Lang, tt.decision, tt.intent)
		}
	}
	if r := b.Choose("forward-change", catalogue.Japanese); !strings.Contains(r.Text, "転送") {
		t.Errorf("Japanese answer = %q", r.Text)
	}
}

func TestGreetingAndTextOnly(t *testing.T) {
	b := New(match.New(shipped(t)))
	g := b.Greeting(catalogue.Japanese)
	if !strings.Contains(g.Text, "OUMail") || len(g.Related) == 0 {
		t.Errorf("greeting = %+v, want text and a menu of topics", g)
	}
	if r := b.TextOnly(catalogue.English); !strings.Contains(r.Text, "text") {
		t.Errorf("text-only reply = %q", r.Text)
	}
}

func TestLangOf(t *testing.T) {
	if LangOf("hello") != catalogue.English || LangOf("こんにちは") != catalogue.Japanese || LangOf("OUMailのID") != catalogue.Japanese {
		t.Error("LangOf picked the wrong language")
	}
}

// TestSwapIsAtomic asks questions while another goroutine swaps between two
// catalogues whose answers differ: every reply must come wholly from one of
// them (run with -race).
func TestSwapIsAtomic(t *testing.T) {
	catA := shipped(t)
	var intentsB []*catalogue.Intent
	for _, in := range catA.Intents {
		c := *in
		c.Answer = catalogue.Text{JA: "B: " + in.Answer.JA, EN: "B: " + in.Answer.EN}
		// The id keeps B's titles within lint's length limit.
		c.Title = catalogue.Text{JA: "B: " + in.ID, EN: "B: " + in.ID}
		intentsB = append(intentsB, &c)
	}
	catB, err := catalogue.New(intentsB, catA.Settings)
	if err != nil {
		t.Fatal(err)
	}
	xa, xb := match.New(catA), match.New(catB)
	b := New(xa)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if i%2 == 0 {
				b.Swap(xb)
			} else {
				b.Swap(xa)
			}
		}
	}()
	for range 2000 {
		r := b.Ask("パスワードを忘れました")
		fromB := strings.HasPrefix(r.Text, "B: ")
		if strings.HasPrefix(r.Title, "B: ") != fromB {
			t.Fatalf("reply mixes catalogues: title %q, text %.20q", r.Title, r.Text)
		}
	}
	close(stop)
	wg.Wait()
}

func TestAnswerText(t *testing.T) {
	b := New(match.New(shipped(t)))
	for _, id := range []string{NoneChoice, "no-such-intent"} {
		if s, ok := b.AnswerText(id, catalogue.English); ok {
			t.Errorf("AnswerText(%q) = %q, true; want false", id, s)
		}
	}
	r := b.Choose("forward-change", catalogue.English)
	s, ok := b.AnswerText("forward-change", catalogue.English)
	if !ok || !strings.HasPrefix(s, r.Title+"\n"+r.Text) {
		t.Errorf("AnswerText(forward-change) = %q, %v; want the title and text first", s, ok)
	}
	for _, l := range r.Links {
		if !strings.Contains(s, "\n"+l.Label+": "+l.URL) {
			t.Errorf("AnswerText(forward-change) = %q, want the link %s: %s", s, l.Label, l.URL)
		}
	}
}
