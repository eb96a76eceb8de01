package console

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
)

// TestDraftsFromStaff: drafts staff saved show under "From staff"; an
// admin publishes one into an existing intent (lint, figures, audit,
// reload) and discards another; bad forms and a draft already gone are
// refused with a sentence.
func TestDraftsFromStaff(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options, _ string) { o.Drafts = o.Audit.(*record.DB) })
	ctx := context.Background()
	at := time.Now().Add(-time.Hour)
	for _, d := range []record.Draft{
		{ID: "d1", At: at, Source: "CDESK/1.1", Ticket: "t1", Lang: catalogue.English,
			Questions: []string{"my inbox says it is over quota"}, Answer: "Delete old mail: the mailbox holds 50 GB.", SavedBy: "USTAFF"},
		{ID: "d2", At: at.Add(time.Minute), Source: "CDESK/2.1", Ticket: "t2", Lang: catalogue.Japanese,
			Questions: []string{"ありがとう"}, Answer: "どういたしまして。", SavedBy: "USTAFF"},
	} {
		if _, err := f.db.SaveDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	c := f.signIn(t)
	page := do(t, c, "GET", f.srv.URL+"/drafts", nil, "Accept-Language", "en")
	for _, want := range []string{"From staff", "my inbox says it is over quota", "Delete old mail: the mailbox holds 50 GB.", `action="/drafts/d1/publish"`, `action="/drafts/d2/discard"`, "write this language"} {
		if !strings.Contains(html.UnescapeString(page.body), want) {
			t.Errorf("the drafts page lacks %q", want)
		}
	}
	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"replace with one language", url.Values{"mode": {"existing"}, "intent": {"mailbox-quota"}, "replace": {"on"},
			"examples": {"my inbox says it is over quota"}, "answer_en": {"Delete old mail."}}, 400, "write it in both languages"},
		{"no example", url.Values{"mode": {"existing"}, "intent": {"mailbox-quota"}, "examples": {" \n"}}, 400, "at least one question"},
		{"new without a title", url.Values{"mode": {"new"}, "id": {"quota-full"}, "examples": {"x"}, "answer_ja": {"a"}, "answer_en": {"b"}}, 400, "Fill in both titles"},
		{"unknown intent", url.Values{"mode": {"existing"}, "intent": {"nope"}, "examples": {"x"}}, 400, "Choose an existing intent."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := submit(t, c, f.srv.URL, "/drafts/d1/publish", tc.form, "Accept-Language", "en")
			if r.status != tc.status || !strings.Contains(r.body, tc.want) {
				t.Errorf("got %d, want %d with %q\n%s", r.status, tc.status, tc.want, r.body)
			}
		})
	}
	const asked = "my inbox says it is over quota"
	form := url.Values{"mode": {"existing"}, "intent": {"mailbox-quota"}, "examples": {asked}}
	r := submit(t, c, f.srv.URL, "/drafts/d1/publish", form, "Accept-Language", "en")
	if r.status != http.StatusOK || !strings.Contains(r.body, `id="reloaded"`) || !strings.Contains(r.body, "mailbox-quota.yaml") {
		t.Fatalf("publish: %d\n%s", r.status, r.body)
	}
	if got := f.bot.Ask(asked); got.Decision != match.Answer || got.Intent != "mailbox-quota" {
		t.Errorf("after: %s %q, want answer mailbox-quota", got.Decision, got.Intent)
	}
	if data, _ := os.ReadFile(filepath.Join(f.dir, "mailbox-quota.yaml")); !strings.Contains(string(data), asked) {
		t.Error("the intent file lacks the draft's question")
	}
	if r := submit(t, c, f.srv.URL, "/drafts/d1/publish", form, "Accept-Language", "en"); r.status != http.StatusConflict || !strings.Contains(r.body, "already published") {
		t.Errorf("publish again: %d, want 409 already published\n%s", r.status, r.body)
	}
	if r := do(t, c, "POST", f.srv.URL+"/drafts/d2/discard", url.Values{}); r.status != http.StatusSeeOther {
		t.Errorf("discard: %d, want 303", r.status)
	}
	if left, err := f.db.Drafts(ctx); err != nil || len(left) != 0 {
		t.Errorf("drafts left %+v (%v), want none", left, err)
	}
	log, err := f.db.AuditLog(ctx, 10)
	if err != nil || len(log) != 2 || log[0].Action != "drafts.discard" || log[1].Action != "drafts.publish" {
		t.Errorf("audit log %+v (%v), want the publish, then the discard", log, err)
	}
	if page := do(t, c, "GET", f.srv.URL+"/drafts", nil, "Accept-Language", "en"); !strings.Contains(page.body, `id="nodrafts"`) {
		t.Error("the drafts page does not say that none are waiting")
	}
}

// TestDraftsRecordOff: without the record the page says so and changes
// are refused.
func TestDraftsRecordOff(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	c := f.signIn(t)
	if r := do(t, c, "GET", f.srv.URL+"/drafts", nil, "Accept-Language", "en"); r.status != http.StatusOK || !strings.Contains(r.body, "record of questions is off") {
		t.Errorf("page: %d\n%s", r.status, r.body)
	}
	if r := do(t, c, "POST", f.srv.URL+"/drafts/d1/discard", url.Values{}, "Accept-Language", "en"); r.status != http.StatusForbidden {
		t.Errorf("discard: %d, want 403", r.status)
	}
}
