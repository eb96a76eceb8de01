package match

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/lexicon"
)

// The subject of a question. "Gmailのパスワードを忘れた" shares パスワード and
// 忘れ with the intent about a forgotten OUMail password, but it is about
// another service. Bigram scores cannot see that: one unknown name weighs
// no more than an unknown particle. So the matcher also reads the salient
// words of a question — names in Latin script, katakana loanwords, kanji
// compounds — and asks whether the catalogue knows them at all, and whether
// the candidate intent does. What counts as known comes from the
// catalogue's own text (examples, titles, keywords, answers, link labels
// of its FAQ and small-talk intents), never from a list in the code.
//
// Measured on the development sets (see the README): without this, 31 of 60
// out-of-scope questions were answered with an OUMail intent.

const (
	// unknownName multiplies a candidate's score for each name (a Latin
	// word in Japanese text or capitalised inside an English sentence, or
	// a katakana word) that no FAQ intent uses, up to maxSubjectPenalties
	// times; unknownCompound for each unknown kanji compound, which is
	// weaker evidence: "海外赴任" is still about a phone number abroad.
	unknownName     = 0.3
	unknownCompound = 0.85
	// foreignSubject multiplies a candidate's score for each name the
	// catalogue uses elsewhere but this intent never mentions ("KOAN" in a
	// question scored against the OUMail password intents).
	foreignSubject = 0.5
	// oursRelief is what is left of each of these penalties when the
	// question also names the service itself (Settings.About): then a
	// strange word is a detail ("a PhD", "ミスった"), not the subject.
	oursRelief = 0.3
	// maxSubjectPenalties bounds how often a score is multiplied down: two
	// strange words already say the question is elsewhere.
	maxSubjectPenalties = 2
	// oursShare is the share of FAQ intents a name must appear in to be the
	// catalogue's own subject ("OUMail", "ID"): such a name is never
	// foreign to an intent that happens not to repeat it.
	oursShare = 0.25
	// minSalientRunes is the shortest katakana or kanji stretch, and
	// minSalientLetters the shortest Latin word, read as a salient word.
	minSalientRunes   = 2
	minSalientLetters = 2
)

// subjects is what the catalogue knows of the words questions name.
type subjects struct {
	kana  map[string]struct{} // folded substrings of the catalogue's katakana runs
	kanji map[string]struct{} // substrings of its kanji runs
	latin map[string]struct{} // lower-case Latin words it uses
	// names are Latin words the catalogue writes inside Japanese text
	// (product and service names: "Gmail", "KOAN"), with the intents whose
	// text mentions each, sorted; nil for the catalogue's own subjects.
	names map[string][]int32
	// domains are the lower-case host names the catalogue writes
	// ("mail.office365.com", "alumni.osaka-u.ac.jp") and each of their
	// parent domains of two labels or more ("office365.com").
	domains map[string]struct{}
	// mailOf are the Latin words the catalogue writes right before "mail"
	// or "email" ("alumni mail", "Outlook mail"): the mail it speaks of.
	mailOf map[string]struct{}
	// signInTo are the names the catalogue's examples write as what one
	// signs in to ("Outlookにログイン"), and the Latin words of its titles:
	// places its answers are about.
	signInTo map[string]struct{}
}

// salient is a salient word of a question the catalogue does not take for
// granted: unknown to every FAQ intent, or a name only some intents
// mention.
type salient struct {
	text    string  // as written (for explanations)
	intents []int32 // for a known name: the intents that mention it
	unknown bool
	kanji   bool // an unknown kanji compound rather than a name
}

// newSubjects reads the vocabulary of the catalogue's FAQ and small-talk
// intents. Out-of-scope intents do not teach it: their words ("同窓会")
// are exactly those that FAQ answers must not claim.
func newSubjects(cat *catalogue.Catalogue) *subjects {
	sub := &subjects{
		kana:     map[string]struct{}{},
		kanji:    map[string]struct{}{},
		latin:    map[string]struct{}{},
		names:    map[string][]int32{},
		domains:  map[string]struct{}{},
		mailOf:   map[string]struct{}{},
		signInTo: map[string]struct{}{},
	}
	faq := 0
	var buf []byte
	// A name is a Latin word written more often as a name (inside Japanese
	// text, or capitalised inside an English sentence) than as a plain
	// lower-case word: "Gmail" is one, "password" (quoted from an English
	// screen in a Japanese answer, but lower-case in English examples) is
	// not.
	asName, asWord := map[string]int{}, map[string]int{}
	for i, in := range cat.Intents {
		if in.IsOutOfScope() {
			continue
		}
		faq++
		texts := append(in.Examples.All(), in.Title.JA, in.Title.EN, in.Answer.JA, in.Answer.EN)
		texts = append(texts, in.Keywords...)
		for _, l := range in.Links {
			texts = append(texts, l.Label.JA, l.Label.EN)
		}
		for _, l := range in.Links {
			texts = append(texts, l.URL)
		}
		// What users sign in to is learnt from the examples, and a name in
		// a title is what its intent is about ("Outlook"); an answer
		// mentions places in passing ("the ID you used to log in to KOAN").
		examples := len(in.Examples.All())
		for k, t := range texts {
			eachDomain(norm.NFKC.String(t), func(_ int, d string, _ bool) {
				d = strings.ToLower(d)
				for {
					sub.domains[d] = struct{}{}
					i := strings.IndexByte(d, '.')
					if i < 0 || strings.IndexByte(d[i+1:], '.') < 0 {
						break
					}
					d = d[i+1:]
				}
			})
			japanese := hasJapanese(t)
			sentenceStart := true
			prev := ""
			nt := norm.NFKC.String(t)
			eachRun(nt, func(at int, run string, sc script) {
				first := sentenceStart
				sentenceStart = sc == scriptEnd
				if sc != scriptLatin {
					prev = ""
				}
				switch sc {
				case scriptLatin:
					buf = lowerASCII(buf[:0], run)
					w := string(buf)
					sub.latin[w] = struct{}{}
					if isMailWord(run) && prev != "" {
						sub.mailOf[prev] = struct{}{}
					}
					if k < examples && signInTarget(nt, at, at+len(run)) || k == examples || k == examples+1 {
						sub.signInTo[w] = struct{}{}
					}
					if len(run) >= minSalientLetters {
						prev = w
					}
					switch {
					case japanese || !first && hasUpper(run):
						asName[w]++
					case !first:
						asWord[w]++
					}
					if ids := sub.names[w]; len(ids) == 0 || ids[len(ids)-1] != int32(i) {
						sub.names[w] = append(ids, int32(i))
					}
				case scriptKana:
					buf = foldKatakana(buf[:0], run)
					addSubstrings(sub.kana, string(buf))
				case scriptKanji:
					addSubstrings(sub.kanji, run)
					// A word it writes in kanji is known in kana too
					// (ソツギョウ is 卒業).
					if r, ok := readingOf(run); ok && !hasHan(r) {
						addSubstrings(sub.kana, r)
					}
				}
			})
		}
	}
	for w := range sub.names {
		if asName[w] <= asWord[w] || english.IsStopWord(w) {
			delete(sub.names, w)
		}
	}
	// The settings' own words are the catalogue's too: a staff member
	// who writes "スタッフなのですが…" names nothing strange.
	settings := append(slices.Concat(cat.Settings.Synonyms...), cat.Settings.HandoffPhrases...)
	for _, w := range append(settings, cat.Settings.About...) {
		eachRun(norm.NFKC.String(w), func(_ int, run string, sc script) {
			switch sc {
			case scriptLatin:
				sub.latin[string(lowerASCII(nil, run))] = struct{}{}
			case scriptKana:
				addSubstrings(sub.kana, string(foldKatakana(nil, run)))
			case scriptKanji:
				addSubstrings(sub.kanji, run)
			}
		})
	}
	for w, ids := range sub.names {
		if float64(len(ids)) >= oursShare*float64(faq) {
			sub.names[w] = nil
		}
	}
	return sub
}

// eachDomain calls fn for each host name in s, with its byte offset: Latin labels (letters,
// digits, hyphens) joined by dots, the last of at least two letters
// ("proton.me", "mail.office365.com"), with whether it follows an "@"
// (the domain of an e-mail address). A dot followed by a space ends a
// sentence, not a host name.
func eachDomain(s string, fn func(at int, domain string, address bool)) {
	for i := 0; i < len(s); {
		if !isLabelByte(s[i]) {
			i++
			continue
		}
		start, dots, lastLetters := i, 0, 0
		j := i
		for j < len(s) {
			c := s[j]
			switch {
			case isLabelByte(c):
				if c >= '0' && c <= '9' || c == '-' {
					lastLetters = -1 << 30
				} else {
					lastLetters++
				}
				j++
				continue
			case c == '.' && j+1 < len(s) && isLabelByte(s[j+1]) && j > start && isLabelByte(s[j-1]):
				dots++
				lastLetters = 0
				j++
				continue
			}
			break
		}
		// A dotted run just before "@" is an address's local part
		// ("taro.yamada@…"), which the domain after it reports.
		if dots > 0 && lastLetters >= 2 && (j == len(s) || s[j] != '@') {
			fn(start, s[start:j], start > 0 && s[start-1] == '@')
		}
		i = j
	}
}

// withoutAddresses returns question without the e-mail addresses whose
// domain the catalogue never writes ("reach me at taro@example.org"): an
// address a user adds is where to write back, not words of the question,
// and its parts weighed as words no intent uses. Addresses at a domain the
// catalogue writes ("…@alumni.osaka-u.ac.jp") stay: they say which address
// is asked about.
func (sub *subjects) withoutAddresses(question string) string {
	if !strings.Contains(question, "@") {
		return question
	}
	var out []byte
	var buf []byte
	eachDomain(question, func(at int, d string, address bool) {
		if !address {
			return
		}
		buf = lowerASCII(buf[:0], d)
		if _, ok := sub.domains[string(buf)]; ok {
			return
		}
		if out == nil {
			out = []byte(question)
		}
		for i := localPart(question, at); i < at+len(d); i++ {
			out[i] = ' '
		}
	})
	if out == nil {
		return question
	}
	return string(out)
}

// localPart returns where the e-mail address whose domain starts at s[at:]
// (just after its "@") begins: the start of its local part ("taro.y+x@").
func localPart(s string, at int) int {
	from := at - 1 // the "@"
	for from > 0 && (isLabelByte(s[from-1]) || s[from-1] == '.' || s[from-1] == '_' || s[from-1] == '+') {
		from--
	}
	return from
}

// isLabelByte reports whether c may be part of a host name's label.
func isLabelByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}

// addSubstrings adds every substring of at least minSalientRunes runes of s.
func addSubstrings(set map[string]struct{}, s string) {
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		n := 0
		for j := i; j < len(s); {
			_, sz := utf8.DecodeRuneInString(s[j:])
			j += sz
			if n++; n >= minSalientRunes {
				set[s[i:j]] = struct{}{}
			}
		}
		i += size
	}
}

// read fills s.salient with the salient words of a question that the
// catalogue does not take for granted. correct is the speller's
// suggestion for an unknown Latin word ("" for none).
func (sub *subjects) read(question string, s *scratch, correct func(string) string) {
	s.salient = s.salient[:0]
	q := norm.NFKC.String(question)
	var masked []byte
	eachDomain(q, func(at int, d string, address bool) {
		// The labels of a host name are not names of their own ("com").
		if masked == nil {
			masked = []byte(q)
		}
		from := at
		if address {
			from = localPart(q, at) // nor is the local part of an address ("taro@…")
		}
		for i := from; i < at+len(d); i++ {
			masked[i] = ' '
		}
		// A host name the catalogue never writes names another service
		// ("my Proton.me account", "fastmail.comのメール"); after "@" it
		// is only where mail goes ("forward to …@example.org"), a detail.
		if address {
			return
		}
		s.buf = lowerASCII(s.buf[:0], d)
		if _, ok := sub.domains[string(s.buf)]; !ok {
			s.salient = append(s.salient, salient{text: d, unknown: true})
		}
	})
	if masked != nil {
		q = string(masked)
	}
	japanese := hasJapanese(q)
	// The names of people in q, read when a word the catalogue does not
	// know asks for them (most questions have none).
	var persons []int
	personsRead := false
	sentenceStart := true
	// The Latin word before the current one, whether it is a name that
	// could name a mail service, and its entry in s.salient (-1: none).
	prev, prevName, prevAt := "", false, -1
	eachRun(q, func(at int, run string, sc script) {
		first := sentenceStart
		sentenceStart = false
		if sc != scriptLatin {
			prev, prevName, prevAt = "", false, -1
		}
		switch sc {
		case scriptLatin:
			if len(run) < minSalientLetters {
				return
			}
			if isMailWord(run) && prev != "" {
				sub.mailService(prev, prevName, prevAt, s)
			}
			prev, prevName, prevAt = run, false, -1
			s.buf = lowerASCII(s.buf[:0], run)
			if english.IsStopWord(string(s.buf)) || negations[string(s.buf)] || timeNames[string(s.buf)] {
				return
			}
			if _, ok := sub.latin[string(s.buf)]; !ok {
				if !personsRead {
					persons, personsRead = personNames(q), true
				}
				if slices.Contains(persons, at) {
					return // a person's name is not what the question is about
				}
				if forwardedTo(q, at, at+len(run)) {
					// Where mail is forwarded to ("forward it to my Proton
					// account", "Gmailに転送") is a detail of a question
					// about forwarding, as an address is.
					return
				}
				w := string(s.buf)
				switch {
				case lexicon.Word(w):
					// An ordinary English word ("word", "private") is a
					// name only where it is written as one: capitalised
					// inside a sentence ("my Discord account"), or in
					// Japanese text ("Wordのライセンス"). It is not
					// evidence against a candidate otherwise: a question
					// in words the catalogue lacks ("inbox is full") is
					// what the review loop turns into new examples.
					prevName = hasUpper(run)
					if hasUpper(run) && (japanese || !first) {
						prevAt = len(s.salient)
						s.salient = append(s.salient, salient{text: run, unknown: true})
					}
					return
				case lexicon.Proper(w):
					// A proper noun after a preposition is when or where
					// ("in June", "from Brazil"): context, not what the
					// question is about.
					prevName = true
					if !afterPreposition(q, at) {
						prevAt = len(s.salient)
						s.salient = append(s.salient, salient{text: run, unknown: true})
					}
					return
				}
				if end := at + len(run); end < len(q) && q[end] == '.' && abbreviation(q[:end], q[end+1:]) {
					return // "incl.", "univ.": an abbreviation, not a name
				}
				if c := correct(w); c != "" && c[0] == w[0] {
					w = c // a typo of a known word, not a new name
				} else {
					// A word in no dictionary is a name ("Spotify",
					// "Authy"), wherever it stands and however written.
					prevName = true
					prevAt = len(s.salient)
					s.salient = append(s.salient, salient{text: run, unknown: true})
					return
				}
				s.buf = append(s.buf[:0], w...)
			}
			if ids := sub.names[string(s.buf)]; ids != nil {
				prevName, prevAt = len(ids) == 1, len(s.salient)
				if _, ok := sub.signInTo[string(s.buf)]; !ok && signInTarget(q, at, at+len(run)) {
					// Signing in to a system the catalogue only mentions
					// ("KOANにログイン") is a question about that system.
					s.salient = append(s.salient, salient{text: run, unknown: true})
					return
				}
				s.salient = append(s.salient, salient{text: run, intents: ids})
			}
		case scriptKana:
			s.buf = foldKatakana(s.buf[:0], run)
			if sub.japaneseName(string(s.buf), run, s) {
				return
			}
			if !sub.knowsKana(string(s.buf)) && lexicon.Loanword(string(s.buf)) {
				// An ordinary word of Japanese (ミス, ポイント) is no
				// name: it weighs as an unknown kanji compound does.
				s.salient = append(s.salient, salient{text: run, unknown: true, kanji: true})
				return
			}
			unknownStretches(sub.kana, string(s.buf), false, s)
		case scriptKanji:
			unknownStretches(sub.kanji, run, true, s)
		case scriptEnd:
			sentenceStart = true
		}
	})
}

// japaneseName reads a katakana run (folded: as foldKatakana wrote it) that
// begins with the name of a firm or product the catalogue never writes
// (ソフトバンク, ヤフーメール) and ends in words it knows, or nothing: such a
// run is an unknown name, as a Latin word in no dictionary is. Pieces of
// it may be known (ソフト, バン): the dictionary tells the name from them.
func (sub *subjects) japaneseName(folded, run string, s *scratch) bool {
	if sub.knowsKana(folded) {
		return false
	}
	name := lexicon.JapaneseName(folded)
	for i := range folded { // or a name followed by words it knows
		if name {
			break
		}
		head, rest := folded[:i], folded[i:]
		name = i > 0 && sub.knowsKana(rest) && !sub.knowsKana(head) && lexicon.JapaneseName(head)
	}
	if name {
		s.salient = append(s.salient, salient{text: run, unknown: true})
	}
	return name
}

// knowsKana reports whether the catalogue writes the folded katakana word.
func (sub *subjects) knowsKana(folded string) bool {
	_, ok := sub.kana[folded]
	return ok
}

// mailService reads the word before "mail" or "email" in a question:
// "Ziggo Mail", "my zoho email" name another mail service. The word
// (word, as written) counts as an unknown name when the catalogue never
// writes it before "mail" and it is a name (name): a word the catalogue
// does not know at all, even in lower case, or a name that only one
// intent mentions in passing (a second provider named in one example of
// forwarding to several addresses). at is
// its entry in s.salient, -1 when it has none yet.
func (sub *subjects) mailService(word string, name bool, at int, s *scratch) {
	if !name {
		return
	}
	s.buf = lowerASCII(s.buf[:0], word)
	if _, ok := sub.mailOf[string(s.buf)]; ok {
		return
	}
	if at >= 0 {
		s.salient[at] = salient{text: word, unknown: true}
		return
	}
	s.salient = append(s.salient, salient{text: word, unknown: true})
}

// englishEndings are endings of English adjectives and participles: a
// word the catalogue does not know that ends so ("outgoing", "external")
// says what kind of mail, not whose.
var englishEndings = [...]string{"ing", "ed", "al", "er", "ly", "ic", "ive", "ous", "ent", "ant", "ate", "ary", "ory", "ful", "less", "ern", "ian", "ish"}

// looksEnglish reports whether a lower-case word ends like an English
// adjective or participle.
func looksEnglish(w string) bool {
	for _, e := range englishEndings {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// signInAfter and signInBefore are what surrounds the place one signs in
// to: "KOANにログイン", "sign in to KOAN".
var (
	signInAfter  = [...]string{"にログイン", "にサインイン", "にログオン", "にアクセス", "に入れ", "へのログイン", "へログイン"}
	signInBefore = [...]string{"sign in to ", "sign into ", "log in to ", "log into ", "login to ", "logon to ", "log on to ", "access to ", "get into "}
)

// signInTarget reports whether s[at:end] is written as the place one signs
// in to.
func signInTarget(s string, at, end int) bool {
	rest := strings.TrimLeft(s[end:], " ")
	for _, a := range signInAfter {
		if strings.HasPrefix(rest, a) {
			return true
		}
	}
	before := s[:at]
	for _, b := range signInBefore {
		if len(before) >= len(b) && strings.EqualFold(before[len(before)-len(b):], b) {
			return true
		}
	}
	return false
}

// forwardedAfter follow where mail is forwarded to ("Gmailに転送"); a
// bare "に" does not ("Gmailに届いたメールを転送": Gmail is where it
// comes from).
var forwardedAfter = [...]string{"に転送", "へ転送", "に自動転送", "へ自動転送", "のアドレスに転送", "のアドレスへ転送"}

// forwardedTo reports whether s[at:end] is written as where mail is
// forwarded to, in a question that speaks of forwarding: after "to" (and
// words such as "my", "personal") or before "に転送" (forwardedAfter).
func forwardedTo(s string, at, end int) bool {
	if !strings.Contains(strings.ToLower(s), "forward") && !strings.Contains(s, "転送") {
		return false
	}
	rest := strings.TrimLeft(s[end:], " ")
	for _, a := range forwardedAfter {
		if strings.HasPrefix(rest, a) {
			return true
		}
	}
	words := strings.Fields(strings.ToLower(s[:at]))
	for i := len(words) - 1; i >= 0 && i >= len(words)-3; i-- {
		switch words[i] {
		case "to", "into", "onto":
			return true
		case "my", "a", "the", "his", "her", "their", "our", "your", "new", "personal", "private", "own", "other":
			continue
		}
		return false
	}
	return false
}

// prepositions are the English words after which a proper noun says when
// or where ("in June", "to Canada"), not which service.
var prepositions = [...]string{"in", "to", "from", "at", "on", "since", "until", "till", "by", "near", "around", "back", "into", "of"}

// afterPreposition reports whether the word at s[at:] follows one of the
// prepositions.
func afterPreposition(s string, at int) bool {
	before := strings.TrimRight(s[:at], " ")
	i := strings.LastIndexByte(before, ' ')
	prev := strings.ToLower(before[i+1:])
	for _, p := range prepositions {
		if prev == p {
			return true
		}
	}
	return false
}

// timeNames are the English names of the months and weekdays, as the time
// package writes them, in lower case: "last March" says when, never which
// service, even where the catalogue writes the month in one intent only.
var timeNames = func() map[string]bool {
	m := map[string]bool{}
	for i := time.January; i <= time.December; i++ {
		m[strings.ToLower(i.String())] = true
	}
	for i := time.Sunday; i <= time.Saturday; i++ {
		m[strings.ToLower(i.String())] = true
	}
	return m
}()

// isMailWord reports whether a Latin word is "mail" or "email".
func isMailWord(w string) bool { return strings.EqualFold(w, "mail") || strings.EqualFold(w, "email") }

// unknownStretches cuts a kanji run, or a katakana run in its folded form,
// into the longest pieces the catalogue knows and records each stretch of
// at least minSalientRunes runes that no known piece covers: "ヤフーメール"
// leaves "やふ" (stretches are shown folded).
func unknownStretches(set map[string]struct{}, key string, kanji bool, s *scratch) {
	unmatched, from := 0, 0
	flush := func(to int) {
		// A word that says when or how (昨日, 普通) is no subject.
		if unmatched >= minSalientRunes && !(kanji && lexicon.Adverbial(key[from:to])) {
			s.salient = append(s.salient, salient{text: key[from:to], unknown: true, kanji: kanji})
		}
		unmatched = 0
	}
	for i := 0; i < len(key); {
		// The longest known piece starting at i.
		end := -1
		n := 0
		for j := i; j < len(key); {
			_, sz := utf8.DecodeRuneInString(key[j:])
			j += sz
			if n++; n >= minSalientRunes {
				if _, ok := set[key[i:j]]; ok {
					end = j
				}
			}
		}
		if end > 0 {
			flush(i)
			i = end
			continue
		}
		if unmatched == 0 {
			from = i
		}
		_, sz := utf8.DecodeRuneInString(key[i:])
		i += sz
		unmatched++
	}
	flush(len(key))
}

// subjectFactor is what a candidate intent's score is multiplied by for
// the salient words of the question that it does not know.
// ours says whether the question names the service itself. doubt is set
// when the question names something the intent does not know (a name, not
// a kanji compound) and does not name the service: such a candidate is
// never answered outright, only offered (see Decide).
func subjectFactor(intent int32, in *catalogue.Intent, found []salient, ours bool) (f float64, doubt bool) {
	if in.IsOutOfScope() || in.Handoff {
		return 1, false
	}
	// A question that names something this intent is about ("IMAP",
	// "Outlook") is about it: another name the catalogue knows beside it
	// ("Thunderbird", "PC") is a detail. A name no intent knows still
	// counts ("softbank … IMAP").
	knows := false
	for _, sl := range found {
		if !sl.unknown && containsID(sl.intents, intent) {
			knows = true
			break
		}
	}
	f, n := 1.0, 0
	for _, sl := range found {
		if n == maxSubjectPenalties {
			break
		}
		var p float64
		switch {
		case sl.unknown && sl.kanji:
			p = unknownCompound
		case sl.unknown:
			p = unknownName
		case knows:
			continue
		case !containsID(sl.intents, intent):
			p = foreignSubject
		default:
			continue
		}
		if ours {
			p = 1 - oursRelief*(1-p)
		} else if !sl.kanji {
			doubt = true
		}
		f *= p
		n++
	}
	return f, doubt
}

func containsID(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// script is the kind of a run of characters.
type script uint8

const (
	scriptLatin script = iota
	scriptKana         // katakana, with its long-vowel mark
	scriptKanji
	scriptEnd // sentence-ending punctuation
)

// eachRun calls fn for each maximal run of Latin letters, katakana or
// kanji, and for each sentence-ending punctuation mark, with its byte
// offset in s.
func eachRun(s string, fn func(at int, run string, sc script)) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		sc, ok := scriptOf(r)
		if !ok {
			if r == '.' || r == '?' || r == '!' || r == '。' || r == '？' || r == '！' {
				fn(i, s[i:i+size], scriptEnd)
			}
			i += size
			continue
		}
		j := i + size
		for j < len(s) {
			r2, sz := utf8.DecodeRuneInString(s[j:])
			if sc2, ok := scriptOf(r2); !ok || sc2 != sc {
				break
			}
			j += sz
		}
		fn(i, s[i:j], sc)
		i = j
	}
}

// scriptOf classifies a rune: ASCII letters, katakana (and the long-vowel
// mark), kanji (and the iteration mark 々).
func scriptOf(r rune) (script, bool) {
	switch {
	case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		return scriptLatin, true
	case r >= 'ァ' && r <= 'ヺ' || r == 'ー':
		return scriptKana, true
	case r == '々' || unicode.Is(unicode.Han, r):
		return scriptKanji, true
	}
	return 0, false
}

// foldKatakana appends the katakana run to b as textnorm would fold it:
// hiragana, long-vowel marks dropped.
func foldKatakana(b []byte, run string) []byte {
	for _, r := range run {
		if r == 'ー' {
			continue
		}
		if r >= 'ァ' && r <= 'ヶ' {
			r -= 'ァ' - 'ぁ'
		}
		b = utf8.AppendRune(b, r)
	}
	return b
}

// lowerASCII appends the ASCII word lower-cased to b.
func lowerASCII(b []byte, w string) []byte {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

func hasUpper(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= 'A' && w[i] <= 'Z' {
			return true
		}
	}
	return false
}

// hasJapanese reports whether s has kana or kanji.
func hasJapanese(s string) bool {
	for _, r := range s {
		if isJapanese(r) {
			return true
		}
	}
	return false
}
