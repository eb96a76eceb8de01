package match

// Explanation shows how the matcher saw a question, for admins tuning
// examples (`madoguchi ask --explain`).
type Explanation struct {
	// Read is the question as the matcher read it: romaji sentences in
	// kana (see readRomaji).
	Read string
	// Asking are the sentences that ask, and Context the others, which
	// count for less (see focus); Context is "" when the whole message
	// asks.
	Asking, Context string
	// KnownNames are names in the question that some intents mention.
	KnownNames []string
	Normalized string
	// Corrections lists misspelt words and what they were read as.
	Corrections [][2]string
	Terms       []ExplainedTerm
	// UnknownSubjects are the question's salient words (names, katakana
	// loanwords, kanji compounds) that no FAQ intent uses.
	UnknownSubjects []string
	Candidates      []ExplainedCandidate
	Result          Result
}

// ExplainedTerm is one term of the question.
type ExplainedTerm struct {
	Text    string
	Weight  float64
	Unknown bool // no intent uses it
}

// ExplainedCandidate breaks down a candidate's score.
type ExplainedCandidate struct {
	Intent      string
	Score       float64
	Support     float64 // from the second model (see Candidate.Support)
	Belief      float64 // from the third (see Candidate.Belief)
	Best        float64 // similarity to the closest single example
	BestExample string
	Pooled      float64 // similarity to all examples together
	Keyword     bool
	Matched     []string // the question's terms this intent uses
	// Foreign are names in the question that other intents use but this
	// one never mentions; with UnknownSubjects they lower its score by
	// SubjectFactor.
	Foreign       []string
	SubjectFactor float64
}

// Explain matches a question and shows why it scored as it did.
func (x *Index) Explain(question string) Explanation {
	res := x.Match(question)
	var corrections [][2]string
	question, _ = readRomaji(truncate(question, maxInputBytes), x.speller.isKnown)
	read := question
	question = x.subjects.withoutAddresses(question)
	norm := x.normalize(question, func(from, to string) {
		corrections = append(corrections, [2]string{from, to})
	})
	s := x.scratch.New().(*scratch)
	asking, context, subject := x.focus(question, s)
	qn, cn := norm, ""
	if context != "" {
		qn, cn = x.normalize(asking, nil), x.normalize(context, nil)
	}
	qnorm := x.queryTerms(qn, cn, s)
	e := Explanation{Read: read, Asking: asking, Context: context, Normalized: norm, Corrections: corrections, Result: res}
	x.readSubjects(question, subject, context, s)
	for _, sl := range s.salient {
		if !sl.unknown && len(sl.intents) > 0 {
			e.KnownNames = append(e.KnownNames, sl.text)
		}
	}
	for _, sl := range s.salient {
		if sl.unknown {
			e.UnknownSubjects = append(e.UnknownSubjects, sl.text)
		}
	}
	eachTerm(norm, func(term string, kind termKind) {
		id := x.lookup(term, kind)
		t := ExplainedTerm{Text: term, Unknown: id < 0}
		if id >= 0 {
			t.Weight = float64(kindWeight[kind] * x.idf[id])
		}
		e.Terms = append(e.Terms, t)
	})
	for _, c := range res.Candidates {
		ec := ExplainedCandidate{Intent: c.Intent.ID, Score: c.Score, Support: c.Support, Belief: c.Belief}
		dots := map[int32]float32{}
		for _, q := range s.query {
			if q.id < 0 {
				continue
			}
			used := false
			for _, p := range x.postings[q.id] {
				if x.cat.Intents[x.docs[p.doc].intent] == c.Intent {
					dots[p.doc] += q.w * p.w
					used = true
				}
			}
			if used {
				ec.Matched = append(ec.Matched, x.text[q.id])
			}
		}
		bestDoc := int32(-1)
		for d, dot := range dots {
			cos := float64(dot / (qnorm * x.docs[d].norm))
			if x.docs[d].pooled {
				ec.Pooled = cos
			} else if cos > ec.Best || cos == ec.Best && d < bestDoc {
				// Ties (a title and an example alike) go to the first
				// document, whatever order the map gives.
				ec.Best, ec.BestExample, bestDoc = cos, x.docText[d], d
			}
		}
		for i, in := range x.cat.Intents {
			if in != c.Intent {
				continue
			}
			ec.Keyword = x.hasKeyword(int32(i), norm, runesOf(norm))
			ec.SubjectFactor, _ = subjectFactor(int32(i), in, s.salient, x.namesService(norm))
			if ec.SubjectFactor < 1 {
				for _, sl := range s.salient {
					if !sl.unknown && !containsID(sl.intents, int32(i)) {
						ec.Foreign = append(ec.Foreign, sl.text)
					}
				}
			}
		}
		e.Candidates = append(e.Candidates, ec)
	}
	return e
}
