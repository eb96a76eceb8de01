package testkit

import (
	"io"
	"net/http"
	"testing"
)

// TestScripted: a path's answers in turn, the last repeating; "*" for
// the other paths; the OK body where an answer has none; calls counted
// per path and in all.
func TestScripted(t *testing.T) {
	t.Parallel()
	s := NewScripted(t, `{"ok":true}`, map[string][]Answer{
		"a": {{Status: 503, RetryAfter: "2", Body: "down"}, {Status: 200}},
		"*": {{Status: 404, Body: "no"}},
	})
	tests := []struct {
		path, wantBody, wantRetryAfter string
		wantStatus                     int
	}{
		{"a", "down", "2", 503},
		{"a", `{"ok":true}`, "", 200},
		{"a", `{"ok":true}`, "", 200},
		{"b", "no", "", 404},
	}
	for i, tt := range tests {
		res, err := http.Post(s.URL+"/"+tt.path, "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.wantStatus || string(body) != tt.wantBody || res.Header.Get("Retry-After") != tt.wantRetryAfter {
			t.Errorf("call %d of %s: got %d %q (Retry-After %q), want %d %q (%q)", i, tt.path,
				res.StatusCode, body, res.Header.Get("Retry-After"), tt.wantStatus, tt.wantBody, tt.wantRetryAfter)
		}
	}
	for path, want := range map[string]int{"a": 3, "b": 1, "c": 0, "*": 4} {
		if got := s.Calls(path); got != want {
			t.Errorf("Calls(%q) = %d, want %d", path, got, want)
		}
	}
}
