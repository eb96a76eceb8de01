package slack

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// testClient is a client on the API at apiURL (ending with a slash) that
// retries failures twice, waiting a millisecond at first.
func testClient(tb testing.TB, apiURL string) *Client {
	tb.Helper()
	return NewClient(Config{BotToken: "xoxb-test", APIURL: apiURL, Retries: 2, RetryBase: time.Millisecond},
		metrics.New(prometheus.NewRegistry()))
}

// scripted starts a fake Slack answering each method from its script
// (see testkit.Scripted), and ok to a method without one; its URL for
// Config.APIURL ends with a slash.
func scripted(tb testing.TB, script map[string][]testkit.Answer) (*testkit.Scripted, string) {
	f := testkit.NewScripted(tb, `{"ok":true,"channel":"C1","ts":"1.1","user":"madoguchi","user_id":"UBOT"}`, script)
	return f, f.URL + "/"
}

// TestClientRetryPolicy posts through the client to a fake Slack for each
// case of the policy: what is retried, how often, what comes back and what
// is counted.
func TestClientRetryPolicy(t *testing.T) {
	ok := testkit.Answer{Status: 200}
	tests := []struct {
		name        string
		script      []testkit.Answer
		timeout     time.Duration // of one call; 10 s when 0
		wantCalls   int
		wantCode    string // Slack's error code, "" for none
		wantErr     bool
		wantRetries float64
		wantCounted map[string]float64 // status label → calls counted
	}{
		{"429 with Retry-After, then posted", []testkit.Answer{{Status: 429, RetryAfter: "1", Body: `{"ok":false,"error":"ratelimited"}`}, ok},
			0, 2, "", false, 1, map[string]float64{"429": 1, "200": 1}},
		{"5xx, then posted", []testkit.Answer{{Status: 500, Body: "oops"}, {Status: 503, Body: "oops"}, ok},
			0, 3, "", false, 2, map[string]float64{"500": 1, "503": 1, "200": 1}},
		{"5xx every time", []testkit.Answer{{Status: 502, Body: "oops"}},
			0, 3, "", true, 2, map[string]float64{"502": 3}},
		{"transient error code, then posted", []testkit.Answer{{Status: 200, Body: `{"ok":false,"error":"internal_error"}`}, ok},
			0, 2, "", false, 1, map[string]float64{"error": 1, "200": 1}},
		{"4xx is not retried", []testkit.Answer{{Status: 400, Body: "bad"}},
			0, 1, "", true, 0, map[string]float64{"400": 1}},
		{"an error code is not retried", []testkit.Answer{{Status: 200, Body: `{"ok":false,"error":"channel_not_found"}`}},
			0, 1, "channel_not_found", true, 0, map[string]float64{"error": 1}},
		{"a hanging Slack times out", []testkit.Answer{{Status: 0}},
			50 * time.Millisecond, 3, "", true, 2, map[string]float64{"error": 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, url := scripted(t, map[string][]testkit.Answer{"chat.postMessage": tt.script})
			m := metrics.New(prometheus.NewRegistry())
			c := NewClient(Config{BotToken: "xoxb-test", APIURL: url, Retries: 2, RetryBase: time.Millisecond, HTTPTimeout: tt.timeout}, m)
			_, _, err := c.postMessage(t.Context(), "C1", slack.MsgOptionText("hi", false))
			if got := fake.Calls("chat.postMessage"); got != tt.wantCalls {
				t.Errorf("got %d calls, want %d", got, tt.wantCalls)
			}
			if (err != nil) != tt.wantErr || slackError(err) != tt.wantCode {
				t.Errorf("got error %v (code %q), want error %v with code %q", err, slackError(err), tt.wantErr, tt.wantCode)
			}
			testkit.CheckCounted(t, m, platform, "chat.postMessage", tt.wantCounted, tt.wantRetries)
		})
	}
}

// TestBackoff: a rate limit waits as long as Slack asks, up to maxWait;
// other failures wait base, doubled each time; the retries are bounded.
func TestBackoff(t *testing.T) {
	const base, maxWait = 100 * time.Millisecond, 30 * time.Second
	tests := []struct {
		name string
		last error
		want []time.Duration
	}{
		{"doubling", errors.New("network"), []time.Duration{base, 2 * base, 4 * base}},
		{"Retry-After", &slack.RateLimitedError{RetryAfter: 2 * time.Second}, []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second}},
		{"Retry-After of 0", &slack.RateLimitedError{}, []time.Duration{0, 0, 0}},
		{"Retry-After capped", &slack.RateLimitedError{RetryAfter: time.Hour}, []time.Duration{maxWait, maxWait, maxWait}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			last := tt.last
			b := backoff(base, maxWait, 3, &last)
			for i, want := range tt.want {
				if got, stop := b.Next(); got != want || stop {
					t.Errorf("wait %d: got %v (stop %v), want %v", i, got, stop, want)
				}
			}
			if _, stop := b.Next(); !stop {
				t.Error("a fourth retry was allowed, want three at most")
			}
		})
	}
}

// TestChecksClassify: the start-up checks make one call each time and say
// whether retrying may help: a refusal is an error that says Rejected, a
// failure that may pass is not.
func TestChecksClassify(t *testing.T) {
	down := []testkit.Answer{{Status: 503, Body: "down"}}
	tests := []struct {
		name      string
		script    map[string][]testkit.Answer
		desk      bool // Desk.Check, else CheckCredentials
		wantErr   string
		rejected  bool
		wantCalls map[string]int
	}{
		{"token accepted", nil, false, "", false, map[string]int{"auth.test": 1}},
		{"token refused", map[string][]testkit.Answer{"auth.test": {{Status: 200, Body: `{"ok":false,"error":"invalid_auth"}`}}},
			false, "SLACK_BOT_TOKEN was rejected by Slack (invalid_auth)", true, map[string]int{"auth.test": 1}},
		{"Slack down at the token check", map[string][]testkit.Answer{"auth.test": down},
			false, "check SLACK_BOT_TOKEN", false, map[string]int{"auth.test": 1}},
		{"desk: Slack down", map[string][]testkit.Answer{"conversations.info": down},
			true, "slack conversations.info CDESK", false, map[string]int{"auth.test": 1, "conversations.info": 1}},
		{"desk: rate limited", map[string][]testkit.Answer{"conversations.info": {{Status: 429, RetryAfter: "0"}}},
			true, "rate limit", false, map[string]int{"conversations.info": 1}},
		{"desk: channel not found", map[string][]testkit.Answer{"conversations.info": {{Status: 200, Body: `{"ok":false,"error":"channel_not_found"}`}}},
			true, "/invite @madoguchi", true, map[string]int{"conversations.info": 1}},
		{"desk: not a member", map[string][]testkit.Answer{"conversations.info": {{Status: 200, Body: `{"ok":true,"channel":{"id":"CDESK","name":"desk","is_member":false}}`}}},
			true, "is not a member of #desk", true, map[string]int{"conversations.info": 1}},
		{"desk: another refusal", map[string][]testkit.Answer{"conversations.info": {{Status: 200, Body: `{"ok":false,"error":"missing_scope"}`}}},
			true, "missing_scope", true, map[string]int{"conversations.info": 1}},
		{"desk: member", map[string][]testkit.Answer{"conversations.info": {{Status: 200, Body: `{"ok":true,"channel":{"id":"CDESK","name":"desk","is_member":true}}`}}},
			true, "", false, map[string]int{"auth.test": 1, "conversations.info": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, url := scripted(t, tt.script)
			c := testClient(t, url)
			var err error
			if tt.desk {
				err = NewDesk(c, "CDESK").Check(t.Context())
			} else {
				err = c.CheckCredentials(t.Context())
			}
			r, isRejecter := errors.AsType[interface {
				error
				Rejected() bool
			}](err)
			rejected := isRejecter && r.Rejected()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got error %v, want none", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got error %v, want %q", err, tt.wantErr)
			case rejected != tt.rejected:
				t.Errorf("got %v rejected %v, want rejected %v", err, rejected, tt.rejected)
			}
			for method, want := range tt.wantCalls {
				if got := fake.Calls(method); got != want {
					t.Errorf("got %d calls of %s, want %d", got, method, want)
				}
			}
		})
	}
}

// TestMembersThroughClient: the staff channel's member list is read
// through the app's client, so a failure that may pass is retried and
// every attempt is counted like the adapter's calls.
func TestMembersThroughClient(t *testing.T) {
	fake, url := scripted(t, map[string][]testkit.Answer{"conversations.members": {
		{Status: 503, Body: "down"},
		{Status: 200, Body: `{"ok":true,"members":["USTAFF"],"response_metadata":{"next_cursor":""}}`},
	}})
	m := metrics.New(prometheus.NewRegistry())
	c := NewClient(Config{BotToken: "xoxb-test", APIURL: url, Retries: 2, RetryBase: time.Millisecond}, m)
	ms := newMembers(c, "CDESK", memberTTL, time.Now)
	for user, want := range map[string]bool{"USTAFF": true, "UOTHER": false} {
		if got, err := ms.has(t.Context(), user); err != nil || got != want {
			t.Errorf("has(%s): got %v, %v, want %v", user, got, err, want)
		}
	}
	if got := fake.Calls("conversations.members"); got != 2 {
		t.Errorf("got %d calls of conversations.members, want 2 (one retry, then the list cached)", got)
	}
	testkit.CheckCounted(t, m, platform, "conversations.members", map[string]float64{"503": 1, "200": 1}, 1)
}
