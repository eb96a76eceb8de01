// Package catalogue loads the intents an admin keeps as YAML files, one file
// per intent plus one settings file, and validates them into an immutable
// Catalogue. Every problem is reported with its file, line and column and a
// sentence saying what to do, so that an admin who is not a programmer can
// fix the file.
package catalogue

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Lang is a reply language.
type Lang string

// The languages every intent must answer in.
const (
	Japanese Lang = "ja"
	English  Lang = "en"
)

// Langs lists the supported languages in the order they are written in files.
var Langs = []Lang{Japanese, English}

// SettingsFile is the name of the bot's own settings file inside an intents
// directory. The leading underscore keeps it apart from intent files.
const SettingsFile = "_settings.yaml"

// Text is a string written in each supported language.
type Text struct {
	JA string
	EN string
}

// In returns the text in language l (Japanese for anything but English).
func (t Text) In(l Lang) string {
	if l == English {
		return t.EN
	}
	return t.JA
}

// Examples holds the sample questions of an intent, per language.
type Examples struct {
	JA []string
	EN []string
}

// In returns the examples in language l.
func (e Examples) In(l Lang) []string {
	if l == English {
		return e.EN
	}
	return e.JA
}

// All returns the examples of every language, Japanese first.
func (e Examples) All() []string {
	return append(append(make([]string, 0, len(e.JA)+len(e.EN)), e.JA...), e.EN...)
}

// Link is a labelled https URL shown with an answer.
type Link struct {
	Label Text
	URL   string
}

// Intent is one thing users ask about, with the answer the bot gives.
type Intent struct {
	// ID equals the file name without ".yaml".
	ID string
	// Title names the intent in lists, buttons and choices.
	Title Text
	// Examples are how people ask; the matcher's main evidence.
	Examples Examples
	// Keywords are optional words that strongly signal this intent.
	Keywords []string
	// Answer is the reply text.
	Answer Text
	// Links are shown with the answer as buttons or URLs.
	Links []Link
	// Escalate makes the reply carry the alumni office contact.
	Escalate bool
	// Handoff marks the intent that asks for a person: matching it always
	// escalates.
	Handoff bool
	// Related lists intent ids offered as next questions.
	Related []string
	// Kind says whether the intent is an FAQ answer (the zero value),
	// small talk, or a topic the office does not handle here.
	Kind Kind
	// File is the path the intent was loaded from.
	File string
	// Draft marks an intent that is not finished ("draft: true", as
	// madoguchi import writes them): the catalogue keeps it in Drafts,
	// never in Intents, so nothing answers from it.
	Draft bool
	// Source says where an imported intent came from, so that importing
	// the same source again updates it; zero for an intent written by hand.
	Source Source
	// Needs lists, for a draft, what it still needs before it can be
	// published: the problems Load would report without "draft: true".
	Needs Problems
}

// Source is the place in an office's FAQ document that an intent was
// imported from: the file's base name and the item's key in it (its
// number or id when the document gives one, else its question).
type Source struct {
	File string
	Item string
}

// Kind is what sort of thing an intent recognises.
type Kind string

// The kinds of intent.
const (
	// FAQ intents answer a question about the service (the default).
	FAQ Kind = "faq"
	// SmallTalk intents answer greetings, thanks and other chat that is not
	// a question: their reply carries no title, and answering one is not
	// counted as answering an out-of-scope question.
	SmallTalk Kind = "small-talk"
	// OutOfScope intents recognise things the office is often asked about
	// but does not handle here (certificates, alumni association fees…).
	// They are never answered as an FAQ: a question they fit best is
	// escalated with the intent's own reply, which says where to go.
	OutOfScope Kind = "out-of-scope"
)

// Kinds lists the valid kinds, in the order lint names them.
var Kinds = []Kind{FAQ, SmallTalk, OutOfScope}

// IsOutOfScope reports whether the intent names a topic not handled here.
func (in *Intent) IsOutOfScope() bool { return in.Kind == OutOfScope }

// IsSmallTalk reports whether the intent answers chat rather than a question.
func (in *Intent) IsSmallTalk() bool { return in.Kind == SmallTalk }

// Catalogue is a validated, immutable set of intents and the bot settings.
type Catalogue struct {
	// Intents are sorted by ID. Callers must not modify them.
	Intents []*Intent
	// Drafts are the unfinished intents of the directory, sorted by file:
	// loaded aside so that the matcher never sees them (a half-written
	// intent with one example in one language would be answered with
	// confidence it has not earned), listed for the admins to finish.
	Drafts   []*Intent
	Settings Settings
	byID     map[string]*Intent
}

// Intent returns the intent with the given id, or nil.
func (c *Catalogue) Intent(id string) *Intent { return c.byID[id] }

// New validates intents and settings that were built in code (for example
// generated catalogues in benchmarks) and returns a Catalogue. It applies
// the cross-intent checks that Load applies.
func New(intents []*Intent, settings Settings) (*Catalogue, error) {
	var ps Problems
	for _, in := range intents {
		ps = append(ps, checkIntent(in)...)
	}
	c, cross := assemble(intents, settings, nil)
	ps = append(ps, cross...)
	if len(ps) > 0 {
		return nil, ps.sorted()
	}
	return c, nil
}

// Load reads and validates the catalogue in dir: every "<id>.yaml" file and
// the settings file. It returns Problems (listing every problem found) when
// anything is wrong, and no catalogue.
func Load(dir string) (*Catalogue, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read intents directory: %w", err)
	}
	var (
		ps       Problems
		intents  []*Intent
		drafts   []*Intent
		pos      = map[*Intent]*positions{}
		settings Settings
		sawSet   bool
	)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
			continue // hidden files, editor backups, Kubernetes ..data links
		}
		path := filepath.Join(dir, name)
		if e.Type()&fs.ModeSymlink != 0 || e.IsDir() {
			st, err := os.Stat(path)
			if err != nil || st.IsDir() {
				continue
			}
		}
		ext := filepath.Ext(name)
		switch {
		case name == SettingsFile:
			data, err := os.ReadFile(path)
			if err != nil {
				ps = append(ps, Problem{File: path, Msg: "cannot read file: " + errors.Unwrap(err).Error(), MsgJA: "ファイルを読めません: " + errors.Unwrap(err).Error()})
				continue
			}
			s, sp := ParseSettings(path, data)
			ps = append(ps, sp...)
			settings, sawSet = s, true
		case ext == ".yml":
			ps = append(ps, Problem{File: path, Msg: `intent files must end in ".yaml"; rename it to ` + strings.TrimSuffix(name, ext) + ".yaml",
				MsgJA: `インテントのファイル名は ".yaml" で終わる必要があります。` + strings.TrimSuffix(name, ext) + ".yaml に名前を変えてください"})
		case ext == ".yaml":
			data, err := os.ReadFile(path)
			if err != nil {
				ps = append(ps, Problem{File: path, Msg: "cannot read file: " + errors.Unwrap(err).Error(), MsgJA: "ファイルを読めません: " + errors.Unwrap(err).Error()})
				continue
			}
			in, p, ip := parseIntent(path, data)
			if in != nil && in.Draft {
				// A draft's problems are what it still needs; only the
				// ones that keep it from being read at all fail Load.
				in.Needs = ip
				drafts = append(drafts, in)
				continue
			}
			ps = append(ps, ip...)
			if in != nil {
				intents = append(intents, in)
				pos[in] = p
			}
		}
	}
	if !sawSet {
		ps = append(ps, Problem{File: filepath.Join(dir, SettingsFile), Msg: "the settings file is missing; copy it from the shipped intents directory",
			MsgJA: "設定ファイルがありません。配布された intents ディレクトリからコピーしてください"})
	}
	if len(intents) == 0 && len(ps) == 0 {
		msg, msgJA := "no intent files (*.yaml) found", "インテントのファイル（*.yaml）がありません"
		if len(drafts) > 0 {
			msg = fmt.Sprintf("no published intents, only %d drafts; finish one and remove its \"draft: true\" line", len(drafts))
			msgJA = fmt.Sprintf("公開されたインテントがなく、下書きが%d件だけです。どれかを仕上げて「draft: true」の行を消してください", len(drafts))
		}
		ps = append(ps, Problem{File: dir, Msg: msg, MsgJA: msgJA})
	}
	c, cross := assemble(intents, settings, pos)
	ps = append(ps, cross...)
	sort.Slice(drafts, func(i, j int) bool { return drafts[i].File < drafts[j].File })
	c.Drafts = drafts
	noteOverlaps(c)
	if len(ps) > 0 {
		return nil, ps.sorted()
	}
	return c, nil
}

// assemble runs the checks that span intents (duplicate ids, related ids that
// do not exist, the same example in two intents) and builds the catalogue.
// pos, when known, places the problems in their files.
func assemble(intents []*Intent, settings Settings, pos map[*Intent]*positions) (*Catalogue, Problems) {
	var ps Problems
	at := func(in *Intent, f func(*positions) position) Problem {
		p := Problem{File: in.File}
		if pos[in] != nil {
			pp := f(pos[in])
			p.Line, p.Col = pp.line, pp.col
		}
		return p
	}
	sort.SliceStable(intents, func(i, j int) bool { return intents[i].ID < intents[j].ID })
	byID := make(map[string]*Intent, len(intents))
	for _, in := range intents {
		if in.ID == "" {
			continue
		}
		if prev, ok := byID[in.ID]; ok {
			p := at(in, func(p *positions) position { return p.id })
			p.Msg = fmt.Sprintf("duplicate id %q: %s already uses it; give each intent its own id", in.ID, prev.File)
			p.MsgJA = fmt.Sprintf("id %q は %s ですでに使われています。インテントごとに別の id にしてください", in.ID, prev.File)
			ps = append(ps, p)
			continue
		}
		byID[in.ID] = in
	}
	type seenAt struct {
		in   *Intent
		text string
	}
	seen := map[string]seenAt{}
	for _, in := range intents {
		for i, id := range in.Related {
			if byID[id] == nil {
				p := at(in, func(p *positions) position { return p.related[i] })
				p.Msg = fmt.Sprintf("related intent %q does not exist%s", id, suggest(id, keys(byID)))
				p.MsgJA = fmt.Sprintf("関連インテント %q はありません%s", id, suggestJA(id, keys(byID)))
				ps = append(ps, p)
			}
		}
		for li, lang := range Langs {
			for i, ex := range in.Examples.In(lang) {
				key := normalizeExample(ex)
				if prev, ok := seen[key]; ok {
					p := at(in, func(p *positions) position { return p.examples[li][i] })
					if prev.in == in {
						p.Msg = fmt.Sprintf("example %q is written twice in this intent; remove one", ex)
						p.MsgJA = fmt.Sprintf("例文 %q がこのインテントに2回書かれています。1つを消してください", ex)
					} else {
						p.Msg = fmt.Sprintf("example %q is also an example of intent %q (%s); an example may belong to one intent only", ex, prev.in.ID, prev.in.File)
						p.MsgJA = fmt.Sprintf("例文 %q はインテント %q（%s）の例文でもあります。1つの例文は1つのインテントにだけ書けます", ex, prev.in.ID, prev.in.File)
					}
					ps = append(ps, p)
					continue
				}
				seen[key] = seenAt{in, ex}
			}
		}
	}
	if pos != nil {
		// Only a loaded settings file's menu: catalogues built in code
		// (New) often take the shipped settings with a few intents.
		ps = append(ps, checkRichMenu(settings.RichMenu, byID)...)
	}
	return &Catalogue{Intents: intents, Settings: settings, byID: byID}, ps
}

func keys(m map[string]*Intent) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
