// Package redact removes what could identify a person from a question
// before it is stored: e-mail addresses (also written "taro at example
// dot com"), phone numbers (also with ー, dots or kanji digits), postal
// codes, street addresses and room numbers, birth dates, card and My
// Number numbers, the university's personal IDs and student numbers, long
// runs of digits, names next to what marks them as names (様, さん, と申します,
// "my name is", a signature after "Thanks,"), and URLs that carry a token
// each become a placeholder such as <email>. A message that gives a
// password is not kept at all: it becomes Withheld.
//
// It errs on the side of removing too much: a question kept for review
// loses nothing of its meaning when a number or a name is replaced, while
// a stored phone number is a leak. Names are the weak spot: one written
// with nothing around it that marks it as a name cannot be told from an
// ordinary word, and is kept.
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
	Address = "<address>"
	Date    = "<date>"
	Name    = "<name>"
)

// rule replaces the matches of re. with is a template (regexp.Expand) that
// may keep groups of the match, such as the word before a name; keep, when
// set, vetoes a match that is not personal after all (a stop word).
type rule struct {
	re   *regexp.Regexp
	with string
	keep func(s string, m []int) bool
	// fn, when set, replaces a match itself (for names whose length is
	// decided word by word); it returns the match unchanged to keep it.
	fn func(s string, m []int) string
	// chars and words say what a match cannot do without: the rule runs
	// only when s has one of chars or its lower-case form one of words
	// (neither set: always). Most questions have no digit, no @ and no
	// honorific, and skip most rules.
	chars string
	words []string
	// minDigits is how many digits a match has at least (a card number
	// twelve): a question with fewer skips the rule.
	minDigits int
}

// runs reports whether r can match s, whose lower-case form is lower and
// which has n digits.
func (r rule) runs(s, lower string, n int) bool {
	if n < r.minDigits {
		return false
	}
	if r.chars == "" && r.words == nil {
		return true
	}
	if r.chars != "" && strings.ContainsAny(s, r.chars) {
		return true
	}
	for _, w := range r.words {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

func (r rule) apply(s string) string {
	if r.keep == nil && r.fn == nil {
		return r.re.ReplaceAllString(s, r.with)
	}
	ms := r.re.FindAllStringSubmatchIndex(s, -1)
	if ms == nil {
		return s
	}
	var b []byte
	last := 0
	for _, m := range ms {
		switch {
		case r.fn != nil:
			b = append(b, s[last:m[0]]...)
			b = append(b, r.fn(s, m)...)
		case r.keep(s, m):
			continue
		default:
			b = append(b, s[last:m[0]]...)
			b = r.re.ExpandString(b, r.with, s, m)
		}
		last = m[1]
	}
	return string(append(b, s[last:]...))
}

// digits are what most patterns need at least one of.
const digits = "0123456789"

// months and buildings gate the rules for English dates and for room
// numbers after a building's name.
var (
	months    = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	buildings = []string{"マンション", "ハイツ", "コーポ", "荘", "レジデンス", "メゾン", "ハイム", "アパート", "パレス", "ヴィラ", "ハウス", "タワー", "ヒルズ", "コート"}
)

// Character classes shared by the patterns. Digits are ASCII because Text
// folds full-width forms first (NFKC), and kanji digits in long runs.
const (
	// sep separates the groups of a phone number: spaces, hyphens and
	// dashes of every kind (ー is how a Japanese keyboard often types one),
	// dots and middle dots.
	sep = `[\s\-‐‑‒–—―−ー.・]`
	// hyphen joins the parts of a postal code or an address.
	hyphen = `[\-‐‑‒–—―−ー]`
	// era and year write a year, western or Japanese (平成2年, H2).
	era  = `(?:明治|大正|昭和|平成|令和|[MTSHR]\.?)\s?(?:元|\d{1,2})`
	year = `(?:(?:19|20)\d{2}|` + era + `)`
	// month is an English month name.
	month = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`
	// num is a number in an address, in digits or kanji (三丁目).
	num = `(?:\d{1,4}|[〇一二三四五六七八九十百千]{1,5})`
	// place is the town name before a block number.
	place = `[\p{Han}\p{Katakana}々ヶー]`
)

// Patterns are applied in order: a URL may contain an e-mail address or
// digits, a date or a phone number contains digit runs, so the more
// specific come first.
var rules = []rule{
	// A URL with a user and password, a query string or a fragment with
	// parameters can carry tokens and addresses.
	{re: regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s/@<>]+@[^\s<>]*`), with: URL, words: []string{"://"}},
	{re: regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s?#<>]*(?:\?|#[^\s<>]*=)[^\s<>]*`), with: URL, words: []string{"://", "www."}},
	// A URL with a token in its path (/reset/3f9a0c…, a shared file's id).
	{re: regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>]+`), with: URL, keep: noTokenInPath, words: []string{"://", "www."}},
	{re: regexp.MustCompile(EmailPattern), with: Email, chars: "@"},
	// Addresses written out: "taro (at) example (dot) com",
	// "taro アットマーク example.com", "taro at example dot com".
	{re: regexp.MustCompile(`(?i)[a-z0-9._%+\-]+\s*(?:\(at\)|\[at\]|\{at\}|<at>|アットマーク|あっとまーく|アット|あっと)\s*[a-z0-9\-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\{dot\}|<dot>|\bdot\b|ドット|どっと)\s*[a-z0-9\-]+)+`), with: Email, words: []string{"(at)", "[at]", "{at}", "<at>", "アット", "あっと"}},
	{re: regexp.MustCompile(`(?i)\b[a-z0-9_%+\-]+(?:(?:\.|\s+dot\s+)[a-z0-9_%+\-]+)*\s+at\s+[a-z0-9\-]+(?:(?:\s*\.\s*|\s+dot\s+)[a-z0-9\-]+)*\s+dot\s+[a-z]{2,}(?:(?:\.|\s+dot\s+)[a-z]{2,})*\b`), with: Email, words: []string{" dot "}},
	// Dates with a year, month and day: 1990年1月2日, 平成2年1月2日,
	// 1990/01/02, 02.01.1990, January 2, 1990, 2 Jan 1990.
	{re: regexp.MustCompile(year + `\s?年\s?\d{1,2}\s?月\s?\d{1,2}\s?日?`), with: Date, words: []string{"年"}},
	{re: regexp.MustCompile(`\b(?:(?:19|20)\d{2}|[MTSHR]\.?\d{1,2})` + `\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?\d{1,2}\b`), with: Date, chars: "/.-", minDigits: 3},
	{re: regexp.MustCompile(`\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:(?:19|20)\d{2}|\d{2})\b`), with: Date, chars: "/.-", minDigits: 4},
	{re: regexp.MustCompile(`(?i)\b(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + month + `,?\s+(?:19|20)\d{2}|` + month + `\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2})\b`), with: Date, words: months},
	// A birthday or a year of birth, named as such: 誕生日は3月3日,
	// 1990年生まれ, born in 1990, DOB: 3/3.
	{re: regexp.MustCompile(`(?i)(生年月日|誕生日|生まれ(?:た日)?|birthday|birth\s?date|date\s+of\s+birth|\bdob\b|\bd\.o\.b\.?|\bborn\b)(\s*(?:は|が|:|=|is|was|on|in)?\s*)` +
		`(?:` + year + `\s?年\s?(?:\d{1,2}\s?月\s?(?:\d{1,2}\s?日)?)?|\d{1,2}\s?月\s?\d{1,2}\s?日|\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?|(?:19|20)\d{2}(?:[/.\-]\d{1,2}){0,2}|` +
		month + `\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d{2})?|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + month + `(?:,?\s+(?:19|20)\d{2})?|` + month + `\s+(?:19|20)\d{2})`), with: "${1}${2}" + Date, words: []string{"生年月日", "誕生日", "生まれ", "birth", "dob", "d.o.b", "born"}},
	{re: regexp.MustCompile(`(?:` + year + `\s?年\s?(?:\d{1,2}\s?月\s?(?:\d{1,2}\s?日)?)?|\d{1,2}\s?月\s?\d{1,2}\s?日)(\s?生(?:まれ)?)`), with: Date + "${1}", words: []string{"生"}},
	// International: +81 90-1234-5678, +1 (415) 555 0100.
	{re: regexp.MustCompile(`\+\s?\d[\d\s\-‐−ー().]{6,}\d`), with: Phone, chars: "+", minDigits: 2},
	// Japanese phone numbers: 06-6877-5111, 090 1234 5678, (06)6877-5111,
	// 090ー1234ー5678, 090.1234.5678, 09012345678.
	{re: regexp.MustCompile(PhonePattern), with: Phone, chars: "0", minDigits: 6},
	// Japanese postal codes: 〒565-0871, 565-0871 (after phone numbers, whose
	// first two groups have the same shape).
	{re: regexp.MustCompile(`〒\s?\d{3}` + hyphen + `?\d{4}|\b\d{3}` + hyphen + `\d{4}\b`), with: Postal, minDigits: 7},
	// Card and My Number numbers in groups of four: 4111 1111 1111 1111,
	// 1234-5678-9012.
	{re: regexp.MustCompile(`\b\d{4}(?:` + sep + `?\d{4}){2,3}\b`), with: Number, minDigits: 12},
	// Osaka University personal IDs: a letter, six digits, a letter (u123456a).
	{re: regexp.MustCompile(`(?i)\b[a-z]\d{6}[a-z]\b`), with: ID, minDigits: 6},
	// Student numbers: two digits, a letter, five digits (09B12345), or a
	// letter and up to eight digits (a1234567).
	{re: regexp.MustCompile(`(?i)\b(?:\d{2}[a-z]\d{5}|[a-z]\d{6,8})\b`), with: Student, minDigits: 6},
	// Street addresses: the town and block numbers (山田丘1丁目2番3号,
	// 吹田市山田丘1-2-3, 三丁目), the room (203号室, 部屋番号は203,
	// コーポ山田203), and English ones (12 Baker Street, Apt 4B, 2-chome).
	{re: regexp.MustCompile(`(` + place + `{0,12})` + num + `\s?丁目((?:\s?` + num + `\s?(?:番地?|` + hyphen + `|の)?){0,2}号?)`), with: Address, keep: bareChome, words: []string{"丁目"}},
	{re: regexp.MustCompile(place + `{0,12}(?:` + num + `番地(?:の?` + num + `号?)?|` + num + `番` + num + `号)`), with: Address, words: []string{"番"}},
	{re: regexp.MustCompile(`(` + place + `{2,12})(\d{1,4}(?:` + hyphen + `\d{1,4}){1,3})`), with: Address, keep: notAnAddress, minDigits: 2},
	{re: regexp.MustCompile(`\b\d{1,4}-\d{1,4}-\d{1,4}\b`), with: Address, chars: "-", minDigits: 3},
	{re: regexp.MustCompile(num + `\s?号室`), with: Address, words: []string{"号室"}},
	{re: regexp.MustCompile(`(部屋番号|室番号)(\s*(?:は|:|=)?\s*)[A-Za-z]?\d{1,5}[A-Za-z]?`), with: "${1}${2}" + Address, chars: digits},
	{re: regexp.MustCompile(`[\p{Han}\p{Katakana}ー・A-Za-z]{0,12}(?:` + strings.Join(buildings, "|") + `)[\p{Han}\p{Katakana}ー・]{0,8}\s?[A-Za-z]?-?\d{2,4}`), with: Address, words: buildings},
	{re: regexp.MustCompile(`\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][A-Za-z'.\-]*\s+){1,3}(?i:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|crescent|close|highway|hwy|parkway|square|sq)\b\.?`), with: Address, chars: digits},
	{re: regexp.MustCompile(`(?i)\b(?:apt|apartment|unit|flat|suite|ste|room|rm)\.?\s*(?:no\.?\s*|#\s*)?\d{1,5}[A-Za-z]?\b`), with: Address, words: []string{"apt", "apartment", "unit", "flat", "suite", "ste", "room", "rm"}},
	{re: regexp.MustCompile(`(?i)\b\d{1,4}-?chome\b(?:[\s,\-]+\d{1,4}(?:-\d{1,4})?)?`), with: Address, words: []string{"chome"}},
}

// EmailPattern matches an e-mail address. Exported so that tests and fuzz
// targets can check that none survives.
const EmailPattern = `[\p{L}\p{N}._%+\-]+\s?@\s?[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`

// PhonePattern matches a Japanese phone number in its usual shapes.
const PhonePattern = `\(?0\d{1,4}\)?` + sep + `?\d{1,4}` + sep + `\d{3,4}\b|0\d{1,4}\s?\(\d{1,4}\)\s?\d{3,4}\b|\b0\d{9,10}\b`

// numberRule catches what is left with six digits or more (an account, a
// card, a student number written as digits only); it runs after the names,
// whose rules do not look at digits.
var numberRule = rule{re: regexp.MustCompile(`\d{6,}`), with: Number, keep: hexCode, minDigits: 6}

// hexCode keeps the digits of an error code written in hexadecimal
// (0x80070005): they name an error, not a person.
func hexCode(s string, m []int) bool {
	return strings.HasSuffix(strings.ToLower(s[:m[0]]), "0x")
}

// maxPasses bounds the fixed-point loop in Text; two passes suffice for
// any input found so far (a replacement can join two fragments at most
// once), the rest is a safety margin.
const maxPasses = 4

// Text returns s with personal data replaced by placeholders, or Withheld
// when s gives a password. It first folds full-width letters and digits
// (NFKC), so "０９０－１２３４－５６７８" is caught like "090-1234-5678", and
// kanji digits in runs as long as a phone number's, and repeats until
// nothing more matches, so that a replacement cannot leave a new match
// behind.
func Text(s string) string {
	s = norm.NFKC.String(s)
	if hasPassword(s) {
		return Withheld
	}
	s = foldKanjiDigits(s)
	for range maxPasses {
		before := s
		lower, n := strings.ToLower(s), countDigits(s)
		for _, r := range rules {
			if r.runs(s, lower, n) {
				s = r.apply(s)
			}
		}
		for _, r := range nameRules {
			if r.runs(s, lower, n) {
				s = r.apply(s)
			}
		}
		s = surnameNames(s)
		if numberRule.runs(s, lower, countDigits(s)) {
			s = numberRule.apply(s)
		}
		if s == before {
			break
		}
	}
	return s
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// kanjiRun is a run of digits, kanji digits and phone separators.
var kanjiRun = regexp.MustCompile(`[〇一二三四五六七八九零0-9](?:` + sep + `?[〇一二三四五六七八九零0-9]){7,}`)

// kanjiDigits maps the kanji digits to ASCII ones.
var kanjiDigits = strings.NewReplacer("〇", "0", "零", "0", "一", "1", "二", "2", "三", "3", "四", "4", "五", "5", "六", "6", "七", "7", "八", "8", "九", "9")

// foldKanjiDigits writes a run of eight digits or more that uses kanji
// digits (〇九〇ー一二三四ー五六七八) in ASCII, so that the phone and number
// patterns see it; shorter runs (三丁目, 二〇二四年) are words or years and
// stay as they are.
func foldKanjiDigits(s string) string {
	if !strings.ContainsAny(s, "〇零一二三四五六七八九") {
		return s
	}
	return kanjiRun.ReplaceAllStringFunc(s, kanjiDigits.Replace)
}

// noTokenInPath keeps a URL whose path has no segment that looks like a
// token: at least 12 characters that switch often between letters and
// digits or between cases (3f9a0c1b…, aB3dE9fG…, a UUID).
func noTokenInPath(s string, m []int) bool {
	u := s[m[0]:m[1]]
	if i := strings.Index(u, "//"); i >= 0 {
		u = u[i+2:]
	}
	for _, seg := range strings.FieldsFunc(u, func(r rune) bool { return r == '/' || r == '.' || r == '_' || r == '=' }) {
		if tokenLike(seg) {
			return false
		}
	}
	return true
}

func tokenLike(seg string) bool {
	if len(seg) < 12 {
		return false
	}
	switches, last := 0, 0
	for _, r := range seg {
		c := 0
		switch {
		case r >= '0' && r <= '9':
			c = 1
		case r >= 'a' && r <= 'z':
			c = 2
		case r >= 'A' && r <= 'Z':
			c = 3
		default:
			continue
		}
		if last != 0 && c != last {
			switches++
		}
		last = c
	}
	return switches >= 5
}

// bareChome keeps a block number with neither a town before it nor a
// number after it (1丁目って書くの？): alone it points at no one.
func bareChome(s string, m []int) bool { return m[2] == m[3] && m[4] == m[5] }

// notAnAddress keeps numbers after a word that are not block numbers: a
// range of years or times (令和5-6年度, 第1-2回), or two numbers after a
// word that is not a town's (手順1-2).
func notAnAddress(s string, m []int) bool {
	word, nums, rest := s[m[2]:m[3]], s[m[4]:m[5]], s[m[1]:]
	for _, c := range []string{"年", "月", "日", "回", "期", "度", "時", "分", "歳", "%", "〜", "~", "章", "節", "条", "項", "ページ", "頁", "番目"} {
		if strings.HasPrefix(rest, c) {
			return true
		}
	}
	if strings.HasSuffix(word, "第") || strings.HasSuffix(word, "約") {
		return true
	}
	if strings.Count(nums, "-")+strings.Count(nums, "ー")+strings.Count(nums, "−") >= 2 {
		return false
	}
	return !strings.ContainsAny(word, "市区町村郡丁丘台通条")
}
