package search

import (
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

func TestFind(t *testing.T) {
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		words []string
		want  string // expected among the first three
	}{
		{[]string{"pwd"}, "forgot-id-password"},
		{[]string{"forgot", "pass"}, "forgot-id-password"},
		{[]string{"imap"}, "imap"},
		{[]string{"転送"}, "forward-multiple"},
		{[]string{"quota"}, "mailbox-quota"},
	}
	for _, tt := range tests {
		hits := Find(cat, tt.words...)
		found := false
		for _, h := range hits[:min(3, len(hits))] {
			found = found || h.Intent.ID == tt.want
		}
		if !found {
			t.Errorf("Find(%q): %s not in the first three of %d hits", tt.words, tt.want, len(hits))
		}
		seen := map[string]bool{}
		for _, h := range hits {
			if seen[h.Intent.ID] {
				t.Errorf("Find(%q): %s listed twice", tt.words, h.Intent.ID)
			}
			seen[h.Intent.ID] = true
		}
	}
	if hits := Find(cat, "zzzzqqq"); len(hits) != 0 {
		t.Errorf("Find(zzzzqqq) = %d hits, want none", len(hits))
	}
	if hits := Find(cat, " "); hits != nil {
		t.Errorf("Find(blank) = %v, want nil", hits)
	}
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		h    Hit
		want string
	}{
		{Hit{Text: "forgot-id-password", Matched: []int{10, 13, 16}}, "forgot-id-[p]as[s]wo[r]d"},
		{Hit{Text: "abc", Matched: []int{0, 1, 2}}, "[abc]"},
		{Hit{Text: "転送の設定", Matched: []int{0, 3}}, "[転送]の設定"},
	}
	for _, tt := range tests {
		if got := tt.h.Highlight("[", "]"); got != tt.want {
			t.Errorf("Highlight = %q, want %q", got, tt.want)
		}
	}
}
