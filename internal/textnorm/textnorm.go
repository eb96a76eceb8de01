// Package textnorm folds the many ways people type the same Japanese or
// English words into one canonical form, so that the matcher compares
// meanings rather than keyboards: full- and half-width forms, upper and lower
// case, katakana and hiragana, long-vowel marks and their look-alikes, and
// punctuation all collapse.
package textnorm

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns the canonical form of s: NFKC, lower case, katakana
// folded to hiragana, long-vowel marks (and the tildes and dashes people type
// for them) dropped after kana, and every run of punctuation, symbols and
// white space turned into one ASCII space, with none at either end.
//
// So "ﾊﾟｽﾜｰﾄﾞ", "ぱすわーど" and "パスワード" all become "ぱすわど". Dropping the
// mark, rather than keeping one form of it, also folds the spellings that
// differ only by it (サーバー and サーバ).
//
// Invalid UTF-8 bytes are treated as spaces.
func Normalize(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading spaces
	prevKana := false
	for _, r := range s {
		switch {
		case r == unicode.ReplacementChar:
			r = ' '
		case isLongVowelLike(r):
			if prevKana {
				continue // drop the mark, stay "after kana"
			}
			r = ' '
		}
		r = foldKana(unicode.ToLower(r))
		if isSeparator(r) {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			prevKana = false
			continue
		}
		b.WriteRune(r)
		space = false
		prevKana = isKana(r)
	}
	out := b.String()
	return strings.TrimSuffix(out, " ")
}

// foldKana maps a katakana letter to the hiragana letter with the same sound;
// other runes pass through. The few katakana without a hiragana twin (ヷ–ヺ)
// are kept.
func foldKana(r rune) rune {
	if r >= 'ァ' && r <= 'ヶ' {
		return r - ('ァ' - 'ぁ')
	}
	if r == 'ヽ' || r == 'ヾ' { // iteration marks
		return r - ('ヽ' - 'ゝ')
	}
	return r
}

// isLongVowelLike reports whether r is the long-vowel mark or a character
// people use in its place after kana (wave dash, tilde, hyphens, minus).
func isLongVowelLike(r rune) bool {
	switch r {
	case 'ー', 'ｰ', '〜', '～', '~', '-', '‐', '‑', '‒', '–', '—', '―', '−', '─', '━':
		return true
	}
	return false
}

// isSeparator reports whether r separates words: white space, punctuation,
// symbols and control characters.
func isSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) ||
		unicode.IsControl(r) || unicode.Is(unicode.Mn, r) && !isKanaMark(r)
}

// isKanaMark reports whether r is a combining (han)dakuten that NFKC could
// not compose onto its kana (for example after a letter that takes none).
func isKanaMark(r rune) bool { return r == '\u3099' || r == '\u309a' }

// isKana reports whether r is a hiragana or katakana letter.
func isKana(r rune) bool {
	return unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}

// isJapanese reports whether r is written in a Japanese script: kana, the
// long-vowel mark, or a CJK ideograph (including the iteration mark 々).
func isJapanese(r rune) bool {
	return isKana(r) || unicode.Is(unicode.Han, r) || r == 'ー'
}

// HasJapanese reports whether s contains any Japanese script, the rule that
// picks the reply language: Japanese if so, English otherwise.
func HasJapanese(s string) bool {
	for _, r := range s {
		if isJapanese(r) || r >= 0xFF66 && r <= 0xFF9D { // half-width katakana
			return true
		}
	}
	return false
}

// FoldLongVowels drops the second vowel of a long o or u written in
// hiragana (おう, おお, うう, with the contracted ょう and ゅう): romanised
// names write those vowels once ("Sato", "Ono", "Yuki" for さとう, おおの,
// ゆうき), so both spellings fold to one form (さと, おの, ゆき).
func FoldLongVowels(s string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range s {
		if r == 'う' && (oRow(prev) || uRow(prev)) || r == 'お' && oRow(prev) {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// oRow reports whether a hiragana ends in the vowel o.
func oRow(r rune) bool {
	return strings.ContainsRune("おこごそぞとどのほぼぽもよろをょぉ", r)
}

// uRow reports whether a hiragana ends in the vowel u.
func uRow(r rune) bool {
	return strings.ContainsRune("うくぐすずつづぬふぶぷむゆるゅぅ", r)
}

// Distance returns the optimal-string-alignment edit distance between a and
// b, counted in runes: insertions, deletions, substitutions and swaps of two
// neighbouring letters each cost one. It gives up and returns max+1 as soon
// as the distance must exceed max, which keeps typo look-ups cheap.
func Distance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	// Three rolling rows: two back (for swaps), previous, current.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[len(rb)] > max {
		return max + 1
	}
	return prev[len(rb)]
}
