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
	"unicode/utf8"
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
			key := retryKey("CDESK/1700000000.000100", 0)
			err := m.Push(context.Background(), "Uuser", "one", "CDESK/1700000000.000100")
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
				if string(r.body["to"]) != `"Uuser"` || strings.Join(r.texts, "|") != "one" {
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
	if err := m.Push(ctx, "U", "x", "k"); err == nil {
		t.Error("push to a hanging LINE: no error")
	}
}

// TestMessengerPushSplits: a staff reply longer than LINE takes goes out
// in order, in texts within LINE's limit and pushes of at most five
// texts, each push with its own retry key derived from the delivery.
func TestMessengerPushSplits(t *testing.T) {
	fake := &fakePushAPI{statuses: []int{200}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	m := NewMessenger(testClient(t, "token", srv.URL, 0))
	para := strings.Repeat("あ", 4000)
	text := strings.Repeat(para+"\n", 6) + para // 7 paragraphs of 4,000: 7 texts, 2 pushes
	if err := m.Push(context.Background(), "U1", text, "CDESK/2000.1"); err != nil {
		t.Fatal(err)
	}
	if len(fake.reqs) != 2 || len(fake.reqs[0].texts) != 5 || len(fake.reqs[1].texts) != 2 {
		t.Fatalf("got %d pushes, want 2 of 5 and 2 texts", len(fake.reqs))
	}
	var all []string
	for i, r := range fake.reqs {
		if want := retryKey("CDESK/2000.1", i); r.key != want {
			t.Errorf("push %d retry key %q, want %q", i, r.key, want)
		}
		all = append(all, r.texts...)
	}
	if strings.Join(all, "\n") != text {
		t.Error("the pushed texts do not join back to the message")
	}
}

func TestSplit(t *testing.T) {
	emoji := "😀" // two UTF-16 units
	for _, tc := range []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{"short", "hello", 10, []string{"hello"}},
		{"empty", "", 10, []string{""}},
		{"at newline", "aaaa\nbbbb", 6, []string{"aaaa", "bbbb"}},
		{"at space", "aaa bbb ccc", 8, []string{"aaa bbb", "ccc"}},
		{"after a sentence", "はい。いいえ。", 4, []string{"はい。", "いいえ。"}},
		{"hard", "abcdefgh", 3, []string{"abc", "def", "gh"}},
		{"surrogate pairs", strings.Repeat(emoji, 3), 3, []string{emoji, emoji, emoji}},
		{"trailing space past the limit", "aaaa ", 4, []string{"aaaa"}},
		{"leading blank lines", "\n\n\n\nab", 3, []string{"ab"}},
		{"exact", strings.Repeat("x", 5000), maxTextUnits, []string{strings.Repeat("x", 5000)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := split(tc.in, tc.limit)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			for _, p := range got {
				if n := units(p); n > tc.limit {
					t.Errorf("piece of %d units over %d", n, tc.limit)
				}
			}
		})
	}
}

// FuzzSplit: no panic, every piece within the limit, non-empty and valid
// UTF-8, and nothing but the spaces and line breaks at the cuts lost.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"the guide https://a.example/x today", "😀😀😀 あいう\n\nx", "  \n  ", "はい。いいえ。"} {
		f.Add(s, 7)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 2 || limit > 100 || !utf8.ValidString(s) || strings.TrimSpace(s) == "" {
			t.Skip()
		}
		pieces := split(s, limit)
		for _, p := range pieces {
			if n := units(p); n > limit || p == "" || !utf8.ValidString(p) {
				t.Fatalf("split(%q, %d) gave piece %q of %d units", s, limit, p, n)
			}
		}
		strip := func(s string) string { return strings.NewReplacer("\n", "", " ", "").Replace(s) }
		if got, want := strip(strings.Join(pieces, "")), strip(s); got != want {
			t.Fatalf("split(%q, %d) lost text: %q", s, limit, pieces)
		}
	})
}
