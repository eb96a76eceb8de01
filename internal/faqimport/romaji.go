package faqimport

import (
	"strings"
	"unicode"

	"github.com/oumail-alumni/madoguchi/internal/lexicon"
)

// maxIDWords is how many words of the question an id keeps.
const maxIDWords = 4

// stopWords are words that say nothing about an item: English function
// words and the romanised endings and question words of Japanese.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "i": true, "my": true, "me": true, "is": true, "are": true, "am": true, "do": true, "does": true,
	"can": true, "could": true, "how": true, "what": true, "when": true, "where": true, "why": true, "which": true, "who": true,
	"to": true, "of": true, "for": true, "in": true, "on": true, "at": true, "it": true, "you": true, "your": true, "be": true,
	"and": true, "or": true, "if": true, "with": true, "there": true, "this": true, "that": true, "will": true, "should": true,
	"nani": true, "nan": true, "dou": true, "doko": true, "itsu": true, "kore": true, "sore": true,
}

// baseID derives an id from a question: its first words, romanised
// (simple Hepburn; kanji read with the lexicon), lower case, joined by
// hyphens. It is "" when nothing in the question can be written so.
func baseID(q string) string {
	var words []string
	add := func(w string) {
		w = strings.Trim(w, "-")
		if w != "" && !stopWords[w] && len(words) < maxIDWords && !contains(words, w) {
			words = append(words, w)
		}
	}
	rs := []rune(strings.ToLower(q))
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			j := i
			for j < len(rs) && rs[j] < unicode.MaxASCII && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
				j++
			}
			add(string(rs[i:j]))
			i = j
		case unicode.Is(unicode.Katakana, r) || r == 'ー':
			j := i
			for j < len(rs) && (unicode.Is(unicode.Katakana, rs[j]) || rs[j] == 'ー') {
				j++
			}
			add(romaji(string(rs[i:j])))
			i = j
		case unicode.Is(unicode.Han, r):
			reading, n := readKanji(rs[i:])
			if n == 0 {
				i++ // a kanji the lexicon cannot read
				continue
			}
			add(romaji(reading))
			i += n
		default:
			i++ // hiragana (particles, endings), punctuation
		}
	}
	id := strings.Join(words, "-")
	if len(id) > 40 {
		id = strings.TrimRight(id[:40], "-")
		if k := strings.LastIndexByte(id, '-'); k > 0 {
			id = id[:k]
		}
	}
	return id
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// readKanji reads the longest word at the start of rs that the lexicon
// knows (kanji, with the kana that end them: 手続き, 忘れ), returning its
// reading and its length in runes.
func readKanji(rs []rune) (string, int) {
	n := 0
	for n < len(rs) && n < lexicon.MaxReadingRunes && (unicode.Is(unicode.Han, rs[n]) || unicode.Is(unicode.Hiragana, rs[n])) {
		n++
	}
	for ; n > 0; n-- {
		if !unicode.Is(unicode.Han, rs[n-1]) && !unicode.Is(unicode.Han, rs[0]) {
			continue
		}
		if reading, ok := lexicon.Reading(string(rs[:n])); ok {
			return reading, n
		}
	}
	return "", 0
}

// kana is simple Hepburn for each kana, in hiragana; katakana is folded
// to hiragana first.
var kana = map[string]string{
	"あ": "a", "い": "i", "う": "u", "え": "e", "お": "o",
	"か": "ka", "き": "ki", "く": "ku", "け": "ke", "こ": "ko", "が": "ga", "ぎ": "gi", "ぐ": "gu", "げ": "ge", "ご": "go",
	"さ": "sa", "し": "shi", "す": "su", "せ": "se", "そ": "so", "ざ": "za", "じ": "ji", "ず": "zu", "ぜ": "ze", "ぞ": "zo",
	"た": "ta", "ち": "chi", "つ": "tsu", "て": "te", "と": "to", "だ": "da", "ぢ": "ji", "づ": "zu", "で": "de", "ど": "do",
	"な": "na", "に": "ni", "ぬ": "nu", "ね": "ne", "の": "no",
	"は": "ha", "ひ": "hi", "ふ": "fu", "へ": "he", "ほ": "ho", "ば": "ba", "び": "bi", "ぶ": "bu", "べ": "be", "ぼ": "bo",
	"ぱ": "pa", "ぴ": "pi", "ぷ": "pu", "ぺ": "pe", "ぽ": "po",
	"ま": "ma", "み": "mi", "む": "mu", "め": "me", "も": "mo", "や": "ya", "ゆ": "yu", "よ": "yo",
	"ら": "ra", "り": "ri", "る": "ru", "れ": "re", "ろ": "ro", "わ": "wa", "ゐ": "i", "ゑ": "e", "を": "o", "ん": "n", "ゔ": "vu",
	"ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o",
	"きゃ": "kya", "きゅ": "kyu", "きょ": "kyo", "ぎゃ": "gya", "ぎゅ": "gyu", "ぎょ": "gyo",
	"しゃ": "sha", "しゅ": "shu", "しょ": "sho", "じゃ": "ja", "じゅ": "ju", "じょ": "jo", "しぇ": "she", "じぇ": "je",
	"ちゃ": "cha", "ちゅ": "chu", "ちょ": "cho", "ちぇ": "che", "にゃ": "nya", "にゅ": "nyu", "にょ": "nyo",
	"ひゃ": "hya", "ひゅ": "hyu", "ひょ": "hyo", "びゃ": "bya", "びゅ": "byu", "びょ": "byo", "ぴゃ": "pya", "ぴゅ": "pyu", "ぴょ": "pyo",
	"みゃ": "mya", "みゅ": "myu", "みょ": "myo", "りゃ": "rya", "りゅ": "ryu", "りょ": "ryo",
	"ふぁ": "fa", "ふぃ": "fi", "ふぇ": "fe", "ふぉ": "fo", "てぃ": "ti", "でぃ": "di", "とぅ": "tu", "どぅ": "du",
	"うぃ": "wi", "うぇ": "we", "うぉ": "wo", "ゔぁ": "va", "ゔぃ": "vi", "ゔぇ": "ve", "ゔぉ": "vo",
}

// romaji writes kana in simple Hepburn: no long-vowel marks (ー is
// dropped), っ doubles the next consonant (tch before ch), ん is n.
// Anything not kana is dropped.
func romaji(s string) string {
	rs := []rune(strings.Map(func(r rune) rune {
		if r >= 'ァ' && r <= 'ヶ' {
			return r - ('ァ' - 'ぁ')
		}
		return r
	}, s))
	var b strings.Builder
	double := false
	for i := 0; i < len(rs); {
		if rs[i] == 'っ' {
			double = true
			i++
			continue
		}
		syl, n := "", 0
		if i+1 < len(rs) {
			if v, ok := kana[string(rs[i:i+2])]; ok {
				syl, n = v, 2
			}
		}
		if n == 0 {
			if v, ok := kana[string(rs[i])]; ok {
				syl, n = v, 1
			} else {
				i++
				continue
			}
		}
		if double {
			if strings.HasPrefix(syl, "ch") {
				b.WriteByte('t')
			} else if c := syl[0]; !strings.ContainsRune("aiueon", rune(c)) {
				b.WriteByte(c)
			}
			double = false
		}
		b.WriteString(syl)
		i += n
	}
	return b.String()
}
