package line

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

// TestRatingConformance renders the rating asked after a conversation
// with staff closed, on three and five levels in both languages with the
// shipped settings' texts, and checks the push body against LINE's
// OpenAPI description and documented limits.
func TestRatingConformance(t *testing.T) {
	spec := lineSpec(t)
	set, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	h := set.Settings.Handoff
	for _, levels := range []int{3, 5} {
		for _, lang := range catalogue.Langs {
			s := h.Satisfaction
			s.Levels = levels
			r, ok := handoff.RatingQuestion(uuid.NewString(), s, lang)
			if !ok {
				t.Fatalf("levels %d %s: not asked", levels, lang)
			}
			r.Text = h.Texts.ClosedByStaff.In(lang) + "\n\n" + r.Text
			msgs := handoffMessages(r, lang)
			for _, problem := range checkLimits(msgs) {
				t.Errorf("levels %d %s: %s", levels, lang, problem)
			}
			if err := checkSchema(spec, "PushMessageRequest", pushRequest{To: "U0123456789abcdef0123456789abcdef", Messages: msgs}); err != nil {
				t.Errorf("levels %d %s: push body: %v", levels, lang, err)
			}
			qr := msgs[len(msgs)-1].(*messaging_api.TextMessage).QuickReply
			if qr == nil || len(qr.Items) != levels {
				t.Errorf("levels %d %s: quick replies %+v, want %d", levels, lang, qr, levels)
			}
		}
	}
}

// TestPushButtons sends a rating through the Messenger to a fake LINE:
// one push, with the question's quick replies and a retry key derived
// from the delivery's key.
func TestPushButtons(t *testing.T) {
	var bodies []string
	var keys []string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies, keys = append(bodies, string(b)), append(keys, r.Header.Get("X-Line-Retry-Key"))
		io.WriteString(w, `{"sentMessages":[{"id":"1"}]}`)
	}))
	defer fake.Close()
	c := testClient(t, "t", fake.URL, 0)
	r, _ := handoff.RatingQuestion("T1", catalogue.DefaultSatisfaction(), catalogue.Japanese)
	if err := NewMessenger(c).PushButtons(context.Background(), "U1", r, catalogue.Japanese, "close:T1"); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 1 || keys[0] != retryKey("close:T1", 0) {
		t.Fatalf("got %d pushes with keys %q, want one with %q", len(bodies), keys, retryKey("close:T1", 0))
	}
	var body struct {
		Messages []struct {
			QuickReply struct {
				Items []struct {
					Action struct{ Label, Data string }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(bodies[0]), &body); err != nil {
		t.Fatal(err)
	}
	items := body.Messages[0].QuickReply.Items
	if len(items) != 3 || items[0].Action.Label != "満足" || !strings.HasPrefix(items[0].Action.Data, handoff.PostbackRate+"T1:3/3") {
		t.Errorf("quick replies %+v, want 満足 (3/3) first of three", items)
	}
}
