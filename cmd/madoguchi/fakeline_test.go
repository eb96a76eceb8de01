package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// fakeLINE is a local stand-in for the LINE Messaging API. It records every
// call and answers from a per-path script of status codes (200 when the
// script runs out).
type fakeLINE struct {
	*httptest.Server
	mu     sync.Mutex
	calls  []lineCall
	script map[string][]int
	delay  time.Duration
	got    chan lineCall
}

type lineCall struct {
	Path   string
	Header http.Header
	Body   map[string]any
}

func newFakeLINE(t *testing.T) *fakeLINE {
	f := &fakeLINE{script: map[string][]int{}, got: make(chan lineCall, 1000)}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == botInfoPath {
			f.botInfo(w)
			return
		}
		raw, _ := io.ReadAll(r.Body)
		c := lineCall{Path: r.URL.Path, Header: r.Header.Clone()}
		if err := json.Unmarshal(raw, &c.Body); err != nil {
			t.Errorf("fake LINE: %s body is not JSON: %v", r.URL.Path, err)
		}
		f.mu.Lock()
		status := http.StatusOK
		if s := f.script[r.URL.Path]; len(s) > 0 {
			status, f.script[r.URL.Path] = s[0], s[1:]
		}
		f.calls = append(f.calls, c)
		delay := f.delay
		f.mu.Unlock()
		time.Sleep(delay)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		switch {
		case status == http.StatusOK:
			w.Write([]byte(`{"sentMessages":[]}`))
		case status == http.StatusBadRequest && r.URL.Path == "/v2/bot/message/reply":
			w.Write([]byte(`{"message":"Invalid reply token"}`)) // what LINE says for a used or expired token
		default:
			fmt.Fprintf(w, `{"message":"scripted status %d"}`, status)
		}
		if status == http.StatusOK || status == http.StatusConflict {
			f.got <- c
		}
	}))
	t.Cleanup(f.Close)
	return f
}

const botInfoPath = "/v2/bot/info"

// botInfo answers the start-up check of the channel token from the
// script: a status, or 0 to drop the connection (a network error).
func (f *fakeLINE) botInfo(w http.ResponseWriter) {
	f.mu.Lock()
	status := http.StatusOK
	if s := f.script[botInfoPath]; len(s) > 0 {
		status, f.script[botInfoPath] = s[0], s[1:]
	}
	f.mu.Unlock()
	if status == 0 {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	writeBotInfo(w, status)
}

// writeBotInfo answers GET /v2/bot/info as LINE does.
func writeBotInfo(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if status == http.StatusOK {
		w.Write([]byte(`{"userId":"Ubot","basicId":"@madoguchi","displayName":"madoguchi","chatMode":"bot","markAsReadMode":"auto"}`))
		return
	}
	fmt.Fprintf(w, `{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}`)
}

// answer scripts the next statuses for a path.
func (f *fakeLINE) answer(path string, statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[path] = append(f.script[path], statuses...)
}

// next waits for the next accepted call.
func (f *fakeLINE) next(t *testing.T) lineCall {
	t.Helper()
	select {
	case c := <-f.got:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no call reached the fake LINE API within 5s")
		return lineCall{}
	}
}

// callCount returns the number of calls made to path.
func (f *fakeLINE) callCount(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c.Path == path {
			n++
		}
	}
	return n
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
