package review

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// TestPlanDraft publishes drafts from staff the ways an admin can, and
// checks what the bot answers afterwards; a change lint refuses writes
// nothing.
func TestPlanDraft(t *testing.T) {
	for _, tc := range []struct {
		name      string
		ch        DraftChange
		wantErr   string
		wantAdded int
		file      string
		ask, want string
		answer    string
	}{
		{name: "examples to an existing intent",
			ch:   DraftChange{Intent: "mailbox-quota", Examples: []string{"my inbox says it is over quota", "受信箱が容量オーバーと出る"}},
			file: "mailbox-quota.yaml", wantAdded: 2, ask: "my inbox says it is over quota", want: "mailbox-quota", answer: "The mailbox holds 50 GB."},
		{name: "examples and a new answer",
			ch: DraftChange{Intent: "mailbox-quota", Examples: []string{"my inbox says it is over quota"},
				Answer: catalogue.Text{JA: "容量は50GBです。\n古いメールを消してください。", EN: "The mailbox holds 50 GB.\nDelete old mail to make room."}},
			file: "mailbox-quota.yaml", wantAdded: 1, ask: "my inbox says it is over quota", want: "mailbox-quota", answer: "The mailbox holds 50 GB.\nDelete old mail to make room."},
		{name: "a new intent",
			ch: DraftChange{Intent: "graduation-certificate", New: true, Examples: []string{"how do I get a graduation certificate", "卒業証明書はどうやって取れますか"},
				Title:  catalogue.Text{JA: "卒業証明書", EN: "Graduation certificate"},
				Answer: catalogue.Text{JA: "卒業証明書は学務課に郵送で請求してください。", EN: "Request a graduation certificate from the academic affairs office by post."}},
			file: "graduation-certificate.yaml", wantAdded: 2, ask: "how do I get a graduation certificate", want: "graduation-certificate"},
		{name: "an example another intent owns",
			ch:      DraftChange{Intent: "mailbox-quota", Examples: []string{"I forgot my password"}},
			wantErr: "nothing was written"},
		{name: "a new intent without an English answer",
			ch: DraftChange{Intent: "graduation-certificate", New: true, Examples: []string{"卒業証明書はどうやって取れますか"},
				Title: catalogue.Text{JA: "卒業証明書", EN: "Graduation certificate"}, Answer: catalogue.Text{JA: "郵送で請求してください。"}},
			wantErr: "nothing was written"},
		{name: "an unknown intent", ch: DraftChange{Intent: "nope", Examples: []string{"x"}}, wantErr: "no intent nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testkit.Intents(t)
			before, _ := os.ReadFile(filepath.Join(dir, "mailbox-quota.yaml"))
			a, err := PlanDraft(dir, nil, tc.ch, nil)
			var files []string
			if err == nil {
				files, err = a.Write(dir, false)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want %q", err, tc.wantErr)
				}
				if after, _ := os.ReadFile(filepath.Join(dir, "mailbox-quota.yaml")); !bytes.Equal(after, before) {
					t.Error("mailbox-quota.yaml changed although the change was refused")
				}
				if _, err := os.Stat(filepath.Join(dir, "graduation-certificate.yaml")); err == nil {
					t.Error("a refused new intent was written")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Added != tc.wantAdded || len(files) != 1 || filepath.Base(files[0]) != tc.file {
				t.Errorf("got %d added to %q, want %d to %s", a.Added, files, tc.wantAdded, tc.file)
			}
			if a.After.Reviewed != len(tc.ch.Examples) || a.After.Suggested != len(tc.ch.Examples) {
				t.Errorf("got %d of %d draft questions answered after, want all", a.After.Suggested, a.After.Reviewed)
			}
			cat, err := catalogue.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			r := bot.New(match.New(cat)).Ask(tc.ask)
			if r.Decision != match.Answer || r.Intent != tc.want {
				t.Errorf("after: %q gave %s %q, want %s", tc.ask, r.Decision, r.Intent, tc.want)
			}
			if tc.answer != "" {
				if got := cat.Intent(tc.want).Answer.EN; got != tc.answer {
					t.Errorf("got answer %q, want %q", got, tc.answer)
				}
			}
			if data, _ := os.ReadFile(filepath.Join(dir, "mailbox-quota.yaml")); tc.file == "mailbox-quota.yaml" && !bytes.Contains(data, []byte("# the most common one")) {
				t.Error("the intent file lost its comments")
			}
		})
	}
}

func TestWriteDrafts(t *testing.T) {
	var b strings.Builder
	WriteDrafts(&b, nil)
	if b.Len() != 0 {
		t.Errorf("no drafts printed %q, want nothing", b.String())
	}
	WriteDrafts(&b, []record.Draft{{ID: "d1", At: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), Lang: catalogue.English,
		Questions: []string{"over quota?"}, Answer: "Delete old mail."}})
	for _, want := range []string{"From staff: 1 FAQ draft", "draft d1 (en, saved 2026-12-01 09:00 UTC)", `Q: "over quota?"`, `A: "Delete old mail."`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("got %q, want it to contain %q", b.String(), want)
		}
	}
}

func TestReportJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Report
		want string
	}{
		{"empty", NewReport(nil, nil), `{"clusters":[],"from_staff":[]}`},
		{"a draft", NewReport(nil, []record.Draft{{ID: "d1", At: time.UnixMilli(0).UTC(), Lang: catalogue.Japanese, Questions: []string{"q"}, Answer: "a"}}),
			`{"clusters":[],"from_staff":[{"id":"d1","at":"1970-01-01T00:00:00Z","source":"","ticket":"","lang":"ja","questions":["q"],"answer":"a","saved_by":""}]}`},
	} {
		got, err := json.Marshal(tc.r)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: got %s (%v), want %s", tc.name, got, err, tc.want)
		}
	}
}

// TestPlanDraftListsNewIntent: a new intent is added to the
// Kustomization beside the intents, so that lint --kustomize stays clean.
func TestPlanDraftListsNewIntent(t *testing.T) {
	dir := testkit.Intents(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	k := "configMapGenerator:\n  - name: madoguchi-intents\n    files:\n"
	for _, f := range files {
		k += "      - " + filepath.Base(f) + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, catalogue.KustomizationFile), []byte(k), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := PlanDraft(dir, nil, DraftChange{Intent: "graduation-certificate", New: true, Examples: []string{"how do I get a graduation certificate", "卒業証明書の取り方"},
		Title:  catalogue.Text{JA: "卒業証明書", EN: "Graduation certificate"},
		Answer: catalogue.Text{JA: "学務課に郵送で請求してください。", EN: "Request it from the academic affairs office by post."}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	written, err := a.Write(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 2 || filepath.Base(written[0]) != catalogue.KustomizationFile {
		t.Errorf("got written %q, want the Kustomization and the new intent", written)
	}
	if ps := catalogue.KustomizationProblems(dir); len(ps) != 0 {
		t.Errorf("lint --kustomize after publishing: %v", ps)
	}
}
