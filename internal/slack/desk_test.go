package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// newTestDesk is a desk on the test kit's fake Slack API, which numbers
// the messages it posts and asks for no wait after a 429.
func newTestDesk(t *testing.T) (*Desk, *testkit.Slack) {
	f := testkit.NewSlack(t)
	f.SetRetryAfter("0")
	f.SetTS(func(n int) string { return fmt.Sprintf("1700000000.%06d", n) })
	return NewDesk(testClient(t, f.URL+"/"), "CDESK"), f
}

// last is the form of the last call to method.
func last(f *testkit.Slack, method string) url.Values {
	calls := f.Calls(method)
	if len(calls) == 0 {
		return nil
	}
	return calls[len(calls)-1]
}

// blockActions lists the action ids and values of the buttons in blocks.
func blockActions(t *testing.T, blocks string) []string {
	t.Helper()
	var bs []map[string]any
	if err := json.Unmarshal([]byte(blocks), &bs); err != nil {
		t.Fatalf("blocks %q: %v", blocks, err)
	}
	var out []string
	add := func(e any) {
		if m, ok := e.(map[string]any); ok && m["type"] == "button" {
			out = append(out, fmt.Sprint(m["action_id"], "=", m["value"]))
		}
	}
	for _, b := range bs {
		add(b["accessory"])
		if els, ok := b["elements"].([]any); ok {
			for _, e := range els {
				add(e)
			}
		}
	}
	return out
}

// decodedBlocks is the blocks' JSON decoded and printed, so that texts can be
// searched without JSON's escapes.
func decodedBlocks(t *testing.T, blocks string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(blocks), &v); err != nil {
		t.Fatalf("blocks %q: %v", blocks, err)
	}
	return fmt.Sprint(v)
}

func TestDeskTicket(t *testing.T) {
	d, f := newTestDesk(t)
	ctx := context.Background()
	v := handoff.View{ID: "tk1", Handle: "abcde12345", Platform: "line", Lang: catalogue.English, Status: handoff.StatusOpen,
		Opened: time.Now(), OutOfHours: true,
		Recent:  []handoff.Exchange{{User: "I <b>can't</b> log in", Bot: "Sorry"}},
		Guesses: []handoff.Guess{{IntentID: "reset-password", Title: "Reset your password"}, {IntentID: "mfa", Title: "MFA"}}}
	ref, err := d.PostTicket(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Channel != "CDESK" || ref.TS == "" {
		t.Errorf("ref = %+v", ref)
	}
	form := last(f, "chat.postMessage")
	blocks := form.Get("blocks")
	for _, want := range []string{"abcde12345", "line", "English", "I &lt;b&gt;can't&lt;/b&gt; log in", "Reset your password", "out of office hours", "open"} {
		if !strings.Contains(decodedBlocks(t, blocks), want) {
			t.Errorf("ticket blocks lack %q: %s", want, blocks)
		}
	}
	want := []string{handoff.ActionSend + "=tk1 reset-password", handoff.ActionSend + "=tk1 mfa", handoff.ActionTake + "=tk1", handoff.ActionClose + "=tk1", handoff.ActionDraft + "=tk1"}
	if got := blockActions(t, blocks); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("buttons = %v, want %v", got, want)
	}
	if !strings.Contains(form.Get("text"), "abcde12345") {
		t.Errorf("fallback text %q lacks the handle", form.Get("text"))
	}

	// Taken, then closed: the update shows who, and a closed ticket has
	// only the draft button.
	v.Taker = "USTAFF"
	if err := d.UpdateTicket(ctx, ref, v); err != nil {
		t.Fatal(err)
	}
	up := last(f, "chat.update")
	if up.Get("ts") != ref.TS || !strings.Contains(decodedBlocks(t, up.Get("blocks")), "taken by <@USTAFF>") {
		t.Errorf("update ts %q blocks %s", up.Get("ts"), up.Get("blocks"))
	}
	v.Status, v.Reason, v.ClosedBy = handoff.StatusClosed, handoff.ReasonStaff, "USTAFF"
	if err := d.UpdateTicket(ctx, ref, v); err != nil {
		t.Fatal(err)
	}
	closed := last(f, "chat.update").Get("blocks")
	if got := blockActions(t, closed); len(got) != 1 || got[0] != handoff.ActionDraft+"=tk1" {
		t.Errorf("closed ticket has buttons %v, want the draft button only", got)
	}
	if !strings.Contains(decodedBlocks(t, closed), "closed by <@USTAFF>") {
		t.Errorf("closed ticket blocks: %s", closed)
	}
}

func TestDeskThreadAndReactions(t *testing.T) {
	d, f := newTestDesk(t)
	f.Answer("reactions.add", func(n int) (int, string) {
		switch n {
		case 1:
			return http.StatusTooManyRequests, `{"ok":false,"error":"ratelimited"}`
		case 2:
			return 200, `{"ok":true}`
		case 3:
			return 200, `{"ok":false,"error":"already_reacted"}`
		}
		return 200, `{"ok":false,"error":"message_not_found"}`
	})
	ctx := context.Background()
	ref := handoff.DeskRef{Channel: "CDESK", TS: "1.1"}
	for _, tc := range []struct {
		note handoff.Note
		want string
	}{
		{handoff.Note{Text: "💬 <!channel> & <https://evil.example|bank> {staff}"}, "💬 &lt;!channel&gt; &amp; &lt;https://evil.example|bank&gt; {staff}"},
		{handoff.Note{Text: "Closed by {staff}.", Staff: "USTAFF"}, "Closed by <@USTAFF>."},
	} {
		if err := d.Post(ctx, ref, tc.note); err != nil {
			t.Fatal(err)
		}
		if got := last(f, "chat.postMessage"); got.Get("thread_ts") != "1.1" || got.Get("text") != tc.want {
			t.Errorf("thread post = %v, want text %q", got, tc.want)
		}
	}
	for i, wantErr := range []bool{false, false, true} {
		err := d.React(ctx, "CDESK", "1.2", handoff.ReactDelivered)
		if (err != nil) != wantErr {
			t.Errorf("react #%d: err %v, want error %v", i, err, wantErr)
		}
	}
	if got := last(f, "reactions.add"); got.Get("name") != "white_check_mark" || got.Get("timestamp") != "1.2" {
		t.Errorf("reaction = %v", got)
	}
}

func TestDeskCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		channel string
		member  bool
		info    func(int) (int, string)
		want    string
	}{
		{"member", "CDESK", true, nil, ""},
		{"not invited", "CDESK", false, nil, "invite it there with /invite @madoguchi"},
		{"private or wrong", "CDESK", false, func(int) (int, string) { return 200, `{"ok":false,"error":"channel_not_found"}` }, "channel not found"},
		{"name not id", "#alumni-desk", true, nil, "must be the channel's id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, f := newTestDesk(t)
			f.SetMember(tc.member)
			f.Answer("conversations.info", tc.info)
			d.channel = tc.channel
			err := d.Check(context.Background())
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("Check = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestHandoffList(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	if got := HandoffList(nil, now); !strings.Contains(got, "No open handoffs") {
		t.Errorf("empty list = %q", got)
	}
	vs := []handoff.View{
		{Handle: "aaaa", Platform: "line", Status: handoff.StatusOpen, Opened: now.Add(-50 * time.Hour), Activity: now.Add(-5 * time.Minute), Desk: handoff.DeskRef{Channel: "CDESK", TS: "1.1"}},
		{Handle: "bbbb", Platform: "line", Status: handoff.StatusOpen, Taker: "USTAFF", Opened: now.Add(-3 * time.Hour), Activity: now.Add(-3 * time.Hour), Desk: handoff.DeskRef{Channel: "CDESK", TS: "2.2"}},
	}
	got := HandoffList(vs, now)
	for _, want := range []string{"Open handoffs: 2", "`aaaa`", "opened 2d", "last 5m", "`bbbb`", "taken by <@USTAFF>", "opened 3h"} {
		if !strings.Contains(got, want) {
			t.Errorf("list lacks %q:\n%s", want, got)
		}
	}
}
