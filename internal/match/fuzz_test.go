package match

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzText builds a fuzzed message: unit repeated n times, up to 1 MiB. Long
// messages are written as a short unit and a count because the fuzzing
// engine stalls on seeds of tens of kilobytes.
func fuzzText(unit string, n uint16) string {
	if len(unit) == 0 || n <= 1 {
		return unit
	}
	return strings.Repeat(unit, min(int(n), (1<<20)/len(unit)))
}

// fuzzSeeds are (unit, count) pairs of the messages that once crashed the
// matcher or cost time that grew with their length, and ordinary ones.
var fuzzSeeds = []struct {
	unit string
	n    uint16
}{
	{"あ", 1001},
	{"パスワード", 1000},
	{"password ", 300},
	{"パスワードを忘れました。", 417}, // 5,000 characters
	{"I forgot my password, ログインできない 😀 ", 1100}, // 40,000 characters, as Slack allows
	{"ﾊﾟｽﾜｰﾄﾞ", 1000},
	{"pasword", 65535}, // one long word
	{"a", 65535},
	{"password\x00", 500},
	{"\xe3\x81", 3000},
	{"👨‍👩‍👧‍👦", 2000},
	{"\ufdfa", 3000}, // NFKC makes it 18 characters
	{"パスワードを忘れました", 1},
	{"I forgot my pasword", 1},
	{"ｶﾞｲﾄﾞ ﾊﾟｽﾜｰﾄﾞ わすれた", 1},
	{"Outlookにろぐいんできない ID 12345 😀", 1},
	{"担当者と話したい", 1},
	{"", 0},
}

// FuzzMatch matches arbitrary text against the shipped catalogue: it must
// never panic, always decide, and read at most maxQueryBytes of valid UTF-8.
func FuzzMatch(f *testing.F) {
	x := shippedIndex(f)
	for _, s := range fuzzSeeds {
		f.Add(s.unit, s.n)
	}
	f.Fuzz(func(t *testing.T, unit string, n uint16) {
		q := fuzzText(unit, n)
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
