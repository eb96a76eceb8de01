package review

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/textnorm"
)

// InsertExamples returns an intent file with texts added to its examples in
// lang, skipping those it already has (after normalisation). It inserts
// lines after the list's last item, where yaml.v3's node positions say it
// ends, so every other byte of the file (comments, blank lines, quoting,
// layout) stays as the admin wrote it. A list written on one line ([a, b])
// is rewritten through the node tree, which keeps comments but may change
// that list's layout.
func InsertExamples(src []byte, lang catalogue.Lang, texts []string) ([]byte, int, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, 0, fmt.Errorf("parse: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, 0, fmt.Errorf("not an intent file")
	}
	examples := value(doc.Content[0], "examples")
	if examples == nil {
		return nil, 0, fmt.Errorf("no examples field")
	}
	seq := value(examples, string(lang))
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil, 0, fmt.Errorf("no examples list for %s", lang)
	}
	have := map[string]bool{}
	for _, n := range seq.Content {
		have[textnorm.Normalize(n.Value)] = true
	}
	var add []string
	for _, t := range texts {
		k := textnorm.Normalize(t)
		if k == "" || have[k] || strings.ContainsAny(t, "\n\r") {
			continue
		}
		have[k] = true
		add = append(add, t)
	}
	if len(add) == 0 {
		return src, 0, nil
	}
	if seq.Style&yaml.FlowStyle != 0 || len(seq.Content) == 0 || !singleLine(seq.Content[len(seq.Content)-1]) {
		return reencode(&doc, seq, add)
	}
	last := seq.Content[len(seq.Content)-1]
	lines := bytes.SplitAfter(src, []byte("\n"))
	if last.Line > len(lines) {
		return nil, 0, fmt.Errorf("examples list ends past the file")
	}
	line := string(lines[last.Line-1])
	dash := strings.LastIndex(line[:min(last.Column-1, len(line))], "-")
	if dash < 0 {
		return reencode(&doc, seq, add)
	}
	prefix := strings.Repeat(" ", dash) + "- "
	var ins bytes.Buffer
	if !bytes.HasSuffix(lines[last.Line-1], []byte("\n")) {
		ins.WriteByte('\n')
	}
	for _, t := range add {
		ins.WriteString(prefix + scalar(t) + "\n")
	}
	var out bytes.Buffer
	for i, l := range lines {
		out.Write(l)
		if i == last.Line-1 {
			out.Write(ins.Bytes())
		}
	}
	// A plain scalar folded over several lines ends below its first line:
	// check that the list reads back as intended, else go through nodes.
	if !readsBack(out.Bytes(), lang, seq, add) {
		return reencode(&doc, seq, add)
	}
	return out.Bytes(), len(add), nil
}

// readsBack reports whether data's examples in lang are seq's followed by
// add.
func readsBack(data []byte, lang catalogue.Lang, seq *yaml.Node, add []string) bool {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return false
	}
	got := value(value(doc.Content[0], "examples"), string(lang))
	if got == nil || len(got.Content) != len(seq.Content)+len(add) {
		return false
	}
	for i, n := range got.Content {
		want := ""
		if i < len(seq.Content) {
			want = seq.Content[i].Value
		} else {
			want = add[i-len(seq.Content)]
		}
		if n.Value != want {
			return false
		}
	}
	return true
}

// value returns the value of key in a mapping node, or nil.
func value(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// singleLine reports whether a list item is a scalar written on one line.
func singleLine(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 && !strings.Contains(n.Value, "\n")
}

// scalar writes s as YAML would in a block list: plain when that reads
// back the same, quoted otherwise.
func scalar(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// reencode appends to seq and writes the whole document back from nodes.
func reencode(doc *yaml.Node, seq *yaml.Node, add []string) ([]byte, int, error) {
	for _, t := range add {
		seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t})
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, 0, fmt.Errorf("write: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, 0, fmt.Errorf("write: %w", err)
	}
	return buf.Bytes(), len(add), nil
}

// AddToKustomization returns the intents' Kustomization (see
// catalogue.KustomizationFile) with name listed among its
// configMapGenerator files, in sorted place, so that `lint --kustomize`
// passes with a new intent file. Every other byte stays as it was; a name
// already listed leaves it unchanged.
func AddToKustomization(src []byte, name string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("parse the Kustomization: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, fmt.Errorf("the Kustomization is empty")
	}
	gens := value(doc.Content[0], "configMapGenerator")
	if gens == nil || gens.Kind != yaml.SequenceNode || len(gens.Content) == 0 {
		return nil, fmt.Errorf("the Kustomization has no configMapGenerator")
	}
	files := value(gens.Content[0], "files")
	if files == nil || files.Kind != yaml.SequenceNode || files.Style&yaml.FlowStyle != 0 || len(files.Content) == 0 {
		return nil, fmt.Errorf("the Kustomization's configMapGenerator has no files list written one per line")
	}
	// The new line goes before lines[at] (0-based): after the last item,
	// or before the first item that sorts after name.
	at := files.Content[len(files.Content)-1].Line
	for _, n := range files.Content {
		if n.Value == name {
			return src, nil
		}
		if n.Value > name {
			at = n.Line - 1
			break
		}
	}
	first := files.Content[0]
	lines := bytes.SplitAfter(src, []byte("\n"))
	if first.Line > len(lines) || at > len(lines) {
		return nil, fmt.Errorf("the Kustomization's files list ends past the file")
	}
	line := string(lines[first.Line-1])
	dash := strings.LastIndex(line[:min(first.Column-1, len(line))], "-")
	if dash < 0 {
		return nil, fmt.Errorf("the Kustomization's files list is not one item per line")
	}
	item := []byte(strings.Repeat(" ", dash) + "- " + scalar(name) + "\n")
	var out bytes.Buffer
	for i, l := range lines {
		if i == at {
			out.Write(item)
		}
		out.Write(l)
	}
	if at == len(lines) {
		if len(lines) > 0 && !bytes.HasSuffix(lines[len(lines)-1], []byte("\n")) {
			out.WriteByte('\n')
		}
		out.Write(item)
	}
	return out.Bytes(), nil
}
