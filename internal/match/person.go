package match

import (
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/lexicon"
)

// Names of people. Alumni introduce themselves ("Hi, I'm Yui Takahashi")
// and ask about the name their mail shows ("Satoh→Sato に変えたい"). A Latin
// word in no English dictionary is read as a name, and a name the
// catalogue never writes as the subject of the question: "Takahashi" would
// be taken for a service, as "Spotify" is. A person's name is written as
// two names side by side (family and given, in either order) or as one
// with an honorific ("Tanaka-san"), each reading as a Japanese family or
// given name in romaji (the lexicon's, from IPAdic). A single word is not
// enough: ラクテン and トヨタ are names of people too.

// honorifics follow a person's name in romaji.
var honorifics = map[string]bool{"san": true, "sama": true, "sensei": true, "kun": true, "chan": true, "senpai": true}

// personNames returns the byte offsets of the Latin words of q that name a
// person (see above), with the honorific after one; nil when none does.
func personNames(q string) []int {
	type word struct {
		at     int
		lower  string
		person bool // reads as a person's name
		plain  bool // an English word
	}
	var words []word
	var out []int
	flush := func() {
		for i, w := range words {
			switch {
			case i > 0 && honorifics[w.lower] && words[i-1].person:
				out = append(out, w.at) // the honorific itself is no subject either
			case !w.person:
			case i+1 < len(words) && honorifics[words[i+1].lower]:
				out = append(out, w.at)
			case i+1 < len(words) && words[i+1].person && !(w.plain && words[i+1].plain),
				i > 0 && words[i-1].person && !(w.plain && words[i-1].plain):
				out = append(out, w.at)
			}
		}
		words = words[:0]
	}
	eachRun(q, func(at int, run string, sc script) {
		if sc != scriptLatin {
			flush() // names side by side have nothing but spaces or marks between
			return
		}
		lower := string(lowerASCII(nil, run))
		words = append(words, word{at: at, lower: lower, person: readsAsPerson(lower), plain: lexicon.Word(lower)})
	})
	flush()
	return out
}

// readsAsPerson reports whether a lower-case Latin word reads, in romaji,
// as a Japanese family or given name. "oh" before a consonant or at the
// end writes a long o ("Ohno", "Satoh").
func readsAsPerson(w string) bool {
	if len(w) < 2 || len(w) > maxRomajiLetters {
		return false
	}
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		if w[i] == 'h' && i > 0 && w[i-1] == 'o' && (i+1 == len(w) || !isVowel(w[i+1]) && w[i+1] != 'y') {
			continue
		}
		b.WriteByte(w[i])
	}
	kana, ok := romajiKana(b.String())
	return ok && lexicon.PersonName(kana)
}
