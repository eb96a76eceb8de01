// Package search finds intents by a few typed letters of their id or title
// (`pwd` finds forgot-id-password), for staff who know roughly what they
// want. It is a lookup by name, built on sahilm/fuzzy; understanding
// questions is the match package's job.
package search

import (
	"sort"
	"strings"

	"github.com/sahilm/fuzzy"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Hit is an intent found by a search, with the text that matched (its id or
// one of its titles) and the byte offsets of the matched letters in it.
type Hit struct {
	Intent  *catalogue.Intent
	Text    string
	Matched []int
	score   int
}

// Find returns the intents whose id or title contains the letters of the
// words, in order, best first; each intent appears once, with its best
// matching text. Spaces between words are ignored.
func Find(cat *catalogue.Catalogue, words ...string) []Hit {
	pattern := strings.Join(strings.Fields(strings.Join(words, " ")), "")
	if pattern == "" {
		return nil
	}
	var texts []string
	var owners []*catalogue.Intent
	for _, in := range cat.Intents {
		for _, t := range []string{in.ID, in.Title.EN, in.Title.JA} {
			texts = append(texts, t)
			owners = append(owners, in)
		}
	}
	best := map[*catalogue.Intent]Hit{}
	for _, m := range fuzzy.Find(pattern, texts) {
		in := owners[m.Index]
		if h, ok := best[in]; !ok || m.Score > h.score {
			best[in] = Hit{Intent: in, Text: m.Str, Matched: m.MatchedIndexes, score: m.Score}
		}
	}
	hits := make([]Hit, 0, len(best))
	for _, h := range best {
		hits = append(hits, h)
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].Intent.ID < hits[j].Intent.ID
	})
	return hits
}

// Highlight wraps each run of matched letters of h.Text in open and close,
// for example "*" and "*" for Slack or "[" and "]" for a terminal.
func (h Hit) Highlight(open, close string) string {
	matched := make(map[int]bool, len(h.Matched))
	for _, i := range h.Matched {
		matched[i] = true
	}
	var b strings.Builder
	in := false
	for i, r := range h.Text {
		if matched[i] != in {
			if in {
				b.WriteString(close)
			} else {
				b.WriteString(open)
			}
			in = !in
		}
		b.WriteRune(r)
	}
	if in {
		b.WriteString(close)
	}
	return b.String()
}
