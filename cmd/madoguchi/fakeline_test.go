package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// newTokenLINE is a fake LINE API that answers each call delay after
// accepting it (until the test ends).
func newTokenLINE(tb testing.TB, delay time.Duration) *testkit.LINE {
	f := testkit.NewLINE(tb)
	f.SetDelay(delay)
	return f
}

// waitReplied waits until n reply tokens are answered or d passes; it
// returns the number answered.
func waitReplied(f *testkit.LINE, n int, d time.Duration) int {
	deadline := time.Now().Add(d)
	for {
		got, _, _ := f.Counts()
		if got >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writeBotInfo answers GET /v2/bot/info as LINE does, for the load tests'
// counting fakes.
func writeBotInfo(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"userId":"Ubot","basicId":"@madoguchi","displayName":"madoguchi","chatMode":"bot","markAsReadMode":"auto"}`))
}

const testChannelSecret = "test-channel-secret"

// sign computes X-Line-Signature for a body.
func sign(body []byte) string {
	h := hmac.New(sha256.New, []byte(testChannelSecret))
	h.Write(body)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// lineEvent builds a webhook event as LINE sends it.
func textEvent(id, token, text string) map[string]any {
	return map[string]any{
		"type": "message", "mode": "active", "timestamp": 1700000000000,
		"webhookEventId": id, "deliveryContext": map[string]any{"isRedelivery": false},
		"replyToken": token,
		"source":     map[string]any{"type": "user", "userId": "U0123456789abcdef0123456789abcdef"},
		"message":    map[string]any{"type": "text", "id": "m" + id, "text": text, "quoteToken": "q"},
	}
}

func webhookBody(events ...map[string]any) []byte {
	if events == nil {
		events = []map[string]any{}
	}
	b, _ := json.Marshal(map[string]any{"destination": "Ubot", "events": events})
	return b
}

// path reads a value from decoded JSON by keys and indexes.
func path(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}
