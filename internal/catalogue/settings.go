package catalogue

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Settings are the bot's own texts and numbers, kept in SettingsFile.
type Settings struct {
	Office         Office
	Messages       Messages
	HandoffPhrases []string
	// Synonyms are groups of words that mean the same here; the matcher
	// reads every word of a group as the group's first.
	Synonyms [][]string
	// About names the service this counter is about ("OUMail"): a
	// question that names it is taken to be about it even when it also
	// names things the catalogue does not know.
	About    []string
	Matching Thresholds
	// Test holds the quality bars for labelled query files; LeaveOneOut
	// those for the examples matched leave-one-out, a harder test.
	Test        Floors
	LeaveOneOut Floors
	// Handoff is how conversations are handed to office staff (optional).
	Handoff Handoff
	// Record is the optional record block: retention, forget-me phrases,
	// feedback sentences.
	Record RecordSettings
	// RichMenu is the optional LINE rich menu.
	RichMenu RichMenu
}

// Office is the alumni office people are handed to.
type Office struct {
	Name Text
	// URL is the office's contact page, shown as a link or button.
	URL string
	// Email and Phone are optional; only set what the office publishes.
	Email string
	Phone string
	// Details says what to send the office and how (never in the chat).
	Details Text
}

// Messages are the bot's fixed sentences.
type Messages struct {
	// Clarify introduces the choices when two or more answers are close.
	Clarify Text
	// NoneOfThese labels the choice that rejects every candidate.
	NoneOfThese Text
	// Escalate is said when nothing fits.
	Escalate Text
	// Handoff is said when the user asks for a person.
	Handoff Text
	// Contact labels the office contact button.
	Contact Text
	// Related introduces the related questions after an answer.
	Related Text
	// TextOnly answers stickers, images and other non-text messages.
	TextOnly Text
	// Greeting welcomes a new user (for example a new LINE friend).
	Greeting Text
	// RateLimited is said once to a user who sends too many messages.
	RateLimited Text
}

// Thresholds decide between answering, asking back and escalating.
type Thresholds struct {
	// Answer is the lowest top score that may be answered outright.
	Answer float64
	// Margin is how far the top score must lead the runner-up to answer.
	Margin float64
	// Floor is the score below which a candidate is not worth offering.
	Floor float64
	// Support lets a close call be answered when a second model backs the
	// top candidate by at least this much (see match.Candidate.Support); 0
	// turns it off.
	Support float64
	// Overrule lets a runner-up be answered instead when the second model
	// backs it by at least this much; 0 turns it off.
	Overrule float64
	// Confidence, when set, decides instead of Answer, Margin, Support and
	// Overrule: the chance that the best candidate is right.
	Confidence Confidence
}

// Confidence is a calibrated model of how likely the best candidate is the
// right answer, and the thresholds on it. `madoguchi test --sweep` fits
// both by cross-validation and prints them for the settings file.
type Confidence struct {
	// Weights are the logistic model's weight per kind of evidence (named
	// by ConfidenceEvidence; a missing one weighs 0).
	Weights map[string]float64
	// Sure is the least confidence that is answered outright.
	Sure float64
	// Ask is the least confidence that is asked back; below it the
	// question escalates.
	Ask float64
	// Pair, when above 0, is the least chance, by the model PairWeights,
	// that one of the two best candidates is right at which a question
	// whose two best are related intents (one lists the other under
	// related) is answered with both rather than asked back; the runner-up
	// must score at least PairRatio of the best's.
	Pair        float64
	PairRatio   float64
	PairWeights map[string]float64
}

// On reports whether the confidence decides (it has weights).
func (c Confidence) On() bool { return len(c.Weights) > 0 }

// ConfidenceEvidence names the evidence the confidence weighs, in the
// order the matcher computes it (see match.Features).
var ConfidenceEvidence = []string{
	"bias",                // always 1
	"top",                 // the best candidate's score
	"runner_up",           // the runner-up's score over the best's, when not related
	"third",               // the third's score over the best's
	"support",             // log(1 + the second model's lead for the best)
	"backed",              // 1 when the second model ranks the best first
	"keyword",             // 1 when the question has one of its keywords
	"doubt",               // 1 when it names something the intent never mentions
	"small_talk",          // 1 when the best is a greeting or thanks
	"unknown_words",       // share of the question's weight no intent uses
	"unknown_names",       // names and compounds no intent knows (up to 3)
	"out_of_scope",        // best score of an out-of-scope intent
	"out_of_scope_ratio",  // that over the best's score
	"terms",               // log(1 + known, telling terms)
	"context",             // 1 when some sentences only set the scene
	"japanese",            // 1 when the question is in Japanese
	"names_service",       // 1 when the question names the service itself
	"closest",             // the best candidate's cosine with its closest example
	"related_runner_up",   // the runner-up's score over the best's, when related
	"belief",              // the classifier's probability for the best
	"runner_up_belief",    // the classifier's probability for the runner-up
	"out_of_scope_belief", // the classifier's probability for the out-of-scope intents together
}

// Floors are the quality bars `madoguchi test` enforces.
type Floors struct {
	MinAccuracy float64
	MaxWrong    float64
	// MinRejection is the least share of out-of-scope questions that no FAQ
	// intent may answer.
	MinRejection float64
	// MinHandoff is the least share of requests for a person that must be
	// heard as such (default 1).
	MinHandoff float64
	// MaxHandedOff is how many in-scope questions may be handed to a
	// person (default 0): one that merely contains a word like "staff".
	MaxHandedOff int
}

// ParseSettings parses and validates the settings file.
func ParseSettings(path string, data []byte) (Settings, Problems) {
	w := &walker{file: path}
	var s Settings
	root := w.parseDoc(data)
	if root == nil {
		return s, w.ps
	}
	m := &s.Messages
	s.Record = DefaultRecord()
	var richMenu *yaml.Node // read after handoff, whose block it needs
	msg := func(name string, t *Text) field {
		return field{name, true, func(v *yaml.Node) { *t = w.text(v, "messages "+name) }}
	}
	w.fields(root, "", []field{
		{"office", true, func(v *yaml.Node) {
			o := &s.Office
			w.fields(v, "office", []field{
				{"name", true, func(v *yaml.Node) { o.Name = w.text(v, "office name") }},
				{"url", true, func(v *yaml.Node) { o.URL = w.httpsURL(v, "office url") }},
				{"email", false, func(v *yaml.Node) { o.Email, _ = w.str(v, "office email") }},
				{"phone", false, func(v *yaml.Node) { o.Phone, _ = w.str(v, "office phone") }},
				{"details", true, func(v *yaml.Node) { o.Details = w.text(v, "office details") }},
			})
		}},
		{"messages", true, func(v *yaml.Node) {
			w.fields(v, "messages", []field{
				msg("clarify", &m.Clarify), msg("none_of_these", &m.NoneOfThese),
				msg("escalate", &m.Escalate), msg("handoff", &m.Handoff),
				msg("contact", &m.Contact), msg("related", &m.Related),
				msg("text_only", &m.TextOnly), msg("greeting", &m.Greeting),
				msg("rate_limited", &m.RateLimited),
			})
		}},
		{"handoff_phrases", true, func(v *yaml.Node) { s.HandoffPhrases, _ = w.strList(v, "handoff_phrases") }},
		{"synonyms", false, func(v *yaml.Node) { s.Synonyms = w.synonyms(v) }},
		{"about", false, func(v *yaml.Node) { s.About, _ = w.strList(v, "about") }},
		{"matching", true, func(v *yaml.Node) {
			t := &s.Matching
			w.fields(v, "matching", []field{
				{"answer", true, func(v *yaml.Node) { t.Answer = w.fraction(v, "matching answer") }},
				{"margin", true, func(v *yaml.Node) { t.Margin = w.fraction(v, "matching margin") }},
				{"floor", true, func(v *yaml.Node) { t.Floor = w.fraction(v, "matching floor") }},
				{"support", false, func(v *yaml.Node) { t.Support = w.upTo(v, maxSupport, "matching support") }},
				{"overrule", false, func(v *yaml.Node) { t.Overrule = w.upTo(v, maxSupport, "matching overrule") }},
				{"confidence", false, func(v *yaml.Node) { t.Confidence = w.confidence(v) }},
			})
			if t.Floor > t.Answer {
				w.addJA(v, fmt.Sprintf("matching floor (%g) must not be above matching answer (%g)", t.Floor, t.Answer),
					fmt.Sprintf("matching floor (%g) は matching answer (%g) 以下にしてください", t.Floor, t.Answer))
			}
		}},
		{"test", true, func(v *yaml.Node) {
			w.fields(v, "test", []field{
				{"queries", true, func(v *yaml.Node) { s.Test = w.floors(v, "test queries") }},
				{"leave_one_out", true, func(v *yaml.Node) { s.LeaveOneOut = w.floors(v, "test leave_one_out") }},
			})
		}},
		{"handoff", false, func(v *yaml.Node) { s.Handoff = w.parseHandoff(v) }},
		{"record", false, func(v *yaml.Node) { s.Record = w.recordSettings(v) }},
		{"rich_menu", false, func(v *yaml.Node) { richMenu = v }},
	})
	if richMenu != nil {
		s.RichMenu = w.parseRichMenu(richMenu, s.Handoff.Configured)
	}
	return s, w.ps
}

// floors reads a set of quality bars.
func (w *walker) floors(v *yaml.Node, what string) Floors {
	f := Floors{MinHandoff: 1}
	w.fields(v, what, []field{
		{"min_handoff", false, func(v *yaml.Node) { f.MinHandoff = w.fraction(v, what+" min_handoff") }},
		{"max_handed_off", false, func(v *yaml.Node) { f.MaxHandedOff = int(w.upTo(v, math.MaxInt32, what+" max_handed_off")) }},
		{"min_accuracy", true, func(v *yaml.Node) { f.MinAccuracy = w.fraction(v, what+" min_accuracy") }},
		{"max_wrong", true, func(v *yaml.Node) { f.MaxWrong = w.fraction(v, what+" max_wrong") }},
		{"min_rejection", true, func(v *yaml.Node) { f.MinRejection = w.fraction(v, what+" min_rejection") }},
	})
	return f
}

// confidence reads the calibrated confidence: its thresholds and a weight
// for each kind of evidence.
func (w *walker) confidence(v *yaml.Node) Confidence {
	var c Confidence
	w.fields(v, "matching confidence", []field{
		{"sure", true, func(v *yaml.Node) { c.Sure = w.fraction(v, "matching confidence sure") }},
		{"ask", true, func(v *yaml.Node) { c.Ask = w.fraction(v, "matching confidence ask") }},
		{"pair", false, func(v *yaml.Node) { c.Pair = w.fraction(v, "matching confidence pair") }},
		{"pair_ratio", false, func(v *yaml.Node) { c.PairRatio = w.fraction(v, "matching confidence pair_ratio") }},
		{"weights", true, func(v *yaml.Node) { c.Weights = w.weights(v, "weights", "weight") }},
		{"pair_weights", false, func(v *yaml.Node) { c.PairWeights = w.weights(v, "pair_weights", "pair weight") }},
	})
	if c.Ask > c.Sure {
		w.addJA(v, fmt.Sprintf("matching confidence ask (%g) must not be above sure (%g)", c.Ask, c.Sure),
			fmt.Sprintf("matching confidence ask（%g）は sure（%g）以下にしてください", c.Ask, c.Sure))
	}
	if c.Pair > 0 && len(c.PairWeights) == 0 {
		w.addJA(v, "matching confidence pair needs pair_weights", "matching confidence pair には pair_weights が必要です")
	}
	return c
}

// weights reads a confidence model's weights: one number per kind of
// evidence (ConfidenceEvidence). key names the list in messages, and one
// a weight of it.
func (w *walker) weights(v *yaml.Node, key, one string) map[string]float64 {
	if v.Kind != yaml.MappingNode {
		w.addJA(v, fmt.Sprintf("matching confidence %s must be a list of name: weight", key), fmt.Sprintf("matching confidence %s には「名前: 重み」の組を並べてください", key))
		return nil
	}
	m := map[string]float64{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if !slices.Contains(ConfidenceEvidence, k.Value) {
			known := strings.Join(ConfidenceEvidence, ", ")
			w.addJA(k, fmt.Sprintf("matching confidence %s: %q is not evidence the matcher knows (%s)", key, k.Value, known),
				fmt.Sprintf("matching confidence %s: %q は照合が扱う根拠ではありません（%s）", key, k.Value, known))
			continue
		}
		f, err := strconv.ParseFloat(val.Value, 64)
		if val.Kind != yaml.ScalarNode || err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > maxWeight {
			w.addJA(val, fmt.Sprintf("matching confidence %s %s must be a number between -%g and %g", one, k.Value, maxWeight, maxWeight),
				fmt.Sprintf("matching confidence %s %s には -%g から %g までの数を書いてください", one, k.Value, maxWeight, maxWeight))
			continue
		}
		m[k.Value] = f
	}
	return m
}

// maxWeight bounds a confidence weight: the evidence is of order 1, so a
// weight beyond it is a typing error.
const maxWeight = 1000.0

// maxSupport bounds matching support and overrule: a lead of 100 in log-likelihood is
// never reached, so anything above it is a typing error.
const maxSupport = 100

// String describes the thresholds for logs and reports.
func (t Thresholds) String() string {
	if c := t.Confidence; c.On() {
		pair := ""
		if c.Pair > 0 {
			pair = fmt.Sprintf(", two related answers ≥ %.2f (runner-up ≥ %.2f of the best)", c.Pair, c.PairRatio)
		}
		return fmt.Sprintf("answer at confidence ≥ %.2f%s, ask back ≥ %.2f, floor %.2f", c.Sure, pair, c.Ask, t.Floor)
	}
	return fmt.Sprintf("answer ≥ %.2f, margin ≥ %.2f or support ≥ %.1f, overrule ≥ %.1f, floor %.2f", t.Answer, t.Margin, t.Support, t.Overrule, t.Floor)
}

// synonyms reads a list of groups of words, each group a list of at least
// two; a word may belong to one group only.
func (w *walker) synonyms(n *yaml.Node) [][]string {
	if n.Kind != yaml.SequenceNode {
		w.addJA(n, "synonyms must be a list of groups, each written [word, other word, …]", "synonyms はグループのリストで、各グループを [語, 別の語, …] と書いてください")
		return nil
	}
	var groups [][]string
	seen := map[string]position{}
	for _, g := range n.Content {
		words, pos := w.strList(g, "a synonym group")
		if g.Kind == yaml.SequenceNode && len(g.Content) < 2 {
			w.addJA(g, "a synonym group needs at least two words", "同義語のグループには2語以上が必要です")
			continue
		}
		for i, word := range words {
			key := normalizeExample(word)
			if p, ok := seen[key]; ok {
				w.ps = append(w.ps, Problem{File: w.file, Line: pos[i].line, Col: pos[i].col,
					Msg:   fmt.Sprintf("%q is already in the synonym group on line %d; a word may belong to one group only", word, p.line),
					MsgJA: fmt.Sprintf("%q はすでに %d 行目の同義語グループにあります。1つの語は1つのグループにだけ書けます", word, p.line)})
				continue
			}
			seen[key] = pos[i]
		}
		if len(words) >= 2 {
			groups = append(groups, words)
		}
	}
	return groups
}
