package handoff

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// thread is a fake desk thread; saver a fake record of drafts.
type thread struct {
	msgs []ThreadMessage
	err  error
}

func (th *thread) Thread(context.Context, DeskRef) ([]ThreadMessage, error) { return th.msgs, th.err }

type saver struct {
	drafts []Draft
	fail   error
}

func (s *saver) SaveDraft(_ context.Context, d Draft) (bool, error) {
	if s.fail != nil {
		return false, s.fail
	}
	for _, old := range s.drafts {
		if old.Source == d.Source {
			return false, nil
		}
	}
	s.drafts = append(s.drafts, d)
	return true, nil
}

func TestDraftSave(t *testing.T) {
	ctx := context.Background()
	conversation := []ThreadMessage{
		{TS: "1.0", FromUser: true, Text: "I cannot log in"},
		{TS: "1.1", FromUser: true, Text: "my password is hunter2 and mail me at taro@example.com"},
		{TS: "1.2", Staff: "USTAFF", Text: "// check the account first"},
		{TS: "1.3", Staff: "USTAFF", Text: "  Reset it from the login page.  "},
		{TS: "1.4", FromUser: true, Text: "thanks! mail me at taro@example.com"},
		{TS: "1.5", Staff: "UOTHER", Text: "You're welcome."},
		{TS: "1.6", FromUser: true, Text: "I cannot log in"},
	}
	for _, tc := range []struct {
		name      string
		msgs      []ThreadMessage
		replyTS   string
		thread    *DeskRef // nil: the ticket's own
		wantAns   string
		wantQs    []string
		wantNote  string
		wantSaved int
	}{
		{name: "chosen reply", msgs: conversation, replyTS: "1.3", wantAns: "Reset it from the login page.",
			wantQs: []string{"I cannot log in", "[password withheld]"}, wantNote: "@USTAFF saved this reply as an FAQ draft (2 questions)", wantSaved: 1},
		{name: "latest reply", msgs: conversation, wantAns: "You're welcome.",
			wantQs: []string{"I cannot log in", "[password withheld]", "thanks! mail me at <email>"}, wantNote: "(3 questions)", wantSaved: 1},
		{name: "internal note refused", msgs: conversation, replyTS: "1.2", wantNote: "No staff reply to save", wantSaved: 0},
		{name: "no question before", msgs: []ThreadMessage{{TS: "2.0", Staff: "USTAFF", Text: "Hello?"}}, wantNote: "The user asked nothing", wantSaved: 0},
		{name: "not a ticket", msgs: conversation, thread: &DeskRef{Channel: "CDESK", TS: "9.9"}, wantNote: "not a handoff ticket", wantSaved: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil, nil)
			tk := f.start(t, alice)
			sv := &saver{}
			d := f.h.Drafts(sv, &thread{msgs: tc.msgs})
			ref := tk.Desk
			if tc.thread != nil {
				ref = *tc.thread
			}
			if err := d.Save(ctx, DraftRequest{Ticket: ref, ReplyTS: tc.replyTS, Staff: "USTAFF"}); err != nil {
				t.Fatal(err)
			}
			if len(sv.drafts) != tc.wantSaved {
				t.Fatalf("got %d drafts, want %d", len(sv.drafts), tc.wantSaved)
			}
			if !strings.Contains(f.desk.lastPost(), tc.wantNote) {
				t.Errorf("got note %q, want it to say %q", f.desk.lastPost(), tc.wantNote)
			}
			if tc.wantSaved == 0 {
				return
			}
			dr := sv.drafts[0]
			if dr.Answer != tc.wantAns || !slices.Equal(dr.Questions, tc.wantQs) || dr.Ticket != tk.ID || dr.Lang != alice.Lang || dr.SavedBy != "USTAFF" {
				t.Errorf("got draft %+v, want answer %q, questions %q", dr, tc.wantAns, tc.wantQs)
			}
			for _, q := range dr.Questions {
				if strings.Contains(q, "hunter2") || strings.Contains(q, "taro@example.com") {
					t.Errorf("question %q is not redacted", q)
				}
			}
			// The same reply again is kept once, and staff are told.
			if err := d.Save(ctx, DraftRequest{Ticket: ref, ReplyTS: tc.replyTS, Staff: "USTAFF"}); err != nil {
				t.Fatal(err)
			}
			if len(sv.drafts) != 1 || !strings.Contains(f.desk.lastPost(), "already saved") {
				t.Errorf("second save: %d drafts, note %q; want 1 and already saved", len(sv.drafts), f.desk.lastPost())
			}
		})
	}
}

func TestDraftSaveFailures(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, nil)
	tk := f.start(t, alice)
	down := errors.New("database is down")
	msgs := []ThreadMessage{{TS: "1.0", FromUser: true, Text: "q"}, {TS: "1.1", Staff: "USTAFF", Text: "a"}}
	if err := f.h.Drafts(&saver{}, &thread{err: down}).Save(ctx, DraftRequest{Ticket: tk.Desk}); !errors.Is(err, down) {
		t.Errorf("thread unreadable: got %v, want %v", err, down)
	}
	err := f.h.Drafts(&saver{fail: down}, &thread{msgs: msgs}).Save(ctx, DraftRequest{Ticket: tk.Desk})
	if !errors.Is(err, down) || !strings.Contains(f.desk.lastPost(), "could not be saved") {
		t.Errorf("store down: got %v and note %q, want the error and a note", err, f.desk.lastPost())
	}
}
