package line

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// textsOf returns the text messages of a call to the fake LINE, in order.
func textsOf(c testkit.LINECall) []string {
	var texts []string
	msgs, _ := c.Body["messages"].([]any)
	for _, m := range msgs {
		if m, ok := m.(map[string]any); ok && m["type"] == "text" {
			texts = append(texts, fmt.Sprint(m["text"]))
		}
	}
	return texts
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
		{"down", []int{503, 503, 503}, "status 503 after 3 attempts", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := testkit.NewLINE(t)
			fake.Answer(testkit.LINEPushPath, tc.statuses...)
			m := NewMessenger(testClient(t, "token-123", fake.URL, 2))
			key := retryKey("CDESK/1700000000.000100", 0)
			err := m.Push(context.Background(), "Uuser", "one", "CDESK/1700000000.000100")
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
				if texts := textsOf(r); r.Body["to"] != "Uuser" || strings.Join(texts, "|") != "one" {
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
	m := NewMessenger(testClient(t, "t", fake.URL, 0))
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
	fake := testkit.NewLINE(t)
	m := NewMessenger(testClient(t, "token", fake.URL, 0))
	para := strings.Repeat("あ", 4000)
	text := strings.Repeat(para+"\n", 6) + para // 7 paragraphs of 4,000: 7 texts, 2 pushes
	if err := m.Push(context.Background(), "U1", text, "CDESK/2000.1"); err != nil {
		t.Fatal(err)
	}
	reqs := fake.Calls(testkit.LINEPushPath)
	if len(reqs) != 2 || len(textsOf(reqs[0])) != 5 || len(textsOf(reqs[1])) != 2 {
		t.Fatalf("got %d pushes, want 2 of 5 and 2 texts", len(reqs))
	}
	var all []string
	for i, r := range reqs {
		if want, got := retryKey("CDESK/2000.1", i), r.Header.Get("X-Line-Retry-Key"); got != want {
			t.Errorf("push %d retry key %q, want %q", i, got, want)
		}
		all = append(all, textsOf(r)...)
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
