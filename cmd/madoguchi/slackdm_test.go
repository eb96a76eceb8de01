package main

import (
	"net/url"
	"strings"
	"testing"
)

// TestSlackDirectMessageAnsweredThere: what /madoguchi help promises
// ("message me directly and I answer there") is what happens: a direct
// message is answered in the conversation itself, one written in a thread
// of it in that thread.
func TestSlackDirectMessageAnsweredThere(t *testing.T) {
	s := newSlackApp(t, "")
	form := url.Values{"command": {"/madoguchi"}, "text": {"help"}, "user_id": {"U1"}, "channel_id": {"C1"}, "team_id": {"T1"}}
	if _, body := s.post(t, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), nil); !strings.Contains(body, "message me directly and I answer there") {
		t.Fatalf("help no longer says how direct messages are answered:\n%s", body)
	}
	tests := []struct {
		name, threadTS, wantThread string
	}{
		{"outside a thread", "", ""},
		{"in a thread", "1700000000.000050", "1700000000.000050"},
	}
	for i, tt := range tests {
		ev := map[string]any{"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
			"text": "パスワードを忘れました", "ts": "1700000000.000100", "event_ts": "1700000000.000100"}
		if tt.threadTS != "" {
			ev["thread_ts"] = tt.threadTS
		}
		s.event(t, "EvDM"+string(rune('0'+i)), ev, nil)
		p := s.fake.Next(t)
		if p.Get("channel") != "D1" || p.Get("thread_ts") != tt.wantThread {
			t.Errorf("%s: answered in %s thread %q, want D1 thread %q", tt.name, p.Get("channel"), p.Get("thread_ts"), tt.wantThread)
		}
	}
}
