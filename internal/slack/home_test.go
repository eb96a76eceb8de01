package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// homeSource is a fake record of today's figures.
type homeSource struct {
	home Home
	err  error
}

func (s homeSource) Home(context.Context, time.Time) (Home, error) { return s.home, s.err }

// viewText is every text of a view, for looking things up.
func viewText(t *testing.T, p testkit.PublishedView) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p.View); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHomeOpened(t *testing.T) {
	on := &Adapter{home: &home{}}
	for _, tc := range []struct {
		name string
		a    *Adapter
		data any
		want string
	}{
		{"home tab", on, &slackevents.AppHomeOpenedEvent{User: "U1", Tab: "home"}, "U1"},
		{"messages tab", on, &slackevents.AppHomeOpenedEvent{User: "U1", Tab: "messages"}, ""},
		{"another event", on, &slackevents.AppMentionEvent{User: "U1"}, ""},
		{"home off", &Adapter{}, &slackevents.AppHomeOpenedEvent{User: "U1", Tab: "home"}, ""},
	} {
		if got := tc.a.homeOpened(tc.data); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestPublishHome: a member of the staff channel sees the open handoffs,
// today's figures and the unanswered groups with the console's link;
// anyone else a sentence.
func TestPublishHome(t *testing.T) {
	r := newStaffRig(t, "USTAFF")
	views := testkit.NewSlackViews()
	r.api.Handle(views)
	r.open(t)
	rate := 0.42
	r.a.EnableHome(homeSource{home: Home{Questions: 10, Answered: 7, Escalated: 2, SelfResolved: &rate,
		Groups: []HomeGroup{{Count: 3, Example: "inbox <full>"}}, ReviewURL: "https://console.example.ac.jp/review"}})
	opened := time.Now() // the rig's handoff runs on the real clock
	r.a.home.now = func() time.Time { return opened.Add(90 * time.Minute) }
	for _, tc := range []struct {
		user string
		want []string
	}{
		{"USTAFF", []string{"Open handoffs: 1", "1h ago", "not taken", "https://alumni.slack.com/archives/CDESK/p", "Answer rate*\\n70%", "Self-resolution (7 days)*\\n42%", "Escalations*\\n2", "3×* inbox &lt;full&gt;", "https://console.example.ac.jp/review"}},
		{"UOUTSIDER", []string{"for the members of the staff channel"}},
	} {
		t.Run(tc.user, func(t *testing.T) {
			n := len(views.Published())
			if err := r.a.publishHome(context.Background(), tc.user); err != nil {
				t.Fatal(err)
			}
			p := views.Next(t, n)
			if p.User != tc.user || p.View["type"] != "home" {
				t.Errorf("got a %v view for %q, want home for %q", p.View["type"], p.User, tc.user)
			}
			text := viewText(t, p)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("the view lacks %q: %s", w, text)
				}
			}
			if tc.user == "UOUTSIDER" && strings.Contains(text, "Open handoffs") {
				t.Error("a non-member sees the open handoffs")
			}
		})
	}
}

// TestHomeLimits: however many handoffs are open and however long the
// questions, the staff's Home tab keeps within Block Kit's limits.
func TestHomeLimits(t *testing.T) {
	r := newStaffRig(t, "USTAFF")
	views := testkit.NewSlackViews()
	r.api.Handle(views)
	long := strings.Repeat("とても長い質問です", 500)
	var groups []HomeGroup
	for i := range 50 {
		groups = append(groups, HomeGroup{Count: 100 - i, Example: long})
	}
	r.a.EnableHome(homeSource{home: Home{Questions: 1, Groups: groups, ReviewURL: "https://console.example.ac.jp/review"}})
	// 200 open tickets, through the store the handoff reads.
	r.a.ho.h = mustHandoffWith(t, r, 200)
	if err := r.a.publishHome(context.Background(), "USTAFF"); err != nil {
		t.Fatal(err)
	}
	p := views.Next(t, 0)
	blocks := p.Blocks()
	if len(blocks) > maxViewBlocks || len(blocks) < homeHandoffs {
		t.Fatalf("got %d blocks, want between %d and %d", len(blocks), homeHandoffs, maxViewBlocks)
	}
	for i, b := range blocks {
		raw, _ := json.Marshal(b)
		var blk slack.Blocks
		if err := json.Unmarshal([]byte(`[`+string(raw)+`]`), &blk); err != nil {
			t.Fatalf("block %d does not parse: %v", i, err)
		}
		switch v := blk.BlockSet[0].(type) {
		case *slack.HeaderBlock:
			if n := utf8.RuneCountInString(v.Text.Text); n > maxHeaderText {
				t.Errorf("block %d: header of %d characters, want at most %d", i, n, maxHeaderText)
			}
		case *slack.SectionBlock:
			if v.Text != nil && utf8.RuneCountInString(v.Text.Text) > maxSectionText {
				t.Errorf("block %d: section of %d characters, want at most %d", i, utf8.RuneCountInString(v.Text.Text), maxSectionText)
			}
			if len(v.Fields) > 10 {
				t.Errorf("block %d: %d fields, want at most 10", i, len(v.Fields))
			}
		}
	}
	if text := viewText(t, p); !strings.Contains(text, fmt.Sprintf("%d more", 200-homeHandoffs)) {
		t.Error("the view does not say how many more handoffs are open")
	}
}

// mustHandoffWith is a handoff on the rig's desk whose store holds n open
// tickets.
func mustHandoffWith(t *testing.T, r *staffRig, n int) *handoff.Handoff {
	t.Helper()
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	store := handoff.NewMemory(nil)
	for i := range n {
		tk := handoff.Ticket{ID: fmt.Sprintf("t%d", i), Handle: fmt.Sprintf("h%d", i), Platform: "line", To: "U",
			Desk: handoff.DeskRef{Channel: "CDESK", TS: fmt.Sprintf("1700000000.%06d", i)}, Status: handoff.StatusOpen,
			Taker: strings.Repeat("U", 30), Opened: r.now, Activity: r.now}
		if err := store.Create(context.Background(), tk); err != nil {
			t.Fatal(err)
		}
	}
	h, err := handoff.New(handoff.Options{Store: store, Messenger: r.line, Desk: NewDesk(r.a.api, "CDESK"),
		Key: []byte("0123456789abcdef-test"), Settings: func() catalogue.Handoff { return cat.Settings.Handoff }})
	if err != nil {
		t.Fatal(err)
	}
	return h
}
