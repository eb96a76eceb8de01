package catalogue

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"

	"gopkg.in/yaml.v3"
)

// MaxAnswerLen is the longest answer accepted, in UTF-16 code units: the
// length of LINE's longest text message.
const MaxAnswerLen = 5000

// MaxTitleLen is the longest title accepted, in UTF-16 code units. A title
// heads the answer card and names the intent on buttons: whole on a Slack
// button (75 characters) and on two lines of a LINE card. A LINE quick
// reply shows only 20: it is cut there with "…", and the full title is
// what the user is shown to have sent.
const MaxTitleLen = 50

// MaxLinkLabelLen is the longest link label accepted, in UTF-16 code units:
// Slack refuses a button text longer than 75 characters. A LINE card's
// button shows 40, and longer labels are cut there with "…".
const MaxLinkLabelLen = 75

// MaxURLLen is the longest link accepted, in bytes (a link is ASCII): LINE
// refuses a URI action over 1,000 characters (Slack's limit is 3,000).
const MaxURLLen = 1000

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// positions remembers where an intent's fields were written, for problems
// found later across intents.
type positions struct {
	id       position
	related  []position
	examples [2][]position // indexed like Langs
}

// ParseIntent parses and validates one intent file on its own. The returned
// problems are empty when the intent is valid; checks across intents are
// Load's.
func ParseIntent(path string, data []byte) (*Intent, Problems) {
	in, _, ps := parseIntent(path, data)
	return in, ps
}

func parseIntent(path string, data []byte) (*Intent, *positions, Problems) {
	w := &walker{file: path}
	root := w.parseDoc(data)
	if root == nil {
		return nil, nil, w.ps
	}
	in := &Intent{File: path, Kind: FAQ}
	pos := &positions{id: at(root)}
	w.fields(root, "", []field{
		{"id", true, func(v *yaml.Node) {
			pos.id = at(v)
			in.ID = w.intentID(v, path)
		}},
		{"title", true, func(v *yaml.Node) {
			in.Title = w.limitedText(v, "title", MaxTitleLen)
			w.noMarkup(v, "title")
		}},
		{"examples", true, func(v *yaml.Node) {
			w.fields(v, "examples", []field{
				{"ja", true, func(v *yaml.Node) { in.Examples.JA, pos.examples[0] = w.exampleList(v, "examples (ja)") }},
				{"en", true, func(v *yaml.Node) { in.Examples.EN, pos.examples[1] = w.exampleList(v, "examples (en)") }},
			})
		}},
		{"keywords", false, func(v *yaml.Node) { in.Keywords, _ = w.strList(v, "keywords") }},
		{"answer", true, func(v *yaml.Node) {
			in.Answer = w.text(v, "answer")
			w.noMarkup(v, "answer")
			for _, l := range Langs {
				if n := len(utf16.Encode([]rune(in.Answer.In(l)))); n > MaxAnswerLen {
					w.addJA(v, fmt.Sprintf("answer (%s) is %d characters long; LINE shows at most %d: shorten it or split it into related intents", l, n, MaxAnswerLen),
						fmt.Sprintf("answer (%s) が %d 文字あります。LINEで表示できるのは %d 文字までです。短くするか、関連するインテントに分けてください", l, n, MaxAnswerLen))
				}
			}
		}},
		{"links", false, func(v *yaml.Node) { in.Links = w.links(v) }},
		{"escalate", false, func(v *yaml.Node) { in.Escalate = w.boolean(v, "escalate") }},
		{"handoff", false, func(v *yaml.Node) { in.Handoff = w.boolean(v, "handoff") }},
		{"related", false, func(v *yaml.Node) { in.Related, pos.related = w.strList(v, "related") }},
		{"kind", false, func(v *yaml.Node) { in.Kind = w.kind(v) }},
		{"draft", false, func(v *yaml.Node) { in.Draft = w.boolean(v, "draft") }},
		{"source", false, func(v *yaml.Node) {
			w.fields(v, "source", []field{
				{"file", true, func(v *yaml.Node) { in.Source.File, _ = w.str(v, "source file") }},
				{"item", true, func(v *yaml.Node) { in.Source.Item, _ = w.str(v, "source item") }},
			})
		}},
	})
	if in.Handoff && in.Kind != FAQ {
		w.addJA(root, fmt.Sprintf("a handoff intent must be of kind %q, not %q: it asks for a person", FAQ, in.Kind),
			fmt.Sprintf("handoff のインテントは kind を %q ではなく %q にしてください（担当者を呼ぶためのものです）", in.Kind, FAQ))
	}
	return in, pos, w.ps
}

// limitedText reads a {ja: …, en: …} text whose each language is at most
// max UTF-16 units long.
func (w *walker) limitedText(n *yaml.Node, what string, max int) Text {
	t := w.text(n, what)
	for _, l := range Langs {
		if got := len(utf16.Encode([]rune(t.In(l)))); got > max {
			w.addJA(n, fmt.Sprintf("%s (%s) is %d characters long; at most %d fit on the buttons and cards it appears on: shorten it", what, l, got, max),
				fmt.Sprintf("%s (%s) が %d 文字あります。ボタンやカードに収まるのは %d 文字までです。短くしてください", what, l, got, max))
		}
	}
	return t
}

// kind reads an intent's kind, one of Kinds.
func (w *walker) kind(v *yaml.Node) Kind {
	s, ok := w.str(v, "kind")
	if !ok {
		return FAQ
	}
	if k := Kind(s); slices.Contains(Kinds, k) {
		return k
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	w.addJA(v, fmt.Sprintf("kind %q is not one of %s", s, strings.Join(names, ", ")), fmt.Sprintf("kind %q は %s のどれでもありません", s, strings.Join(names, ", ")))
	return FAQ
}

// exampleList reads one language's examples, which may not be empty.
func (w *walker) exampleList(v *yaml.Node, what string) ([]string, []position) {
	if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
		w.addJA(v, fmt.Sprintf("%s is empty; write at least one way people ask", what),
			fmt.Sprintf("%s が空です。利用者の尋ね方を1つ以上書いてください", what))
	}
	return w.strList(v, what)
}

// intentID reads the id and checks its form and that it matches the file.
func (w *walker) intentID(v *yaml.Node, path string) string {
	id, ok := w.str(v, "id")
	if !ok {
		return ""
	}
	if !idPattern.MatchString(id) {
		w.addJA(v, fmt.Sprintf("id %q may use only lowercase letters, digits and single hyphens (like forgot-id-password)", id),
			fmt.Sprintf("id %q に使えるのは英小文字、数字、1つずつのハイフンだけです（forgot-id-password のように）", id))
		return ""
	}
	if base := strings.TrimSuffix(filepath.Base(path), ".yaml"); base != id {
		w.addJA(v, fmt.Sprintf("id %q differs from the file name %q; rename the file to %s.yaml or change the id", id, filepath.Base(path), id),
			fmt.Sprintf("id %q がファイル名 %q と違います。ファイル名を %s.yaml にするか、id を直してください", id, filepath.Base(path), id))
	}
	return id
}

func (w *walker) links(n *yaml.Node) []Link {
	if n.Kind != yaml.SequenceNode {
		w.addJA(n, "links must be a list of {label: …, url: …}", "links は {label: …, url: …} のリストで書いてください")
		return nil
	}
	var out []Link
	for i, item := range n.Content {
		var l Link
		what := fmt.Sprintf("link %d", i+1)
		w.fields(item, what, []field{
			{"label", true, func(v *yaml.Node) { l.Label = w.limitedText(v, what+" label", MaxLinkLabelLen) }},
			{"url", true, func(v *yaml.Node) { l.URL = w.httpsURL(v, what+" url") }},
		})
		if l.URL != "" {
			out = append(out, l)
		}
	}
	return out
}

// checkIntent applies the single-intent rules to an intent built in code.
func checkIntent(in *Intent) Problems {
	var ps Problems
	add := func(msg string) { ps = append(ps, Problem{File: in.File, Msg: msg}) }
	if in.Kind != "" && !slices.Contains(Kinds, in.Kind) { // "" reads as FAQ
		add(fmt.Sprintf("kind %q is not a kind of intent", in.Kind))
	}
	if !idPattern.MatchString(in.ID) {
		add(fmt.Sprintf("id %q may use only lowercase letters, digits and single hyphens", in.ID))
	}
	for _, l := range Langs {
		if in.Title.In(l) == "" || in.Answer.In(l) == "" {
			add(fmt.Sprintf("title and answer (%s) are required", l))
		}
		if len(in.Examples.In(l)) == 0 {
			add(fmt.Sprintf("examples (%s) is empty", l))
		}
		if n := len(utf16.Encode([]rune(in.Title.In(l)))); n > MaxTitleLen {
			add(fmt.Sprintf("title (%s) is %d characters long; at most %d", l, n, MaxTitleLen))
		}
	}
	return ps
}
