package review

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

// Suggestion is what to do with a cluster.
type Suggestion string

// The suggestions.
const (
	// AddExamples: the questions are new ways of asking an existing
	// intent; add them to its examples.
	AddExamples Suggestion = "add-examples"
	// NewIntent: the questions share a need that no intent covers, in the
	// catalogue's own words.
	NewIntent Suggestion = "new-intent"
	// OutOfScope: the questions are about something the catalogue knows
	// nothing of; the office answers them elsewhere, or not at all.
	OutOfScope Suggestion = "out-of-scope"
)

// Cluster is a group of questions that went wrong for the same need.
type Cluster struct {
	Count int `json:"count"`
	// Escalated, Clarified and Disliked count why its questions are here
	// (a question may count twice: asked back, then 👎).
	Escalated int `json:"escalated"`
	Clarified int `json:"clarified"`
	Disliked  int `json:"disliked"`
	// Examples are a few of its (redacted) texts.
	Examples []string `json:"examples"`
	// Nearest is the intent the questions come closest to now, and its
	// mean score; Picked is set when users picked it after being asked
	// back.
	Nearest string  `json:"nearest,omitempty"`
	Score   float64 `json:"score"`
	Picked  bool    `json:"picked,omitempty"`
	// Suggestion and, for AddExamples, Intent; for NewIntent, Skeleton is
	// an intent file to start from.
	Suggestion Suggestion `json:"suggestion"`
	Intent     string     `json:"intent,omitempty"`
	Skeleton   string     `json:"skeleton,omitempty"`
	// Texts are the cluster's distinct texts, for AddExamples.
	Texts []string `json:"-"`
	terms map[string]float64
	known float64
	total float64
	votes map[string]*vote
}

// vote is the evidence that a cluster belongs to an intent.
type vote struct {
	n      int
	score  float64
	picked int
}

// problem is a question that went wrong.
type problem struct {
	e      record.Entry
	picked string // the intent the user picked after being asked back
}

// pickWindow is how soon a choice must follow a clarifying question to
// count as its answer.
const pickWindow = 10 * time.Minute

// problems returns the questions that were escalated (other than requests
// for a person), asked back, or got a 👎, each with the intent the user
// then picked, if any.
func problems(entries []record.Entry) []problem {
	var out []problem
	pending := map[string]int{} // user → index in out of a clarify awaiting a pick
	for _, e := range entries {
		if e.Kind == bot.KindChoice {
			if i, ok := pending[e.User]; ok && e.Time.Sub(out[i].e.Time) <= pickWindow && e.Intent != "" {
				out[i].picked = e.Intent
			}
			delete(pending, e.User)
			continue
		}
		delete(pending, e.User)
		wrong := e.Decision == match.Clarify || e.Decision == match.Escalate && !e.AskedForPerson || e.Feedback < 0
		if !wrong || strings.TrimSpace(e.Text) == "" {
			continue
		}
		if e.Decision == match.Clarify {
			pending[e.User] = len(out)
		}
		out = append(out, problem{e: e})
	}
	return out
}

// similarity is the cosine of two weighted term sets at which two
// questions count as the same need; measured on the seeded review
// questions, where two phrasings of one need score 0.4 to 0.7 and
// different needs below 0.2.
const similarity = 0.4

// Review groups the questions that went wrong into clusters of the same
// need, using the matcher's own terms, largest first, and suggests what to
// do with each.
func Review(x *match.Index, entries []record.Entry) []*Cluster {
	var clusters []*Cluster
	for _, p := range problems(entries) {
		terms, known, total := termsOf(x, p.e.Text)
		if len(terms) == 0 {
			continue
		}
		var best *Cluster
		bestSim := similarity
		for _, c := range clusters {
			if s := cosine(terms, c.terms); s >= bestSim {
				best, bestSim = c, s
			}
		}
		if best == nil {
			best = &Cluster{terms: map[string]float64{}, votes: map[string]*vote{}}
			clusters = append(clusters, best)
		}
		best.add(x, p, terms, known, total)
	}
	floor := x.Catalogue().Settings.Matching.Floor
	for _, c := range clusters {
		c.suggest(floor)
	}
	sort.SliceStable(clusters, func(i, j int) bool { return clusters[i].Count > clusters[j].Count })
	return clusters
}

// termsOf returns the question's terms as the matcher reads them, weighted
// by how telling they are (a term no intent uses weighs 1), and how many
// of its content terms the catalogue knows, out of how many. Known terms
// weighing less than minContent are function words, counted in neither.
func termsOf(x *match.Index, text string) (map[string]float64, float64, float64) {
	terms := map[string]float64{}
	var known, total float64
	for _, t := range x.Explain(text).Terms {
		w := t.Weight
		switch {
		case t.Unknown:
			w = 1
			total++
		case w >= minContent:
			known++
			total++
		}
		terms[t.Text] += w
	}
	return terms, known, total
}

// minContent is the weight below which a known term says little (the,
// is, です).
const minContent = 0.1

func cosine(a, b map[string]float64) float64 {
	var dot, na, nb float64
	for t, w := range a {
		dot += w * b[t]
		na += w * w
	}
	for _, w := range b {
		nb += w * w
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// maxExamples is how many texts a cluster shows.
const maxExamples = 3

func (c *Cluster) add(x *match.Index, p problem, terms map[string]float64, known, total float64) {
	c.Count++
	switch {
	case p.e.Decision == match.Clarify:
		c.Clarified++
	case p.e.Decision == match.Escalate:
		c.Escalated++
	}
	if p.e.Feedback < 0 {
		c.Disliked++
	}
	for t, w := range terms {
		c.terms[t] += w
	}
	c.known += known
	c.total += total
	key := textnorm.Normalize(p.e.Text)
	dup := false
	for _, t := range c.Texts {
		if textnorm.Normalize(t) == key {
			dup = true
		}
	}
	if !dup {
		c.Texts = append(c.Texts, p.e.Text)
		if len(c.Examples) < maxExamples {
			c.Examples = append(c.Examples, p.e.Text)
		}
	}
	if p.picked != "" && x.Catalogue().Intent(p.picked) != nil {
		v := c.vote(p.picked)
		v.picked++
		v.n++
		v.score += x.Match(p.e.Text).Score()
		return
	}
	// The nearest intent now, passing over the one a 👎 rejected.
	for _, cand := range x.Match(p.e.Text).Candidates {
		if p.e.Feedback < 0 && cand.Intent.ID == p.e.Intent {
			continue
		}
		v := c.vote(cand.Intent.ID)
		v.n++
		v.score += cand.Score
		break
	}
}

func (c *Cluster) vote(id string) *vote {
	v := c.votes[id]
	if v == nil {
		v = &vote{}
		c.votes[id] = v
	}
	return v
}

// knownShare is the share of a cluster's content terms, below which its
// questions are in words the catalogue does not use: out of scope.
const knownShare = 0.5

// suggest picks the nearest intent and what to do. Questions users
// resolved by picking an intent belong to it; so do questions whose
// nearest intent scores at least the floor (the matcher itself would
// offer it), unless a 👎 rejected an answer. Escalated questions score
// below the floor, and their nearest intent is too often wrong to add
// them to it blindly (a wrong confident answer is worse than an honest
// escalation): in the catalogue's own words and not far below the floor
// (half of it), they need a new intent; otherwise they are out of scope.
func (c *Cluster) suggest(floor float64) {
	ids := make([]string, 0, len(c.votes))
	for id := range c.votes {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := c.votes[ids[i]], c.votes[ids[j]]
		if a.picked != b.picked {
			return a.picked > b.picked
		}
		if a.n != b.n {
			return a.n > b.n
		}
		return a.score > b.score || a.score == b.score && ids[i] < ids[j]
	})
	if len(ids) > 0 {
		v := c.votes[ids[0]]
		c.Nearest, c.Score, c.Picked = ids[0], v.score/float64(v.n), v.picked > 0
	}
	switch {
	case c.Picked:
		c.Suggestion, c.Intent = AddExamples, c.Nearest
	case c.total == 0 || c.known/c.total < knownShare || c.Score < floor/2:
		c.Suggestion = OutOfScope
	case c.Nearest != "" && c.Score >= floor:
		c.Suggestion, c.Intent = AddExamples, c.Nearest
	default:
		c.Suggestion, c.Skeleton = NewIntent, skeleton(c)
	}
}

// Known is the share of the cluster's content terms that the catalogue
// uses.
func (c *Cluster) Known() float64 {
	if c.total == 0 {
		return 0
	}
	return c.known / c.total
}

// skeleton is an intent file to start a new intent from the cluster.
func skeleton(c *Cluster) string {
	var ja, en []string
	for _, t := range c.Texts {
		if bot.LangOf(t) == catalogue.Japanese {
			ja = append(ja, t)
		} else {
			en = append(en, t)
		}
	}
	f, err := catalogue.IntentFile("new-intent", catalogue.Text{JA: "（題名）", EN: "(title)"}, catalogue.Text{JA: "（回答）", EN: "(answer)"}, ja, en)
	if err != nil {
		return fmt.Sprintf("# %v\n", err)
	}
	return string(f)
}
