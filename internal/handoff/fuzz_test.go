package handoff

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzPlainSplit feeds arbitrary staff text through Plain and Split: no
// panic, every piece within the limit and valid UTF-8, and nothing but
// the separators lost.
func FuzzPlainSplit(f *testing.F) {
	for _, s := range []string{"<https://a.example|a> *b* _c_ ~d~", "<@U1> &amp;&lt;&gt;", "😀😀😀 あいう\n\nx", "<<>>|<|>", "*_~`"} {
		f.Add(s, 7)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 2 || limit > 100 || !utf8.ValidString(s) {
			t.Skip()
		}
		p := Plain(s)
		if !utf8.ValidString(p) {
			t.Fatalf("Plain(%q) = %q, not UTF-8", s, p)
		}
		pieces := Split(p, limit)
		for _, piece := range pieces {
			if n := utf16Len(piece); n > limit || piece == "" {
				t.Fatalf("Split(%q, %d) gave piece %q of %d units", p, limit, piece, n)
			}
		}
		strip := func(s string) string { return strings.NewReplacer("\n", "", " ", "").Replace(s) }
		if got, want := strip(strings.Join(pieces, "")), strip(p); got != want {
			t.Fatalf("Split(%q, %d) lost text: %q", p, limit, pieces)
		}
	})
}
