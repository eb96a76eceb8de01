package match

import (
	"strings"
	"unicode/utf8"

	"github.com/oumail-alumni/madoguchi/internal/lexicon"
)

// Reading a message as a person does. Alumni write a sentence or three of
// context before they ask ("I graduated in 2017 and moved to Brazil. Now I
// can't remember my password. Can I get it again from abroad?"). Every
// word of the context counted as much as the question's own words, and
// context names were taken for the subject, so long messages were
// escalated far more often than the bare question. The matcher splits a
// message into sentences, finds the ones that ask, and lets the others
// count for contextWeight of their weight; names in them are not the
// question's subject.

// Not every sentence that asks nothing is context: in chat the problem is
// often stated, then a vague question follows ("パスワードを忘れました。
// どうすれば？", "I can't sign in. What now?"). A sentence that on
// its own reads as one of the FAQ's problems (its best FAQ intent scores
// problemAt or more) counts as part of the question; background ("I
// graduated in 2017", "会社員です") scores far below. Measured 5-fold
// cross-validated (dev-queries-3 correct, wrong; leave-one-out wrong,
// off-topic not answered): without 83.9%, 0.5%; 1.5%, 91.3%; at 0.25
// 84.4%, 0%; 1.3%, 90.6%; at 0.35 84.4%, 0%; 1.2%, 91.9%; at 0.45 83.9%,
// 0%; 1.2%, 91.9%.
const problemAt = 0.35

// contextWeight is how much a word of a sentence that does not ask counts
// against one of a sentence that does.
const contextWeight = 0.5

// sentences cuts text after each sentence-ending mark or line break; the
// marks stay with their sentence. Empty sentences are dropped.
func sentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r == '.' && i < len(text) && text[i] != ' ' && text[i] != '\n' {
			continue // "osaka-u.ac.jp", "3.5"
		}
		if r == '.' && abbreviation(text[start:i-1], text[i:]) {
			continue // "incl. contacts"
		}
		if r == '.' || r == '?' || r == '!' || r == '\n' || r == '。' || r == '？' || r == '！' {
			// Keep a run of marks ("??", "?!") together.
			for i < len(text) {
				r2, sz := utf8.DecodeRuneInString(text[i:])
				if r2 != '?' && r2 != '!' && r2 != '？' && r2 != '！' && r2 != '.' {
					break
				}
				i += sz
			}
			if s := strings.TrimSpace(text[start:i]); s != "" {
				out = append(out, s)
			}
			start = i
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// withoutAsides returns text without what it writes in parentheses (an
// aside: "(closed my Hotmail)", "（旧姓です）"). An unclosed parenthesis
// keeps the rest.
func withoutAsides(text string) string {
	var b strings.Builder
	depth := 0
	last := 0
	for i, r := range text {
		switch r {
		case '(', '（':
			if depth == 0 {
				b.WriteString(text[last:i])
				last = i
			}
			depth++
		case ')', '）':
			if depth > 0 {
				if depth--; depth == 0 {
					last = i + utf8.RuneLen(r)
					b.WriteByte(' ')
				}
			}
		}
	}
	b.WriteString(text[last:])
	return b.String()
}

// abbreviation reports whether the period between before and after ends
// an abbreviation ("incl.", "univ.") rather than a sentence: the word
// before it is short and no English word, and a lower-case word follows.
func abbreviation(before, after string) bool {
	j := len(before)
	for j > 0 && isASCIILetter(before[j-1]) {
		j--
	}
	word := strings.ToLower(before[j:])
	after = strings.TrimLeft(after, " ")
	return word != "" && len(word) <= maxAbbreviation && !lexicon.Known(word) &&
		after != "" && after[0] >= 'a' && after[0] <= 'z'
}

// maxAbbreviation is the longest abbreviation, in letters.
const maxAbbreviation = 5

// askWordsEN start an English sentence that asks; askEndsJA end a Japanese
// one; askMarks anywhere in a sentence make it ask or request.
var (
	askWordsEN = [...]string{"how", "what", "when", "where", "why", "which", "who", "can", "could", "do", "does", "did", "is", "are", "will", "would", "should", "may", "shall", "please", "pls", "help"}
	askEndsJA  = [...]string{"か", "かな", "かね", "っけ", "の", "たい", "たいです", "ほしい", "ほしいです", "ください", "下さい", "教えて", "ますか", "でしょうか", "ません", "ない", "できない", "いい"}
	askMarks   = [...]string{"?", "？", "how do", "how can", "how to", "i want", "i'd like", "i would like", "i need", "どう", "どこ", "いつ", "なぜ", "何", "教えて", "方法", "ください"}
)

// asks reports whether a sentence asks or requests something.
func asks(sentence string) bool {
	s := strings.ToLower(strings.TrimRight(sentence, ".。!！ "))
	for _, m := range askMarks {
		if strings.Contains(s, m) {
			return true
		}
	}
	first := s
	if i := strings.IndexAny(s, " ,"); i >= 0 {
		first = s[:i]
	}
	for _, w := range askWordsEN {
		if first == w {
			return true
		}
	}
	for _, e := range askEndsJA {
		if strings.HasSuffix(s, e) {
			return true
		}
	}
	return false
}

// focus splits a message into the sentences that ask (or that states
// reports as a problem the FAQ knows; nil: none) and the context around
// them. A message of one sentence, or one where every sentence or none
// asks, is all question (context is ""). subject is the question less the
// asides of sentences that only state a problem: "it stopped working (I
// closed that account)" is not about the account, while "Can I forward
// to Fastmail (the paid plan)?" names what it asks about.
func focus(text string, states func(string) bool) (question, context, subject string) {
	ss := sentences(text)
	if len(ss) < 2 {
		return text, "", text
	}
	var q, c, subj []string
	for _, s := range ss {
		switch {
		case asks(s):
			q, subj = append(q, s), append(subj, s)
		case states != nil && states(s):
			q, subj = append(q, s), append(subj, withoutAsides(s))
		default:
			c = append(c, s)
		}
	}
	switch {
	case len(q) == 0:
		return text, "", text
	case len(c) == 0:
		return text, "", strings.Join(subj, " ")
	}
	return strings.Join(q, " "), strings.Join(c, " "), strings.Join(subj, " ")
}
