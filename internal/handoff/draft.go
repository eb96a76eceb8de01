package handoff

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/redact"
)

// ActionDraft is the ticket's "Save as FAQ draft" button; its value is the
// ticket id. It takes the latest staff reply in the thread; the desk's
// message shortcut on a staff reply takes that reply.
const ActionDraft = "madoguchi_handoff_draft"

// UserNotePrefix starts the note of a user's message in a ticket's thread,
// which is how the desk tells the user's words from the bot's other notes
// when it reads a thread back (ThreadReader).
const UserNotePrefix = "💬 "

// Bounds of a draft: enough of a conversation for an admin to judge,
// never a whole day's chat.
const (
	draftQuestions   = 10
	draftQuestionLen = 300
)

// Draft is an FAQ draft made from a ticket: the user's questions,
// redacted, and a staff reply as the user read it.
type Draft struct {
	At time.Time
	// Source names the staff reply (channel/ts): a reply is kept once.
	Source    string
	Ticket    string
	Lang      catalogue.Lang
	Questions []string
	Answer    string
	// SavedBy is the desk's id of the staff member who saved it.
	SavedBy string
}

// DraftSaver keeps FAQ drafts until an admin publishes or discards them
// (the record); it reports false when a draft from the same Source is
// kept already.
type DraftSaver interface {
	SaveDraft(ctx context.Context, d Draft) (bool, error)
}

// ThreadReader reads a ticket's thread back from the desk.
type ThreadReader interface {
	// Thread returns the thread's messages, oldest first: the user's
	// messages the desk relayed (and the ones the ticket showed from
	// before), and the staff's.
	Thread(ctx context.Context, ref DeskRef) ([]ThreadMessage, error)
}

// ThreadMessage is one message of a ticket's thread.
type ThreadMessage struct {
	TS string
	// FromUser marks the user's words (plain text); otherwise Staff is
	// the staff member who wrote Text, in the desk's markup.
	FromUser bool
	Staff    string
	Text     string
}

// DraftRequest is a staff member's "Save as FAQ draft" on a ticket.
type DraftRequest struct {
	// Ticket is the ticket's thread.
	Ticket DeskRef
	// ReplyTS is the staff reply chosen as the answer; "" takes the
	// latest.
	ReplyTS string
	Staff   string
}

// Drafts turns staff replies on tickets into FAQ drafts.
type Drafts struct {
	h      *Handoff
	saver  DraftSaver
	thread ThreadReader
}

// Drafts returns the handoff's FAQ drafts, kept by saver, the threads read
// back through thread.
func (h *Handoff) Drafts(saver DraftSaver, thread ThreadReader) *Drafts {
	return &Drafts{h: h, saver: saver, thread: thread}
}

// Save keeps the user's questions in the ticket's conversation (up to the
// chosen reply, redacted) and the chosen staff reply (as the user read it)
// as an FAQ draft, and says so in the thread; the same reply saved again
// is kept once. Problems staff can fix (no ticket, no reply) are told in
// the thread; the error is for failures of the desk or the store.
func (d *Drafts) Save(ctx context.Context, req DraftRequest) error {
	h := d.h
	t, ok, err := h.o.Store.ByThread(ctx, req.Ticket)
	if err != nil {
		return fmt.Errorf("handoff draft: find ticket: %w", err)
	}
	if !ok {
		return h.o.Desk.Post(ctx, req.Ticket, Note{Text: "⚠️ このスレッドは問い合わせではないか、記録が残っていません。下書きは保存していません。 / This thread is not a handoff ticket (or it has expired); no draft was saved."})
	}
	msgs, err := d.thread.Thread(ctx, req.Ticket)
	if err != nil {
		return fmt.Errorf("handoff draft: read the thread: %w", err)
	}
	reply := -1
	for i, m := range msgs {
		internal := strings.HasPrefix(strings.TrimSpace(m.Text), "//")
		if m.FromUser || m.Staff == "" || internal {
			continue
		}
		if req.ReplyTS == "" || m.TS == req.ReplyTS {
			reply = i
		}
	}
	if reply < 0 {
		return h.o.Desk.Post(ctx, req.Ticket, Note{Text: "⚠️ 下書きにするスタッフの返信がありません（`//` の内部メモは使えません）。 / No staff reply to save as a draft (internal `//` notes cannot be)."})
	}
	answer := h.o.Desk.Plain(msgs[reply].Text, t.Lang)
	questions := draftQuestionsOf(msgs[:reply])
	if answer == "" || len(questions) == 0 {
		return h.o.Desk.Post(ctx, req.Ticket, Note{Text: "⚠️ この返信の前に、ユーザーの質問がありません。下書きは保存していません。 / The user asked nothing before this reply; no draft was saved."})
	}
	saved, err := d.saver.SaveDraft(ctx, Draft{At: h.o.Now(), Source: req.Ticket.Channel + "/" + msgs[reply].TS,
		Ticket: t.ID, Lang: t.Lang, Questions: questions, Answer: answer, SavedBy: req.Staff})
	if err != nil {
		h.note(ctx, req.Ticket, Note{Text: "⚠️ 下書きを保存できませんでした。少し待ってから、もう一度押してください。 / The draft could not be saved; please try again in a moment."})
		return fmt.Errorf("handoff draft: %w", err)
	}
	h.o.Log.Info("handoff: FAQ draft saved", "ticket", t.ID, "questions", len(questions), "new", saved)
	if !saved {
		return h.o.Desk.Post(ctx, req.Ticket, Note{Text: "この返信は下書きとして保存済みです。 / This reply is already saved as a draft."})
	}
	return h.o.Desk.Post(ctx, req.Ticket, Note{Staff: req.Staff, Text: fmt.Sprintf(
		"📝 %[1]s がこの返信を FAQ の下書きにしました（質問 %[2]d 件）。管理者がコンソールの「スタッフから」で確認して公開します。 / %[1]s saved this reply as an FAQ draft (%[2]d questions); an admin reviews it under \"From staff\" in the console before anything is published.",
		StaffPlaceholder, len(questions))})
}

// draftQuestionsOf are the user's words among msgs, redacted as the record
// is, each once, the latest draftQuestions of them.
func draftQuestionsOf(msgs []ThreadMessage) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range msgs {
		if !m.FromUser {
			continue
		}
		q := strings.Join(strings.Fields(redact.Text(m.Text)), " ")
		if r := []rune(q); len(r) > draftQuestionLen {
			q = string(r[:draftQuestionLen])
		}
		if q != "" && !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	return out[max(0, len(out)-draftQuestions):]
}
