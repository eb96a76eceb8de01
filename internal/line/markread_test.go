package line

import (
	"context"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

func TestMessengerMarkRead(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []int
		wantErr  string
		wantReqs int
	}{
		{"marked", []int{200}, "", 1},
		{"retried after 500", []int{500, 200}, "", 2},
		{"chat off or bad token", []int{400}, "LINE mark as read: status 400", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := testkit.NewLINE(t)
			fake.Answer(markAsReadPath, tc.statuses...)
			m := NewMessenger(testClient(t, "token-123", fake.URL, 2))
			err := m.MarkRead(context.Background(), "read-token-1")
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("got error %v, want %q", err, tc.wantErr)
			}
			reqs := fake.Calls(markAsReadPath)
			if len(reqs) != tc.wantReqs {
				t.Fatalf("got %d requests, want %d", len(reqs), tc.wantReqs)
			}
			for _, r := range reqs {
				if r.Body["markAsReadToken"] != "read-token-1" || len(r.Body) != 1 {
					t.Errorf("got body %v, want only the token", r.Body)
				}
			}
		})
	}
}

// TestConformanceMarkAsRead checks the mark-as-read body against LINE's
// OpenAPI description, and that the check refuses a body without the token.
func TestConformanceMarkAsRead(t *testing.T) {
	spec := lineSpec(t)
	for _, tc := range []struct {
		name string
		body any
		ok   bool
	}{
		{"ours", markAsReadRequest{MarkAsReadToken: "nz0x74mZT2mRn"}, true},
		{"no token", map[string]any{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkSchema(spec, "MarkMessagesAsReadByTokenRequest", tc.body)
			if (err == nil) != tc.ok {
				t.Errorf("got %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestReadToken(t *testing.T) {
	for _, tc := range []struct{ payload, want string }{
		{`{"type":"message","message":{"type":"text","text":"hi","markAsReadToken":"tok-9"}}`, "tok-9"},
		{`{"type":"message","message":{"type":"sticker"}}`, ""},
		{`not json`, ""},
	} {
		if got := readToken([]byte(tc.payload)); got != tc.want {
			t.Errorf("readToken(%s) = %q, want %q", tc.payload, got, tc.want)
		}
	}
}
