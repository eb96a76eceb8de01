// Package match decides what a user's question is about. It indexes the
// examples of a catalogue's intents and scores a question against them with
// IDF-weighted cosine similarity over character bigrams (Japanese) and
// stemmed words (English, with typos corrected), then decides: answer one
// intent, ask back with the closest few, or escalate to a person.
//
// How a question is read and decided, in order:
//
//   - Normalise: NFKC (full and half width), lower case, katakana as
//     hiragana, long-vowel marks dropped after kana, punctuation as space,
//     so that ﾊﾟｽﾜｰﾄﾞ, ぱすわーど and パスワード are one form.
//   - Read as a person does: a sentence whose Latin words spell Japanese
//     syllables and are not English words is romaji and is read as kana
//     ("pasuwado wo wasureta"), catalogue words that are no English words
//     too ("kanji"); a Latin word inside Japanese script is a name, never
//     romaji. Japanese examples are also indexed by their kanji readings,
//     so kana or romaji finds 忘れた and 転送. The message is cut into
//     sentences (an abbreviation's period, "incl.", ends none); the ones
//     that ask, or that state a problem the FAQ knows ("I can't sign in.
//     What now?"), count fully, the others (context) for contextWeight; an
//     out-of-scope or handoff intent counts only what the asking sentences
//     say ("I'm job hunting. What will my address be?" is not about jobs);
//     names in context are not the subject, unless the asking sentences
//     name none ("My Zoho inbox is full. How much storage do I get?").
//   - Correct and fold: a catalogue word split by a space is joined ("pass
//     word"); an unknown English word is replaced by a catalogue word one
//     edit away ("passwrod"), but a word of the language ("word", "exit")
//     is never corrected; synonym groups fold spellings together, with
//     their inflections ("signing in", "passwords").
//   - Terms: Japanese as character bigrams plus single kanji, English as
//     stemmed words; function words weigh little and negations double ("how
//     do I sign in" against "I cannot sign in"). Each term is weighted by
//     its IDF over intents, discounted when few examples use it; terms no
//     intent knows weigh against every match.
//   - Score: the cosine with the intent's closest example (exampleShare)
//     and with its examples pooled, plus keywordBonus for a keyword (an
//     intent whose keyword the question has is a candidate even when none
//     of its examples' terms is), in [0, 1] whatever the question's length.
//   - Subject: names (a Latin word in no dictionary, such as "Spotify", or
//     a katakana word the Japanese dictionary knows only as a firm's or
//     product's name, such as ソフトバンク), katakana words and kanji
//     compounds the catalogue never writes make candidates doubtful and
//     lower their scores, unless the question names the service itself
//     (the settings' about); a person's name ("Yui Takahashi",
//     "Tanaka-san"), a proper noun after a preposition ("in June",
//     "to Brazil"), a month or weekday ("last March"), where mail is
//     forwarded to ("to my Fastmail account"), an e-mail address and what
//     a message writes in parentheses are context, not a subject.
//     Ordinary words of Japanese are no names: a katakana word the
//     dictionary lists as an ordinary noun (ミス, カード) weighs as an
//     unknown kanji compound, a kanji word that says when or how (昨日,
//     普通) not at all.
//   - Confidence (see confidence.go): one logistic model weighs all the
//     evidence (the scores, the runner-up's closeness, naive Bayes'
//     agreement, a classifier's probability (classifier.go) for the best,
//     the runner-up and the out-of-scope intents, keywords, the subject,
//     words no intent uses, the best out-of-scope score, context, the
//     closest example's cosine) into the chance that the best intent is
//     right; naive Bayes' agreement counts only when the subject is not in
//     doubt, the classifier's out-of-scope belief only when the question
//     does not name the service. Its weights and thresholds are fitted by
//     cross-validation over the leave-one-out examples and the query files
//     together, never on what is reported (evaluate.FitConfidence).
//   - Decide (Decide): a handoff phrase (heard in kana and without its
//     particles too), a handoff or out-of-scope intent on top, or a top
//     score under the floor escalates; then the confidence answers at
//     sure (never a candidate in doubt), asks back at ask and escalates
//     below; but when the two best are related intents that score close,
//     a second model's chance that one of them is right answers with
//     both at pair (see Pair). Without a confidence
//     model the score rules decide: answer at the answer threshold with the
//     margin over the runner-up, naive Bayes settling close calls.
//
// What was kept, measured 5-fold cross-validated (dev-queries-3, the
// chat-style set: correct, wrong, off-topic not answered): the score rules
// 69.3%, 1.0%, 87.8%; the confidence 69.8%, 1.5%, 93.3%; with katakana
// names 69.8%, 1.5%, 94.4%; with romaji particles and readings in katakana
// 70.9%, 1.5%, 95.6%; with a lone kanji read as a word (人 ひと) 70.9%,
// 2.0%, 95.6% and 21 of 21 requests for a person heard. Then: out-of-scope
// intents scored on the asking sentences 71.9%, 1.5%, 93.3%; a question
// without a subject takes its context's 71.9%, 2.5%, 96.7% (off-topic
// +3.4 points, it costs a wrong answer); the closest example as evidence,
// doubt never answered outright, a Latin word in Japanese text a name,
// split words joined, keyword-only candidates 72.4%, 2.5%, 95.6% (and
// dev-queries-2 85.0% → 87.0%, 1.0%, 95.0% → 98.3%); 156 examples written
// from the seeds' facts (intents/) 77.9%, 2.5%, 95.6%; abbreviations 78.9%,
// 2.5%, 95.6%; "when" a word (askingWhen) 78.4%, 2.0%, 95.6% (leave-one-out
// 87.9%, 1.7%, 93.8%; dev-queries-2 87.0%, 2.0%, 98.3%); with one example
// reworded, which moves the folds, 77.9%, 2.0%, 97.8% (leave-one-out 87.8%,
// 1.9%, 92.2%; dev-queries-2 87.0%, 3.0%, 98.3%): a question or two is the
// noise of these figures. Fitted without dev-queries-3 and measured on it:
// 77.4%, 3.0%, 96.7%. A runner-up that the answer itself offers as a
// related question (one tap away) weighed apart from an unrelated one
// (related_runner_up): 80.9%, 2.5%, 96.7% (leave-one-out 89.4%, 2.2%,
// 92.2%; dev-queries-2 89.0%, 3.0%, 98.3%); the fit weighs it at half the
// unrelated runner-up's weight. The folds then stopped depending on the
// directory a query file is named from, which moves them: the same
// matcher reads 80.4%, 2.5%, 95.6% (leave-one-out 89.4%, 1.8%, 92.2%;
// dev-queries-2 88.0%, 2.0%, 98.3%). Then: months and weekdays no subject
// 80.9%, 2.5%, 95.6%; ordinary katakana words no names 81.9%, 2.5%, 94.4%
// (leave-one-out 90.2%, 2.1%); kanji words of when and how no subject
// 81.9%, 2.5%, 95.6%; asides no subject 82.4%, 2.5%, 95.6%; a greeting's
// title no example 82.4%, 2.5%, 95.6% (dev-queries 84.6% → 88.5%;
// leave-one-out 89.5%, 1.9%, 92.2%); 208 chat-style examples written from
// the seeds (context first, casual Japanese, short English; intents/)
// 83.4%, 1.0%, 95.6% (dev-queries-2 87.0%, 2.0%, 96.7%; leave-one-out,
// now 1,351 harder examples, 86.4%, 2.0%, 93.0%); with the ten that read
// closest to development questions reworded (the figures must not lean on
// near copies) 82.4%, 1.5%, 95.6% (dev-queries-2 88.0%, 2.0%, 96.7%;
// leave-one-out 84.5%, 1.7%, 92.2%). Fitted without dev-queries-3 and
// measured on it: 83.9%, 1.5%, 95.6%, 21 of 21. A classifier trained on
// the examples (logistic regression, which learns the terms that tell
// sibling intents apart) as evidence: 83.9%, 1.0%, 95.6% (leave-one-out
// 86.1%, 1.7%, 93.8%; dev-queries-2 88.0%, 2.0%, 95.0%; dev-queries 84.6%,
// a question of 26). 231 more chat-style examples (on behalf of others,
// context first with a vague question, hiragana, non-native English;
// other services in OUMail's words): 83.4%, 0.5%, 96.7%, 21 of 21
// (dev-queries 92.3%; dev-queries-2 88.0%, 3.0%, 96.7%; leave-one-out, now
// 1,562 examples, 83.8%, 1.5%, 91.3%); with the classifier the confidence
// now gains from a lower floor, 0.12: 83.9%, 0.5%, 97.8% (dev-queries-2
// 89.0%, 2.0%, 96.7%; leave-one-out 83.8%, 1.5%, 91.3%; 0.08 reads 85.4%
// on dev-queries-3 but off-topic −1.7 points on dev-queries-2 and −1.4 on
// leave-one-out). A sentence that states a problem the FAQ knows is part
// of the question, not context (problemAt): 84.4%, 0%, 97.8% (leave-one-out
// 83.7%, 1.2%, 91.9%; dev-queries-2 89.0%, 2.0%, 96.7%; dev-queries 88.5%,
// a question of 26 that the refitted thresholds now ask back). Two related
// answers where one of two sibling intents is surely right (Pair), counted
// correct only when one of them is: 89.4%, 0%, 96.7%, 6.5% of the
// questions answered with two (leave-one-out 87.0%, 1.2%, 90.6%;
// dev-queries-2 90.0%, 2.0%, 95.0%; dev-queries 92.3%); fitted without
// dev-queries-3 and measured on it, 88.9%, 0.5%, 96.7%, 21 of 21. Deciding
// pairs by the single confidence instead (the chance that the best is
// right) reads 86.9%, 0.5%, 95.6% and costs 4 points of off-topic
// leave-one-out examples: a close runner-up lowers that chance whether or
// not the question is ours. Then names of people (two romanised Japanese
// names side by side, or one with "-san": person.go) no subject: 89.9%,
// 0%, 96.7% (leave-one-out 87.1%; the other sets unchanged). Then, step
// by step (dev-queries-3; leave-one-out; dev-queries-2): what a
// contraction leaves ("I'm": "m") a function word 89.4%, 0%, 97.8%;
// 87.1%, 1.3%, 90.6%; 91.0%, 2.0%, 95.0%. The classifier's probability
// for the runner-up as evidence (runner_up_belief; dropped once at −1.5
// points, it now gains) 89.9%, 0%, 97.8%; 88.3%, 1.4%, 89.9%; 91.0%,
// 2.0%, 96.7%. Its probability for the out-of-scope intents together
// (out_of_scope_belief) 91.5%, 0%, 96.7%; 88.0%, 1.3%, 89.3%; 92.0%,
// 2.0%, 96.7%, but the shipped fit then asked back "OUMailのパスワードを
// 忘れました": the classifier reads the other services' examples, written
// in OUMail's words, in such a question; counted only when the question
// does not name the service, 90.5%, 0%, 96.7%; 87.2%, 1.4%, 90.6%; 90.0%,
// 2.0%, 96.7% (an address at an unknown domain left out of what is
// matched: no change). A synonym's inflections read as the synonym
// ("signing in" as サインイン; a phrasal verb's first word, a noun's
// plural; "mailing address" inflected as a verb cost 10 points of
// leave-one-out, a postal address read as an e-mail one): 91.0%, 0.5%,
// 96.7%; 88.5%, 1.4%, 90.6%; 91.0%, 2.0%, 96.7%. Where mail is forwarded
// to no subject: 91.5%, 0.5%, 96.7% (AUROC 0.974); 88.5%, 1.4%, 90.6%;
// 91.0%, 2.0%, 95.0% (one off-topic question asked back differently by the
// refitted folds). Fitted without dev-queries-3 and measured on it:
// 88.9%, 1.0%, 97.8%, 21 of 21 (before these steps 89.4%, 0.5%, 96.7%):
// the held-out figure did not move with the cross-validated one, so these
// steps are counted as a question or two, not as five.
//
// Tried and dropped by the same measure: Japanese function-word bigrams
// (IPAdic particles and auxiliaries) weighed down (dev-queries-3 73.4%,
// 1.0%: fewer wrong, 5 points fewer right), "who", "which", "why" out of
// the stop list too (a request for a person missed), a context weight that
// rises when the asking sentence says little, an absolute margin as
// evidence, readings pooled per intent (dev-queries-2 −2 points), the
// closest example's lead over the runner-up's as evidence, a larger
// exampleShare (0.45: leave-one-out −1.6 points), a lower floor before the
// classifier (0.12, 0.06: the confidence gained nothing below 0.18), a
// katakana word counted unknown unless made of whole catalogue words
// (off-topic −2 points as a compound, no change as a name), short
// lower-case words in no dictionary ("uni") read as chat shorthand rather
// than names, and SCOWL's larger
// word list, which does the same (dev-queries-3 81.4%, 3.0%: the question
// that loses its name is then answered wrongly), context weights 0.35 and
// 0.65 (no change), "smartphone" or "handai" first in their synonym
// groups (leave-one-out −0.4 and −0.7 points), the question's negation
// against the share of the best intent's examples that have one as
// evidence (a question either way on each set: dev-queries-3 wrong 1.0% →
// 1.5%, dev-queries-2 +1 right), the classifier's probability mixed
// into the scores (a fifth: leave-one-out +0.8 points but wrong 1.7% →
// 2.1%, dev-queries-3 −1.5 points; a tenth: no gain), as log-odds, 6 or 25
// training passes instead of 12, a faster rate (more wrong answers); the
// classifier's lead over its best other intent as evidence, its weights
// averaged over the last epochs, a milder penalty for a name the question
// takes from its context, the development sets weighed equal to the
// leave-one-out examples in fitting (each a question or two either way,
// or more right answers for as many more wrong ones). Not
// built: kanji firm names from IPAdic (its 2007 vocabulary reads 楽天 as a
// common noun).
//
// The thresholds and weights come from the settings, fitted by `madoguchi
// test --sweep`; `madoguchi ask --explain` prints each step for one
// question.
//
// An Index is immutable once built; build a new one to change the catalogue.
package match

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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
	// Measured: 1.5 → 80.0%, 2 → 81.0%, 3 → 79.4% leave-one-out.
	kindNegation: 2,
}

const (
	// exampleShare is how much of an intent's score comes from its single
	// closest example; the rest comes from all its examples pooled, which
	// rewards questions that mix the words of several examples.
	exampleShare = 0.3
	// keywordBonus is added to an intent whose keyword the question contains.
	keywordBonus = 0.25
	// unknownShare scales the weight of a term no intent uses. Such terms
	// pull the score down: a question about the cafeteria menu is not about
	// passwords just because it ends in "ですか".
	unknownShare = 0.6
	// evidenceSmoothing discounts terms seen in few examples: a word that
	// one example happens to use is weak evidence for its intent.
	evidenceSmoothing = 2
	// minIDF skips terms almost every intent uses: they move no score.
	minIDF = 0.02
	// rerankAt is the most intents scored exhaustively. A larger catalogue
	// is scored in two passes: every intent by its pooled examples, then
	// the rerankDepth best of those by their single closest example too,
	// which reads a fraction of the postings (10,000 intents: see
	// BenchmarkMatch10k). A catalogue of rerankDepth intents or fewer is
	// scored the same either way.
	rerankAt    = 500
	rerankDepth = 32
)

// termWeight is one term of a document with its weight there.
type termWeight struct {
	term int32
	w    float32
}

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
	// For a catalogue of more than rerankAt intents (see score): the
	// postings of the pooled documents alone, each example's terms, and
	// each intent's example documents.
	poolPost   [][]posting
	docTerms   [][]termWeight
	intentDocs [][]int32
	docText    []string // the example or title a document was made from
	speller    *speller
	bayes      bayes             // the second opinion on close calls
	classifier classifier        // the third opinion (none for a large catalogue)
	keywords   [][]phrase        // normalised keywords per intent
	outOfScope []bool            // per intent: a topic handled elsewhere (kept apart for speed)
	handoff    []phrase          // normalised handoff phrases
	about      []phrase          // normalised names of the service itself
	forget     []phrase          // canonical forget-me phrases (Settings.Record)
	unknown    float32           // query weight of a term no intent uses
	synonyms   *strings.Replacer // rewrites each synonym to its group's first word
	subjects   *subjects         // what the catalogue knows of salient words
	thr        catalogue.Thresholds
	scratch    sync.Pool
}

// Catalogue returns the catalogue the index was built from.
func (x *Index) Catalogue() *catalogue.Catalogue { return x.cat }

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
	for _, g := range cat.Settings.Synonyms {
		for _, w := range g {
			x.speller.add(textnorm.Normalize(w))
		}
	}
	b := builder{x: x}
	for i, in := range cat.Intents {
		b.addIntent(int32(i), in)
	}
	for _, p := range cat.Settings.About {
		if n := b.learn(p); n != "" {
			x.about = append(x.about, newPhrase(n))
		}
	}
	for _, p := range cat.Settings.HandoffPhrases {
		n := b.learn(p)
		if n == "" {
			continue
		}
		// Chat drops particles ("人間呼んで" for 人間を呼んで).
		variants := []string{n}
		if d := dropParticles(n); d != n {
			variants = append(variants, d)
		}
		for _, v := range variants {
			x.handoff = append(x.handoff, newPhrase(v))
			// Heard in kana and romaji too: "にんげんよんで".
			if r, ok := readingOf(v); ok {
				x.handoff = append(x.handoff, newPhrase(r))
			}
		}
	}
	// Canonical once here, not for every message: each one is looked for.
	for _, p := range cat.Settings.Record.WithDefaults().ForgetPhrases {
		if n := x.Canonical(p); n != "" {
			x.forget = append(x.forget, newPhrase(n))
		}
	}

	// BM25's IDF: near zero for a term every intent uses, high for a term
	// only one intent uses; discounted for terms seen in few examples.
	// Out-of-scope intents take no part in the document frequencies: a
	// topic the office handles elsewhere should not make the FAQ's own
	// words ("容量", "パスワード") count for less.
	n := 0.0
	for _, in := range cat.Intents {
		if !in.IsOutOfScope() {
			n++
		}
	}
	x.idf = make([]float32, len(x.text))
	for id, df := range b.intents {
		x.idf[id] = float32(math.Log(1+(n-float64(df)+0.5)/(float64(df)+0.5))) * evidence(b.examples[id])
	}
	x.unknown = float32(math.Log(1+(n-0.5)/1.5)) * unknownShare

	x.subjects = newSubjects(cat)
	x.bayes = newBayes(b.docs, len(cat.Intents), len(x.text))
	x.postings = make([][]posting, len(x.text))
	x.docs = make([]doc, len(b.docs))
	x.docText = make([]string, len(b.docs))
	rerank := len(cat.Intents) > rerankAt
	train := len(cat.Intents) <= classifierMaxIntents && len(cat.Intents)*len(x.text) <= classifierMaxWeights
	var trainDocs [][]termWeight
	var trainLabels []int32
	if rerank {
		x.poolPost = make([][]posting, len(x.text))
		x.docTerms = make([][]termWeight, len(b.docs))
		x.intentDocs = make([][]int32, len(cat.Intents))
	}
	for d, bd := range b.docs {
		var sq float64
		var v []termWeight // the example's vector for the classifier
		for _, e := range bd.tf {
			w := (1 + float32(math.Log(float64(e.n)))) * x.idf[e.term] * kindWeight[e.kind]
			sq += float64(w * w)
			x.postings[e.term] = append(x.postings[e.term], posting{int32(d), w})
			switch {
			case rerank && bd.pooled:
				x.poolPost[e.term] = append(x.poolPost[e.term], posting{int32(d), w})
			case rerank:
				x.docTerms[d] = append(x.docTerms[d], termWeight{e.term, w})
			case train && !bd.pooled:
				v = append(v, termWeight{e.term, w})
			}
		}
		if rerank && !bd.pooled {
			x.intentDocs[bd.intent] = append(x.intentDocs[bd.intent], int32(d))
		}
		x.docs[d] = doc{intent: bd.intent, norm: float32(math.Sqrt(sq)), pooled: bd.pooled}
		if v != nil && sq > 0 {
			n := float32(math.Sqrt(sq))
			for k := range v {
				v[k].w /= n
			}
			trainDocs = append(trainDocs, v)
			trainLabels = append(trainLabels, bd.intent)
		}
		x.docText[d] = bd.text
	}
	if train {
		x.classifier = trainClassifier(trainDocs, trainLabels, len(cat.Intents), len(x.text))
	}
	x.scratch.New = func() any {
		return &scratch{
			dot:     make([]float32, len(x.docs)),
			touched: make([]int32, 0, len(x.docs)+1),
			best:    make([]float32, len(cat.Intents)),
			pool:    make([]float32, len(cat.Intents)),
			asked:   make([]float32, len(cat.Intents)),
			loglik:  make([]float64, len(cat.Intents)),
			belief:  make([]float32, len(cat.Intents)),
			queryAt: map[int32]int{},
			weight:  make([]float32, len(x.text)),
		}
	}
	return x
}

// tf is a term's frequency in a document.
type tf struct {
	term int32
	n    float32
	kind termKind
}

// builderDoc is a document before weighting.
type builderDoc struct {
	intent int32
	pooled bool
	text   string // the example or title; "" for a pooled document
	tf     []tf   // sorted by term, so that weights sum in a fixed order
}

// builder gathers documents and term statistics while an Index is built.
// Each text is normalised once: its terms feed its own document and its
// intent's pooled one.
type builder struct {
	x        *Index
	docs     []builderDoc
	intents  []int32       // per term: how many intents use it
	examples []int32       // per term: how many examples use it
	last     []int32       // per term: the last intent (+1) counted in intents
	pool     map[int32]int // term → index in the pooled document being built
}

// learn normalises admin-written text (teaching the speller its words) and
// applies the synonyms. Catalogue text is never spell-corrected.
func (b *builder) learn(text string) string {
	n := textnorm.Normalize(text)
	b.x.speller.add(n)
	return b.x.withSynonyms(n)
}

func (b *builder) addIntent(i int32, in *catalogue.Intent) {
	if b.pool == nil {
		b.pool = map[int32]int{}
	}
	clear(b.pool)
	pooled := builderDoc{intent: i, pooled: true}
	texts := in.Examples.All()
	if !in.IsSmallTalk() {
		// An FAQ's title is one more way to ask; a greeting's is a menu
		// label ("できること"), which questions ("…ことはできる？") echo
		// without asking for the menu.
		texts = append(texts, in.Title.JA, in.Title.EN)
	}
	for _, text := range texts {
		for _, e := range b.addDoc(i, text).tf {
			if j, ok := b.pool[e.term]; ok {
				pooled.tf[j].n += e.n
				continue
			}
			b.pool[e.term] = len(pooled.tf)
			pooled.tf = append(pooled.tf, e)
		}
	}
	sort.Slice(pooled.tf, func(a, c int) bool { return pooled.tf[a].term < pooled.tf[c].term })
	b.docs = append(b.docs, pooled)
	// How each Japanese example reads, for questions typed in kana or
	// romaji: a document of its own, outside the pooled one.
	for _, text := range texts {
		if r, ok := readingOf(textnorm.Normalize(text)); ok {
			b.addReading(i, r)
		}
	}

	kws := make([]phrase, 0, len(in.Keywords))
	for _, k := range in.Keywords {
		if n := b.learn(k); n != "" {
			kws = append(kws, newPhrase(n))
		}
	}
	b.x.keywords = append(b.x.keywords, kws)
	b.x.outOfScope = append(b.x.outOfScope, in.IsOutOfScope())
}

// addDoc adds the document of one example or title of intent i.
func (b *builder) addDoc(i int32, text string) builderDoc { return b.add(i, text, false) }

// addReading adds the document of an example's reading (see readingOf).
// It is the same example again, so it is no new evidence for the terms
// the examples already use: only terms of its own (the kana of words
// written in kanji) count it in their statistics.
func (b *builder) addReading(i int32, text string) { b.add(i, text, true) }

func (b *builder) add(i int32, text string, reading bool) builderDoc {
	d := builderDoc{intent: i, text: text}
	eachTerm(b.learn(text), func(term string, kind termKind) {
		id := b.x.termID(term, kind)
		if int(id) == len(b.intents) {
			b.intents = append(b.intents, 0)
			b.examples = append(b.examples, 0)
			b.last = append(b.last, 0)
		}
		if b.last[id] != i+1 {
			b.last[id] = i + 1
			if !b.x.cat.Intents[i].IsOutOfScope() {
				b.intents[id]++
			}
		}
		for j := range d.tf { // an example has few terms: a scan beats a map
			if d.tf[j].term == id {
				d.tf[j].n++
				return
			}
		}
		if !reading || b.examples[id] == 0 {
			b.examples[id]++
		}
		d.tf = append(d.tf, tf{id, 1, kind})
	})
	sort.Slice(d.tf, func(a, c int) bool { return d.tf[a].term < d.tf[c].term })
	b.docs = append(b.docs, d)
	return d
}

// synonymReplacer builds the rewriting of synonyms onto their group's first
// word. It works on text in the form spaced makes: Latin words are matched
// whole (" sign  in " but not "design in"), Japanese ones anywhere. Longer
// words come first so that they win over their own prefixes.
func synonymReplacer(groups [][]string) *strings.Replacer {
	type pair struct{ from, to string }
	var pairs []pair
	for _, g := range groups {
		canon := textnorm.Normalize(g[0])
		// The group's word maps to itself, so that a shorter variant inside
		// it ("めるまが" in "めるまがじん") is not rewritten.
		for _, v := range g {
			from := textnorm.Normalize(v)
			if from == "" {
				continue
			}
			if textnorm.HasJapanese(from) {
				pairs = append(pairs, pair{spaced(from), canon})
			} else {
				pairs = append(pairs, pair{" " + spaced(from) + " ", " " + canon + " "})
			}
		}
	}
	// The inflections of each Latin word ("signing in", "passwords"), after
	// the words as written, which win over them where the two meet.
	for _, g := range groups {
		canon := textnorm.Normalize(g[0])
		for _, v := range g {
			if from := textnorm.Normalize(v); from != "" && !textnorm.HasJapanese(from) {
				for _, f := range inflected(from) {
					pairs = append(pairs, pair{" " + spaced(f) + " ", " " + canon + " "})
				}
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

// inflected returns the inflections of a Latin synonym: a phrasal verb's
// first word ("logs in", "logged in", "logging in"), a noun's last word in
// the plural ("passwords", "email addresses"). A synonym written in its
// base form otherwise missed them, so "signing in" did not read as
// サインイン and met the Japanese examples in no term. Only a form that stems as the word
// does is kept (the stemmer is the judge of what is an inflection).
func inflected(phrase string) []string {
	words := strings.Fields(phrase)
	var out []string
	add := func(i int, forms []string) {
		for _, f := range forms {
			w := slices.Clone(words)
			w[i] = f
			out = append(out, strings.Join(w, " "))
		}
	}
	last := len(words) - 1
	if last > 0 && slices.Contains(verbParticles[:], words[last]) {
		add(0, wordForms(words[0], true)) // a phrasal verb: "log in"
	} else {
		add(last, wordForms(words[last], false)) // a noun: "password"
	}
	return out
}

// verbParticles end English phrasal verbs ("log in", "sign on"); a synonym
// of more words is otherwise a noun, whose first word is not inflected
// ("mail address" is no "mailing address", a postal one).
var verbParticles = [...]string{"in", "on", "into", "onto", "up", "out", "off"}

// wordForms returns the regular inflections of a lower-case English word
// that stem as the word does: the plural, and (verb) -ed and -ing, with a
// final e dropped, a final y turned to i and a final consonant doubled as
// English spells them.
func wordForms(w string, verb bool) []string {
	if len(w) < 2 || !isASCIIWord(w) {
		return nil
	}
	n := len(w)
	last := w[n-1]
	consonantY := last == 'y' && !isVowel(w[n-2])
	var cands []string
	switch {
	case consonantY:
		cands = append(cands, w[:n-1]+"ies")
	case strings.HasSuffix(w, "s") || strings.HasSuffix(w, "x") || strings.HasSuffix(w, "sh") || strings.HasSuffix(w, "ch"):
		cands = append(cands, w+"es")
	default:
		cands = append(cands, w+"s")
	}
	if verb {
		switch {
		case last == 'e':
			cands = append(cands, w+"d", w[:n-1]+"ing")
		case consonantY:
			cands = append(cands, w[:n-1]+"ied", w+"ing")
		case n >= 3 && !isVowel(last) && isVowel(w[n-2]) && !isVowel(w[n-3]) && !strings.ContainsRune("wxy", rune(last)):
			cands = append(cands, w+string(last)+"ed", w+string(last)+"ing")
		default:
			cands = append(cands, w+"ed", w+"ing")
		}
	}
	base := stem(w)
	var out []string
	for _, c := range cands {
		if stem(c) == base {
			out = append(out, c)
		}
	}
	return out
}

// isASCIIWord reports whether w is lower-case ASCII letters only.
func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// spaced puts a space between Latin and Japanese script and doubles the
// spaces between words, so that a Latin word next to Japanese ("outlookに")
// is whole and two synonyms side by side ("can t log in") each keep a space
// of their own to match against.
func spaced(s string) string {
	var b strings.Builder
	b.Grow(2 * len(s))
	prev := rune(0)
	for _, r := range s {
		if r == ' ' {
			b.WriteString("  ")
		} else {
			if prev != 0 && prev != ' ' && isJapanese(prev) != isJapanese(r) {
				b.WriteString("  ")
			}
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// normalize is textnorm.Normalize followed by spelling correction and the
// synonyms: the form in which a question is matched. fixed (when not nil)
// hears of each correction. The text is cut before and after every step
// that may lengthen it (see maxQueryBytes), at a character boundary.
func (x *Index) normalize(s string, fixed func(from, to string)) string {
	norm := truncate(textnorm.Normalize(truncate(s, maxInputBytes)), maxQueryBytes)
	return truncate(x.withSynonyms(x.speller.correct(x.speller.join(norm), fixed)), maxQueryBytes)
}

// withSynonyms rewrites each synonym in normalised text to its group's
// first word.
func (x *Index) withSynonyms(norm string) string {
	if norm == "" {
		return norm
	}
	return unspaced(x.synonyms.Replace(" " + spaced(norm) + " "))
}

// unspaced undoes spaced: single spaces between words, and none between
// Japanese characters, which a Latin synonym's Japanese word may have
// brought ("signinできない" reads "ログインできない").
func unspaced(s string) string {
	words := strings.Fields(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, w := range words {
		if i > 0 {
			last, _ := utf8.DecodeLastRuneInString(words[i-1])
			first, _ := utf8.DecodeRuneInString(w)
			if !isJapanese(last) || !isJapanese(first) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
	}
	return b.String()
}

// termID returns the id of a term, adding it to the vocabulary. English words
// are stemmed.
func (x *Index) termID(term string, kind termKind) int32 {
	if isWord(kind) {
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
func evidence(n int32) float32 { return float32(n) / (float32(n) + evidenceSmoothing) }

// particles are the case particles chat leaves out after a noun.
const caseParticles = "をとにがへ"

// dropParticles returns Japanese text without the case particles that
// follow a word in kanji or katakana ("人間を呼" → "人間呼").
func dropParticles(s string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range s {
		if strings.ContainsRune(caseParticles, r) && (unicode.Is(unicode.Han, prev) || unicode.Is(unicode.Katakana, prev)) {
			prev = r
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}
