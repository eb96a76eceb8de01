package testkit

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

func TestIntentsLoad(t *testing.T) {
	t.Parallel()
	cat, err := catalogue.Load(Intents(t))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, in := range cat.Intents {
		ids = append(ids, in.ID)
	}
	if got, want := strings.Join(ids, ","), "forgot-password,forward-change,login-trouble,mailbox-quota"; got != want {
		t.Errorf("fixture intents %s, want %s", got, want)
	}
}

// post sends a JSON body to the fake LINE and returns the status.
func post(t *testing.T, f *LINE, path, body string, header ...string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.URL+path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestLINEOnce: a reply token and a push retry key are accepted once, as
// LINE does; a scripted status comes first.
func TestLINEOnce(t *testing.T) {
	t.Parallel()
	f := NewLINE(t)
	f.Answer(LINEReplyPath, http.StatusInternalServerError)
	for i, tt := range []struct {
		path, body, key string
		want            int
	}{
		{LINEReplyPath, `{"replyToken":"a"}`, "", 500}, // scripted: a is not used
		{LINEReplyPath, `{"replyToken":"a"}`, "", 200},
		{LINEReplyPath, `{"replyToken":"a"}`, "", 400},
		{LINEReplyPath, `{"replyToken":"b"}`, "", 200},
		{LINEPushPath, `{"to":"U1","messages":[{"type":"text","text":"hi"}]}`, "k1", 200},
		{LINEPushPath, `{"to":"U1","messages":[{"type":"text","text":"hi"}]}`, "k1", 409},
	} {
		if got := post(t, f, tt.path, tt.body, "X-Line-Retry-Key", tt.key); got != tt.want {
			t.Errorf("call %d to %s: got %d, want %d", i, tt.path, got, tt.want)
		}
	}
	if replied, reused, pushed := f.Counts(); replied != 2 || reused != 1 || pushed != 1 {
		t.Errorf("counts: got %d replied, %d reused, %d pushed; want 2, 1, 1", replied, reused, pushed)
	}
	var got []int
	for range 4 { // the accepted ones, in order: two replies, the push and its 409
		got = append(got, f.Next(t).Status)
	}
	if want := []int{200, 200, 200, 409}; !slices.Equal(got, want) {
		t.Errorf("Next statuses %v, want %v", got, want)
	}
	if texts := f.PushedTexts(); len(texts) != 1 || len(texts["hi"]) != 1 {
		t.Errorf("pushed texts %v, want hi once", texts)
	}
}

// TestSlackConversations: what is posted is listed back by thread, with
// its metadata only when asked for; Answer replaces the n-th call's answer.
func TestSlackConversations(t *testing.T) {
	t.Parallel()
	f := NewSlack(t)
	f.SetTS(func(n int) string { return "1." + strings.Repeat("0", n) })
	f.Answer("chat.postMessage", func(n int) (int, string) {
		if n == 1 {
			return http.StatusOK, `{"ok":false,"error":"not_in_channel"}`
		}
		return 0, ""
	})
	call := func(method string, form url.Values) map[string]any {
		t.Helper()
		res, err := http.PostForm(f.URL+"/"+method, form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		return out
	}
	msg := url.Values{"channel": {"C1"}, "thread_ts": {"9.9"}, "text": {"hello"}, "metadata": {`{"event_type":"answer"}`}}
	if got := call("chat.postMessage", msg); got["ok"] != false {
		t.Errorf("first post answered %v, want the scripted error", got)
	}
	if got := call("chat.postMessage", msg); got["ok"] != true || got["ts"] != "1.0" {
		t.Errorf("second post answered %v, want ok with ts 1.0", got)
	}
	if p := f.Next(t); p.Get("posted_ts") != "1.0" || p.Get("text") != "hello" {
		t.Errorf("Next = %v, want the second post", p)
	}
	for _, tt := range []struct {
		all  string
		want bool
	}{{"", false}, {"1", true}} {
		got := call("conversations.replies", url.Values{"channel": {"C1"}, "ts": {"9.9"}, "include_all_metadata": {tt.all}})
		msgs, _ := got["messages"].([]any)
		if len(msgs) != 1 {
			t.Fatalf("replies %v, want the one message posted", got)
		}
		if _, has := msgs[0].(map[string]any)["metadata"]; has != tt.want {
			t.Errorf("include_all_metadata=%q: metadata %v, want %v", tt.all, has, tt.want)
		}
	}
	if n := f.Count(); n != 2 {
		t.Errorf("Count = %d, want 2 (the refused post too)", n)
	}
}
