package redact

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Withheld is what is stored instead of a message that contains a
// password: nothing of it is kept, since a password typed next to its ID
// or address is a whole account.
const Withheld = "[password withheld]"

// HasPassword reports whether s seems to give a password, a PIN or a
// passcode: a word for one ("パスワードは", "my password is", "PW:",
// "暗証番号") followed by something that looks like a secret rather than
// a word ("パスワードは8文字以上ですか", "my password is wrong" are
// questions about passwords, not passwords). Full-width forms count as
// their ASCII twins.
func HasPassword(s string) bool { return hasPassword(norm.NFKC.String(s)) }

// passwordRE finds a password word, what joins it to the secret, and the
// secret. The connectors are tried longest first (Go's alternation takes
// the first that matches).
var passwordRE = regexp.MustCompile(`(?i)` +
	// 1: the word for a password.
	`(パスワード|ぱすわーど|パスワ-ド|\bpass\s?words?\b|\bpasswd\b|\bpwd\b|\bp/?w\b|\bpass\s?codes?\b|パスコード|暗証番号|\bpin(?:\s?code)?\b|pinコード|ピン番号|\bpass\b|パス)` +
	// "password for OUMail is", "password I use is".
	`(?:\s+(?:for|of|on)\s+[\w.@-]+)?(?:\s+i\s+(?:use|used|set|typed|entered|tried))?` +
	// 2: the connector.
	`(\s*(?:は|が|を|も|って|:|=|→)\s*[、,]?\s*|\s+(?:is\s+now|was\s+changed\s+to|is\s+set\s+to|was\s+set\s+to|is\s*:?|was\s*:?|would\s+be|should\s+be|to)\s+|\s*)` +
	// 3: the secret, with an opening quote.
	`([「『"“'‘(\[]?[!-~]{1,64})`)

// passwordWords start every match of passwordRE: it is tried only where
// one of them is, anchored there (scanning the whole message from every
// position was half the cost of Text).
var passwordWords = []string{"pass", "pw", "p/w", "pwd", "pin", "パス", "ぱすわ", "暗証", "ピン"}

// passwordAt is passwordRE anchored at the start.
var passwordAt = regexp.MustCompile(`^(?:` + passwordRE.String() + `)`)

func hasPassword(s string) bool {
	lower := strings.ToLower(s)
	if len(lower) != len(s) {
		lower = s // a letter whose lower case is longer: offsets must agree
	}
	for _, w := range passwordWords {
		for from := 0; ; {
			i := strings.Index(lower[from:], w)
			if i < 0 {
				break
			}
			at := from + i
			from = at + len(w)
			if w[0] < 0x80 && at > 0 && isWordByte(lower[at-1]) {
				continue // "bypass", "spin": not the word
			}
			m := passwordAt.FindStringSubmatchIndex(s[at:])
			if m != nil && secretAfter(s[at+m[2]:at+m[3]], s[at+m[4]:at+m[5]], s[at+m[6]:at+m[7]], s[at+m[7]:]) {
				return true
			}
		}
	}
	return false
}

func isWordByte(b byte) bool {
	return b == '_' || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
}

// secretAfter decides whether tok, written after the password word kw and
// the connector conn and followed by rest, is a secret.
func secretAfter(kw, conn, tok, rest string) bool {
	kw, conn = strings.ToLower(kw), strings.ToLower(strings.TrimSpace(conn))
	quoted := strings.ContainsAny(tok[:1], `「『"“'‘([`)
	tok = strings.TrimLeft(tok, "「『\"“'‘([")
	if t := strings.TrimRight(tok, `.,;:!?)]}>'"`); t != tok {
		rest = tok[len(t):] + rest
		tok = t
	}
	if len(tok) < 4 || strings.HasPrefix(strings.ToLower(tok), "http") || strings.HasPrefix(tok, "@") || dateLike.MatchString(tok) {
		return false
	}
	if notSecret[strings.ToLower(tok)] {
		return false
	}
	// "pass" and "パス" are other words too ("a bus pass", "パスポート"):
	// only a strong secret right after は, a colon or "is" counts.
	short := kw == "pass" || kw == "パス"
	explicit := conn != "" && conn != "を" && conn != "to" && !strings.HasPrefix(conn, "→")
	switch strength(tok) {
	case strong:
		if allDigits(tok) && (counterNext(rest) || !(explicit || quoted || pinWord(kw))) {
			// "パスワードは2024年に変えた", "app password for Outlook 2016".
			return false
		}
		return !short || explicit || quoted
	case weak:
		if short || !(explicit || quoted) {
			return false
		}
		if hasJapanese(rest) || hasJapanese(conn) {
			return weakEndsJA(rest)
		}
		return true
	}
	return false
}

// Secret strengths: a strong one mixes letters and digits or symbols, or
// is all digits (a PIN); a weak one is a single made-up or ordinary word.
const (
	none = iota
	weak
	strong
)

func strength(tok string) int {
	var letters, digits, symbols, uppers int
	for i, r := range tok {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'a' && r <= 'z':
			letters++
		case r >= 'A' && r <= 'Z':
			letters++
			if i > 0 {
				uppers++
			}
		case r == '-':
			// "e-mail", "sign-in": a hyphen joins words.
		default:
			symbols++
		}
	}
	switch {
	case digits > 0 && letters == 0 && symbols == 0 && !strings.Contains(tok, "-"):
		return strong
	case letters > 0 && (digits > 0 || symbols > 0):
		return strong
	case letters > 0 && uppers > 0 && uppers < letters-1 && strings.ToUpper(tok) != tok:
		return strong // "SunFlower"
	case letters > 0 && digits == 0 && symbols == 0:
		lower := strings.ToLower(tok)
		for _, suffix := range []string{"ed", "ing", "ly", "able", "ible", "ful", "ous", "ive", "less", "ness", "tion"} {
			if strings.HasSuffix(lower, suffix) {
				return none // "expired", "working", "definitely", "unusable"
			}
		}
		return weak
	}
	return none
}

// pinWord reports whether kw names a secret made of digits, which may
// follow it without a connector ("PIN 1234").
func pinWord(kw string) bool {
	return strings.HasPrefix(kw, "pin") || kw == "暗証番号" || kw == "ピン番号"
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// counterNext reports whether rest starts with a unit, so that the digits
// before it are a count or a year, not a PIN.
func counterNext(rest string) bool {
	rest = strings.TrimSpace(rest)
	for _, c := range []string{"年", "月", "日", "桁", "文字", "回", "個", "時", "分", "歳", "才", "ヶ月", "か月", "%", "characters", "chars", "digits", "letters", "times", "years", "days", "hours", "minutes"} {
		if strings.HasPrefix(strings.ToLower(rest), c) {
			return true
		}
	}
	return false
}

// weakEndsJA reports whether what follows a single word in Japanese makes
// it the password ("パスワードはsakuraです") rather than something the
// password relates to ("passwordはstudentの時と一緒", "パスワードをresetしたい").
func weakEndsJA(rest string) bool {
	rest = strings.TrimLeft(rest, " \t")
	if rest == "" {
		return true
	}
	for _, p := range []string{"です", "でした", "だ", "で", "に", "と", "って", "。", "、", ",", ".", "!", "?", "\n", "」", "』", ")"} {
		if strings.HasPrefix(rest, p) {
			return !strings.HasPrefix(rest, "ですか") && !strings.HasPrefix(rest, "でしょうか")
		}
	}
	return false
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

// dateLike matches tokens that are dates or times, not secrets.
var dateLike = regexp.MustCompile(`^(?:\d{4}[/.-]\d{1,2}(?:[/.-]\d{1,2})?|\d{1,2}[/.:]\d{1,2}(?:[/.:]\d{2,4})?)$`)

// notSecret are words that follow "password is" or "パスワードは" in
// questions about passwords: states, products, and words of the trade.
var notSecret = setOf(`
wrong right correct incorrect invalid valid expired expiring locked blocked not never still also just too very
the a an my your our their this that what which how where when why who whose same different case long short
weak strong required needed necessary mandatory optional fine okay good bad lost forgotten forgot gone missing
empty blank unknown new old temporary initial saved stored changed change reset compromised stolen hacked
leaked working accepted rejected being going supposed for from with into about after before less more only
already now there here none nothing something mine yours same also even really actually maybe perhaps please
help thanks thank sorry unable cannot cant does doesnt dont didnt isnt wasnt wont will would should could must
outlook gmail google microsoft office windows chrome safari firefox edge iphone ipad android apple yahoo line
slack teams koan oumail alumni student students staff mail email e-mail address account login sign-in log-in
sign signin same expire expires expiry length rules policy requirements characters letters digits numbers
symbols case-sensitive sensitive uppercase lowercase english japanese romaji kanji hiragana katakana
office365 microsoft365 m365 windows10 windows11 win10 win11 ms365 outlook365 ipv4 ipv6 wi-fi wifi
same-as also-the otherwise anyway somewhere someone anyone everyone nobody none
`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
