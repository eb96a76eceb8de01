package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/oumail-alumni/madoguchi/internal/lexicon"
	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

// readingOf returns normalised Japanese text with each word written in
// kanji replaced by its reading in hiragana (the longest word the lexicon
// knows at each place), and whether it had any: "ぱすわどを忘れた" reads
// "ぱすわどをわすれた". The index keeps this reading of every Japanese
// example as a document of its own, so that a question typed in kana or
// in romaji (read as kana) finds the example written in kanji.
func readingOf(norm string) (string, bool) {
	if !hasHan(norm) {
		return "", false
	}
	var b strings.Builder
	b.Grow(2 * len(norm))
	read := false
	for i := 0; i < len(norm); {
		r, size := utf8.DecodeRuneInString(norm[i:])
		if !unicode.Is(unicode.Han, r) {
			b.WriteString(norm[i : i+size])
			i += size
			continue
		}
		// The longest word starting here.
		ends := make([]int, 0, lexicon.MaxReadingRunes)
		for j, n := i, 0; j < len(norm) && n < lexicon.MaxReadingRunes; n++ {
			r2, sz := utf8.DecodeRuneInString(norm[j:])
			if !isJapanese(r2) {
				break
			}
			j += sz
			ends = append(ends, j)
		}
		found := false
		for k := len(ends) - 1; k >= 0; k-- {
			if kana, ok := lexicon.Reading(norm[i:ends[k]]); ok {
				if prev, _ := utf8.DecodeLastRuneInString(norm[:i]); k == 0 && !unicode.Is(unicode.Han, prev) {
					// A kanji that starts a word and stands alone
					// reads as a word of its own: 人 ひと, not にん.
					if alone, ok := lexicon.ReadingAlone(norm[i:ends[0]]); ok {
						kana = alone
					}
				}
				b.WriteString(kana)
				i = ends[k]
				found, read = true, true
				break
			}
		}
		if !found {
			b.WriteString(norm[i : i+size])
			i += size
		}
	}
	if !read {
		return "", false
	}
	// Readings keep their long-vowel marks (めーる): normalise them away.
	return textnorm.Normalize(b.String()), true
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
