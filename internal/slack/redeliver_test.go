package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/secret"
)

// fakeConversations is a Slack Web API that keeps what is posted, with
// its metadata, and lists it back by conversation (and thread) as
// conversations.history and conversations.replies do.
type fakeConversations struct {
	mu      sync.Mutex
	posts   []map[string]any // as conversations.* return messages
	lists   int              // conversations.* calls
	broken  bool             // conversations.* fail
	nextTS  int
	history map[string][]map[string]any // channel or channel/thread → messages
}

func (f *fakeConversations) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/chat.postMessage":
		f.nextTS++
		msg := map[string]any{"type": "message", "bot_id": "B1", "ts": fmt.Sprintf("2.%06d", f.nextTS), "text": r.Form.Get("text")}
		if m := r.Form.Get("metadata"); m != "" {
			var md any
			json.Unmarshal([]byte(m), &md)
			msg["metadata"] = md
		}
		key := r.Form.Get("channel")
		if t := r.Form.Get("thread_ts"); t != "" {
			key += "/" + t
		}
		f.history[key] = append(f.history[key], msg)
		f.posts = append(f.posts, msg)
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, r.Form.Get("channel"), msg["ts"])
	case "/conversations.history", "/conversations.replies":
		f.lists++
		if f.broken {
			fmt.Fprint(w, `{"ok":false,"error":"missing_scope"}`)
			return
		}
		key := r.Form.Get("channel")
		if t := r.Form.Get("ts"); t != "" {
			key += "/" + t
		}
		// Slack returns metadata only when asked to.
		var out []map[string]any
		for _, m := range f.history[key] {
			c := map[string]any{}
			for k, v := range m {
				if k != "metadata" || r.Form.Get("include_all_metadata") == "1" {
					c[k] = v
				}
			}
			out = append(out, c)
		}
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "messages": out, "has_more": false})
	default:
		fmt.Fprint(w, `{"ok":true}`)
	}
}

func (f *fakeConversations) counts() (posts, lists int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posts), f.lists
}

// TestRedeliveredNotAnsweredTwice: an event taken over from a replica
// that died after posting its answer (Redelivered) is not answered again,
// in a channel thread or a direct message; one that was not answered is;
// a first delivery costs no extra call; when Slack cannot tell, the
// answer is posted (better twice than never).
func TestRedeliveredNotAnsweredTwice(t *testing.T) {
	f := &fakeConversations{history: map[string][]map[string]any{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New(prometheus.NewRegistry())
	d := bot.NewDialog(bot.New(match.New(cat)), nil, 0, nil)
	cfg := Config{BotToken: secret.Secret("xoxb"), APIURL: srv.URL + "/"}
	a := New(slog.New(slog.NewTextHandler(io.Discard, nil)), d, nil, nil, m, NewClient(cfg, m), cfg)
	mention := func(id, ts string) []byte {
		b, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": id, "event": map[string]any{
			"type": "app_mention", "user": "U1", "text": "<@UB> パスワードを忘れました", "ts": ts, "channel": "C1"}})
		return b
	}
	dm := func(id, ts string) []byte {
		b, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": id, "event": map[string]any{
			"type": "message", "channel_type": "im", "user": "U1", "text": "I forgot my password", "ts": ts, "channel": "D1"}})
		return b
	}
	ctx := context.Background()
	handle := func(id string, payload []byte, redelivered bool) {
		t.Helper()
		if err := a.Handle(ctx, intake.Event{Platform: platform, ID: id, Payload: payload, Redelivered: redelivered}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name    string
		payload func(id, ts string) []byte
	}{{"thread", mention}, {"direct message", dm}} {
		id := "Ev" + c.name
		posts0, lists0 := f.counts()
		handle(id, c.payload(id, "1.000001"), false)
		handle(id, c.payload(id, "1.000001"), true) // taken over after a crash
		posts, lists := f.counts()
		if posts-posts0 != 1 || lists-lists0 != 1 {
			t.Errorf("%s: answered, then redelivered: %d posts and %d checks, want 1 and 1", c.name, posts-posts0, lists-lists0)
		}
		// Redelivered, but the first attempt died before posting.
		other := id + "-unanswered"
		handle(other, c.payload(other, "1.000002"), true)
		if p, _ := f.counts(); p != posts+1 {
			t.Errorf("%s: a redelivered event never answered got %d posts, want 1", c.name, p-posts)
		}
	}
	if got := testutil.ToFloat64(m.Events.WithLabelValues(platform, "duplicate")); got != 2 {
		t.Errorf("duplicates counted = %v, want 2", got)
	}
	f.mu.Lock()
	f.broken = true
	f.mu.Unlock()
	posts, _ := f.counts()
	handle("EvBroken", mention("EvBroken", "1.000003"), true)
	if p, _ := f.counts(); p != posts+1 {
		t.Errorf("with conversations.* failing, a redelivered event got %d posts, want 1", p-posts)
	}
}
