package faqimport

import (
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"strings"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// A table's columns, found by their header in English or Japanese.
const (
	colQuestion = "question"
	colAnswer   = "answer"
	colID       = "id"
	colLang     = "language"
	colURL      = "url"
	colMore     = "more"
	colTitle    = "title"
)

// headers maps a header, folded by headerKey, to its column.
var headers = map[string]string{
	"question": colQuestion, "q": colQuestion, "質問": colQuestion, "質問内容": colQuestion, "問い": colQuestion, "問": colQuestion, "よくある質問": colQuestion,
	"answer": colAnswer, "a": colAnswer, "回答": colAnswer, "回答内容": colAnswer, "答え": colAnswer, "答": colAnswer,
	"id": colID, "no": colID, "number": colID, "番号": colID, "#": colID, "項番": colID,
	"language": colLang, "lang": colLang, "言語": colLang,
	"url": colURL, "urls": colURL, "link": colURL, "links": colURL, "リンク": colURL, "参考url": colURL, "関連url": colURL, "参考リンク": colURL,
	"title": colTitle, "タイトル": colTitle, "件名": colTitle, "見出し": colTitle,
	"other questions": colMore, "other question": colMore, "more questions": colMore, "examples": colMore, "example": colMore, "alternative questions": colMore,
	"言い換え": colMore, "別の質問": colMore, "類似質問": colMore, "他の聞き方": colMore, "例文": colMore,
}

// numbered matches a header such as "question 2" or "質問２": another way to
// ask.
var numbered = regexp.MustCompile(`^(question|質問)\s*\d+$`)

// headerKey folds a header for lookup: trimmed, lower case, full-width
// letters and digits as ASCII, a trailing period dropped ("No.").
func headerKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.Map(func(r rune) rune {
		if r >= '！' && r <= '～' {
			return r - '！' + '!'
		}
		return r
	}, h)))
	return strings.TrimSuffix(h, ".")
}

// readTable reads a spreadsheet saved as CSV or TSV: a header row naming
// the question and answer columns, then one item a row.
func readTable(path string, data []byte, comma rune) ([]Item, catalogue.Problems) {
	text, p := decode(path, data)
	if p != nil {
		return nil, catalogue.Problems{*p}
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = comma
	r.FieldsPerRecord = -1
	if comma == '\t' {
		r.LazyQuotes = true // a TSV's quotes are text
	}
	var ps catalogue.Problems
	head, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, catalogue.Problems{problemf(path, 0, "the file is empty")}
		}
		return nil, catalogue.Problems{csvProblem(path, err)}
	}
	cols := map[string]int{}
	var more []int
	for i, h := range head {
		k := headerKey(h)
		c, ok := headers[k]
		if numbered.MatchString(k) {
			c, ok = colQuestion, true
		}
		switch {
		case !ok:
		case c == colMore:
			more = append(more, i)
		case c == colQuestion && hasCol(cols, colQuestion):
			more = append(more, i) // a second question column
		default:
			if !hasCol(cols, c) {
				cols[c] = i + 1 // 1-based, so that 0 is "none"
			}
		}
	}
	for _, need := range []struct{ col, names string }{
		{colQuestion, `"question" or "質問"`},
		{colAnswer, `"answer" or "回答"`},
	} {
		if !hasCol(cols, need.col) {
			ps = append(ps, problemf(path, 1, "no %s column: the first row must name the columns, one of them %s (it has %s)", need.col, need.names, strings.Join(quoted(head), ", ")))
		}
	}
	if len(ps) > 0 {
		return nil, ps
	}
	get := func(rec []string, col string) string {
		i := cols[col] - 1
		if i < 0 || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var items []Item
	seen := map[string]int{}
	for n := 0; n < 100000; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ps = append(ps, csvProblem(path, err))
			continue
		}
		line, _ := r.FieldPos(0)
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		q, a := oneLine(strings.Split(get(rec, colQuestion), "\n")), get(rec, colAnswer)
		switch {
		case len(rec) < len(head) && (q == "" || a == ""):
			ps = append(ps, problemf(path, line, "the row has %d columns, the header %d: a separator (%s) is missing, or a cell with a line break or a %q is not in double quotes", len(rec), len(head), sepName(comma), comma))
			continue
		case q == "":
			ps = append(ps, problemf(path, line, "the question is empty: write it, or delete the row"))
			continue
		case a == "":
			ps = append(ps, problemf(path, line, "the answer to %q is empty: write it, or delete the row", clip(q)))
			continue
		}
		it := Item{Line: line, Question: q, ID: get(rec, colID)}
		it.Answer = strings.Join(nonBlank(strings.Split(a, "\n")), "\n")
		switch l := strings.ToLower(get(rec, colLang)); l {
		case "ja", "jp", "japanese", "日本語":
			it.Lang = catalogue.Japanese
		case "en", "english", "英語":
			it.Lang = catalogue.English
		case "":
		default:
			ps = append(ps, problemf(path, line, "language %q is not ja or en (日本語, English)", l))
			continue
		}
		for _, i := range more {
			if i < len(rec) {
				it.More = append(it.More, nonBlank(strings.Split(rec[i], "\n"))...)
			}
		}
		links := strings.FieldsFunc(get(rec, colURL), func(r rune) bool { return r == ' ' || r == '\n' || r == ';' || r == ',' || r == '　' })
		var bad []string
		for _, u := range links {
			if len(urls(u)) == 0 {
				bad = append(bad, u)
			}
		}
		if len(bad) > 0 {
			ps = append(ps, problemf(path, line, "the URL column has %s, not a web address; write each address in full (https://…), separated by spaces", strings.Join(quoted(bad), ", ")))
			continue
		}
		for _, u := range links {
			it.addLink(u, "")
		}
		it.linkText(it.Answer)
		it.Key = it.ID
		if it.Key == "" {
			it.Key = it.Question
		}
		if prev, ok := seen[it.Key]; ok {
			ps = append(ps, problemf(path, line, "the item %q is also on line %d; give each row its own id and question", clip(it.Key), prev))
			continue
		}
		seen[it.Key] = line
		items = append(items, it)
	}
	return items, ps
}

func hasCol(cols map[string]int, c string) bool { return cols[c] > 0 }

// csvProblem places a CSV syntax error at its line, in plain words.
func csvProblem(path string, err error) catalogue.Problem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		switch {
		case errors.Is(pe.Err, csv.ErrQuote):
			msg = `a double quote (") is not closed, or a quoted cell has text after its closing quote; write a quote inside a cell as ""`
		case errors.Is(pe.Err, csv.ErrBareQuote):
			msg = `a double quote (") is in a cell that does not start with one; put the cell in double quotes and write the quote as ""`
		}
		return problemf(path, pe.StartLine, "%s", msg)
	}
	return problemf(path, 0, "%v", err)
}

func sepName(comma rune) string {
	if comma == '\t' {
		return "a tab"
	}
	return "a comma"
}

func quoted(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = `"` + s + `"`
	}
	return out
}

// nonBlank returns the lines that are not blank, trimmed.
func nonBlank(lines []string) []string {
	var out []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// clip shortens s for a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 30 {
		return string(r[:29]) + "…"
	}
	return s
}
