package catalogue

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// position is a 1-based line and column in a YAML file.
type position struct{ line, col int }

func at(n *yaml.Node) position { return position{n.Line, n.Column} }

// walker reads a yaml.Node tree by hand rather than decoding into structs, so
// that each problem keeps its exact position and every problem is reported,
// not only the first.
type walker struct {
	file string
	ps   Problems
}

// addJA reports a problem said in English and in Japanese (for the
// console's Japanese pages); the field names in it stay as the file
// writes them.
func (w *walker) addJA(n *yaml.Node, en, ja string) {
	p := Problem{File: w.file, Msg: en, MsgJA: ja}
	if n != nil {
		p.Line, p.Col = n.Line, n.Column
	}
	w.ps = append(w.ps, p)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseDoc checks that data is UTF-8 YAML holding exactly one mapping and
// returns that mapping, or nil after recording why not.
func (w *walker) parseDoc(data []byte) *yaml.Node {
	if !utf8.Valid(data) {
		line, col := 1, 1
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
			i += size
		}
		w.ps = append(w.ps, Problem{File: w.file, Line: line, Col: col, Msg: "the file is not valid UTF-8 text; save it with UTF-8 encoding",
			MsgJA: "ファイルが UTF-8 の文字ではありません。UTF-8 で保存してください"})
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			w.addJA(nil, "the file is empty; write the fields of an intent", "ファイルが空です。インテントの項目を書いてください")
			return nil
		}
		w.yamlError(data, err)
		return nil
	}
	if issue := scanSyntax(data); issue != nil && issue.silent {
		w.addIssue(issue)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		w.addJA(&extra, `a file holds one intent; remove the "---" and what follows, or move it to its own file`,
			`1つのファイルに書けるインテントは1つです。「---」から後を消すか、別のファイルに移してください`)
	} else if !errors.Is(err, io.EOF) {
		w.yamlError(data, err)
		return nil
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		w.addJA(root, "the file must be a list of fields (name: value), one per line", "ファイルには項目（名前: 値）を1行に1つずつ書いてください")
		return nil
	}
	return root
}

// yamlError reports a YAML syntax error in plain words: at the line the
// line checks find wrong (scanSyntax), else at the parser's line ("yaml:
// line 3: …") with its words put plainly.
func (w *walker) yamlError(data []byte, err error) {
	if issue := scanSyntax(data); issue != nil {
		w.addIssue(issue)
		return
	}
	msg, line := strings.TrimPrefix(err.Error(), "yaml: "), 0
	if sm := yamlLine.FindStringSubmatch(err.Error()); sm != nil {
		line, _ = strconv.Atoi(sm[1])
		msg = sm[2]
		if strings.HasPrefix(msg, "did not find expected") {
			line++ // yaml.v3 counts its parser's lines from 0, its scanner's from 1
		}
	}
	en, ja := plainYAMLError(msg)
	w.ps = append(w.ps, Problem{File: w.file, Line: line, Msg: en, MsgJA: ja})
}

func (w *walker) addIssue(is *syntaxIssue) {
	w.ps = append(w.ps, Problem{File: w.file, Line: is.line, Col: is.col, Msg: is.en, MsgJA: is.ja})
}

// field describes one key of a mapping.
type field struct {
	name     string
	required bool
	read     func(*yaml.Node)
}

// fields reads a mapping: each known key is handed to its reader, unknown
// keys are reported with a suggestion, missing required keys are reported at
// the mapping.
func (w *walker) fields(n *yaml.Node, what string, spec []field) {
	if n.Kind != yaml.MappingNode {
		w.addJA(n, fmt.Sprintf("%s must be a set of fields (name: value)", what), fmt.Sprintf("%s には項目（名前: 値）を書いてください", what))
		return
	}
	names := make([]string, len(spec))
	for i, f := range spec {
		names[i] = f.name
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.AliasNode {
			w.addJA(v, "anchors and aliases (*name) are not supported; write the value out", "アンカーとエイリアス（*name）は使えません。値をそのまま書いてください")
			continue
		}
		found := false
		for _, f := range spec {
			if f.name == k.Value {
				found = true
				seen[f.name] = true
				f.read(v)
			}
		}
		if !found {
			w.addJA(k, fmt.Sprintf("unknown field %q%s", k.Value, suggest(k.Value, names)),
				fmt.Sprintf("%q という項目はありません%s", k.Value, suggestJA(k.Value, names)))
		}
	}
	for _, f := range spec {
		if f.required && !seen[f.name] {
			if what == "" {
				w.addJA(n, fmt.Sprintf("missing required field %q", f.name), fmt.Sprintf("必須の項目 %q がありません", f.name))
			} else {
				w.addJA(n, fmt.Sprintf("%s: missing required field %q", what, f.name), fmt.Sprintf("%s: 必須の項目 %q がありません", what, f.name))
			}
		}
	}
}

// eachItem begins the name of a list's items, said "X の各項目" in
// Japanese.
const eachItem = "each item of "

// str reads a non-empty scalar.
func (w *walker) str(n *yaml.Node, what string) (string, bool) {
	whatJA := what
	if list, ok := strings.CutPrefix(what, eachItem); ok {
		whatJA = list + " の各項目"
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		w.addJA(n, fmt.Sprintf("%s must be a single text value", what), fmt.Sprintf("%s には文を1つ書いてください", whatJA))
		return "", false
	}
	v := strings.TrimSpace(n.Value)
	if v == "" {
		w.addJA(n, fmt.Sprintf("%s is empty", what), fmt.Sprintf("%s が空です", whatJA))
		return "", false
	}
	return v, true
}

// text reads a {ja: …, en: …} mapping; both languages are required.
func (w *walker) text(n *yaml.Node, what string) Text {
	var t Text
	w.fields(n, what, []field{
		{"ja", true, func(v *yaml.Node) { t.JA = w.lines(v, what+" (ja)") }},
		{"en", true, func(v *yaml.Node) { t.EN = w.lines(v, what+" (en)") }},
	})
	return t
}

// lines reads a text that may span lines, none of them blank: the
// renderers end a block (the office's contact, a Slack section) at a
// blank line, so one that is only spaces splits what follows from it.
func (w *walker) lines(n *yaml.Node, what string) string {
	s, ok := w.str(n, what)
	if !ok {
		return ""
	}
	for i, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == "" {
			p := Problem{File: w.file, Line: n.Line, Col: n.Column,
				Msg:   fmt.Sprintf("%s: its line %d is blank; remove it (the bot lays out the parts of a reply itself)", what, i+1),
				MsgJA: fmt.Sprintf("%s: 本文の %d 行目が空行です。削除してください（返信の区切りはボットが入れます）", what, i+1)}
			if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				p.Line, p.Col = n.Line+1+i, 1 // the text starts on the line after "|"
			}
			w.ps = append(w.ps, p)
			break
		}
	}
	return s
}

// strList reads a list of non-empty scalars and their positions.
func (w *walker) strList(n *yaml.Node, what string) ([]string, []position) {
	if n.Kind != yaml.SequenceNode {
		w.addJA(n, fmt.Sprintf("%s must be a list, written [a, b] or as lines starting with \"- \"", what),
			fmt.Sprintf("%s はリストで書いてください（[a, b] か、「- 」で始まる行）", what))
		return nil, nil
	}
	var out []string
	var pos []position
	for _, item := range n.Content {
		if s, ok := w.str(item, eachItem+what); ok {
			out = append(out, s)
			pos = append(pos, at(item))
		}
	}
	return out, pos
}

func (w *walker) boolean(n *yaml.Node, what string) bool {
	if n.Kind == yaml.ScalarNode {
		switch n.Value {
		case "true":
			return true
		case "false":
			return false
		}
	}
	w.addJA(n, fmt.Sprintf("%s must be true or false", what), fmt.Sprintf("%s には true か false を書いてください", what))
	return false
}

// fraction reads a number between 0 and 1.
func (w *walker) fraction(n *yaml.Node, what string) float64 { return w.upTo(n, 1, what) }

// upTo reads a number from 0 to max.
func (w *walker) upTo(n *yaml.Node, max float64, what string) float64 {
	f, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil || !(f >= 0 && f <= max) {
		w.addJA(n, fmt.Sprintf("%s must be a number between 0 and %g", what, max), fmt.Sprintf("%s には 0 から %g までの数を書いてください", what, max))
		return 0
	}
	return f
}

// httpsURL reads an absolute https URL.
func (w *walker) httpsURL(n *yaml.Node, what string) string {
	s, ok := w.str(n, what)
	if !ok {
		return ""
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || !u.IsAbs():
		w.addJA(n, fmt.Sprintf("%s %q is not a valid web address; write it in full, like https://example.org/page", what, s),
			fmt.Sprintf("%s %q はウェブのアドレスになっていません。https://example.org/page のように省略せずに書いてください", what, s))
	case u.Scheme != "https":
		w.addJA(n, fmt.Sprintf("%s %q must be a secure https:// address", what, s),
			fmt.Sprintf("%s %q は安全な https:// のアドレスにしてください", what, s))
	case s != percentEncoded(s):
		w.addJA(n, fmt.Sprintf("%s %q has characters a link may not carry as they are (LINE refuses it); write it percent-encoded: %s", what, s, percentEncoded(s)),
			fmt.Sprintf("%s %q にはリンクにそのまま書けない文字があります（LINEが受け付けません）。パーセントエンコードで書いてください: %s", what, s, percentEncoded(s)))
	case len(s) > MaxURLLen:
		w.addJA(n, fmt.Sprintf("%s is %d characters long; LINE refuses links longer than %d: link to a shorter address", what, len(s), MaxURLLen),
			fmt.Sprintf("%s が %d 文字あります。LINEは %d 文字を超えるリンクを受け付けません。短いアドレスにしてください", what, len(s), MaxURLLen))
	default:
		return s
	}
	return ""
}

// percentEncoded writes every byte of s that is not printable ASCII (a
// space, a control, or part of a non-ASCII character) as %XX, the form
// in which LINE and Slack accept a link.
func percentEncoded(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}
