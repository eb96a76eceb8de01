package testkit

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Slack is a fake Slack Web API on loopback. It records every call's form,
// keeps what is posted (with its metadata) and lists it back by
// conversation and thread as conversations.history and
// conversations.replies do, answers auth.test, conversations.info (the
// bot a member of the channel unless SetMember says otherwise),
// conversations.members (the channel's members SetMembers gives, one per
// page to exercise the cursor), reactions.add and chat.update, and answers any method from a function
// the test gives (Answer).
type Slack struct {
	*httptest.Server

	mu         sync.Mutex
	calls      []SlackCall
	answers    map[string]func(n int) (int, string)
	retryAfter string
	member     bool
	members    []string
	ts         func(n int) string
	extra      http.Handler
	posts      int                         // chat.postMessage calls answered ok
	posted     []url.Values                // their forms, with the ts given (posted_ts)
	seen       int                         // posted forms Next has returned
	reactions  int                         // reactions NextReaction has returned
	arrived    chan struct{}               // closed and replaced on each post or reaction
	history    map[string][]map[string]any // channel or channel/thread → messages
}

// SlackCall is one call the fake Slack API received.
type SlackCall struct {
	Method string
	Form   url.Values
}

// NewSlack starts a fake Slack API, stopped when the test ends. Every
// message it posts has the ts 1700000000.000200 unless SetTS says
// otherwise.
func NewSlack(tb testing.TB) *Slack {
	f := &Slack{answers: map[string]func(int) (int, string){}, retryAfter: "1", member: true,
		ts: func(int) string { return "1700000000.000200" }, arrived: make(chan struct{}), history: map[string][]map[string]any{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.Close)
	return f
}

func (f *Slack) serve(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	method := strings.TrimPrefix(r.URL.Path, "/")
	f.mu.Lock()
	f.calls = append(f.calls, SlackCall{method, r.Form})
	n := 0
	for _, c := range f.calls {
		if c.Method == method {
			n++
		}
	}
	status, body := 0, ""
	if answer := f.answers[method]; answer != nil {
		status, body = answer(n)
	}
	extra := f.extra
	f.mu.Unlock()
	if status != 0 {
		w.Header().Set("Content-Type", "application/json")
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", f.retryAfterValue())
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
		return
	}
	switch method {
	case "auth.test", "chat.postMessage", "chat.update", "reactions.add", "conversations.info", "conversations.members", "conversations.history", "conversations.replies":
	default:
		if extra != nil {
			extra.ServeHTTP(w, r)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch method {
	case "auth.test":
		io.WriteString(w, `{"ok":true,"url":"https://alumni.slack.com/","team":"Alumni","user":"madoguchi","team_id":"T1","user_id":"U0BOT","bot_id":"B1"}`)
	case "chat.postMessage":
		f.posts++
		ts := f.ts(f.posts)
		msg := map[string]any{"type": "message", "bot_id": "B1", "ts": ts, "text": r.Form.Get("text")}
		if m := r.Form.Get("metadata"); m != "" {
			var md any
			json.Unmarshal([]byte(m), &md)
			msg["metadata"] = md
		}
		key := r.Form.Get("channel")
		if t := r.Form.Get("thread_ts"); t != "" {
			key += "/" + t
		}
		f.history[key] = append(f.history[key], msg)
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, r.Form.Get("channel"), ts)
		got := url.Values{}
		for k, v := range r.Form {
			got[k] = v
		}
		got.Set("posted_ts", ts) // not Slack's: the ts this fake gave the message
		f.posted = append(f.posted, got)
		notify(&f.arrived)
	case "chat.update":
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q,"text":""}`, r.Form.Get("channel"), r.Form.Get("ts"))
	case "reactions.add":
		io.WriteString(w, `{"ok":true}`)
		notify(&f.arrived)
	case "conversations.info":
		fmt.Fprintf(w, `{"ok":true,"channel":{"id":%q,"name":"alumni-desk","is_channel":true,"is_member":%t}}`, r.Form.Get("channel"), f.member)
	case "conversations.members":
		page, next := 0, ""
		fmt.Sscanf(r.Form.Get("cursor"), "page%d", &page)
		ids := []string{}
		if page < len(f.members) {
			ids = f.members[page : page+1]
		}
		if page+1 < len(f.members) {
			next = fmt.Sprintf("page%d", page+1)
		}
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "members": ids, "response_metadata": map[string]string{"next_cursor": next}})
	case "conversations.history", "conversations.replies":
		key := r.Form.Get("channel")
		if t := r.Form.Get("ts"); t != "" {
			key += "/" + t
		}
		// Slack returns metadata only when asked to.
		var out []map[string]any
		for _, m := range f.history[key] {
			c := map[string]any{}
			for k, v := range m {
				if k != "metadata" || r.Form.Get("include_all_metadata") == "1" {
					c[k] = v
				}
			}
			out = append(out, c)
		}
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "messages": out, "has_more": false})
	default:
		http.NotFound(w, r)
	}
}

func (f *Slack) retryAfterValue() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.retryAfter
}

// Answer makes method's n-th call (from 1) answered by answer's status
// and JSON body, or as usual when it returns status 0; a nil answer
// restores the usual answers. A 429 carries Retry-After (1 s unless
// SetRetryAfter says otherwise).
func (f *Slack) Answer(method string, answer func(n int) (status int, body string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[method] = answer
}

// SetRetryAfter sets the Retry-After seconds of a 429 from Answer.
func (f *Slack) SetRetryAfter(seconds string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.retryAfter = seconds
}

// SetMember says whether conversations.info finds the bot a member of the
// channel.
func (f *Slack) SetMember(member bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.member = member
}

// SetMembers sets the channel's members conversations.members lists.
func (f *Slack) SetMembers(ids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.members = append([]string(nil), ids...)
}

// SetTS gives the n-th posted message (from 1) its ts.
func (f *Slack) SetTS(ts func(n int) string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ts = ts
}

// Handle serves the methods the fake does not know (Socket Mode's, say)
// with h.
func (f *Slack) Handle(h http.Handler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.extra = h
}

// Next waits at most 5 s for the next message posted and returns its form,
// with posted_ts set to the ts the fake gave it.
func (f *Slack) Next(tb testing.TB) url.Values {
	tb.Helper()
	var v url.Values
	await(tb, &f.mu, &f.arrived, "no chat.postMessage reached the fake Slack API within 5s", func() bool {
		if f.seen == len(f.posted) {
			return false
		}
		v = f.posted[f.seen]
		f.seen++
		return true
	})
	return v
}

// NextReaction waits at most 5 s for the next reactions.add and returns
// its form.
func (f *Slack) NextReaction(tb testing.TB) url.Values {
	tb.Helper()
	var form url.Values
	await(tb, &f.mu, &f.arrived, "no reactions.add reached the fake Slack API within 5s", func() bool {
		k := 0
		for _, c := range f.calls {
			if c.Method == "reactions.add" {
				if k == f.reactions {
					f.reactions++
					form = c.Form
					return true
				}
				k++
			}
		}
		return false
	})
	return form
}

// Calls returns the forms of the calls made to method.
func (f *Slack) Calls(method string) []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []url.Values
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c.Form)
		}
	}
	return out
}

// Count returns the number of chat.postMessage calls, refused ones too.
func (f *Slack) Count() int { return len(f.Calls("chat.postMessage")) }
