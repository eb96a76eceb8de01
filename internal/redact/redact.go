// Package redact removes what could identify a person from a question
// before it is stored: e-mail addresses, phone numbers, postal codes, the
// university's personal IDs and student numbers, long runs of digits and
// URLs with query strings each become a placeholder such as <email>.
//
// It errs on the side of removing too much: a question kept for review
// loses nothing of its meaning when a number is replaced, while a stored
// phone number is a leak.
package redact

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Placeholders that stand in for what was removed.
const (
	Email   = "<email>"
	URL     = "<url>"
	Phone   = "<phone>"
	Postal  = "<postal>"
	ID      = "<id>"
	Student = "<student-number>"
	Number  = "<number>"
)

// rule replaces every match of re with the placeholder.
type rule struct {
	re   *regexp.Regexp
	with string
}

// Patterns are applied in order: a URL may contain an e-mail address or
// digits, a phone number contains digit runs, so the more specific come
// first. Digits are ASCII here because Text folds full-width forms first.
var rules = []rule{
	// A URL with a query string can carry tokens and addresses.
	{regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s?#<>]*\?[^\s<>]*`), URL},
	{regexp.MustCompile(EmailPattern), Email},
	// International: +81 90-1234-5678, +1 (415) 555 0100.
	{regexp.MustCompile(`\+\s?\d[\d\s\-().]{6,}\d`), Phone},
	// Japanese phone numbers: 06-6877-5111, 090 1234 5678, (06)6877-5111,
	// 09012345678.
	{regexp.MustCompile(PhonePattern), Phone},
	// Japanese postal codes: 〒565-0871, 565-0871 (after phone numbers, whose
	// first two groups have the same shape).
	{regexp.MustCompile(`〒\s?\d{3}-?\d{4}|\b\d{3}-\d{4}\b`), Postal},
	// Osaka University personal IDs: a letter, six digits, a letter (u123456a).
	{regexp.MustCompile(`(?i)\b[a-z]\d{6}[a-z]\b`), ID},
	// Student numbers: two digits, a letter, five digits (09B12345), or a
	// letter and up to eight digits (a1234567).
	{regexp.MustCompile(`(?i)\b(?:\d{2}[a-z]\d{5}|[a-z]\d{6,8})\b`), Student},
	// Anything else with six digits or more: an account, a card, a
	// student number written as digits only.
	{regexp.MustCompile(`\d{6,}`), Number},
}

// EmailPattern matches an e-mail address. Exported so that tests and fuzz
// targets can check that none survives.
const EmailPattern = `[\p{L}\p{N}._%+\-]+\s?@\s?[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`

// PhonePattern matches a Japanese phone number in its usual shapes.
const PhonePattern = `\(?0\d{1,4}\)?[\s\-]?\d{1,4}[\s\-]\d{3,4}\b|\b0\d{9,10}\b`

// maxPasses bounds the fixed-point loop in Text; two passes suffice for
// any input found so far (a replacement can join two fragments at most
// once), the rest is a safety margin.
const maxPasses = 4

// Text returns s with personal data replaced by placeholders. It first
// folds full-width letters and digits (NFKC), so "０９０－１２３４－５６７８"
// is caught like "090-1234-5678", and repeats until nothing more matches,
// so that a replacement cannot leave a new match behind.
func Text(s string) string {
	s = norm.NFKC.String(s)
	// Every rule needs a digit, an @ or a ? (a URL's query): most
	// questions have none and skip the regular expressions.
	if !strings.ContainsAny(s, "0123456789@?") {
		return s
	}
	for range maxPasses {
		before := s
		for _, r := range rules {
			s = r.re.ReplaceAllLiteralString(s, r.with)
		}
		if s == before {
			break
		}
	}
	return s
}
