package testkit

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The LINE Messaging API paths the fake knows by name.
const (
	LINEBotInfoPath = "/v2/bot/info"
	LINEReplyPath   = "/v2/bot/message/reply"
	LINEPushPath    = "/v2/bot/message/push"
)

// LINEDetail is the detail of the fake LINE's 400 to a push.
const LINEDetail = "The user blocked the account (a detail)"

// LINE is a fake LINE Messaging API on loopback. Like LINE it accepts a
// reply token once (400 "Invalid reply token" afterwards) and a push's
// X-Line-Retry-Key once (409 afterwards), so that a test counts what users
// would see. It records every call and answers each path from a script of
// statuses (200 once the script runs out).
type LINE struct {
	*httptest.Server
	tb      testing.TB
	release chan struct{} // closed when the test ends: delayed calls return

	mu        sync.Mutex
	calls     []LINECall
	accepted  []LINECall    // messages answered 200 or 409, for Next
	seen      int           // accepted calls Next has returned
	arrived   chan struct{} // closed and replaced when a call is accepted
	script    map[string][]int
	delay     time.Duration
	richMenus fakeRichMenus
	tokens    map[string]bool // reply tokens accepted
	keys      map[string]bool // push retry keys accepted
	reused    int             // replies refused because their token was used
}

// LINECall is one call the fake LINE API received.
type LINECall struct {
	Method string
	Path   string
	Header http.Header
	Body   map[string]any // the decoded JSON body; nil for a GET
	Raw    []byte         // the body as sent
	Status int            // what the fake answered
	At     time.Time      // when it arrived
}

// NewLINE starts a fake LINE API, stopped when the test ends.
func NewLINE(tb testing.TB) *LINE {
	f := &LINE{tb: tb, release: make(chan struct{}), arrived: make(chan struct{}),
		script: map[string][]int{}, tokens: map[string]bool{}, keys: map[string]bool{},
		richMenus: fakeRichMenus{menus: map[string]*FakeRichMenu{}, links: map[string]string{}}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.Close)
	tb.Cleanup(func() { close(f.release) }) // runs first: delayed calls return before Close waits for them
	return f
}

func (f *LINE) serve(w http.ResponseWriter, r *http.Request) {
	c := LINECall{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), At: time.Now()}
	if r.Method == http.MethodPost {
		c.Raw, _ = io.ReadAll(r.Body)
		// Rich menu images are not JSON; link and set-default calls have
		// no body.
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "image/") && len(c.Raw) > 0 {
			if err := json.Unmarshal(c.Raw, &c.Body); err != nil {
				f.tb.Errorf("fake LINE: %s body is not JSON: %v", r.URL.Path, err)
			}
		}
	}
	f.mu.Lock()
	c.Status = http.StatusOK
	if s := f.script[c.Path]; len(s) > 0 {
		c.Status, f.script[c.Path] = s[0], s[1:]
	}
	if c.Status == http.StatusOK {
		c.Status = f.once(c)
	}
	var answer string
	menus := isRichMenuPath(c.Path)
	if menus && c.Status == http.StatusOK {
		c.Status, answer = f.richMenus.serve(c)
	}
	f.calls = append(f.calls, c)
	if c.Path != LINEBotInfoPath && !menus && (c.Status == http.StatusOK || c.Status == http.StatusConflict) {
		f.accepted = append(f.accepted, c)
		notify(&f.arrived)
	}
	delay := f.delay
	f.mu.Unlock()
	if c.Status == 0 { // a network error: the connection drops
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-f.release:
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(c.Status)
	switch {
	case answer != "":
		io.WriteString(w, answer)
	case c.Path == LINEBotInfoPath && c.Status == http.StatusOK:
		io.WriteString(w, `{"userId":"Ubot","basicId":"@madoguchi","displayName":"madoguchi","chatMode":"bot","markAsReadMode":"auto"}`)
	case c.Path == LINEBotInfoPath:
		io.WriteString(w, `{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}`)
	case c.Status == http.StatusOK:
		io.WriteString(w, `{"sentMessages":[]}`)
	case c.Status == http.StatusBadRequest && c.Path == LINEReplyPath:
		io.WriteString(w, `{"message":"Invalid reply token"}`) // what LINE says for a used or expired token
	case c.Status == http.StatusBadRequest && c.Path == LINEPushPath:
		// What LINE says when the user blocked the account: details a
		// log or an error should not quote.
		io.WriteString(w, `{"message":"Failed to send messages","details":[{"message":"`+LINEDetail+`","property":"to"}]}`)
	case c.Status == http.StatusConflict:
		io.WriteString(w, `{"message":"The retry key is already accepted"}`)
	default:
		fmt.Fprintf(w, `{"message":"scripted status %d"}`, c.Status)
	}
}

// once is the status of a call LINE would accept, as LINE answers a reply
// token or a push retry key used before. f.mu is held.
func (f *LINE) once(c LINECall) int {
	switch c.Path {
	case LINEReplyPath:
		token, _ := c.Body["replyToken"].(string)
		if f.tokens[token] {
			f.reused++
			return http.StatusBadRequest
		}
		f.tokens[token] = true
	case LINEPushPath:
		if key := c.Header.Get("X-Line-Retry-Key"); key != "" {
			if f.keys[key] {
				return http.StatusConflict
			}
			f.keys[key] = true
		}
	}
	return http.StatusOK
}

// Answer scripts the next statuses for a path; 0 drops the connection (a
// network error).
func (f *LINE) Answer(path string, statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[path] = append(f.script[path], statuses...)
}

// SetDelay makes every call wait d after it was accepted before it is
// answered (until the test ends), as a slow LINE does.
func (f *LINE) SetDelay(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay = d
}

// Next waits at most 5 s for the next message call the fake accepted
// (200, or 409 for a push already accepted) and returns it; the start-up
// check of the token (LINEBotInfoPath) and the rich menu calls are not
// ones.
func (f *LINE) Next(tb testing.TB) LINECall {
	tb.Helper()
	var c LINECall
	await(tb, &f.mu, &f.arrived, "no call reached the fake LINE API within 5s", func() bool {
		if f.seen == len(f.accepted) {
			return false
		}
		c = f.accepted[f.seen]
		f.seen++
		return true
	})
	return c
}

// Calls returns the calls made to path, or every call when path is "".
func (f *LINE) Calls(path string) []LINECall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []LINECall
	for _, c := range f.calls {
		if path == "" || c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// Count returns the number of calls made to path.
func (f *LINE) Count(path string) int { return len(f.Calls(path)) }

// Counts returns what users would see and what LINE refused: the reply
// tokens answered, the replies refused because their token was used, and
// the pushes accepted (by retry key).
func (f *LINE) Counts() (replied, reused, pushed int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.tokens), f.reused, len(f.keys)
}

// Answered reports whether a reply with the token was accepted.
func (f *LINE) Answered(token string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens[token]
}

// WaitAnswered waits at most 5 s for a reply with the token to be
// accepted: the event that carried the token has been handled.
func (f *LINE) WaitAnswered(tb testing.TB, token string) {
	tb.Helper()
	await(tb, &f.mu, &f.arrived, "no reply with token "+token+" reached the fake LINE API within 5s", func() bool { return f.tokens[token] })
}

// PushedTexts returns the text messages of the pushes the fake accepted
// (200), each with the times it arrived: a text that arrived twice was
// pushed twice under different retry keys.
func (f *LINE) PushedTexts() map[string][]time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string][]time.Time{}
	for _, c := range f.accepted {
		if c.Path != LINEPushPath || c.Status != http.StatusOK {
			continue
		}
		msgs, _ := c.Body["messages"].([]any)
		for _, m := range msgs {
			if m, ok := m.(map[string]any); ok && m["type"] == "text" {
				text, _ := m["text"].(string)
				out[text] = append(out[text], c.At)
			}
		}
	}
	return out
}
