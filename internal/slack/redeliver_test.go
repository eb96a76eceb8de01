package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/match"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// TestRedeliveredNotAnsweredTwice: an event taken over from a replica
// that died after posting its answer (Redelivered) is not answered again,
// in a channel thread or a direct message; one that was not answered is;
// a first delivery costs no extra call; when Slack cannot tell, the
// answer is posted (better twice than never).
func TestRedeliveredNotAnsweredTwice(t *testing.T) {
	srv := testkit.NewSlack(t)
	srv.SetTS(func(n int) string { return fmt.Sprintf("2.%06d", n) })
	// counts are the messages posted and the conversations listed.
	counts := func() (posts, lists int) {
		return srv.Count(), len(srv.Calls("conversations.history")) + len(srv.Calls("conversations.replies"))
	}
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
		posts0, lists0 := counts()
		handle(id, c.payload(id, "1.000001"), false)
		handle(id, c.payload(id, "1.000001"), true) // taken over after a crash
		posts, lists := counts()
		if posts-posts0 != 1 || lists-lists0 != 1 {
			t.Errorf("%s: answered, then redelivered: %d posts and %d checks, want 1 and 1", c.name, posts-posts0, lists-lists0)
		}
		// Redelivered, but the first attempt died before posting.
		other := id + "-unanswered"
		handle(other, c.payload(other, "1.000002"), true)
		if p, _ := counts(); p != posts+1 {
			t.Errorf("%s: a redelivered event never answered got %d posts, want 1", c.name, p-posts)
		}
	}
	if got := testutil.ToFloat64(m.Events.WithLabelValues(platform, "duplicate")); got != 2 {
		t.Errorf("duplicates counted = %v, want 2", got)
	}
	srv.Answer("conversations.history", func(int) (int, string) { return 200, `{"ok":false,"error":"missing_scope"}` })
	srv.Answer("conversations.replies", func(int) (int, string) { return 200, `{"ok":false,"error":"missing_scope"}` })
	posts, _ := counts()
	handle("EvBroken", mention("EvBroken", "1.000003"), true)
	if p, _ := counts(); p != posts+1 {
		t.Errorf("with conversations.* failing, a redelivered event got %d posts, want 1", p-posts)
	}
}
