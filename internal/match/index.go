// Package match decides what a user's question is about. It indexes the
// examples of a catalogue's intents and scores a question against them with
// IDF-weighted cosine similarity over character bigrams (Japanese) and
// stemmed words (English, with typos corrected), then decides: answer one
// intent, ask back with the closest few, or escalate to a person.
//
// An Index is immutable once built; build a new one to change the catalogue.
package match

import (
	"math"
	"sort"
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
	// Function words are frequent in every intent's examples, but with a
	// few dozen intents their IDF is noisy; the stop list steadies it.
	kindStopWord: 0.15,
	kindNumber:   0.6,
}

const (
	// exampleShare is how much of an intent's score comes from its single
	// closest example; the rest comes from all its examples pooled, which
	// rewards questions that mix the words of several examples.
	exampleShare = 0.3
	// keywordBonus is added to an intent whose keyword the question contains.
	keywordBonus = 0.15
	// unknownShare scales the weight of a term no intent uses. Such terms
	// pull the score down: a question about the cafeteria menu is not about
	// passwords just because it ends in "ですか".
	unknownShare = 0.6
	// evidenceSmoothing discounts terms seen in few examples: a word that
	// one example happens to use is weak evidence for its intent.
	evidenceSmoothing = 2
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
	docText  []string // the example or title a document was made from
	speller  *speller
	keywords [][]string        // normalised keywords per intent
	handoff  []string          // normalised handoff phrases
	unknown  float32           // query weight of a term no intent uses
	synonyms *strings.Replacer // rewrites each synonym to its group's first word
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
		speller:  newSpeller(),
		thr:      cat.Settings.Matching,
		synonyms: synonymReplacer(cat.Settings.Synonyms),
	}
	x.learnWords(cat)
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
			if n := x.normalize(k); n != "" {
				kws = append(kws, n)
			}
		}
		x.keywords = append(x.keywords, kws)
	}
	for _, p := range cat.Settings.HandoffPhrases {
		if n := x.normalize(p); n != "" {
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
	termDocs := map[int32]int{}
	for d, t := range texts {
		counts := map[int32]int{}
		kinds := map[int32]termKind{}
		for _, s := range t.texts {
			eachTerm(x.normalize(s), func(term string, kind termKind) {
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
			if !t.pooled {
				termDocs[id]++
			}
		}
	}

	// BM25's IDF: near zero for a term every intent uses, high for a term
	// only one intent uses.
	n := float64(len(cat.Intents))
	x.idf = make([]float32, len(x.terms))
	for id, ins := range termIntents {
		df := float64(len(ins))
		x.idf[id] = float32(math.Log(1+(n-df+0.5)/(df+0.5))) * evidence(termDocs[int32(id)])
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

// learnWords teaches the speller every word the catalogue uses.
func (x *Index) learnWords(cat *catalogue.Catalogue) {
	for _, in := range cat.Intents {
		for _, t := range append(in.Examples.All(), in.Title.JA, in.Title.EN) {
			x.speller.add(textnorm.Normalize(t))
		}
		for _, k := range in.Keywords {
			x.speller.add(textnorm.Normalize(k))
		}
	}
	for _, p := range cat.Settings.HandoffPhrases {
		x.speller.add(textnorm.Normalize(p))
	}
	for _, g := range cat.Settings.Synonyms {
		for _, w := range g {
			x.speller.add(textnorm.Normalize(w))
		}
	}
}

// synonymReplacer builds the rewriting of synonyms onto their group's first
// word, on normalised text padded with a space at each end. Latin words are
// matched whole (" sign in " but not "design in"); Japanese ones anywhere.
// Longer variants come first so that they win over their own prefixes.
func synonymReplacer(groups [][]string) *strings.Replacer {
	type pair struct{ from, to string }
	var pairs []pair
	for _, g := range groups {
		canon := textnorm.Normalize(g[0])
		for _, v := range g[1:] {
			from := textnorm.Normalize(v)
			to := canon
			if !textnorm.HasJapanese(from) {
				from, to = " "+from+" ", " "+canon+" "
			}
			if strings.TrimSpace(from) != "" {
				pairs = append(pairs, pair{from, to})
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return len(pairs[i].from) > len(pairs[j].from) })
	oldnew := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		oldnew = append(oldnew, p.from, p.to)
	}
	return strings.NewReplacer(oldnew...)
}

// normalize is textnorm.Normalize followed by spelling correction and the
// synonyms.
func (x *Index) normalize(s string) string {
	n := x.speller.correct(textnorm.Normalize(s), nil)
	if n == "" {
		return n
	}
	return strings.TrimSpace(x.synonyms.Replace(" " + n + " "))
}

// termID returns the id of a term, adding it to the vocabulary. English words
// are stemmed.
func (x *Index) termID(term string, kind termKind) int32 {
	if kind == kindWord || kind == kindStopWord {
		if id, ok := x.surfaces[term]; ok {
			return id
		}
		st := stem(term)
		id, ok := x.terms[st]
		if !ok {
			id = x.newTerm(st)
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

// evidence is the discount of a term seen in n examples: 1/3 for one, 1/2 for
// two, approaching 1 for many.
func evidence(n int) float32 { return float32(n) / (float32(n) + evidenceSmoothing) }
