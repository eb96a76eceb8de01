//go:build ignore

// gen reduces two dictionaries that Debian packages ship to the compact
// lists this package embeds. Run it with `go generate` after installing
// the packages:
//
//	apt-get install wamerican mecab-ipadic
//
// Sources and licences:
//   - /usr/share/dict/american-english (Debian package wamerican, SCOWL
//     size 50; copyright Kevin Atkinson and others, a permissive licence
//     that allows use and redistribution: /usr/share/doc/wamerican/copyright).
//   - /usr/share/mecab/dic/ipadic/*.csv (Debian package mecab-ipadic,
//     readings.txt, alone.txt, names.txt, loanwords.txt, adverbial.txt
//     and persons.txt;
//     IPAdic 2.7.0; copyright NAIST, BSD-3-Clause with the ICOT terms:
//     /usr/share/doc/mecab-ipadic/copyright), read as EUC-JP.
package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"

	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

// ipadicDir is where Debian's mecab-ipadic package puts the dictionary.
const ipadicDir = "/usr/share/mecab/dic/ipadic"

func main() {
	english()
	ipadic()
	names()
	adverbial()
	persons()
}

// english writes english.txt (words written in lower case: ordinary
// words) and proper.txt (words the list only capitalises: names of
// people, places, months, firms), both lower-cased and sorted.
func english() {
	f, err := os.Open("/usr/share/dict/american-english")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	lower, capital := map[string]bool{}, map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w := strings.TrimSuffix(sc.Text(), "'s")
		if w == "" || !isASCIIWord(w) {
			continue
		}
		if w == strings.ToLower(w) {
			lower[w] = true
		} else {
			capital[strings.ToLower(w)] = true
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	var ordinary, proper []string
	for w := range lower {
		ordinary = append(ordinary, w)
	}
	for w := range capital {
		if !lower[w] {
			proper = append(proper, w)
		}
	}
	write("english.txt", ordinary)
	write("proper.txt", proper)
}

func isASCIIWord(w string) bool {
	for _, r := range w {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// ipadic writes readings.txt: a word with kanji, tab, its reading in
// hiragana, for ordinary nouns, verbs in every inflected form, adjectives
// and adverbs (names of people, places and firms are left out).
func ipadic() {
	files, err := filepath.Glob(filepath.Join(ipadicDir, "*.csv"))
	if err != nil || len(files) == 0 {
		log.Fatalf("no IPAdic under %s: apt-get install mecab-ipadic", ipadicDir)
	}
	type reading struct {
		kana string
		cost int
	}
	readings := map[string]reading{}
	alone := map[string]reading{} // single kanji as nouns of their own
	for _, path := range files {
		eachEntry(path, func(rec []string) {
			if len(rec) < 12 {
				return
			}
			surface, pos1, pos2, form, yomi := rec[0], rec[4], rec[5], rec[9], rec[11]
			cost, _ := strconv.Atoi(rec[3])
			n := len([]rune(surface))
			ordinary := pos1 == "名詞" && (pos2 == "一般" || pos2 == "サ変接続" || pos2 == "形容動詞語幹" || pos2 == "副詞可能" || pos2 == "ナイ形容詞語幹" || pos2 == "接尾") ||
				pos1 == "動詞" || pos1 == "形容詞" || pos1 == "副詞"
			if !ordinary || !hasKanji(surface) || n > 8 || yomi == "" || yomi == "*" || !keptForm[form] {
				return
			}
			if n == 1 && pos1 == "名詞" && pos2 != "接尾" {
				if old, ok := alone[surface]; !ok || cost < old.cost {
					alone[surface] = reading{hiragana(yomi), cost}
				}
			}
			// A single kanji after a word is a suffix far more often than
			// a word of its own (卒業後, 担当者): its suffix reading wins.
			if n == 1 && pos2 == "接尾" {
				cost -= 1 << 20
			}
			if old, ok := readings[surface]; !ok || cost < old.cost {
				readings[surface] = reading{hiragana(yomi), cost}
			}
		})
	}
	var rs []string
	for w, r := range readings {
		rs = append(rs, w+"\t"+r.kana)
	}
	write("readings.txt", rs)
	// alone.txt: a single kanji standing as a word (人 ひと, 話 はなし),
	// where that reading differs from its reading after a word.
	var as []string
	for w, r := range alone {
		if readings[w].kana != r.kana {
			as = append(as, w+"\t"+r.kana)
		}
	}
	write("alone.txt", as)
}

// names writes names.txt: katakana words that IPAdic lists as names of
// firms and other proper nouns (ソフトバンク, ヤフー) and never as an
// ordinary noun, and loanwords.txt: those it lists as ordinary nouns
// (ミス, ポイント); both folded as the matcher folds katakana
// (hiragana, no long-vowel mark).
func names() {
	ordinary := map[string]bool{}
	proper := map[string]bool{}
	for _, name := range []string{"Noun.csv", "Noun.verbal.csv", "Noun.adjv.csv", "Noun.adverbal.csv", "Noun.org.csv", "Noun.proper.csv"} {
		eachEntry(filepath.Join(ipadicDir, name), func(rec []string) {
			if len(rec) < 7 || !isKatakana(rec[0]) {
				return
			}
			w := folded(rec[0])
			if len([]rune(w)) < 2 {
				return
			}
			if rec[5] == "固有名詞" && (rec[6] == "組織" || rec[6] == "一般") {
				proper[w] = true
			} else {
				ordinary[w] = true
			}
		})
	}
	var ns, ls []string
	for w := range proper {
		if !ordinary[w] {
			ns = append(ns, w)
		}
	}
	for w := range ordinary {
		ls = append(ls, w)
	}
	write("names.txt", ns)
	write("loanwords.txt", ls)
}

// adverbial writes adverbial.txt: words with kanji that IPAdic lists as
// adverbial nouns (昨日, 最近), adjectival noun stems (普通, 簡単) or
// adverbs (全然), and never as a general or verbal noun: words that say
// when or how, never what a question is about.
func adverbial() {
	thing := map[string]bool{}
	for _, name := range []string{"Noun.csv", "Noun.verbal.csv", "Noun.proper.csv", "Noun.org.csv", "Noun.place.csv", "Noun.name.csv"} {
		eachEntry(filepath.Join(ipadicDir, name), func(rec []string) { thing[rec[0]] = true })
	}
	words := map[string]bool{}
	for _, name := range []string{"Noun.adverbal.csv", "Noun.adjv.csv", "Adverb.csv"} {
		eachEntry(filepath.Join(ipadicDir, name), func(rec []string) {
			if w := rec[0]; hasKanji(w) && len([]rune(w)) >= 2 && !thing[w] {
				words[w] = true
			}
		})
	}
	var ws []string
	for w := range words {
		ws = append(ws, w)
	}
	write("adverbial.txt", ws)
}

// persons writes persons.txt: how the family and given names of people
// that IPAdic lists read (オオノ, ユイ), in hiragana with long vowels
// folded as romanised names write them (textnorm.FoldLongVowels: おの,
// ゆい), so that "Ohno" and "Yui" are known as names of people.
func persons() {
	seen := map[string]bool{}
	eachEntry(filepath.Join(ipadicDir, "Noun.name.csv"), func(rec []string) {
		if len(rec) < 12 || rec[6] != "人名" || rec[7] != "姓" && rec[7] != "名" || !isKatakana(rec[11]) {
			return
		}
		if w := textnorm.FoldLongVowels(folded(rec[11])); len([]rune(w)) >= 2 {
			seen[w] = true
		}
	})
	var ws []string
	for w := range seen {
		ws = append(ws, w)
	}
	write("persons.txt", ws)
}

func isKatakana(s string) bool {
	for _, r := range s {
		if !(r >= 'ァ' && r <= 'ヺ' || r == 'ー') {
			return false
		}
	}
	return s != ""
}

// folded is s in hiragana without long-vowel marks.
func folded(s string) string {
	return strings.ReplaceAll(hiragana(s), "ー", "")
}

// eachEntry calls fn with each entry of an IPAdic CSV file (EUC-JP).
func eachEntry(path string, fn func(rec []string)) {
	f, err := os.Open(path)
	if err != nil {
		log.Fatalf("%v: apt-get install mecab-ipadic", err)
	}
	defer f.Close()
	r := csv.NewReader(transform.NewReader(f, japanese.EUCJP.NewDecoder()))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			log.Fatalf("%s: %v", path, err)
		}
		fn(rec)
	}
}

// keptForm are the inflected forms whose readings are kept: the stems
// that examples write before ます, た, て, ない and ば (忘れ, 使え, 書い),
// and the dictionary form. The rarer forms (命令形, 仮定縮約, …) would
// double the list for little.
var keptForm = map[string]bool{"*": true, "基本形": true, "連用形": true, "未然形": true, "連用タ接続": true, "連用テ接続": true, "仮定形": true, "体言接続": true, "ガル接続": true}

func hasKanji(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func hiragana(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ァ' && r <= 'ヶ' {
			return r - ('ァ' - 'ぁ')
		}
		return r
	}, s)
}

func write(name string, lines []string) {
	slices.Sort(lines)
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d entries, %d bytes\n", name, len(lines), b.Len())
}
