package line

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

// fakePushAPI is a fake LINE push endpoint: it answers each request with the
// next status of a script (the last one repeats) and records the requests.
type fakePushAPI struct {
	mu       sync.Mutex
	statuses []int
	reqs     []pushReq
	hang     bool
}

type pushReq struct {
	auth, key string
	body      map[string]json.RawMessage
	texts     []string
}

func (f *fakePushAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v2/bot/message/push" || r.Method != http.MethodPost {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]json.RawMessage
	json.Unmarshal(raw, &body)
	var msgs []struct{ Type, Text string }
	json.Unmarshal(body["messages"], &msgs)
	var texts []string
	for _, m := range msgs {
		if m.Type == "text" {
			texts = append(texts, m.Text)
		}
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, pushReq{r.Header.Get("Authorization"), r.Header.Get("X-Line-Retry-Key"), body, texts})
	status := f.statuses[min(len(f.reqs)-1, len(f.statuses)-1)]
	hang := f.hang
	f.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	switch status {
	case http.StatusOK:
		w.Write([]byte(`{"sentMessages":[{"id":"1","quoteToken":"q"}]}`))
	case http.StatusBadRequest:
		w.Write([]byte(`{"message":"Failed to send messages","details":[{"message":"secret detail","property":"to"}]}`))
	default:
		w.Write([]byte(`{"message":"The request was rejected"}`))
	}
}

func TestMessengerPush(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []int
		wantErr  string
		wantReqs int
	}{
		{"accepted", []int{200}, "", 1},
		{"already accepted", []int{409}, "", 1},
		{"retried after 500 and 429", []int{500, 429, 200}, "", 3},
		{"blocked user", []int{400}, "status 400: Failed to send messages", 1},
		{"forbidden", []int{403}, "status 403", 1},
		{"down", []int{503}, "status 503 after 3 attempts", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakePushAPI{statuses: tc.statuses}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			m := NewMessenger(testClient(t, "token-123", srv.URL, 2))
			key := handoff.RetryKey("CDESK/1700000000.000100", 0)
			err := m.Push(context.Background(), "Uuser", []string{"one", "two"}, key)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("got error %v, want %q", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "secret detail") {
				t.Errorf("error %q quotes LINE's details", err)
			}
			if got := len(fake.reqs); got != tc.wantReqs {
				t.Fatalf("got %d requests, want %d", got, tc.wantReqs)
			}
			for _, r := range fake.reqs {
				if r.key != key || r.auth != "Bearer token-123" {
					t.Errorf("retry key %q auth %q, want %q and the bearer token", r.key, r.auth, key)
				}
				if _, ok := r.body["customAggregationUnits"]; ok {
					t.Errorf("body has customAggregationUnits: %v", r.body)
				}
				if string(r.body["to"]) != `"Uuser"` || strings.Join(r.texts, "|") != "one|two" {
					t.Errorf("body to %s texts %q", r.body["to"], r.texts)
				}
			}
		})
	}
}

// TestMessengerHang: a LINE that never answers is given up on when the
// context ends.
func TestMessengerHang(t *testing.T) {
	fake := &fakePushAPI{statuses: []int{200}, hang: true}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	m := NewMessenger(testClient(t, "t", srv.URL, 0))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := m.Push(ctx, "U", []string{"x"}, "k"); err == nil {
		t.Error("push to a hanging LINE: no error")
	}
}
