package line

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/bot"
)

// maxCards bounds the card cache: a catalogue has a few hundred distinct
// cards at most (intents × languages, and the office contact).
const maxCards = 1024

// cardCache keeps the encoded Flex bubble of each answer card sent
// recently. Answers come from a fixed catalogue, so the same cards are sent
// again and again, and encoding one through the SDK's nested MarshalJSON
// methods (each level re-validating its children's JSON) was a fifth of
// the CPU under load. A nil cache encodes nothing ahead (Preview, tests).
type cardCache struct {
	mu sync.Mutex
	m  map[string]encodedBubble
}

func newCardCache() *cardCache { return &cardCache{m: map[string]encodedBubble{}} }

// bubble returns the bubble of r's card with text on it: encoded before,
// or built, encoded and kept for next time. A nil cache builds it.
func (c *cardCache) bubble(r bot.Reply, text string) messaging_api.FlexContainerInterface {
	if c == nil {
		return bubble(r, text)
	}
	key := cardKey(r, text)
	c.mu.Lock()
	b, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return b
	}
	fresh := bubble(r, text)
	enc, err := json.Marshal(fresh)
	if err != nil {
		return fresh // the SDK encodes it again, and reports the error
	}
	c.mu.Lock()
	if len(c.m) >= maxCards {
		// A catalogue reload leaves the old cards behind: start afresh
		// rather than track which are still sent.
		clear(c.m)
	}
	c.m[key] = enc
	c.mu.Unlock()
	return encodedBubble(enc)
}

// cardKey is everything a card's bubble is made of (see card): its title,
// the text on the card, the links and the contact, each with its length,
// so that no two different cards share a key.
func cardKey(r bot.Reply, text string) string {
	var k strings.Builder
	add := func(s string) {
		k.WriteString(strconv.Itoa(len(s)))
		k.WriteByte(':')
		k.WriteString(s)
	}
	add(r.Title)
	add(text)
	for _, l := range r.Links {
		add(l.Label)
		add(l.URL)
	}
	if c := r.Contact; c != nil {
		k.WriteByte('c')
		add(c.Name)
		add(c.Details)
		add(c.Label)
		add(c.URL)
	}
	return k.String()
}

// encodedBubble is a Flex bubble already encoded as JSON: the SDK writes
// it into a message as it is.
type encodedBubble []byte

// GetType is the container's type (messaging_api.FlexContainerInterface).
func (encodedBubble) GetType() string { return "bubble" }

// MarshalJSON returns the encoded bubble.
func (b encodedBubble) MarshalJSON() ([]byte, error) { return b, nil }
