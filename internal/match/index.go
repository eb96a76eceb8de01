// Package match decides what a user's question is about. It indexes the
// examples of a catalogue's intents and scores a question against them with
// IDF-weighted cosine similarity over character bigrams (Japanese) and
// stemmed words (English, with typo tolerance), then decides: answer one
// intent, ask back with the closest few, or escalate to a person.
//
// An Index is immutable once built; build a new one to change the catalogue.
package match

import (
	"math"
	"strings"
	"sync"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

// Weights of the term kinds relative to a Japanese bigram.
var kindWeight = [...]float32{
	kindBigram: 1,
	kindSingle: 1,
	kindKanji:  0.4,
	kindWord:   1,
	kindNumber: 0.6,
}

const (
	// exampleShare is how much of an intent's score comes from its single
	// closest example; the rest comes from all its examples pooled, which
	// rewards questions that mix the words of several examples.
	exampleShare = 0.6
	// typoWeight scales a word matched only through a typo.
	typoWeight = 0.8
	// keywordBonus is added to an intent whose keyword the question contains.
	keywordBonus = 0.15
	// unknownShare scales the weight of a term no intent uses. Such terms
	// pull the score down: a question about the cafeteria menu is not about
	// passwords just because it ends in "ですか".
	unknownShare = 0.6
	// minIDF skips terms almost every intent uses: they move no score.
	minIDF = 0.02
)

// posting is one document that contains a term, with the term's weight there.
type posting struct {
	doc int32
	w   float32
}

// doc is an example (or a title), or the pooled examples of one intent.
type doc struct {
	intent int32
	norm   float32
	pooled bool
}

// Index is an immutable, searchable form of a catalogue.
type Index struct {
	cat      *catalogue.Catalogue
	terms    map[string]int32 // term text → id
	text     []string         // id → term text
	surfaces map[string]int32 // English word as written → stemmed term id
	idf      []float32
	postings [][]posting
	docs     []doc
	docText  []string           // the example or title a document was made from
	typos    map[string][]int32 // word with one letter deleted → word term ids
	keywords [][]string         // normalised keywords per intent
	handoff  []string           // normalised handoff phrases
	unknown  float32            // query weight of a term no intent uses
	thr      catalogue.Thresholds
	scratch  sync.Pool
}

// Catalogue returns the catalogue the index was built from.
func (x *Index) Catalogue() *catalogue.Catalogue { return x.cat }

// indexText is the text of one document, before weighting.
type indexText struct {
	intent int
	texts  []string
	pooled bool
}

// New builds the index of a catalogue.
func New(cat *catalogue.Catalogue) *Index {
	x := &Index{
		cat:      cat,
		terms:    map[string]int32{},
		surfaces: map[string]int32{},
		typos:    map[string][]int32{},
		thr:      cat.Settings.Matching,
	}
	var texts []indexText
	for i, in := range cat.Intents {
		var all []string
		for _, ex := range append(in.Examples.All(), in.Title.JA, in.Title.EN) {
			texts = append(texts, indexText{intent: i, texts: []string{ex}})
			all = append(all, ex)
		}
		texts = append(texts, indexText{intent: i, texts: all, pooled: true})
		kws := make([]string, 0, len(in.Keywords))
		for _, k := range in.Keywords {
			if n := textnorm.Normalize(k); n != "" {
				kws = append(kws, n)
			}
		}
		x.keywords = append(x.keywords, kws)
	}
	for _, p := range cat.Settings.HandoffPhrases {
		if n := textnorm.Normalize(p); n != "" {
			x.handoff = append(x.handoff, n)
		}
	}

	// Term frequencies per document, and the intents each term occurs in.
	type tf struct {
		term int32
		n    float32
		kind termKind
	}
	docTF := make([][]tf, len(texts))
	termIntents := []map[int]bool{}
	for d, t := range texts {
		counts := map[int32]int{}
		kinds := map[int32]termKind{}
		for _, s := range t.texts {
			eachTerm(textnorm.Normalize(s), func(term string, kind termKind) {
				id := x.termID(term, kind)
				for int(id) >= len(termIntents) {
					termIntents = append(termIntents, map[int]bool{})
				}
				termIntents[id][t.intent] = true
				counts[id]++
				kinds[id] = kind
			})
		}
		for id, n := range counts {
			docTF[d] = append(docTF[d], tf{id, float32(n), kinds[id]})
		}
	}

	// BM25's IDF: near zero for a term every intent uses, high for a term
	// only one intent uses.
	n := float64(len(cat.Intents))
	x.idf = make([]float32, len(x.terms))
	for id, ins := range termIntents {
		df := float64(len(ins))
		x.idf[id] = float32(math.Log(1 + (n-df+0.5)/(df+0.5)))
	}
	x.unknown = float32(math.Log(1+(n-0.5)/1.5)) * unknownShare

	x.postings = make([][]posting, len(x.terms))
	x.docs = make([]doc, len(texts))
	for d, t := range texts {
		var sq float64
		for _, e := range docTF[d] {
			w := (1 + float32(math.Log(float64(e.n)))) * x.idf[e.term] * kindWeight[e.kind]
			sq += float64(w * w)
			x.postings[e.term] = append(x.postings[e.term], posting{int32(d), w})
		}
		x.docs[d] = doc{intent: int32(t.intent), norm: float32(math.Sqrt(sq)), pooled: t.pooled}
		if !t.pooled {
			x.docText = append(x.docText, t.texts[0])
		} else {
			x.docText = append(x.docText, "")
		}
	}
	x.scratch.New = func() any {
		return &scratch{
			dot:     make([]float32, len(x.docs)),
			best:    make([]float32, len(cat.Intents)),
			pool:    make([]float32, len(cat.Intents)),
			queryAt: map[int32]int{},
		}
	}
	return x
}

// termID returns the id of a term, adding it to the vocabulary. English words
// are stemmed and remembered for typo look-ups.
func (x *Index) termID(term string, kind termKind) int32 {
	if kind == kindWord {
		if id, ok := x.surfaces[term]; ok {
			return id
		}
		st := stem(term)
		id, ok := x.terms[st]
		if !ok {
			id = x.newTerm(st)
			x.addTypoKeys(st, id)
		}
		x.surfaces[strings.Clone(term)] = id
		return id
	}
	if id, ok := x.terms[term]; ok {
		return id
	}
	return x.newTerm(strings.Clone(term))
}

func (x *Index) newTerm(term string) int32 {
	id := int32(len(x.text))
	x.terms[term] = id
	x.text = append(x.text, term)
	return id
}

// minTypoLen is the shortest word matched despite a typo; shorter words
// have too many neighbours one letter away.
const minTypoLen = 4

// addTypoKeys indexes a word under each of its one-letter deletions, so
// that a misspelt word one edit away finds it (the symmetric-delete method).
func (x *Index) addTypoKeys(word string, id int32) {
	if len([]rune(word)) < minTypoLen {
		return
	}
	x.typos[word] = append(x.typos[word], id)
	eachDeletion(word, func(key string) { x.typos[key] = append(x.typos[key], id) })
}

func eachDeletion(word string, fn func(string)) {
	for i, r := range word {
		fn(word[:i] + word[i+len(string(r)):])
	}
}
