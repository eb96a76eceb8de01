package line

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

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
		{"down", []int{503, 503, 503}, "status 503 after 3 attempts", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := testkit.NewLINE(t)
			fake.Answer(testkit.LINEPushPath, tc.statuses...)
			m, err := NewMessenger("token-123", fake.URL, 2, time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			key := handoff.RetryKey("CDESK/1700000000.000100", 0)
			err = m.Push(context.Background(), "Uuser", []string{"one", "two"}, key)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("got error %v, want %q", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), testkit.LINEDetail) {
				t.Errorf("error %q quotes LINE's details", err)
			}
			reqs := fake.Calls(testkit.LINEPushPath)
			if got := len(reqs); got != tc.wantReqs {
				t.Fatalf("got %d requests, want %d", got, tc.wantReqs)
			}
			for _, r := range reqs {
				if k, auth := r.Header.Get("X-Line-Retry-Key"), r.Header.Get("Authorization"); k != key || auth != "Bearer token-123" {
					t.Errorf("retry key %q auth %q, want %q and the bearer token", k, auth, key)
				}
				if _, ok := r.Body["customAggregationUnits"]; ok {
					t.Errorf("body has customAggregationUnits: %v", r.Body)
				}
				var texts []string
				msgs, _ := r.Body["messages"].([]any)
				for _, m := range msgs {
					if m, ok := m.(map[string]any); ok && m["type"] == "text" {
						texts = append(texts, fmt.Sprint(m["text"]))
					}
				}
				if r.Body["to"] != "Uuser" || strings.Join(texts, "|") != "one|two" {
					t.Errorf("body to %v texts %q", r.Body["to"], texts)
				}
			}
		})
	}
}

// TestMessengerHang: a LINE that never answers is given up on when the
// context ends.
func TestMessengerHang(t *testing.T) {
	fake := testkit.NewLINE(t)
	fake.SetDelay(time.Hour) // until the test ends
	m, err := NewMessenger("t", fake.URL, 0, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := m.Push(ctx, "U", []string{"x"}, "k"); err == nil {
		t.Error("push to a hanging LINE: no error")
	}
}
