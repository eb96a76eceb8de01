package match

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

// benchQueries are typical questions, Japanese and English, in and out of
// scope.
var benchQueries = []string{
	"パスワードを忘れました",
	"I forgot my password",
	"ログインできない",
	"複数のアドレスに転送したい",
	"スマホでメールが読めない",
	"can I use IMAP with thunderbird",
	"学食のメニューは？",
	"what is the mailbox size limit",
}

// BenchmarkMatchShipped measures one question against the shipped catalogue.
func BenchmarkMatchShipped(b *testing.B) {
	x := shippedIndex(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		x.Match(benchQueries[i%len(benchQueries)])
		i++
	}
}

// BenchmarkMatch10k measures one question against a generated catalogue of
// 10,000 intents.
func BenchmarkMatch10k(b *testing.B) {
	x := New(generated(b, 10000))
	qs := generatedQueries(200)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		x.Match(qs[i%len(qs)])
		i++
	}
}

// BenchmarkLoadIndex1000 measures reading, validating and indexing 1,000
// intent files from disk.
func BenchmarkLoadIndex1000(b *testing.B) {
	dir := b.TempDir()
	writeCatalogue(b, dir, generated(b, 1000))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		cat, err := catalogue.Load(dir)
		if err != nil {
			b.Fatal(err)
		}
		New(cat)
	}
}

// Word pools for generated catalogues.
var (
	jaWords = strings.Fields(`メール アドレス 転送 設定 変更 申請 証明書 学割 住所 名簿 会報 同窓会 寄付 ` +
		`図書館 利用証 施設 駐車場 健康診断 奨学金 返還 就職 求人 講演会 ホームカミング 記念品 校友 ` +
		`支部 入会 会費 振込 領収書 年会費 名刺 登録 削除 停止 再開 予約 キャンセル 案内 通知 連絡 ` +
		`確認 申込 発行 再発行 紛失 期限 延長 手続き 書類 郵送 窓口 受付 時間 休日 地図 交通`)
	jaTails = strings.Fields(`したい ができない はどこ を教えて について はいつ の方法 ができますか を知りたい が届かない`)
	enWords = strings.Fields(`alumni card library parking donation scholarship repayment career event reunion ` +
		`gift chapter membership fee receipt address directory newsletter certificate transcript ` +
		`register cancel renew expire lost reissue form post office hours map campus shuttle ` +
		`discount bookstore gym pool locker wifi printing account portal badge ticket`)
	enHeads = strings.Fields(`how-do-i where-can-i when-can-i can-i i-want-to i-cannot what-is help-with`)
)

// generated builds a deterministic catalogue of n intents, each with eight
// examples per language drawn from the word pools.
func generated(tb testing.TB, n int) *catalogue.Catalogue {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	pick := func(pool []string) string { return pool[rng.IntN(len(pool))] }
	seen := map[string]bool{}
	unique := func(gen func() string) string {
		for {
			s := gen()
			if !seen[s] {
				seen[s] = true
				return s
			}
		}
	}
	var intents []*catalogue.Intent
	for i := range n {
		in := &catalogue.Intent{ID: fmt.Sprintf("gen-%05d", i), File: fmt.Sprintf("gen-%05d.yaml", i)}
		topicJA := pick(jaWords) + pick(jaWords)
		topicEN := pick(enWords) + " " + pick(enWords)
		in.Title = catalogue.Text{JA: fmt.Sprintf("%sの案内 %d", topicJA, i), EN: fmt.Sprintf("About %s %d", topicEN, i)}
		in.Answer = catalogue.Text{JA: topicJA + "についてのご案内です。", EN: "This is about " + topicEN + "."}
		for range 8 {
			in.Examples.JA = append(in.Examples.JA, unique(func() string {
				return topicJA + "の" + pick(jaWords) + pick(jaTails) + fmt.Sprint(rng.IntN(1000))
			}))
			in.Examples.EN = append(in.Examples.EN, unique(func() string {
				return strings.ReplaceAll(pick(enHeads), "-", " ") + " " + topicEN + " " + pick(enWords) + fmt.Sprint(rng.IntN(1000))
			}))
		}
		intents = append(intents, in)
	}
	shipped := shippedIndex(tb).Catalogue()
	cat, err := catalogue.New(intents, shipped.Settings)
	if err != nil {
		tb.Fatal(err)
	}
	return cat
}

// generatedQueries returns questions in the generated catalogues' style.
func generatedQueries(n int) []string {
	rng := rand.New(rand.NewPCG(2, 2))
	pick := func(pool []string) string { return pool[rng.IntN(len(pool))] }
	qs := make([]string, n)
	for i := range qs {
		if i%2 == 0 {
			qs[i] = pick(jaWords) + pick(jaWords) + "の" + pick(jaWords) + pick(jaTails)
		} else {
			qs[i] = strings.ReplaceAll(pick(enHeads), "-", " ") + " " + pick(enWords) + " " + pick(enWords)
		}
	}
	return qs
}

// writeCatalogue writes a catalogue as YAML files, with the shipped settings.
func writeCatalogue(tb testing.TB, dir string, cat *catalogue.Catalogue) {
	tb.Helper()
	settings, err := os.ReadFile("../../intents/" + catalogue.SettingsFile)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, catalogue.SettingsFile), settings, 0o644); err != nil {
		tb.Fatal(err)
	}
	list := func(xs []string) string { return "[" + strings.Join(xs, ", ") + "]" }
	for _, in := range cat.Intents {
		y := fmt.Sprintf("id: %s\ntitle: {ja: %s, en: %s}\nexamples:\n  ja: %s\n  en: %s\nanswer:\n  ja: %s\n  en: %s\n",
			in.ID, in.Title.JA, in.Title.EN, list(in.Examples.JA), list(in.Examples.EN), in.Answer.JA, in.Answer.EN)
		if err := os.WriteFile(filepath.Join(dir, in.ID+".yaml"), []byte(y), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkMatchLong measures one very long question: its cost is bounded
// by the capped prefix the matcher reads, whatever the message's length.
func BenchmarkMatchLong(b *testing.B) {
	x := shippedIndex(b)
	for _, q := range []struct{ name, text string }{
		{"5000-char-japanese", strings.Repeat("パスワードを忘れました。", 417)},
		{"40000-char-slack", strings.Repeat("I forgot my password, ログインできない 😀 ", 1100)},
		{"1MiB-word", strings.Repeat("pasword", 1<<20/7)},
	} {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				x.Match(q.text)
			}
		})
	}
}

// TestRerankAgrees: a large catalogue scored in two passes (see rerankAt)
// answers as the exhaustive scoring does.
func TestRerankAgrees(t *testing.T) {
	cat := generated(t, rerankAt+100)
	twoPass := New(cat)
	if twoPass.poolPost == nil {
		t.Fatal("a catalogue over rerankAt is scored exhaustively")
	}
	exact := New(cat)
	exact.poolPost, exact.docTerms, exact.intentDocs = nil, nil, nil
	qs := generatedQueries(200)
	same := 0
	for _, q := range qs {
		a, b := twoPass.Match(q), exact.Match(q)
		if a.Decision == b.Decision && len(a.Candidates) == len(b.Candidates) && (len(a.Candidates) == 0 || a.Candidates[0].Intent == b.Candidates[0].Intent) {
			same++
		}
	}
	if same < len(qs)*99/100 {
		t.Errorf("%d of %d questions decided alike with the best intent, want at least 99%%", same, len(qs))
	}
}
