// Package faqimport reads the FAQ documents an office already keeps
// (spreadsheets saved as CSV or TSV, Markdown and HTML pages, the text of
// a PDF) into items of a question and its answer, and writes each item as
// a draft intent that the admins finish: see Import. Drafts are never
// answered (the catalogue loads them aside), and importing a changed
// document again updates the drafts it wrote, never a published intent.
package faqimport

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// Item is one question of an FAQ document with its answer.
type Item struct {
	// File is the document's base name and Line the item's first line in it.
	File string
	Line int
	// Key names the item within its document across edits: its id or
	// number where the document gives one, else its question.
	Key string
	// ID is the intent id the document asks for (a CSV id column), if any.
	ID string
	// Question is how the document asks; More are other ways it gives.
	Question string
	More     []string
	// Answer is the answer's text, in Lang, without blank lines.
	Answer string
	Lang   catalogue.Lang
	// Links are the addresses the item gives, in order, each once.
	Links []catalogue.Link
}

// Read reads the items of one FAQ document, choosing the reader by the
// file's extension: .csv, .tsv (or .tab), .md (or .markdown), .html (or
// .htm); anything else is read as plain text with numbered items or Q/A
// paragraphs. The problems say, at file:line, which items could not be
// read; the other items are returned all the same.
func Read(path string, data []byte) ([]Item, catalogue.Problems) {
	var (
		items []Item
		ps    catalogue.Problems
	)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		items, ps = readTable(path, data, ',')
	case ".tsv", ".tab":
		items, ps = readTable(path, data, '\t')
	case ".md", ".markdown":
		text, p := decode(path, data)
		if p != nil {
			return nil, catalogue.Problems{*p}
		}
		items = fromBlocks(markdownBlocks(text))
	case ".html", ".htm":
		text, p := decode(path, data)
		if p != nil {
			return nil, catalogue.Problems{*p}
		}
		items = fromBlocks(htmlBlocks(text))
	default:
		text, p := decode(path, data)
		if p != nil {
			return nil, catalogue.Problems{*p}
		}
		items = readPlain(text)
	}
	// An item is updated by its key on the next import: two items of one
	// key would write over each other's draft.
	seen := map[string]int{}
	kept := items[:0]
	for _, it := range items {
		if line, ok := seen[it.Key]; ok {
			ps = append(ps, problemf(path, it.Line, "the item %q is also on line %d; give each its own number or question", clip(it.Key), line))
			continue
		}
		seen[it.Key] = it.Line
		it.File = filepath.Base(path)
		if it.Lang == "" {
			it.Lang = language(it.Question + it.Answer)
		}
		kept = append(kept, it)
	}
	items = kept
	if len(items) == 0 && len(ps) == 0 {
		ps = append(ps, catalogue.Problem{File: path, Msg: "no FAQ items found: write each question as a heading, a numbered line, a \"Q.\" paragraph or a row with a question column"})
	}
	return items, ps
}

// problemf is a problem at a line of path.
func problemf(path string, line int, format string, args ...any) catalogue.Problem {
	return catalogue.Problem{File: path, Line: line, Msg: fmt.Sprintf(format, args...)}
}
