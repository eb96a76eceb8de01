package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/console"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/record"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

const markAsReadPath = "/v2/bot/chat/markAsRead"

// TestStaffFeaturesEndToEnd runs serve with LINE, Slack, the handoff and
// the record against the fake APIs: the alumnus's messages are marked
// read when staff take the ticket; a staff reply saved with the message
// shortcut becomes a draft that `review --json` and the console show;
// the Home tab is published when a member of the staff channel opens it.
func TestStaffFeaturesEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "record.db")
	r := newHandoffRig(t, 1, "", monday10, func(cfg *Config) { cfg.record = recordConfig{path: &db, on: true} })
	views := testkit.NewSlackViews()
	r.slack.Handle(views)
	ticket := r.open(t, 0)
	id, thread := ticketOf(t, ticket), "1700000001.000001"

	// The alumnus writes; the message's token is kept for later.
	const asked = "卒業生メールの容量を増やしたいです"
	ev := textEvent("d-u1", "rt-d-u1", asked)
	ev["message"].(map[string]any)["markAsReadToken"] = "mart-1"
	r.user(t, 0, ev)
	note := r.slack.Next(t)
	if note.Get("text") != "💬 "+asked {
		t.Fatalf("relayed %q, want the user's message", note.Get("text"))
	}

	// Taking the ticket marks the messages read, with the latest token.
	r.click(t, handoff.ActionTake, id, thread, "1700000200.000001")
	mark := r.line.Next(t)
	if mark.Path != markAsReadPath || mark.Body["markAsReadToken"] != "mart-1" || len(mark.Body) != 1 {
		t.Fatalf("got %s %v, want %s with the token only", mark.Path, mark.Body, markAsReadPath)
	}

	// A staff reply goes out, and the token was used: no second mark.
	const reply = "容量は50GBで、増やすことはできません。古いメールを削除してください。"
	r.slks[0].event(t, "EvD1", staffEvent(thread, "1700000100.000100", reply), nil)
	if push := r.line.Next(t); push.Path != pushPath {
		t.Fatalf("staff reply went to %s, want a push", push.Path)
	}

	// Slack gives the thread back: the ticket, the relayed message, the reply.
	var blocks []any
	json.Unmarshal([]byte(ticket.Get("blocks")), &blocks)
	replies, _ := json.Marshal(map[string]any{"ok": true, "has_more": false, "messages": []any{
		map[string]any{"type": "message", "bot_id": "B1", "ts": thread, "text": ticket.Get("text"), "blocks": blocks},
		map[string]any{"type": "message", "bot_id": "B1", "ts": note.Get("posted_ts"), "text": note.Get("text")},
		map[string]any{"type": "message", "user": "USTAFF", "ts": "1700000100.000100", "thread_ts": thread, "text": reply},
	}})
	r.slack.Answer("conversations.replies", func(int) (int, string) { return 200, string(replies) })
	payload, _ := json.Marshal(map[string]any{
		"type": "message_action", "callback_id": "madoguchi_faq_draft", "trigger_id": "trig-draft",
		"user": map[string]any{"id": "USTAFF"}, "channel": map[string]any{"id": deskChannel},
		"message": map[string]any{"type": "message", "user": "USTAFF", "ts": "1700000100.000100", "thread_ts": thread, "text": reply},
	})
	if res, _ := r.slks[0].post(t, "/slack/interactive", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {string(payload)}}.Encode()), nil); res.StatusCode != 200 {
		t.Fatalf("shortcut status %d", res.StatusCode)
	}
	if saved := r.slack.Next(t); !strings.Contains(saved.Get("text"), "saved this reply as an FAQ draft (2 questions)") || saved.Get("thread_ts") != thread {
		t.Fatalf("got note %q in %q, want the draft saved with 2 questions", saved.Get("text"), saved.Get("thread_ts"))
	}

	// The Home tab, opened by a member of the staff channel.
	r.slks[0].event(t, "EvHome", map[string]any{"type": "app_home_opened", "user": "USTAFF", "channel": "D1", "tab": "home", "event_ts": "1700000300.000001"}, nil)
	home := views.Next(t, 0)
	homeJSON, _ := json.Marshal(home.View)
	if home.User != "USTAFF" || !strings.Contains(string(homeJSON), "Open handoffs: 1") || !strings.Contains(string(homeJSON), "Answer rate") {
		t.Errorf("home for %s: %s", home.User, homeJSON)
	}
	if n := len(home.Blocks()); n == 0 || n > 100 {
		t.Errorf("home has %d blocks, want 1 to 100", n)
	}
	if n := r.line.Count(markAsReadPath); n != 1 {
		t.Errorf("%d mark-as-read calls, want 1", n)
	}
	r.slks[0].finish(t)

	// review --json lists the draft from staff.
	out, errOut, code := runEnv(t, nil, "review", "--db", db, "--intents", intentsDir, "--json")
	if code != 0 {
		t.Fatalf("review --json: exit %d\n%s", code, errOut)
	}
	var rep struct {
		FromStaff []record.Draft `json:"from_staff"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("review --json is not JSON: %v\n%s", err, out)
	}
	if len(rep.FromStaff) != 1 {
		t.Fatalf("got %d drafts from staff, want 1:\n%s", len(rep.FromStaff), out)
	}
	d := rep.FromStaff[0]
	if d.Answer != reply || d.Lang != catalogue.Japanese || len(d.Questions) != 2 || d.Questions[1] != asked || d.Ticket != id {
		t.Errorf("got draft %+v, want the reply and the user's two messages", d)
	}

	// The console shows it under From staff.
	if body := consolePage(t, db, "/drafts"); !strings.Contains(body, asked) || !strings.Contains(body, reply) || !strings.Contains(body, "/drafts/"+d.ID+"/publish") {
		t.Errorf("the console's drafts page lacks the draft:\n%.2000s", body)
	}
}

// consolePage signs in to a console over the record at db and returns the
// page at path, unescaped.
func consolePage(t *testing.T, db, path string) string {
	t.Helper()
	rdb, err := record.Open(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	cat, err := catalogue.Load(intentsDir)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := console.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	con, err := console.New(console.Options{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), Bot: bot.New(match.New(cat)),
		IntentsDir: intentsDir, Entries: rdb, Audit: rdb, Drafts: rdb, Auth: console.Auth{PasswordHash: secret.Secret(hash)}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(con)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	res, err := c.PostForm(srv.URL+"/login", url.Values{"password": {"correct horse battery staple"}, "next": {path}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Request.URL.Path != path {
		t.Fatalf("sign in ended at %s (%d), want %s", res.Request.URL.Path, res.StatusCode, path)
	}
	return html.UnescapeString(string(body))
}

// TestMarkAsReadAcrossReplicas: the token a message leaves on one replica
// is used once by the other, through Redis, when staff reply to the same
// message on both (a retried event): one mark-as-read call, with the
// latest token.
func TestMarkAsReadAcrossReplicas(t *testing.T) {
	srv := redistest.Start(t)
	r := newHandoffRig(t, 2, srv.URL(), monday10)
	r.open(t, 0)
	thread := "1700000001.000001"
	for i, tok := range []string{"mart-a", "mart-b"} {
		ev := textEvent(fmt.Sprintf("m-u%d", i), fmt.Sprintf("rt-m-u%d", i), fmt.Sprintf("message %d", i))
		ev["message"].(map[string]any)["markAsReadToken"] = tok
		// The second gets no receipt (one per five minutes): wait for
		// the thread, not for LINE.
		if res := r.lines[0].post(t, webhookBody(ev)); res.StatusCode != 200 {
			t.Fatalf("webhook status %d", res.StatusCode)
		}
		r.slack.Next(t)
	}
	var wg sync.WaitGroup
	for k, s := range r.slks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.event(t, fmt.Sprintf("EvM-%d", k), staffEvent(thread, "1700000100.000100", "reply"), nil)
		}()
	}
	wg.Wait()
	r.slack.NextReaction(t)
	for _, s := range r.slks {
		s.finish(t)
	}
	marks := r.line.Calls(markAsReadPath)
	if len(marks) != 1 || marks[0].Body["markAsReadToken"] != "mart-b" {
		t.Errorf("got mark-as-read calls %+v, want one with the latest token", marks)
	}
}
