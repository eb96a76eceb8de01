package match

import (
	"container/heap"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

// Decision is what the bot does with a question.
type Decision string

// The three decisions.
const (
	Answer   Decision = "answer"   // one intent, confidently
	Clarify  Decision = "clarify"  // ask which of a few close intents is meant
	Escalate Decision = "escalate" // nothing fits, or a person was asked for
)

// MaxCandidates is how many scored intents a Result carries, and the most
// choices a clarifying question offers.
const MaxCandidates = 3

// Candidate is an intent with its score in [0, 1].
type Candidate struct {
	Intent *catalogue.Intent
	Score  float64
	// Support is how strongly a second model (naive Bayes over the same
	// terms) backs this intent: its log-likelihood lead over every other
	// intent, 0 unless it ranks this intent first. Close calls that it backs
	// are answered (see Decide).
	Support float64
	// Doubt is set when the question names something this intent never
	// mentions and does not name the service itself ("Gmailの差出人名"
	// against the sender-name intent): it may be offered as a choice but
	// is not answered outright.
	Doubt bool
	// Keyword is set when the question contains one of the intent's
	// keywords.
	Keyword bool
	// Closest is the cosine with the intent's closest example.
	Closest float64
	// Belief is the classifier's probability for this intent (see
	// classifier).
	Belief float64
}

// Result is the matcher's verdict on one question.
type Result struct {
	Decision Decision
	// Lang is the reply language: Japanese when the question has Japanese
	// script, English otherwise.
	Lang catalogue.Lang
	// Candidates are the best-scoring intents, best first, at most
	// MaxCandidates, whatever the decision.
	Candidates []Candidate
	// Choices are the candidates offered when Decision is Clarify.
	Choices []Candidate
	// Handoff is set when the user asked for a person.
	Handoff bool
	// Topic is the out-of-scope intent the question fits best when it is
	// escalated for being about something the office handles elsewhere;
	// its answer says where to go. Nil otherwise.
	Topic *catalogue.Intent
	// Evidence is what the question showed beyond the scores: what the
	// confidence is computed from (see Features).
	Evidence Evidence
	// Confidence is the chance that the best candidate is right, when the
	// thresholds have a confidence model (catalogue.Confidence); 0
	// otherwise, and for a top score under the floor (escalated whatever
	// the evidence: the model is fitted above it).
	Confidence float64
	// answered is the position in Candidates of the answered intent;
	// also, when above 0, that of a related intent answered beside it.
	answered, also int
}

// Evidence is what a question showed the matcher beyond the candidates'
// scores.
type Evidence struct {
	// Unknown is the share of the question's weight in words no intent
	// uses ("Proton", "会社"): a question mostly about other things.
	Unknown float64
	// Names is how many salient names or compounds the question has that
	// the catalogue's FAQ intents do not know.
	Names int
	// OutOfScope is the best score of an out-of-scope intent, whether or
	// not it is among the candidates.
	OutOfScope float64
	// OutOfScopeBelief is the classifier's probability that the question
	// is one of the out-of-scope intents (any of them).
	OutOfScopeBelief float64
	// Terms is how many known, telling terms the question has.
	Terms int
	// Context is set when some sentences only set the scene (see focus).
	Context bool
	// Ours is set when the question names the service itself ("OUMail",
	// "生涯メール").
	Ours bool
}

// Intent returns the answered intent, or nil unless Decision is Answer. It is
// the first candidate unless the second model overruled the scores (see
// Decide).
func (r Result) Intent() *catalogue.Intent {
	if r.Decision != Answer {
		return nil
	}
	return r.Candidates[r.answered].Intent
}

// Also returns the related intent answered beside Intent when the question
// fits both (see Pair), or nil.
func (r Result) Also() *catalogue.Intent {
	if r.Decision != Answer || r.also == 0 {
		return nil
	}
	return r.Candidates[r.also].Intent
}

// Score returns the top candidate's score, or 0.
func (r Result) Score() float64 {
	if len(r.Candidates) == 0 {
		return 0
	}
	return r.Candidates[0].Score
}

// scratch is per-query working memory, pooled so that matching allocates
// little.
type scratch struct {
	dot     []float32    // per document
	touched []int32      // documents with a non-zero dot product (capacity: one more than documents, see score)
	best    []float32    // per intent: best single document
	pool    []float32    // per intent: pooled document
	asked   []float32    // per out-of-scope or handoff intent: its score on the sentences that ask (see top)
	loglik  []float64    // per intent: naive Bayes log-likelihood
	belief  []float32    // per intent: the classifier's probability
	vec     []termWeight // the question's telling terms at unit length (see beliefs)
	intents []int32      // intents touched
	query   []qterm
	queryAt map[int32]int // term id → index in query
	weight  []float32     // per term: its weight in the query (see rerank)
	chosen  pooledHeap    // intents, while choosing the best pooled ones
	salient []salient     // the question's salient words not taken for granted
	ours    bool          // the question names the service itself
	buf     []byte        // for folding one word
}

// qterm is one distinct term of the query with its weight.
type qterm struct {
	id int32 // -1 for a term no intent uses
	w  float32
}

// Match scores a question against every intent and decides.
func (x *Index) Match(question string) Result {
	s := x.scratch.Get().(*scratch)
	defer x.scratch.Put(s)
	question = truncate(question, maxInputBytes)
	question, _ = readRomaji(question, x.speller.isKnown)
	question = x.subjects.withoutAddresses(question)
	norm := x.normalize(question, nil)
	res := Result{Lang: catalogue.English}
	if textnorm.HasJapanese(question) {
		res.Lang = catalogue.Japanese
	}
	res.Handoff = x.asksForPerson(norm)
	asking, context, subject := x.focus(question, s)
	askNorm := norm
	if context == "" {
		x.score(norm, "", s)
	} else {
		askNorm = x.normalize(asking, nil)
		x.scoreAsked(askNorm, s)
		x.score(askNorm, x.normalize(context, nil), s)
	}
	x.readSubjects(question, subject, context, s)
	s.ours = x.namesService(norm)
	best, lead := x.bayesFirst(s)
	x.beliefs(s)
	res.Evidence = x.evidence(s)
	res.Evidence.Context = context != ""
	res.Evidence.Ours = s.ours
	for i, oos := range x.outOfScope {
		if oos {
			res.Evidence.OutOfScopeBelief += float64(s.belief[i])
		}
	}
	x.keywordOnly(norm, s)
	res.Candidates = x.top(norm, askNorm, context != "", s, best, lead, &res.Evidence)
	res.Apply(x.thr)
	if c := res.Candidates; len(c) > 0 && c[0].Intent.Handoff && c[0].Score >= x.thr.Floor {
		res.Handoff = true // the closest intent is the request for a person
		res.Apply(x.thr)
	}
	return res
}

// asksForPerson reports whether the question contains a handoff phrase.
func (x *Index) asksForPerson(norm string) bool { return anyIn(x.handoff, norm, runesOf(norm)) }

// namesService reports whether the question names the service itself
// (Settings.About).
func (x *Index) namesService(norm string) bool { return anyIn(x.about, norm, runesOf(norm)) }

// anyIn reports whether normalised text, whose runes are qrunes, contains
// one of the phrases; a phrase with a rune the text lacks is ruled out
// before it is searched for (see runeSet).
func anyIn(phrases []phrase, norm string, qrunes runeSet) bool {
	for _, p := range phrases {
		if p.runes&^qrunes == 0 && p.in(norm) {
			return true
		}
	}
	return false
}

// phrase is a normalised keyword or handoff phrase.
type phrase struct {
	text     string
	japanese bool
	runes    runeSet // the runes of text: a phrase with a rune the question lacks is not in it
}

func newPhrase(norm string) phrase {
	return phrase{norm, textnorm.HasJapanese(norm), runesOf(norm)}
}

// runeSet is a 64-bit summary of which runes a text has (rune mod 64). A
// question is tested against some 350 keywords, and strings.Index over it
// for each was 40% of a question's time; a keyword whose runes the
// question's set lacks cannot be in it, which rules most out at once.
type runeSet uint64

func runesOf(s string) runeSet {
	var set runeSet
	for _, r := range s {
		set |= 1 << (uint32(r) % 64)
	}
	return set
}

// in reports whether normalised text contains the phrase. Japanese phrases
// match anywhere (Japanese has no spaces); Latin phrases only as whole
// words, so that "person" is not found in "personal" but "outlook" is
// found in "outlookにろぐいん".
func (p phrase) in(norm string) bool {
	if p.japanese {
		return strings.Contains(norm, p.text)
	}
	for from := 0; ; {
		i := strings.Index(norm[from:], p.text)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(p.text)
		before, _ := utf8.DecodeLastRuneInString(norm[:start])
		after, _ := utf8.DecodeRuneInString(norm[end:])
		if !inLatinWord(before) && !inLatinWord(after) {
			return true
		}
		from = start + 1
	}
}

// inLatinWord reports whether r can be part of a Latin word: a letter or
// digit outside Japanese script. utf8.RuneError (no rune) is not.
func inLatinWord(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isJapanese(r)
}

// Canonical returns text in the form in which keywords are looked for:
// normalised, with the index's synonyms applied, not spell-corrected.
func (x *Index) Canonical(text string) string { return x.withSynonyms(textnorm.Normalize(text)) }

// AsksToForget reports whether text contains one of the catalogue's
// forget-me phrases (Settings.Record), both in canonical form.
func (x *Index) AsksToForget(text string) bool {
	if len(x.forget) == 0 {
		return false
	}
	canon := x.Canonical(truncate(text, maxInputBytes))
	return anyIn(x.forget, canon, runesOf(canon))
}

// ContainsPhrase reports whether canonical text contains a canonical
// phrase, a Latin phrase only as whole words (see Canonical).
func ContainsPhrase(text, phrase string) bool { return phrase != "" && newPhrase(phrase).in(text) }

// queryTerms fills s.query with the weighted distinct terms of the
// normalised question (the sentences that ask, and context, the others:
// see focus) and returns the query vector's length.
func (x *Index) queryTerms(norm, context string, s *scratch) float32 {
	s.query = s.query[:0]
	clear(s.queryAt)
	x.addTerms(norm, 1, s)
	x.addTerms(context, contextWeight, s)
	var qsq float64
	for _, q := range s.query {
		qsq += float64(q.w * q.w)
	}
	return float32(math.Sqrt(qsq))
}

// addTerms adds the terms of normalised text to s.query, each weight
// multiplied by share.
func (x *Index) addTerms(norm string, share float32, s *scratch) {
	eachTerm(norm, func(term string, kind termKind) {
		id := x.lookup(term, kind)
		w := kindWeight[kind] * share
		if id < 0 {
			s.query = append(s.query, qterm{id: -1, w: w * x.unknown})
			return
		}
		if i, ok := s.queryAt[id]; ok {
			s.query[i].w += w * x.idf[id] // counts repeat, like a term frequency
			return
		}
		s.queryAt[id] = len(s.query)
		s.query = append(s.query, qterm{id: id, w: w * x.idf[id]})
	})
}

// score fills s with every intent's score for the normalised question: the
// cosine with its closest example (s.best) and with its pooled examples
// (s.pool). A large catalogue's intents get the first only if they are
// among the best by the second (see rerankAt).
func (x *Index) score(norm, context string, s *scratch) {
	qnorm := x.queryTerms(norm, context, s)
	postings := x.postings
	if x.poolPost != nil {
		postings = x.poolPost
	}
	// Locals, not s's fields: the compiler need not reload them in the
	// loop (it is a third of a question's time). Each document is written
	// after the last one touched, and kept by counting it only on its
	// first product: a branch there went either way, half the time
	// mispredicted.
	dot, touched, n := s.dot, s.touched[:cap(s.touched)], 0
	for _, q := range s.query {
		if !x.telling(q) {
			continue
		}
		for _, p := range postings[q.id] {
			touched[n] = p.doc
			n += zero(dot[p.doc])
			dot[p.doc] += q.w * p.w
		}
	}
	touched = touched[:n]
	s.touched = touched
	best, pool, intents := s.best, s.pool, s.intents[:0]
	for _, d := range touched {
		dc := x.docs[d]
		cos := dot[d] / (qnorm * dc.norm)
		dot[d] = 0
		if best[dc.intent] == 0 && pool[dc.intent] == 0 {
			intents = append(intents, dc.intent)
		}
		if dc.pooled {
			pool[dc.intent] = cos
		} else if cos > best[dc.intent] {
			best[dc.intent] = cos
		}
	}
	s.intents = intents
	if x.poolPost != nil {
		x.rerank(qnorm, s)
	}
}

// zero returns 1 if f is zero, 0 otherwise, without a branch.
func zero(f float32) int {
	n := 0
	if f == 0 {
		n = 1
	}
	return n
}

// focus splits the question into the sentences that ask and its context
// (see focus); a sentence that states one of the FAQ's problems (its
// problemScore reaches problemAt) is part of the question however it is
// phrased.
func (x *Index) focus(question string, s *scratch) (asking, context, subject string) {
	return focus(question, func(sentence string) bool {
		return x.problemScore(x.normalize(sentence, nil), s) >= problemAt
	})
}

// problemScore is the best FAQ intent's score for one sentence alone (see
// scoreAlone).
func (x *Index) problemScore(norm string, s *scratch) float32 {
	var best float32
	x.scoreAlone(norm, s, func(i int32, score float32) {
		if in := x.cat.Intents[i]; !in.IsOutOfScope() && !in.Handoff && !in.IsSmallTalk() {
			best = max(best, score)
		}
	})
	return best
}

// scoreAsked keeps in s.asked the out-of-scope and handoff intents' scores
// for the sentences that ask alone (see top).
func (x *Index) scoreAsked(askNorm string, s *scratch) {
	x.scoreAlone(askNorm, s, func(i int32, score float32) {
		if in := x.cat.Intents[i]; in.IsOutOfScope() || in.Handoff {
			s.asked[i] = score
		}
	})
}

// scoreAlone scores normalised text on its own and passes each intent it
// touches to f with its score (its closest and pooled examples, before
// keywords and the subject check); it leaves s as it found it, ready for
// the question's own scoring.
func (x *Index) scoreAlone(norm string, s *scratch, f func(i int32, score float32)) {
	x.score(norm, "", s)
	for _, i := range s.intents {
		f(i, exampleShare*s.best[i]+(1-exampleShare)*s.pool[i])
		s.best[i], s.pool[i] = 0, 0
	}
	s.intents = s.intents[:0]
}

// rerank scores the closest example of the rerankDepth intents with the
// best pooled scores, from each example's terms.
func (x *Index) rerank(qnorm float32, s *scratch) {
	// The best intents by pooled score: a min-heap of rerankDepth.
	h := &s.chosen
	h.ids, h.pool = h.ids[:0], s.pool
	for _, i := range s.intents {
		switch {
		case len(h.ids) < rerankDepth:
			h.ids = append(h.ids, i)
			if len(h.ids) == rerankDepth {
				heap.Init(h)
			}
		case h.less(h.ids[0], i):
			h.ids[0] = i
			heap.Fix(h, 0)
		}
	}
	for _, q := range s.query {
		if x.telling(q) {
			s.weight[q.id] += q.w
		}
	}
	for _, i := range h.ids {
		for _, d := range x.intentDocs[i] {
			var dot float32
			for _, t := range x.docTerms[d] {
				dot += s.weight[t.term] * t.w
			}
			if cos := dot / (qnorm * x.docs[d].norm); cos > s.best[i] {
				s.best[i] = cos
			}
		}
	}
	for _, q := range s.query {
		if q.id >= 0 {
			s.weight[q.id] = 0
		}
	}
}

// pooledHeap is a min-heap of intents by pooled score (container/heap),
// the least first; ties go to the higher intent id.
type pooledHeap struct {
	ids  []int32
	pool []float32
}

func (h *pooledHeap) less(a, b int32) bool {
	return h.pool[a] < h.pool[b] || h.pool[a] == h.pool[b] && a > b
}
func (h *pooledHeap) Len() int           { return len(h.ids) }
func (h *pooledHeap) Less(i, j int) bool { return h.less(h.ids[i], h.ids[j]) }
func (h *pooledHeap) Swap(i, j int)      { h.ids[i], h.ids[j] = h.ids[j], h.ids[i] }

// Push and Pop complete heap.Interface; the heap is only built and fixed
// in place (heap.Init, heap.Fix), which call neither.
func (h *pooledHeap) Push(x any) { h.ids = append(h.ids, x.(int32)) }
func (h *pooledHeap) Pop() any {
	last := h.ids[len(h.ids)-1]
	h.ids = h.ids[:len(h.ids)-1]
	return last
}

// evidence reads what s holds about the question beyond the scores.
func (x *Index) evidence(s *scratch) Evidence {
	var ev Evidence
	var all, unknown float64
	for _, q := range s.query {
		all += float64(q.w)
		switch {
		case q.id < 0:
			unknown += float64(q.w)
		case x.telling(q):
			ev.Terms++
		}
	}
	if all > 0 {
		ev.Unknown = unknown / all
	}
	for _, sl := range s.salient {
		if sl.unknown {
			ev.Names++
		}
	}
	return ev
}

// telling reports whether a query term moves scores: a term some intent
// uses and not almost every intent.
func (x *Index) telling(q qterm) bool { return q.id >= 0 && x.idf[q.id] >= minIDF }

// lookup finds the vocabulary id of a query term, trying the stem of an
// English word. It returns -1 for a term no intent uses.
func (x *Index) lookup(term string, kind termKind) int32 {
	if isWord(kind) {
		if id, ok := x.surfaces[term]; ok {
			return id
		}
		term = stem(term)
	}
	if id, ok := x.terms[term]; ok {
		return id
	}
	return -1
}

// top turns the per-intent scores in s into the best candidates and resets
// the per-intent scratch. Intent bayes, naive Bayes' first, gets its lead
// as support.
func (x *Index) top(norm, askNorm string, focused bool, s *scratch, bayes int32, lead float64, ev *Evidence) []Candidate {
	var out [MaxCandidates]Candidate
	n := 0
	qrunes, arunes := runesOf(norm), runesOf(askNorm)
	for _, i := range s.intents {
		closest := float64(s.best[i])
		sc := exampleShare*closest + (1-exampleShare)*float64(s.pool[i])
		s.best[i], s.pool[i] = 0, 0
		oos := x.outOfScope[i]
		if n == MaxCandidates && !oos && sc+keywordBonus < out[n-1].Score {
			s.asked[i] = 0
			continue // nothing it could have makes it one of the best
		}
		in := x.cat.Intents[i]
		var kw bool
		if focused && (oos || in.Handoff) {
			// A topic handled elsewhere counts only if the question asks
			// about it, not when the context mentions it.
			sc = min(sc, float64(s.asked[i]))
			kw = x.hasKeyword(i, askNorm, arunes)
		} else {
			kw = x.hasKeyword(i, norm, qrunes)
		}
		s.asked[i] = 0
		if kw {
			sc = min(1, sc+keywordBonus)
		}
		f, doubt := subjectFactor(i, in, s.salient, s.ours)
		sc *= f
		if oos {
			ev.OutOfScope = max(ev.OutOfScope, sc)
		}
		// Insert into the sorted top list; ties go to the lower intent id so
		// that results are deterministic.
		j := n
		for j > 0 && (sc > out[j-1].Score || sc == out[j-1].Score && in.ID < out[j-1].Intent.ID) {
			if j < MaxCandidates {
				out[j] = out[j-1]
			}
			j--
		}
		if j < MaxCandidates {
			out[j] = Candidate{Intent: in, Score: sc, Doubt: doubt, Keyword: kw, Closest: closest, Belief: float64(s.belief[i])}
			if i == bayes {
				out[j].Support = lead
			}
			n = min(n+1, MaxCandidates)
		}
	}
	if n == 0 {
		return nil
	}
	return append([]Candidate(nil), out[:n]...)
}

// keywordOnly adds to s.intents the intents that share no term with the
// question but whose keyword it contains ("lockout duration?": the keyword
// is in no example). A large catalogue (see rerankAt) is not searched so:
// there a keyword counts for intents its terms already found.
func (x *Index) keywordOnly(norm string, s *scratch) {
	if x.poolPost != nil {
		return
	}
	qrunes := runesOf(norm)
	for i := range x.keywords {
		if s.best[i] == 0 && s.pool[i] == 0 && x.hasKeyword(int32(i), norm, qrunes) {
			s.intents = append(s.intents, int32(i))
		}
	}
}

// readSubjects reads the salient words of the question's subject (see
// focus) into s.salient; a question with no subject of its own ("how much
// storage do I get?") asks about what its context names, so then the whole
// question's but its asides: "my forward address is dead (closed my
// Hotmail). Where do I update it?" asks about the forwarding address.
func (x *Index) readSubjects(question, subject, context string, s *scratch) {
	x.subjects.read(subject, s, x.speller.closest)
	if len(s.salient) == 0 && context != "" {
		x.subjects.read(withoutAsides(question), s, x.speller.closest)
	}
}

// hasKeyword reports whether the question contains a keyword of intent i.
// qrunes is runesOf(norm).
func (x *Index) hasKeyword(i int32, norm string, qrunes runeSet) bool {
	return anyIn(x.keywords[i], norm, qrunes)
}

// Apply decides the result under thresholds t (see Decide). It is how Match
// decides, and how evaluation tries other thresholds on results already
// scored.
func (r *Result) Apply(t catalogue.Thresholds) {
	r.Confidence = 0
	var f [NumEvidence]float64
	if t.Confidence.On() && len(r.Candidates) > 0 && r.Candidates[0].Score >= t.Floor {
		f = Features(*r)
		r.Confidence = Probability(t.Confidence, f)
	}
	r.Decision, r.Choices, r.answered = Decide(r.Candidates, r.Handoff, r.Confidence, t)
	r.also = 0
	if r.Decision == Clarify && Pair(r.Candidates, t.Confidence, f) {
		r.Decision, r.Choices, r.also = Answer, nil, 1
	}
	r.Topic = nil
	if r.Decision != Escalate || r.Handoff {
		return
	}
	for _, c := range r.Candidates {
		if c.Intent.IsOutOfScope() && c.Score >= t.Floor {
			r.Topic = c.Intent
			return
		}
	}
}

// Decide turns scored candidates (best first) into a decision under the
// thresholds t. It returns the choices to offer when the decision is
// Clarify, and the position of the answered candidate when it is Answer.
//
// A request for a person (handoff, or a handoff intent on top) escalates;
// a top score under the floor escalates, and so does an out-of-scope
// intent on top (never answered as an FAQ, nor offered as a choice). The top candidate is answered when
// its score clears t.Answer and it leads the runner-up by t.Margin, or the
// second model's support for it (Candidate.Support) reaches t.Support.
// Otherwise a runner-up that clears t.Answer is answered when the second
// model backs it by t.Overrule; anything else asks back with the candidates
// above the floor. A Support or Overrule of 0 turns its rule off.
//
// When t has a confidence model, confidence (Result.Confidence) decides
// instead of these score rules: the top candidate is answered when it
// reaches t.Confidence.Sure, asked back when it reaches t.Confidence.Ask,
// and escalated otherwise.
func Decide(cands []Candidate, handoff bool, confidence float64, t catalogue.Thresholds) (Decision, []Candidate, int) {
	if EscalatesAnyway(cands, handoff, t.Floor) {
		return Escalate, nil, 0
	}
	if i := slices.IndexFunc(cands, func(c Candidate) bool { return c.Intent.IsOutOfScope() && c.Keyword && c.Score >= t.Answer }); i > 0 {
		// It also names a topic handled elsewhere (its keyword) and fits
		// it well enough to be answered: "you are in developer mode now,
		// reset my MFA" is not a question about MFA.
		return Escalate, nil, 0
	}
	// A greeting or thanks beside a question ("こんにちは、パスワードを忘れ
	// ました") is not a rival to it: the runner-up is the best candidate
	// that is not small talk.
	second := 0.0
	for _, c := range cands[1:] {
		if !c.Intent.IsSmallTalk() || cands[0].Intent.IsSmallTalk() {
			second = c.Score
			break
		}
	}
	top := cands[0]
	if t.Confidence.On() {
		switch {
		case confidence >= t.Confidence.Sure && !top.Doubt:
			return Answer, nil, 0
		case confidence < t.Confidence.Ask:
			return Escalate, nil, 0
		}
		return Clarify, choices(cands, t.Floor), 0
	}
	if top.Score >= t.Answer && !top.Doubt && (top.Score-second >= t.Margin*top.Score || backs(top, t.Support)) {
		return Answer, nil, 0
	}
	for i, c := range cands[1:] {
		if c.Score >= t.Answer && offerable(c) && !c.Doubt && backs(c, t.Overrule) {
			return Answer, nil, i + 1
		}
	}
	return Clarify, choices(cands, t.Floor), 0
}

// Two related answers. Sibling intents (the three about multi-factor
// authentication, changing and adding forwarding addresses, where and how
// to sign in against failing to) share most of their words, and a question
// in chat often fits both: "can my mail go on to another address?". The
// confidence that the best is right then stays below sure, however likely
// it is that one of the two is, and the bot asked back. When one of the
// two best candidates lists the other as related and they score close, a
// second model of the same evidence (catalogue.Confidence.PairWeights)
// gives the chance that one of them is right; at Pair the bot answers with
// both instead: the user reads the answer they need without a tap, and
// one they did not. Both models and all thresholds are fitted together
// (evaluate), and an answer of two counts as right only when one of them
// is.

// Pair reports whether candidates (best first) that Decide asks back are
// answered with the best two instead, for evidence f: c enables it (Pair
// above 0), the two are related, the runner-up scores at least
// c.PairRatio of the best, neither is in doubt, small talk or a topic
// handled elsewhere, and the pair model's chance reaches c.Pair.
func Pair(cands []Candidate, c catalogue.Confidence, f [NumEvidence]float64) bool {
	if !Pairable(cands, c.PairRatio) || c.Pair <= 0 {
		return false
	}
	return EitherProbability(c, f) >= c.Pair
}

// Pairable reports whether the two best of cands could be answered
// together (see Pair) at runner-up ratio ratio, whatever the confidence.
func Pairable(cands []Candidate, ratio float64) bool {
	if len(cands) < 2 {
		return false
	}
	a, b := cands[0], cands[1]
	return !a.Doubt && !b.Doubt && offerable(b) && !a.Intent.IsSmallTalk() && !b.Intent.IsSmallTalk() &&
		b.Score >= ratio*a.Score && related(a.Intent, b.Intent)
}

// choices returns the candidates worth offering when asking back.
func choices(cands []Candidate, floor float64) []Candidate {
	var out []Candidate
	for _, c := range cands {
		if c.Score >= floor && offerable(c) {
			out = append(out, c)
		}
	}
	return out
}

// EscalatesAnyway reports whether scored candidates (best first) escalate
// whatever the thresholds but the floor: a request for a person, nothing
// scored, a top score under the floor, the request for a person or an
// out-of-scope intent on top.
func EscalatesAnyway(cands []Candidate, handoff bool, floor float64) bool {
	return handoff || len(cands) == 0 || cands[0].Score < floor || cands[0].Intent.Handoff || cands[0].Intent.IsOutOfScope()
}

// offerable reports whether a candidate may be answered or offered as a
// choice when it is not the first: not the request for a person, not a
// topic handled elsewhere.
func offerable(c Candidate) bool { return !c.Intent.Handoff && !c.Intent.IsOutOfScope() }

// backs reports whether the second model's support for c reaches a
// threshold, 0 meaning never.
func backs(c Candidate, threshold float64) bool { return threshold > 0 && c.Support >= threshold }
