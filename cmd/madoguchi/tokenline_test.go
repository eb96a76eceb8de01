package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// tokenLINE is a fake LINE Messaging API that, like the real one, accepts
// a reply token once and refuses it afterwards (400 "Invalid reply
// token"), and accepts a push retry key once (409 afterwards). It counts
// what users would see: replies by token, pushes by key.
type tokenLINE struct {
	*httptest.Server
	mu      sync.Mutex
	replies map[string]int // accepted replies by token (at most 1 each)
	reused  int            // replies refused because the token was used
	pushes  map[string]int // accepted pushes by retry key
	delay   time.Duration  // before answering, after accepting
	release chan struct{}  // closed when the test ends: hanging calls return
}

func newTokenLINE(tb testing.TB, delay time.Duration) *tokenLINE {
	f := &tokenLINE{replies: map[string]int{}, pushes: map[string]int{}, delay: delay, release: make(chan struct{})}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.Close)
	tb.Cleanup(func() { close(f.release) }) // runs first: hanging calls return before Close waits for them
	return f
}

func (f *tokenLINE) serve(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ReplyToken string `json:"replyToken"`
	}
	json.NewDecoder(r.Body).Decode(&body)
	status := http.StatusOK
	f.mu.Lock()
	switch r.URL.Path {
	case replyPath:
		if f.replies[body.ReplyToken] > 0 {
			status = http.StatusBadRequest
			f.reused++
		} else {
			f.replies[body.ReplyToken]++
		}
	case "/v2/bot/message/push":
		key := r.Header.Get("X-Line-Retry-Key")
		if f.pushes[key] > 0 {
			status = http.StatusConflict
		} else {
			f.pushes[key]++
		}
	}
	delay := f.delay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-f.release:
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	switch status {
	case http.StatusOK:
		w.Write([]byte(`{"sentMessages":[]}`))
	case http.StatusBadRequest:
		w.Write([]byte(`{"message":"Invalid reply token"}`))
	default:
		w.Write([]byte(`{"message":"The retry key is already accepted"}`))
	}
}

// counts returns the tokens answered, the refused reuses and the pushes.
func (f *tokenLINE) counts() (replied, reused, pushed int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.replies), f.reused, len(f.pushes)
}

// answered reports whether the reply token was answered.
func (f *tokenLINE) answered(token string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.replies[token] > 0
}

// waitReplied waits until n tokens are answered or d passes; it returns
// the number answered.
func (f *tokenLINE) waitReplied(n int, d time.Duration) int {
	deadline := time.Now().Add(d)
	for {
		got, _, _ := f.counts()
		if got >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}
