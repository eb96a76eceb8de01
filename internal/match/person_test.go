package match

import (
	"slices"
	"strings"
	"testing"
)

// Two names side by side, or one with an honorific, name a person; a
// single name, two English words or a service's name do not.
func TestPersonNames(t *testing.T) {
	for q, want := range map[string][]string{
		"My name is Yui Takahashi.":           {"Yui", "Takahashi"},
		"takahashi yui desu":                  {"takahashi", "yui"},
		"表示名を Satoh→Sato に変えたい":               {"Satoh", "Sato"},
		"Tanaka-san told me to ask here":      {"Tanaka", "san"},
		"Kenji here, I forgot my password":    nil,
		"I forgot my Rakuten Mobile password": nil,
		"No Name shows as my sender":          nil,
		"Yui. Takahashi is another sentence":  nil,
		"Yui 高橋":                              nil,
		"":                                    nil,
	} {
		var got []string
		for _, at := range personNames(q) {
			got = append(got, q[at:at+strings.IndexFunc(q[at:]+" ", func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') })])
		}
		if !slices.Equal(got, want) {
			t.Errorf("personNames(%q) = %q, want %q", q, got, want)
		}
	}
}

// A person's name in a question is not its subject: the question is
// answered as without it, while a service's name still makes it doubtful.
func TestPersonIsNotSubject(t *testing.T) {
	x := shippedIndex(t)
	e := x.Explain("Hello, this is Haruka Yamaguchi. I forgot my alumni mail password, what should I do?")
	if len(e.UnknownSubjects) > 0 || e.Result.Intent() == nil || e.Result.Intent().ID != "forgot-id-password" {
		t.Errorf("unknown subjects %v, decision %s %v; want none and forgot-id-password answered", e.UnknownSubjects, e.Result.Decision, e.Result.Intent())
	}
	e = x.Explain("I forgot my Rakuten password")
	if len(e.UnknownSubjects) == 0 || e.Result.Decision == Answer {
		t.Errorf("unknown subjects %v, decision %s; want Rakuten a subject and no answer", e.UnknownSubjects, e.Result.Decision)
	}
}
