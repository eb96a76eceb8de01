package testkit

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// SlackViews serves views.publish for the fake Slack (Slack.Handle) and
// keeps every view published, which slack-go sends as JSON rather than a
// form.
type SlackViews struct {
	mu      sync.Mutex
	views   []PublishedView
	arrived chan struct{} // closed and replaced when a view is published
}

// PublishedView is one views.publish call: the user and the view's JSON.
type PublishedView struct {
	User string
	View map[string]any
}

// Blocks returns the view's blocks.
func (p PublishedView) Blocks() []map[string]any {
	var out []map[string]any
	bs, _ := p.View["blocks"].([]any)
	for _, b := range bs {
		if m, ok := b.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// NewSlackViews returns an empty recorder of views.
func NewSlackViews() *SlackViews { return &SlackViews{arrived: make(chan struct{})} }

// ServeHTTP answers views.publish; any other method is not found.
func (v *SlackViews) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.TrimPrefix(r.URL.Path, "/") != "views.publish" {
		http.NotFound(w, r)
		return
	}
	var req struct {
		UserID string         `json:"user_id"`
		View   map[string]any `json:"view"`
	}
	raw, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	if err := json.Unmarshal(raw, &req); err != nil || req.UserID == "" {
		io.WriteString(w, `{"ok":false,"error":"invalid_arguments"}`)
		return
	}
	v.mu.Lock()
	v.views = append(v.views, PublishedView{User: req.UserID, View: req.View})
	close(v.arrived)
	v.arrived = make(chan struct{})
	v.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "view": map[string]any{"id": "V1", "type": "home"}})
}

// Published returns the views published so far.
func (v *SlackViews) Published() []PublishedView {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]PublishedView(nil), v.views...)
}

// Next waits at most 5 s for the (n+1)-th view, n being how many the test
// has seen, and returns it.
func (v *SlackViews) Next(tb testing.TB, n int) PublishedView {
	tb.Helper()
	deadline := time.After(5 * time.Second)
	for {
		v.mu.Lock()
		if len(v.views) > n {
			p := v.views[n]
			v.mu.Unlock()
			return p
		}
		arrived := v.arrived
		v.mu.Unlock()
		select {
		case <-arrived:
		case <-deadline:
			tb.Fatalf("no view published after %d", n)
			return PublishedView{}
		}
	}
}
