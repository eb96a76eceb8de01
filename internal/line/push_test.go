package line

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// TestPushBody sends a push through the real SDK client to a fake LINE:
// the body has no "customAggregationUnits": null, and the retry key and
// token are sent.
func TestPushBody(t *testing.T) {
	var body []byte
	var header http.Header
	status := http.StatusOK
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		header = r.Header
		w.WriteHeader(status)
		io.WriteString(w, `{"sentMessages":[{"id":"1"}]}`)
	}))
	defer fake.Close()
	api, err := messaging_api.NewMessagingApiAPI("token", messaging_api.WithEndpoint(fake.URL))
	if err != nil {
		t.Fatal(err)
	}
	msgs := []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "hi"}}
	res, err := pushMessage(context.Background(), api, "U1", msgs, "key-1")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("push = %v, %v", res, err)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	if _, ok := got["customAggregationUnits"]; ok {
		t.Errorf("body has customAggregationUnits: %s", body)
	}
	if got["to"] != "U1" || !strings.Contains(string(body), `"type":"text"`) {
		t.Errorf("body = %s, want to U1 and a text message", body)
	}
	if header.Get("X-Line-Retry-Key") != "key-1" || header.Get("Authorization") != "Bearer token" {
		t.Errorf("headers = %v", header)
	}

	status = http.StatusConflict
	res, err = pushMessage(context.Background(), api, "U1", msgs, "key-1")
	if err == nil || res == nil || res.StatusCode != http.StatusConflict {
		t.Errorf("push answered 409 = %v, %v; want the response and an error", res, err)
	}
}

func TestTruncateCountsUTF16(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 20, "short"},
		{strings.Repeat("😀", 10), 20, strings.Repeat("😀", 10)},
		{strings.Repeat("😀", 11), 20, strings.Repeat("😀", 9) + "…"}, // 18 units + 1, no half pair
		{"abcdefghij", 5, "abcd…"},
	}
	for _, tt := range tests {
		got := truncate(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if units(got) > tt.n {
			t.Errorf("truncate(%q, %d) has %d units", tt.in, tt.n, units(got))
		}
	}
}
