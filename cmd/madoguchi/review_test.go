package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// otherServices is an out-of-scope topic for the acceptance test: other
// services' passwords, which the office does not handle.
const otherServices = `id: other-services
kind: out-of-scope
title: {ja: 他のサービス（対象外）, en: Other services (not here)}
examples:
  ja: [LINEのパスワードを忘れた, Gmailにログインできない, 図書館の開館時間, 図書館で本を借りたい]
  en: [I forgot my LINE password, cannot sign in to Gmail, library opening hours]
keywords: [LINE, Gmail, 図書館]
answer: {ja: そのサービスの窓口にお問い合わせください。, en: Please ask that service.}
`

// TestReviewAcceptance is the review loop end to end through the
// commands: questions in scope (asked back, then picked), off topic,
// about other services and with personal data are recorded; review
// numbers only the suggestions that are fit; the admin applies the ones
// chosen; the catalogue's figures on the fixture's labelled questions do
// not drop, no personal data reaches the intents, and the applied
// questions leave the review.
func TestReviewAcceptance(t *testing.T) {
	dir := testkit.Intents(t)
	if err := os.WriteFile(filepath.Join(dir, "other-services.yaml"), []byte(otherServices), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "record.db")
	const (
		inScope  = "メールの転送先を変更してログインしたい"
		inScope2 = "転送先を変更してログインしたいです"
		personal = "山田太郎と申します。メールの転送先を変更してログインしたいのですが"
	)
	testkit.Seed(t, dir, db, []testkit.Step{
		{User: "line:a", Text: inScope}, {User: "line:a", Pick: 2},
		{User: "line:b", Text: inScope2}, {User: "line:b", Pick: 2},
		{User: "line:c", Text: personal}, {User: "line:c", Pick: 2},
		{User: "line:d", Text: "図書館は何時まで開いていますか"},
		{User: "line:e", Text: "LINEのパスワードを忘れてしまった"},
		{User: "line:f", Text: "明日の天気はどうですか"},
	}, time.Now()).Close()
	ctx := context.Background()
	cmd := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, args, func(string) string { return "" }, strings.NewReader(""), &out, &errb)
		return out.String() + errb.String(), err
	}

	out, err := cmd("review", "--db", db, "--intents", dir)
	if err != nil {
		t.Fatalf("review: %v\n%s", err, out)
	}
	numbered := regexp.MustCompile(`\[(\d+)\] "([^"]*)" → (\S+)`).FindAllStringSubmatch(out, -1)
	var only []string
	for _, m := range numbered {
		if m[3] != "forward-change" || m[2] != inScope && m[2] != inScope2 {
			t.Errorf("suggestion %s: %q → %s, want only the in-scope questions, for forward-change", m[1], m[2], m[3])
		}
		only = append(only, m[1])
	}
	if len(numbered) != 2 {
		t.Fatalf("%d numbered suggestions, want 2:\n%s", len(numbered), out)
	}
	for _, want := range []string{"Asked, not ours", "図書館は何時まで開いていますか", "LINEのパスワードを忘れてしまった", "not suggested, it contains the placeholder <name>"} {
		if !strings.Contains(out, want) {
			t.Errorf("review lacks %q:\n%s", want, out)
		}
	}

	// An unknown number is refused, and nothing is written.
	if out, err := cmd("review", "--db", db, "--intents", dir, "--write", dir, "--only", "1,9"); err == nil || !strings.Contains(out+err.Error(), "no suggestion numbered 9") {
		t.Errorf("--only 1,9: %v, want a refusal naming 9\n%s", err, out)
	}

	out, err = cmd("review", "--db", db, "--intents", dir, "--write", dir, "--only", strings.Join(only, ","), "--queries", "testdata/queries.tsv")
	if err != nil {
		t.Fatalf("review --write: %v\n%s", err, out)
	}
	// The figures on the labelled questions, before → after, did not drop.
	m := regexp.MustCompile(`queries\.tsv: correct (\d+) → (\d+), wrong (\d+) → (\d+) of \d+; not ours escalated (\d+) → (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("review --write shows no figures for the labelled questions:\n%s", out)
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	if n(2) < n(1) || n(4) > n(3) || n(6) < n(5) {
		t.Errorf("figures dropped: %s", m[0])
	}
	for _, want := range []string{"Adding 2 example(s)", "Chosen questions answered with their intent: 0 → 2 of 2", "Written."} {
		if !strings.Contains(out, want) {
			t.Errorf("review --write lacks %q:\n%s", want, out)
		}
	}
	// No personal data in the intents.
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if bytes.Contains(data, []byte("山田")) || regexp.MustCompile(`<[a-z-]+>`).Match(data) {
			t.Errorf("%s holds personal data or a placeholder", filepath.Base(f))
		}
	}
	// The in-scope question is answered now; the applied ones left the
	// review.
	if out, _ := cmd("ask", "--intents", dir, inScope); !strings.HasPrefix(out, "■ 転送先の変更") {
		t.Errorf("after --write, %q:\n%s", inScope, out)
	}
	if out, _ := cmd("review", "--db", db, "--intents", dir); strings.Contains(out, "[1]") {
		t.Errorf("after --write, the review still numbers suggestions:\n%s", out)
	}

	// A new intent written from a group's skeleton joins the
	// Kustomization, so that lint --kustomize passes.
	k := "kind: Kustomization\nconfigMapGenerator:\n  - name: madoguchi-intents\n    files:\n"
	files, _ = filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range files {
		k += "      - " + filepath.Base(f) + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "Kustomization"), []byte(k), 0o644); err != nil {
		t.Fatal(err)
	}
	newFile := filepath.Join(t.TempDir(), "block-sender.yaml")
	if err := os.WriteFile(newFile, []byte(blockSender), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = cmd("review", "--db", db, "--intents", dir, "--write", dir, "--new", newFile)
	if err != nil || !strings.Contains(out, "Adding the intent block-sender.yaml with 2 example(s)") || !strings.Contains(out, "Written.") {
		t.Fatalf("review --write --new: %v\n%s", err, out)
	}
	if out, err := cmd("lint", "--kustomize", dir); err != nil {
		t.Errorf("lint --kustomize after --new: %v\n%s", err, out)
	}
}

// blockSender is a new intent as an admin writes it from a skeleton.
const blockSender = `id: block-sender
title:
  ja: 受信拒否の設定
  en: Blocking a sender
examples:
  ja:
    - 迷惑メールの送信者を受信拒否したい
  en:
    - how do I block a sender
answer:
  ja: 設定の「受信拒否」から送信者を追加してください。
  en: Add the sender under Settings, Blocked senders.
`
