package match

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzMatch matches arbitrary text against the shipped catalogue: it must
// never panic, always decide, and read at most maxQueryBytes of valid UTF-8.
func FuzzMatch(f *testing.F) {
	x := shippedIndex(f)
	for _, q := range longQuestions {
		f.Add(q.q)
	}
	for _, q := range benchQueries {
		f.Add(q)
	}
	f.Add("")
	f.Add("\x00")
	f.Add("ｶﾞｲﾄﾞ ﾊﾟｽﾜｰﾄﾞ わすれた")
	f.Add("Outlookにろぐいんできない ID 12345 😀")
	f.Add(strings.Repeat("サインイン", 700))
	f.Fuzz(func(t *testing.T, q string) {
		r := x.Match(q)
		switch r.Decision {
		case Answer:
			if r.Intent() == nil {
				t.Fatalf("answer without an intent")
			}
		case Clarify:
			if len(r.Choices) == 0 {
				t.Fatalf("clarify without choices")
			}
		case Escalate:
		default:
			t.Fatalf("decision = %q", r.Decision)
		}
		if len(r.Candidates) > MaxCandidates {
			t.Fatalf("%d candidates, want at most %d", len(r.Candidates), MaxCandidates)
		}
		norm := x.normalize(q, nil)
		if len(norm) > maxQueryBytes || !utf8.ValidString(norm) {
			t.Fatalf("normalised text is %d bytes, valid UTF-8 %v; want at most %d, valid", len(norm), utf8.ValidString(norm), maxQueryBytes)
		}
	})
}
