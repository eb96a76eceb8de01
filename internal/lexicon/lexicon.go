// Package lexicon knows the ordinary words of English and Japanese, the
// names that are not ordinary words, and how Japanese words written in
// kanji are read. The matcher asks it what it cannot learn from a
// catalogue of a few hundred examples: that "word" and "exit" are words
// (never typos of a catalogue word), that "Spotify" and ソフトバンク are
// names but ミス is a word, that 昨日 says when, that 忘れた reads わすれた
// (so that "wasureta" and わすれた find it), that おおの and ゆい ("Ohno",
// "Yui") are names of people.
//
// The lists are reduced at build time (`go generate`, see gen.go) from
// two dictionaries that Debian packages ship: SCOWL's American English
// word list (package wamerican) and IPAdic 2.7.0 (package mecab-ipadic,
// © NAIST, BSD-3-Clause with the ICOT terms). They are embedded sorted,
// one entry a line, and searched in place: the package keeps only an
// index of line starts (about 0.8 MB for the lists).
package lexicon

import (
	_ "embed"
	"sort"
	"strings"
	"sync"

	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

//go:generate go run gen.go

var (
	//go:embed english.txt
	englishText string
	//go:embed proper.txt
	properText string
	//go:embed readings.txt
	readingsText string
	//go:embed names.txt
	namesText string
	//go:embed alone.txt
	aloneText string
	//go:embed loanwords.txt
	loanwordsText string
	//go:embed adverbial.txt
	adverbialText string
	//go:embed persons.txt
	personsText string
)

// list is a sorted list of lines searched in place.
type list struct {
	text   string
	once   sync.Once
	starts []int32 // the offset of each line
}

func (l *list) index() {
	l.once.Do(func() {
		l.starts = make([]int32, 0, strings.Count(l.text, "\n"))
		for i := 0; i < len(l.text); {
			l.starts = append(l.starts, int32(i))
			j := strings.IndexByte(l.text[i:], '\n')
			if j < 0 {
				break
			}
			i += j + 1
		}
	})
}

func (l *list) line(i int) string {
	s := l.text[l.starts[i]:]
	if j := strings.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	return s
}

// key returns the part of a line before its tab (the whole line when it
// has none).
func key(line string) string {
	if i := strings.IndexByte(line, '\t'); i >= 0 {
		return line[:i]
	}
	return line
}

// find returns the line whose key is k.
func (l *list) find(k string) (string, bool) {
	l.index()
	i := sort.Search(len(l.starts), func(i int) bool { return key(l.line(i)) >= k })
	if i < len(l.starts) {
		if line := l.line(i); key(line) == k {
			return line, true
		}
	}
	return "", false
}

func (l *list) has(k string) bool {
	_, ok := l.find(k)
	return ok
}

var (
	english   = &list{text: englishText}
	proper    = &list{text: properText}
	readings  = &list{text: readingsText}
	names     = &list{text: namesText}
	alone     = &list{text: aloneText}
	loanwords = &list{text: loanwordsText}
	adverbial = &list{text: adverbialText}
	persons   = &list{text: personsText}
)

// ReadingAlone returns how a single kanji reads when it stands as a word of
// its own (人 ひと, 話 はなし), where that differs from Reading's, which reads
// it after a word, as a suffix (担当者の者, 会話の話).
func ReadingAlone(kanji string) (string, bool) {
	line, ok := alone.find(kanji)
	if !ok {
		return "", false
	}
	return line[strings.IndexByte(line, '\t')+1:], true
}

// JapaneseName reports whether a katakana word, folded to hiragana without
// long-vowel marks (ソフトバンク → そふとばんく), is only ever the name of a
// firm, a product or another proper noun in the Japanese dictionary.
func JapaneseName(folded string) bool { return names.has(folded) }

// PersonName reports whether a word in hiragana reads as the family or
// given name of a person in the Japanese dictionary (おおの, ゆい), long
// vowels written once or twice (さとう and さと both are).
func PersonName(kana string) bool { return persons.has(textnorm.FoldLongVowels(kana)) }

// Loanword reports whether a katakana word, folded as JapaneseName's, is an
// ordinary noun of Japanese (ミス, ポイント): a word of the language, not
// a name.
func Loanword(folded string) bool { return loanwords.has(folded) }

// Adverbial reports whether a word written with kanji says when or how
// (昨日, 普通, 全然): an adverbial noun, an adjectival noun's stem or an
// adverb, never a thing one asks about.
func Adverbial(w string) bool { return adverbial.has(w) }

// Word reports whether w, in lower case, is an ordinary English word
// (one the word list writes in lower case: "word", "exit", "notion").
func Word(w string) bool { return english.has(w) }

// Proper reports whether w, in lower case, is an English proper noun and
// nothing else: a person, a place, a month, a firm ("june", "brazil",
// "skype").
func Proper(w string) bool { return proper.has(w) }

// Known reports whether w, in lower case, is in the English word list at
// all, as an ordinary word or a proper noun.
func Known(w string) bool { return Word(w) || Proper(w) }

// MaxReadingRunes is the longest word, in runes, that Reading knows.
const MaxReadingRunes = 8

// Reading returns how a Japanese word written with kanji is read, in
// hiragana (忘れた is not a word; 忘れ reads わすれ).
func Reading(word string) (string, bool) {
	line, ok := readings.find(word)
	if !ok {
		return "", false
	}
	return line[strings.IndexByte(line, '\t')+1:], true
}
