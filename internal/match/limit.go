package match

import "unicode/utf8"

// What one question may cost. A LINE message may be 5,000 characters and a
// Slack one 40,000, but a question is in its first few hundred; every step
// of matching reads a prefix of bounded size, so that no message, however
// long or odd, costs more than a short one of the same script.
const (
	// maxInputBytes bounds the raw text that is normalised, the step that
	// costs most per byte. Normalising may shorten text (half-width kana
	// take two thirds of the bytes, runs of punctuation one space) or
	// lengthen it; the normalised text is cut again.
	maxInputBytes = 2 * maxQueryBytes
	// maxQueryBytes bounds the normalised text that is corrected, rewritten
	// by the synonyms (which may lengthen it: "password" reads "ぱすわど"),
	// and cut into terms, and the rewritten text once more.
	maxQueryBytes = 3000
	// maxTypoBytes is the longest word spell correction considers: the
	// catalogue's longest words are far shorter, and a look-up costs the
	// square of the word's length.
	maxTypoBytes = 24
	// maxCorrections bounds the unknown words looked up in one question.
	maxCorrections = 64
)

// truncate returns the longest prefix of s of at most n bytes that does not
// end inside a UTF-8 sequence. Invalid bytes are runes of their own: at most
// utf8.UTFMax-1 bytes are given back.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for back := 0; n > 0 && back < utf8.UTFMax-1 && !utf8.RuneStart(s[n]); back++ {
		n--
	}
	return s[:n]
}
