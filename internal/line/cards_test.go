package line

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

// sdkBody is the reply request the SDK's client sends for msgs.
func sdkBody(t testing.TB, msgs []messaging_api.MessageInterface) []byte {
	t.Helper()
	var buf bytes.Buffer
	// As the SDK's client encodes it.
	if err := json.NewEncoder(&buf).Encode(&messaging_api.ReplyMessageRequest{ReplyToken: "token", Messages: msgs}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCardCacheSameBytes: with one cache shared by every reply the
// catalogue can produce, each reply request is byte for byte what render
// gives, when the card is first encoded and when it comes from the cache.
// Two cards sharing a key would send one's bubble for the other.
func TestCardCacheSameBytes(t *testing.T) {
	cards := newCardCache()
	cached := 0
	for pass := range 2 {
		for name, r := range replies(t, "../../intents") {
			want := sdkBody(t, render(r))
			msgs := renderCards(r, cards)
			if got := sdkBody(t, msgs); !bytes.Equal(got, want) {
				t.Fatalf("pass %d, %s: cached card\n%s\nwant\n%s", pass, name, got, want)
			}
			if f, ok := msgs[0].(*messaging_api.FlexMessage); ok && pass == 1 {
				if _, ok := f.Contents.(encodedBubble); !ok {
					t.Errorf("%s: the second time, the card was encoded again", name)
				}
				cached++
			}
		}
	}
	if cached == 0 {
		t.Error("no reply was a card")
	}
	t.Logf("%d distinct cards for %d card replies", len(cards.m), cached)
}

func TestCardCacheBounded(t *testing.T) {
	cards := newCardCache()
	for i := range maxCards + 10 {
		r := bot.Reply{Decision: match.Answer, Title: "t", Text: fmt.Sprint("answer ", i)}
		renderCards(r, cards)
		if len(cards.m) > maxCards {
			t.Fatalf("after %d cards the cache holds %d, want at most %d", i+1, len(cards.m), maxCards)
		}
	}
}

// BenchmarkReplyBody encodes the reply request of an answer card: as the
// SDK's client does, and as the adapter does (replyBody, card cached).
func BenchmarkReplyBody(b *testing.B) {
	var card bot.Reply
	for _, r := range replies(b, "../../intents") {
		if r.Title != "" && r.Contact != nil && len(r.Links) > 0 && r.Feedback != nil {
			card = r
			break
		}
	}
	if card.Title == "" {
		b.Fatal("no answer card with links, contact and feedback")
	}
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sdkBody(b, render(card))
		}
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		cards := newCardCache()
		for b.Loop() {
			if _, err := replyBody("token", renderCards(card, cards)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestReplyBodySameJSON: the body the adapter sends is, for every reply
// the catalogue can produce and with the card from the cache or not, the
// same JSON as the SDK's ReplyMessageRequest (the order of keys aside).
func TestReplyBodySameJSON(t *testing.T) {
	cards := newCardCache()
	for pass := range 2 {
		for name, r := range replies(t, "../../intents") {
			var want, got any
			if err := json.Unmarshal(sdkBody(t, render(r)), &want); err != nil {
				t.Fatal(err)
			}
			for _, c := range []*cardCache{nil, cards} {
				body, err := replyBody("token", renderCards(r, c))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if err := json.Unmarshal(body, &got); err != nil {
					t.Fatalf("pass %d, %s: the body is not JSON: %v\n%s", pass, name, err, body)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("pass %d, %s: sent\n%s\nwant the SDK's\n%s", pass, name, body, sdkBody(t, render(r)))
				}
			}
		}
	}
}
