package match

import (
	"github.com/oumail-alumni/madoguchi/internal/lexicon"
	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

// minTypoLen is the shortest word corrected despite a typo; shorter words
// have too many neighbours one letter away.
const minTypoLen = 4

// speller corrects misspelt English words to the closest word the catalogue
// uses (its examples, titles, keywords, synonyms and handoff phrases), one
// edit away, before synonyms and stemming see them. It indexes every known
// word under each of its one-letter deletions (the symmetric-delete method),
// so a look-up costs a handful of map reads.
type speller struct {
	known map[string]int      // word → how many times the catalogue uses it
	keys  map[string][]string // word, or word less one letter → known words
}

func newSpeller() *speller {
	return &speller{known: map[string]int{}, keys: map[string][]string{}}
}

// add learns the words of normalised text.
func (sp *speller) add(norm string) {
	eachLatinWord(norm, func(_, _ int, w string) {
		// A word longer than maxTypoBytes+1 is never one edit from a word
		// correct looks up.
		if sp.known[w] == 0 && len(w) >= minTypoLen && len(w) <= maxTypoBytes+1 {
			sp.keys[w] = append(sp.keys[w], w)
			eachDeletion(w, func(k string) { sp.keys[k] = append(sp.keys[k], w) })
		}
		sp.known[w]++
	})
}

// correct returns normalised text with each unknown word of minTypoLen to
// maxTypoBytes letters replaced by the most used known word one edit away,
// and calls fixed (when not nil) for each replacement. Only the first
// maxCorrections unknown words are looked up, so that a look-up's cost (the
// square of the word's length) times their number stays bounded whatever
// the text. Text without unknown words is returned as it is, without
// allocating.
func (sp *speller) correct(norm string, fixed func(from, to string)) string {
	var out []byte
	last, looked := 0, 0
	eachLatinWord(norm, func(start, end int, w string) {
		if len(w) < minTypoLen || len(w) > maxTypoBytes || looked == maxCorrections || sp.known[w] > 0 {
			return
		}
		if lexicon.Known(w) {
			return // a word of the language ("word", "exit"), not a typo
		}
		looked++
		to := sp.closest(w)
		if to == "" {
			return
		}
		if fixed != nil {
			fixed(w, to)
		}
		out = append(append(out, norm[last:start]...), to...)
		last = end
	})
	if out == nil {
		return norm
	}
	return string(append(out, norm[last:]...))
}

// join returns normalised text with each pair of words that a space split
// out of one catalogue word written together again ("pass word",
// "e mail"), when the catalogue does not use both halves itself ("user
// name" stays: the catalogue writes it so). Text with no such pair is
// returned as it is, without allocating.
func (sp *speller) join(norm string) string {
	var out []byte
	last, prevStart, prevEnd := 0, -1, -1
	eachLatinWord(norm, func(start, end int, w string) {
		if prevStart >= last && start == prevEnd+1 && norm[prevEnd] == ' ' {
			prev := norm[prevStart:prevEnd]
			if joined := prev + w; sp.known[joined] > 0 && (sp.known[prev] == 0 || sp.known[w] == 0) {
				out = append(append(append(out, norm[last:prevStart]...), prev...), w...)
				last, prevStart = end, -1
				return
			}
		}
		prevStart, prevEnd = start, end
	})
	if out == nil {
		return norm
	}
	return string(append(out, norm[last:]...))
}

// isKnown reports whether the catalogue uses the lower-case word w.
func (sp *speller) isKnown(w string) bool { return sp.known[w] > 0 }

// closest returns the most used known word one edit from w, or "".
func (sp *speller) closest(w string) string {
	// A look-up costs the square of the word's length; no known word is
	// longer than maxTypoBytes+1, so a longer word has no close one.
	if len(w) > maxTypoBytes {
		return ""
	}
	best, bestN := "", 0
	consider := func(key string) {
		for _, c := range sp.keys[key] {
			if n := sp.known[c]; (n > bestN || n == bestN && c < best) && textnorm.Distance(w, c, 1) <= 1 {
				best, bestN = c, n
			}
		}
	}
	consider(w)
	eachDeletion(w, consider)
	return best
}

// eachLatinWord calls fn for each run of ASCII letters in s.
func eachLatinWord(s string, fn func(start, end int, word string)) {
	for i := 0; i < len(s); {
		if !isASCIILetter(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isASCIILetter(s[j]) {
			j++
		}
		fn(i, j, s[i:j])
		i = j
	}
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// eachDeletion calls fn with each string made by deleting one letter of word.
func eachDeletion(word string, fn func(string)) {
	for i, r := range word {
		fn(word[:i] + word[i+len(string(r)):])
	}
}
