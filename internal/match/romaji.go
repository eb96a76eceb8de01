package match

import (
	"strings"
	"unicode/utf8"

	"github.com/oumail-alumni/madoguchi/internal/lexicon"
)

// Romaji. Alumni abroad, on a phone without a Japanese keyboard, write
// Japanese in Latin letters: "pasuwado wo wasureta", "meeru no tensou ga
// dekinai". Such a sentence is read as kana before anything else sees it,
// so that it meets the catalogue's Japanese (and, through the readings the
// index keeps of its kanji, 忘れた and 転送). A sentence is romaji when
// most of its Latin words spell Japanese syllables (Hepburn or kunrei) and
// are not English words ("no", "to" and "made" are both): English with one
// Japanese word in it stays English.

// romajiSyllables maps the spellings of Hepburn, kunrei and nihon-shiki to
// hiragana; the longest spelling wins. The spellings only loanwords use
// ("fi", "wi", "v…") are left out: "wifi" is a name, not Japanese.
var romajiSyllables = func() map[string]string {
	m := map[string]string{
		"a": "あ", "i": "い", "u": "う", "e": "え", "o": "お",
		"shi": "し", "chi": "ち", "tsu": "つ", "fu": "ふ", "ji": "じ",
		"si": "し", "ti": "ち", "tu": "つ", "hu": "ふ", "zi": "じ", "di": "ぢ", "du": "づ",
		"wa": "わ", "wo": "を", "n'": "ん", "nn": "ん",
		"sha": "しゃ", "shu": "しゅ", "sho": "しょ", "she": "しぇ",
		"cha": "ちゃ", "chu": "ちゅ", "cho": "ちょ", "che": "ちぇ",
		"ja": "じゃ", "ju": "じゅ", "jo": "じょ", "je": "じぇ",
	}
	rows := map[string]string{
		"k": "かきくけこ", "s": "さしすせそ", "t": "たちつてと", "n": "なにぬねの",
		"h": "はひふへほ", "m": "まみむめも", "r": "らりるれろ", "g": "がぎぐげご",
		"z": "ざじずぜぞ", "d": "だぢづでど", "b": "ばびぶべぼ", "p": "ぱぴぷぺぽ",
	}
	vowels := "aiueo"
	for c, kana := range rows {
		ks := []rune(kana)
		for i, v := range vowels {
			if _, ok := m[c+string(v)]; !ok {
				m[c+string(v)] = string(ks[i])
			}
		}
		// Contracted sounds: kya, kyu, kyo (and sya, tya, zya in kunrei).
		i := string(ks[1])
		m[c+"ya"], m[c+"yu"], m[c+"yo"] = i+"ゃ", i+"ゅ", i+"ょ"
	}
	m["ya"], m["yu"], m["yo"] = "や", "ゆ", "よ"
	m["jya"], m["jyu"], m["jyo"] = "じゃ", "じゅ", "じょ"
	m["cya"], m["cyu"], m["cyo"] = "ちゃ", "ちゅ", "ちょ"
	return m
}()

// romajiKana returns the hiragana a lower-case Latin word spells, and
// whether it spells Japanese syllables throughout. A vowel written twice
// ("meeru", "konpyuutaa") is a long vowel, which the catalogue's katakana
// writes ー and normalisation drops: "aa", "ee" and "oo" keep one vowel
// ("ou" and "ei" are kept as written, as kanji readings are).
func romajiKana(w string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(w); {
		c := w[i]
		if c == '-' {
			i++
			continue
		}
		if i > 0 && isVowel(c) && w[i-1] == c && (c == 'a' || c == 'e' || c == 'o') {
			i++
			continue
		}
		// A doubled consonant is a small tsu: "kitte", "matcha".
		if i+1 < len(w) && !isVowel(c) && c != 'n' && (w[i+1] == c || c == 't' && w[i+1] == 'c') {
			b.WriteString("っ")
			i++
			continue
		}
		// n before a consonant (not y) or at the end is ん.
		if c == 'n' && (i+1 == len(w) || !isVowel(w[i+1]) && w[i+1] != 'y' && w[i+1] != '\'') {
			if i+1 < len(w) && w[i+1] == 'n' && i+2 < len(w) && isVowel(w[i+2]) {
				b.WriteString("ん") // "konnichiwa": the first n
				i++
				continue
			}
			b.WriteString("ん")
			i++
			continue
		}
		matched := false
		for n := min(3, len(w)-i); n > 0; n-- {
			if k, ok := romajiSyllables[w[i:i+n]]; ok {
				b.WriteString(k)
				i += n
				matched = true
				break
			}
		}
		if !matched {
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}

// maxRomajiLetters is the longest word read as romaji: longer runs of
// letters are not Japanese words ("aaaaaaaa…").
const maxRomajiLetters = 24

// particles are romaji particles that are also English words or too short
// to tell ("de", "no", "to"): one counts as Japanese beside a word that is
// ("outlook de meeru ga okurenai").
var particles = map[string]bool{"wa": true, "ga": true, "wo": true, "o": true, "ni": true, "de": true, "no": true, "to": true, "mo": true, "he": true, "ka": true, "kara": true, "made": true}

// nextToJapanese reports whether the word before or after words[k] is a
// Japanese romaji word.
func nextToJapanese(words []romajiWord, k int) bool {
	return k > 0 && words[k-1].japanese || k+1 < len(words) && words[k+1].japanese
}

func isVowel(c byte) bool { return c == 'a' || c == 'i' || c == 'u' || c == 'e' || c == 'o' }

// romajiWord is a Latin word of a question, where it stands.
type romajiWord struct {
	start, end int
	kana       string // "" when it is not romaji
	japanese   bool   // romaji, no English word and none the catalogue uses
	english    bool   // an English word
	catalogue  bool   // a word the catalogue itself uses ("alumni", "kanji")
}

// readAsKana reports whether words[k] of a romaji sentence is written in
// kana: a romaji word, unless the catalogue uses it and it is English too
// ("name", "no"), which only a particle beside a Japanese word is.
func readAsKana(question string, words []romajiWord, k int) bool {
	w := words[k]
	switch {
	case w.kana == "":
		return false
	case !w.catalogue || !w.english:
		return true
	}
	return particles[strings.ToLower(w.text(question))] && nextToJapanese(words, k)
}

// text is the word as written in question.
func (w romajiWord) text(question string) string { return question[w.start:w.end] }

// readRomaji returns the question with each romaji sentence written in
// hiragana (see the comment at the top of this file), and whether it
// changed anything. known reports the Latin words the catalogue itself
// uses ("alumni", "oumail"): they stay as written.
func readRomaji(question string, known func(lower string) bool) (string, bool) {
	if !hasLatinLetter(question) {
		return question, false
	}
	var out strings.Builder
	changed := false
	last := 0
	var words []romajiWord
	kanaSeen := false // the sentence is written in Japanese script: its Latin words are names
	flush := func(end int) {
		if kanaSeen {
			kanaSeen = false
			words = words[:0]
			return
		}
		japanese := 0
		for k, w := range words {
			if w.japanese || particles[strings.ToLower(w.text(question))] && nextToJapanese(words, k) {
				japanese++
			}
		}
		if japanese == 0 || 2*japanese < len(words) {
			words = words[:0]
			return
		}
		for k, w := range words {
			if !readAsKana(question, words, k) {
				continue
			}
			out.WriteString(question[last:w.start])
			out.WriteString(w.kana)
			last = w.end
			// Japanese has no spaces between words: join two romaji words.
			if k+1 < len(words) && readAsKana(question, words, k+1) && strings.TrimSpace(question[w.end:words[k+1].start]) == "" {
				last = words[k+1].start
			}
			changed = true
		}
		words = words[:0]
	}
	for i := 0; i < len(question); {
		r, size := utf8.DecodeRuneInString(question[i:])
		switch {
		case r < utf8.RuneSelf && isASCIILetter(byte(r)):
			j := i
			for j < len(question) && (isASCIILetter(question[j]) || question[j] == '\'' && j+1 < len(question) && isASCIILetter(question[j+1])) {
				j++
			}
			lower := strings.ToLower(question[i:j])
			w := romajiWord{start: i, end: j}
			if j-i <= maxRomajiLetters {
				if kana, ok := romajiKana(lower); ok {
					w.kana = kana
					w.catalogue = known(lower)
					w.english = lexicon.Known(lower)
					w.japanese = !w.catalogue && !w.english
				}
			}
			words = append(words, w)
			i = j
		case r == '.' || r == '?' || r == '!' || r == '\n' || r == '。' || r == '？' || r == '！':
			flush(i)
			i += size
		default:
			kanaSeen = kanaSeen || isJapanese(r)
			i += size
		}
	}
	flush(len(question))
	if !changed {
		return question, false
	}
	out.WriteString(question[last:])
	return out.String(), true
}

func hasLatinLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if isASCIILetter(s[i]) {
			return true
		}
	}
	return false
}
