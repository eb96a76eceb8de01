package slack

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

func TestTicketThreadRouting(t *testing.T) {
	a := &Adapter{ho: &deskLink{channel: "CDESK"}}
	off := &Adapter{}
	msg := func(channel, thread, ts, bot, subtype string) *slackevents.MessageEvent {
		return &slackevents.MessageEvent{Channel: channel, ThreadTimeStamp: thread, TimeStamp: ts, BotID: bot, SubType: subtype, User: "US", Text: "hi"}
	}
	tests := []struct {
		name             string
		data             any
		inThread, relays bool
	}{
		{"staff reply in a ticket thread", msg("CDESK", "1.0", "2.0", "", ""), true, true},
		{"the bot's own note", msg("CDESK", "1.0", "2.0", "B1", ""), true, false},
		{"an edit", msg("CDESK", "1.0", "2.0", "", "message_changed"), true, false},
		{"a reply also sent to the channel", msg("CDESK", "1.0", "2.0", "", "thread_broadcast"), true, true},
		{"a reply with a file", msg("CDESK", "1.0", "2.0", "", "file_share"), true, true},
		{"a deletion", msg("CDESK", "1.0", "2.0", "", "message_deleted"), true, false},
		{"a top-level message in the channel", msg("CDESK", "", "2.0", "", ""), false, false},
		{"a thread's parent", msg("CDESK", "2.0", "2.0", "", ""), false, false},
		{"a thread in another channel", msg("COTHER", "1.0", "2.0", "", ""), false, false},
		{"a mention in a ticket thread", &slackevents.AppMentionEvent{Channel: "CDESK", ThreadTimeStamp: "1.0", TimeStamp: "2.0", User: "US"}, true, false},
		{"a mention elsewhere", &slackevents.AppMentionEvent{Channel: "C1", TimeStamp: "2.0", User: "US"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.inTicketThread(tt.data); got != tt.inThread {
				t.Errorf("in a ticket thread: got %v, want %v", got, tt.inThread)
			}
			if _, got := a.staffMessage(tt.data); got != tt.relays {
				t.Errorf("relayed: got %v, want %v", got, tt.relays)
			}
			if off.inTicketThread(tt.data) {
				t.Errorf("with the handoff off, a message counts as a ticket's")
			}
		})
	}
}

func TestClickedHandoff(t *testing.T) {
	a := &Adapter{ho: &deskLink{channel: "CDESK"}}
	cb := slack.InteractionCallback{User: slack.User{ID: "USTAFF"}, Channel: slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: "CDESK"}}},
		Container: slack.Container{MessageTs: "1.0"}}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: handoff.ActionSend, Value: "T1 forgot-id-password"}}
	got, ok := a.clickedHandoff(cb)
	want := handoff.Action{Kind: handoff.ActionSend, TicketID: "T1", IntentID: "forgot-id-password", Staff: "USTAFF", Channel: "CDESK", MessageTS: "1.0"}
	if !ok || got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: "choose-0", Value: "x|ja"}}
	if _, ok := a.clickedHandoff(cb); ok {
		t.Errorf("a choice button was read as a ticket button")
	}
}

// staffRig is a Slack adapter with the handoff on, over a fake Slack Web
// API (the desk's and the adapter's calls both go there), a fake LINE
// that keeps pushes, and a clock for the member list's TTL.
type staffRig struct {
	a     *Adapter
	h     *handoff.Handoff
	api   *testkit.Slack
	line  *pushes
	now   time.Time
	reg   *prometheus.Registry
	alice handoff.UserRef
}

// pushes is a fake LINE: it keeps what is pushed.
type pushes struct {
	mu    sync.Mutex
	texts []string
}

func (p *pushes) Push(_ context.Context, _, text, _ string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.texts = append(p.texts, text)
	return nil
}

func (p *pushes) got() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.texts...)
}

func newStaffRig(t *testing.T, members ...string) *staffRig {
	t.Helper()
	r := &staffRig{api: testkit.NewSlack(t), line: &pushes{}, reg: prometheus.NewRegistry(),
		now:   time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC),
		alice: handoff.UserRef{Platform: "line", ID: "U-alice", Lang: catalogue.English}}
	r.api.SetMembers(members...)
	r.api.SetRetryAfter("0")
	srv := r.api
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New(r.reg)
	api := NewClient(Config{BotToken: "xoxb-test", APIURL: srv.URL + "/", RetryBase: time.Millisecond}, m)
	r.h, err = handoff.New(handoff.Options{Store: handoff.NewMemory(nil), Messenger: r.line,
		Desk: NewDesk(api, "CDESK"), Key: []byte("0123456789abcdef-test"),
		Settings: func() catalogue.Handoff { return cat.Settings.Handoff }})
	if err != nil {
		t.Fatal(err)
	}
	r.a = &Adapter{log: slog.New(slog.DiscardHandler), metrics: m, api: api}
	r.a.EnableHandoff(r.h, "CDESK")
	r.a.ho.members.now = func() time.Time { return r.now }
	return r
}

// open opens alice's ticket and returns its thread's ts.
func (r *staffRig) open(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	if _, err := r.h.Consent(ctx, r.alice); err != nil {
		t.Fatal(err)
	}
	if _, err := r.h.Start(ctx, r.alice); err != nil {
		t.Fatal(err)
	}
	vs, err := r.h.Open(ctx)
	if err != nil || len(vs) != 1 {
		t.Fatalf("open tickets %v, %v; want 1", vs, err)
	}
	return vs[0].Desk.TS
}

func (r *staffRig) refused() float64 {
	return testutil.ToFloat64(r.a.metrics.Events.WithLabelValues(platform, "refused"))
}

func staffReply(thread, ts, user, text string) *slackevents.MessageEvent {
	return &slackevents.MessageEvent{Type: "message", Channel: "CDESK", ThreadTimeStamp: thread, TimeStamp: ts, User: user, Text: text}
}

// TestStaffRepliesFromMembersOnly: a reply in a ticket thread from someone
// outside the staff channel is not pushed (⚠️ and a note instead); a
// person who joins the channel is relayed once the member list's TTL has
// passed; a channel mention reaches the user without the channel's name.
func TestStaffRepliesFromMembersOnly(t *testing.T) {
	r := newStaffRig(t, "USTAFF", "UOTHER")
	thread := r.open(t)
	ctx := context.Background()

	if err := r.a.fromStaff(ctx, staffReply(thread, "2.1", "UOUTSIDER", "Hello, I am not staff")); err != nil {
		t.Fatal(err)
	}
	if got := r.line.got(); len(got) != 0 {
		t.Errorf("a non-member's reply was pushed: %q", got)
	}
	if got := last(r.api, "reactions.add"); got.Get("name") != handoff.ReactFailed || got.Get("timestamp") != "2.1" {
		t.Errorf("non-member reply reacted %v, want ⚠️ on 2.1", got)
	}
	if got := last(r.api, "chat.postMessage"); got.Get("text") != noteNotMember || got.Get("thread_ts") != thread {
		t.Errorf("note %q in thread %q, want %q", got.Get("text"), got.Get("thread_ts"), noteNotMember)
	}
	if got := r.refused(); got != 1 {
		t.Errorf("refused events = %v, want 1", got)
	}

	// The outsider joins; the cached list still says no until the TTL.
	r.api.SetMembers("USTAFF", "UOTHER", "UOUTSIDER")
	r.now = r.now.Add(memberTTL - time.Second)
	if err := r.a.fromStaff(ctx, staffReply(thread, "2.2", "UOUTSIDER", "Now?")); err != nil {
		t.Fatal(err)
	}
	if got := r.line.got(); len(got) != 0 {
		t.Errorf("pushed %q within the TTL of the member list", got)
	}
	r.now = r.now.Add(2 * time.Second)
	if err := r.a.fromStaff(ctx, staffReply(thread, "2.3", "UOUTSIDER", "See <#C123|hr-secret> and <@USTAFF>, please")); err != nil {
		t.Fatal(err)
	}
	if got, want := r.line.got(), []string{"See #channel and, please"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("pushed %q, want %q", got, want)
	}
	if got := last(r.api, "reactions.add"); got.Get("name") != handoff.ReactDelivered || got.Get("timestamp") != "2.3" {
		t.Errorf("delivered reply reacted %v, want ✅ on 2.3", got)
	}
	// The member list was read twice (once per TTL), a page per member.
	if lists := len(r.api.Calls("conversations.members")); lists != 2+3 {
		t.Errorf("conversations.members called %d times, want 5 (2 pages, then 3)", lists)
	}
}

// TestStaffReplyMembersUnknown: when the member list cannot be read, the
// reply is not pushed and staff are asked to send it again.
func TestStaffReplyMembersUnknown(t *testing.T) {
	r := newStaffRig(t, "USTAFF")
	thread := r.open(t)
	r.api.Answer("conversations.members", func(int) (int, string) { return 200, `{"ok":false,"error":"missing_scope"}` })
	if err := r.a.fromStaff(context.Background(), staffReply(thread, "2.1", "USTAFF", "hello")); err != nil {
		t.Fatal(err)
	}
	if got := r.line.got(); len(got) != 0 {
		t.Errorf("pushed %q with the members unknown", got)
	}
	if got := last(r.api, "chat.postMessage").Get("text"); got != noteNoMembers {
		t.Errorf("note %q, want %q", got, noteNoMembers)
	}
}

// TestTicketButtonsStaffOnly: a ticket button acts only when pressed in
// the staff channel by one of its members.
func TestTicketButtonsStaffOnly(t *testing.T) {
	r := newStaffRig(t, "USTAFF")
	r.open(t)
	vs, err := r.h.Open(context.Background())
	if err != nil || len(vs) != 1 {
		t.Fatalf("open tickets %v, %v", vs, err)
	}
	take := func(channel, user string) handoff.Action {
		return handoff.Action{Kind: handoff.ActionTake, TicketID: vs[0].ID, Staff: user, Channel: channel, MessageTS: vs[0].Desk.TS}
	}
	for _, tc := range []struct {
		name    string
		act     handoff.Action
		updates bool
	}{
		{"another channel", take("CPUBLIC", "USTAFF"), false},
		{"not a member", take("CDESK", "UOUTSIDER"), false},
		{"a member in the staff channel", take("CDESK", "USTAFF"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(r.api.Calls("chat.update"))
			if err := r.a.staffAction(context.Background(), tc.act); err != nil {
				t.Fatal(err)
			}
			if got := len(r.api.Calls("chat.update")) > before; got != tc.updates {
				t.Errorf("ticket updated: got %v, want %v", got, tc.updates)
			}
		})
	}
	if got := r.refused(); got != 2 {
		t.Errorf("refused = %v, want 2", got)
	}
	if got := last(r.api, "chat.update").Get("text"); !strings.Contains(got, "<@USTAFF>") {
		t.Errorf("ticket shows %q, want it taken by <@USTAFF>", got)
	}
	// A click from another channel is not even queued.
	cb := slack.InteractionCallback{User: slack.User{ID: "USTAFF"},
		Channel: slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: "CPUBLIC"}}}}
	cb.ActionCallback.BlockActions = []*slack.BlockAction{{ActionID: handoff.ActionClose, Value: vs[0].ID}}
	if !r.a.onInteraction(context.Background(), cb, nil) {
		t.Error("a foreign ticket click was not acknowledged")
	}
	if got := r.refused(); got != 3 {
		t.Errorf("refused after a foreign click = %v, want 3", got)
	}
}

// TestHandoffsCommandStaffOnly: "/madoguchi handoffs" lists the open
// conversations in the staff channel, to its members, and nowhere else.
func TestHandoffsCommandStaffOnly(t *testing.T) {
	r := newStaffRig(t, "USTAFF")
	r.open(t)
	handle := r.h.Handle(r.alice)
	for _, tc := range []struct {
		name, channel, user string
		lists               bool
		says                string
	}{
		{"another channel", "CPUBLIC", "USTAFF", false, "only in the staff channel"},
		{"a direct message", "D123", "USTAFF", false, "only in the staff channel"},
		{"not a member", "CDESK", "UOUTSIDER", false, "Only members of the staff channel"},
		{"a member in the staff channel", "CDESK", "USTAFF", true, "Open handoffs: 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := r.a.handoffs(context.Background(), slack.SlashCommand{Command: "/madoguchi", Text: "handoffs", ChannelID: tc.channel, UserID: tc.user})
			if strings.Contains(got, handle) != tc.lists || !strings.Contains(got, tc.says) {
				t.Errorf("got %q; want the list %v and %q", got, tc.lists, tc.says)
			}
		})
	}
}

// TestMembersHang: while Slack does not answer conversations.members, a
// caller waiting for the list (a slash command with Slack's deadline)
// gets an error when its context ends instead of waiting for the first.
func TestMembersHang(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	m := newMembers(testClient(t, srv.URL+"/"), "CDESK", memberTTL, time.Now)
	first := make(chan error, 1)
	go func() {
		_, err := m.has(context.Background(), "USTAFF") // holds the lock, hanging
		first <- err
	}()
	// Wait until the first caller holds the lock.
	for i := 0; len(m.lock) == 0; i++ {
		if i > 5000 {
			t.Fatal("the first caller never took the lock")
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if ok, err := m.has(ctx, "USTAFF"); ok || !errors.Is(err, context.Canceled) {
		t.Errorf("second caller with an ended context: got %v, %v; want false and context.Canceled", ok, err)
	}
}
