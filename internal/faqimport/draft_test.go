package faqimport

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

func TestRomaji(t *testing.T) {
	tests := []struct{ kana, want string }{
		{"パスワード", "pasuwado"}, // long vowels unmarked
		{"きって", "kitte"},
		{"マッチ", "matchi"},
		{"しゃしん", "shashin"},
		{"コンピューター", "konpyuta"},
		{"ヴァイオリン", "vaiorin"},
		{"ふじ", "fuji"},
	}
	for _, tt := range tests {
		if got := romaji(tt.kana); got != tt.want {
			t.Errorf("romaji(%q) = %q, want %q", tt.kana, got, tt.want)
		}
	}
}

func TestBaseID(t *testing.T) {
	tests := []struct{ question, want string }{
		{"How do I change my forwarding address?", "change-forwarding-address"},
		{"パスワードを忘れました", "pasuwado-wasure"},           // 忘れ read by the lexicon
		{"転送先を変更できますか？", "tensou-saki-henkou"},       // kanji words, particles dropped
		{"OUMailのパスワードを変えたい", "oumail-pasuwado-kae"}, // Latin kept, lower case
		{"@#!?", ""},
	}
	for _, tt := range tests {
		if got := baseID(tt.question); got != tt.want {
			t.Errorf("baseID(%q) = %q, want %q", tt.question, got, tt.want)
		}
	}
}

// readSample reads a document of testdata (or any path) and fails the
// test on a problem.
func readSample(t *testing.T, path string) []Item {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	items, ps := Read(path, data)
	if len(ps) > 0 {
		t.Fatalf("Read(%s): %v", path, ps)
	}
	return items
}

// parse parses an intent file of dir.
func parse(t *testing.T, path string) *catalogue.Intent {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := catalogue.ParseIntent(path, data)
	if in == nil {
		t.Fatalf("%s does not parse", path)
	}
	return in
}

func names(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}

// TestImportWritesDrafts checks the drafts of a new import: one per item,
// marked, with its source, question, answer and links, ids unique beside
// an intent written by hand.
func TestImportWritesDrafts(t *testing.T) {
	dir := t.TempDir()
	// An intent of the same id exists: the draft takes the next free one.
	if err := os.WriteFile(filepath.Join(dir, "tensou-saki-henkou.yaml"), []byte("id: tensou-saki-henkou\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Import(dir, readSample(t, "testdata/faq-ja.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"pasuwado-wasure.yaml", "merubokkusu-youryou.yaml", "tensou-saki-henkou-2.yaml"}
	if got := names(res.Written); !slices.Equal(got, want) {
		t.Fatalf("wrote %v, want %v", got, want)
	}
	in := parse(t, res.Written[0])
	checks := []struct {
		what      string
		got, want any
	}{
		{"draft", in.Draft, true},
		{"source", in.Source, catalogue.Source{File: "faq-ja.csv", Item: "1"}},
		{"title", in.Title, catalogue.Text{JA: "パスワードを忘れました。どうすればいいですか？"}},
		{"examples", strings.Join(in.Examples.JA, "|"), "パスワードを忘れました。どうすればいいですか？|パスワードがわからない|パスワードの再発行"},
		{"answer", in.Answer.JA, "氏名と卒業年を書いて、メールまたは郵送で卒業生係へご連絡ください。\nパスワードはチャットに送らないでください。"},
		{"links", len(in.Links), 1},
		{"link", in.Links[0].URL, "https://example.org/office"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %#v, want %#v", c.what, c.got, c.want)
		}
	}
}

// TestReimport checks that importing a changed document updates its
// drafts and keeps what the admin added, leaves a published intent as it
// is, adds the new items, and changes nothing the second time.
func TestReimport(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "faq.csv")
	csv := func(s string) {
		if err := os.WriteFile(src, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	csv("id,question,answer\n" +
		"1,Where do I sign in?,At the sign-in page.\n" +
		"2,How much mail can I keep?,50 GB.\n" +
		"3,Can I forward my mail?,Yes.\n")
	res, err := Import(dir, readSample(t, src))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(res.Written); !slices.Equal(got, []string{"sign.yaml", "much-mail-keep.yaml", "forward-mail.yaml"}) {
		t.Fatalf("wrote %v", got)
	}
	// The admin writes the Japanese of the first and publishes the second.
	edit := func(name, from, to string) {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), from) {
			t.Fatalf("%s lacks %q:\n%s", name, from, data)
		}
		if err := os.WriteFile(path, []byte(strings.Replace(string(data), from, to, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("sign.yaml", "ja: []", "ja: [どこでログインしますか]")
	edit("sign.yaml", `ja: ""`, "ja: ログインする場所")
	edit("much-mail-keep.yaml", "draft: true\n", "")
	published, err := os.ReadFile(filepath.Join(dir, "much-mail-keep.yaml"))
	if err != nil {
		t.Fatal(err)
	}

	csv("id,question,answer\n" +
		"1,Where do I sign in?,At https://mail.example.org.\n" +
		"2,How much mail can I keep?,100 GB.\n" +
		"3,Can I forward my mail?,Yes.\n" +
		"4,Can I change my address?,No.\n")
	res, err = Import(dir, readSample(t, src))
	if err != nil {
		t.Fatal(err)
	}
	got := []string{strings.Join(names(res.Written), ","), strings.Join(names(res.Updated), ","), strings.Join(names(res.Published), ","), strings.Repeat("=", res.Unchanged)}
	if want := []string{"change-address.yaml", "sign.yaml", "much-mail-keep.yaml", "="}; !slices.Equal(got, want) {
		t.Errorf("got written, updated, published, unchanged %q, want %q", got, want)
	}
	in := parse(t, filepath.Join(dir, "sign.yaml"))
	if in.Answer.EN != "At https://mail.example.org." || len(in.Links) != 1 {
		t.Errorf("sign.yaml: got answer %q and %d links, want the new answer and its link", in.Answer.EN, len(in.Links))
	}
	if in.Title.JA != "ログインする場所" || !slices.Equal(in.Examples.JA, []string{"どこでログインしますか"}) {
		t.Errorf("sign.yaml: got title %q, examples %q: the admin's Japanese is lost", in.Title.JA, in.Examples.JA)
	}
	after, err := os.ReadFile(filepath.Join(dir, "much-mail-keep.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(published) {
		t.Errorf("the published intent changed:\n%s", after)
	}

	res, err = Import(dir, readSample(t, src))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written)+len(res.Updated) != 0 || res.Unchanged != 3 || len(res.Published) != 1 {
		t.Errorf("a third import of the same document: got %+v, want 3 unchanged and 1 published", res)
	}
}

// TestDraftsLoadAside checks that the drafts of every sample document
// load as drafts in a catalogue, and that nothing answers from them.
func TestDraftsLoadAside(t *testing.T) {
	dir := t.TempDir()
	settings := `office:
  name: {ja: 卒業生係, en: Alumni Office}
  url: https://example.org/office
  details: {ja: 氏名を書いて送ってください。, en: Write your name.}
messages:
  clarify: {ja: どれですか？, en: "Which one?"}
  none_of_these: {ja: どれでもない, en: None of these}
  escalate: {ja: わかりません。, en: I don't know.}
  handoff: {ja: 担当者へどうぞ。, en: Please contact the office.}
  contact: {ja: 問い合わせ, en: Contact}
  related: {ja: 関連, en: Related}
  text_only: {ja: 文字だけ読めます。, en: "Text only, please."}
  greeting: {ja: ようこそ, en: Welcome}
  rate_limited: {ja: 少し待ってください, en: Please wait a minute.}
handoff_phrases: [担当者]
matching: {answer: 0.22, margin: 0.2, floor: 0.18}
test:
  queries: {min_accuracy: 0.9, max_wrong: 0.03, min_rejection: 1}
  leave_one_out: {min_accuracy: 0.5, max_wrong: 0.1, min_rejection: 1}
`
	intent := "id: hello\ntitle: {ja: こんにちは, en: Hello}\nexamples: {ja: [こんにちは], en: [hello]}\nanswer: {ja: こんにちは。, en: Hello.}\nkind: small-talk\n"
	for name, s := range map[string]string{catalogue.SettingsFile: settings, "hello.yaml": intent} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := filepath.Glob("testdata/faq*.*")
	if err != nil {
		t.Fatal(err)
	}
	written := 0
	for _, f := range files {
		if filepath.Ext(f) == ".golden" {
			continue
		}
		res, err := Import(dir, readSample(t, f))
		if err != nil {
			t.Fatal(err)
		}
		written += len(res.Written)
	}
	c, err := catalogue.Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := len(c.Intents); got != 1 {
		t.Errorf("got %d intents, want 1: drafts must not be answered", got)
	}
	if got := len(c.Drafts); got != written {
		t.Errorf("got %d drafts, want the %d written", got, written)
	}
	// Asked a draft's own question, the matcher serve and test use
	// offers no draft.
	x := match.New(c)
	for _, d := range c.Drafts {
		for _, q := range d.Examples.All() {
			for _, cand := range x.Match(q).Candidates {
				if cand.Intent.Draft {
					t.Errorf("%q: the matcher offers draft %s", q, cand.Intent.ID)
				}
			}
		}
	}
}

func TestTitle(t *testing.T) {
	long := strings.Repeat("あ", 60)
	tests := []struct{ q, want string }{
		{"Where do I sign in?", "Where do I sign in?"},
		{strings.Repeat("a", 50), strings.Repeat("a", 50)},
		{strings.Repeat("a", 51), strings.Repeat("a", 49) + "…"},
		{long, strings.Repeat("あ", 49) + "…"},
		{"😀" + long, "😀" + strings.Repeat("あ", 47) + "…"}, // an emoji is two UTF-16 units
	}
	for _, tt := range tests {
		if got := title(tt.q); got != tt.want {
			t.Errorf("title(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestUniqueID(t *testing.T) {
	taken := map[string]bool{"sign": true, "sign-2": true, "other": true}
	tests := []struct{ id, want string }{{"new", "new"}, {"sign", "sign-3"}, {"other", "other-2"}}
	for _, tt := range tests {
		if got := uniqueID(tt.id, taken); got != tt.want {
			t.Errorf("uniqueID(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}
