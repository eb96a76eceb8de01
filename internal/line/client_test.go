package line

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// testClient is a client on endpoint that retries failures retries times
// (3 when 0), waiting a millisecond at first.
func testClient(tb testing.TB, token, endpoint string, retries int) *Client {
	tb.Helper()
	c, err := NewClient(Config{ChannelToken: secret.Secret(token), Endpoint: endpoint, Retries: retries, RetryBase: time.Millisecond},
		metrics.New(prometheus.NewRegistry()))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// scripted starts a fake LINE answering every call from script (see
// testkit.Scripted).
func scripted(tb testing.TB, script ...testkit.Answer) *testkit.Scripted {
	return testkit.NewScripted(tb, `{"sentMessages":[]}`, map[string][]testkit.Answer{"*": script})
}

// TestClientRetryPolicy runs a push through the client against a fake LINE
// for each case of the policy: what is retried, how often, what comes back
// and what is counted.
func TestClientRetryPolicy(t *testing.T) {
	ok := testkit.Answer{Status: 200}
	tests := []struct {
		name        string
		script      []testkit.Answer
		timeout     time.Duration // of one attempt; 5 s when 0
		wantCalls   int
		wantStatus  int
		wantErr     string // "" for success
		wantUnknown bool
		wantRetries float64
		wantCounted map[string]float64 // status label → calls counted
	}{
		{"429 with Retry-After, then accepted", []testkit.Answer{{Status: 429, RetryAfter: "1", Body: `{"message":"Too many requests"}`}, ok},
			0, 2, 200, "", false, 1, map[string]float64{"429": 1, "200": 1}},
		{"5xx, then accepted", []testkit.Answer{{Status: 500}, {Status: 503}, ok},
			0, 3, 200, "", false, 2, map[string]float64{"500": 1, "503": 1, "200": 1}},
		{"5xx every time", []testkit.Answer{{Status: 502, Body: `{"message":"Bad gateway"}`}},
			0, 3, 502, "LINE push: status 502 after 3 attempts: Bad gateway", false, 2, map[string]float64{"502": 3}},
		{"4xx is not retried", []testkit.Answer{{Status: 400, Body: `{"message":"The request body has 1 error(s)","details":[{"message":"quoted user text","property":"to"}]}`}},
			0, 1, 400, "LINE push: status 400: The request body has 1 error(s)", false, 0, map[string]float64{"400": 1}},
		{"409: accepted by an earlier attempt", []testkit.Answer{{Status: 409, Body: `{"message":"The retry key is already accepted"}`}},
			0, 1, 409, "", false, 0, map[string]float64{"409": 1}},
		{"a hanging LINE times out", []testkit.Answer{{Status: 0}},
			50 * time.Millisecond, 3, 0, "LINE push after 3 attempts", true, 2, map[string]float64{"error": 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := scripted(t, tt.script...)
			m := metrics.New(prometheus.NewRegistry())
			c, err := NewClient(Config{ChannelToken: "t", Endpoint: fake.URL, Retries: 2, RetryBase: time.Millisecond, HTTPTimeout: tt.timeout}, m)
			if err != nil {
				t.Fatal(err)
			}
			msgs := []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "hi"}}
			res := c.push(t.Context(), "U1", msgs, "key-1")
			if got := fake.Calls("*"); got != tt.wantCalls {
				t.Errorf("got %d calls, want %d", got, tt.wantCalls)
			}
			if res.status != tt.wantStatus || res.unknown != tt.wantUnknown {
				t.Errorf("got status %d unknown %v, want %d %v", res.status, res.unknown, tt.wantStatus, tt.wantUnknown)
			}
			switch {
			case tt.wantErr == "" && res.err != nil:
				t.Errorf("got error %v, want none", res.err)
			case tt.wantErr != "" && (res.err == nil || !strings.Contains(res.err.Error(), tt.wantErr)):
				t.Errorf("got error %v, want %q", res.err, tt.wantErr)
			case res.err != nil && strings.Contains(res.err.Error(), "quoted user text"):
				t.Errorf("error %q quotes LINE's details", res.err)
			}
			testkit.CheckCounted(t, m, platform, "push", tt.wantCounted, tt.wantRetries)
		})
	}
}

// TestClientRefusedConnection: a connection LINE refused certainly
// delivered nothing, so the outcome is known; the error does not quote the
// request's URL, which may hold a user id.
func TestClientRefusedConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := testClient(t, "t", "http://"+ln.Addr().String(), 1)
	ln.Close()
	res := c.reply(t.Context(), []byte(`{}`))
	if res.err == nil || res.status != 0 || res.unknown {
		t.Errorf("got error %v status %d unknown %v, want an error, status 0, outcome known", res.err, res.status, res.unknown)
	}
	if _, err := c.displayName(t.Context(), "U0123456789abcdef"); err == nil || strings.Contains(err.Error(), "U0123456789abcdef") {
		t.Errorf("got error %v, want one that does not name the user", err)
	}
}

// TestClientEndedContext: a call whose context ended before it started
// fails, and sends nothing.
func TestClientEndedContext(t *testing.T) {
	fake := scripted(t, testkit.Answer{Status: 200})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	res := testClient(t, "t", fake.URL, 2).reply(ctx, []byte(`{}`))
	if !errors.Is(res.err, context.Canceled) || fake.Calls("*") != 0 {
		t.Errorf("got error %v after %d calls, want context.Canceled after none", res.err, fake.Calls("*"))
	}
}

// TestBackoff: the wait doubles from the first one, a longer Retry-After
// wins, no wait is longer than maxWait, and the retries are bounded.
func TestBackoff(t *testing.T) {
	tests := []struct {
		name  string
		asked time.Duration
		want  []time.Duration
	}{
		{"doubling", 0, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}},
		{"Retry-After longer", 250 * time.Millisecond, []time.Duration{250 * time.Millisecond, 250 * time.Millisecond, 400 * time.Millisecond}},
		{"Retry-After capped", time.Hour, []time.Duration{maxWait, maxWait, maxWait}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked := tt.asked
			b := backoff(100*time.Millisecond, 3, &asked)
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

func TestReplyTokenRefused(t *testing.T) {
	tests := []struct {
		status  int
		message string
		want    bool
	}{
		{400, "Invalid reply token", true},
		{400, "The request body has 2 error(s)", false},
		{401, "Invalid reply token", false},
	}
	for _, tt := range tests {
		if got := (&APIError{Status: tt.status, Message: tt.message}).ReplyTokenRefused(); got != tt.want {
			t.Errorf("%d %q: got refused %v, want %v", tt.status, tt.message, got, tt.want)
		}
	}
}

// TestCheckCredentials: 401 and 403 refuse the token; any other failure is
// left to the caller to retry, after a single call.
func TestCheckCredentials(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		rejected  bool
		wantErr   bool
		wantCalls int
	}{
		{"accepted", 200, false, false, 1},
		{"401", 401, true, true, 1},
		{"403", 403, true, true, 1},
		{"503 is left to the caller", 503, false, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := scripted(t, testkit.Answer{Status: tt.status, Body: `{"userId":"Ubot","message":"m"}`})
			err := testClient(t, "t", fake.URL, 2).CheckCredentials(t.Context())
			_, rejected := errors.AsType[*RejectedError](err)
			if rejected != tt.rejected || (err != nil) != tt.wantErr {
				t.Errorf("got %v (rejected %v), want rejected %v, error %v", err, rejected, tt.rejected, tt.wantErr)
			}
			if got := fake.Calls("*"); got != tt.wantCalls {
				t.Errorf("got %d calls, want %d", got, tt.wantCalls)
			}
		})
	}
}

// TestMessengerCounted: the staff's pushes go through the channel's client,
// so they are counted like the adapter's calls.
func TestMessengerCounted(t *testing.T) {
	fake := scripted(t, testkit.Answer{Status: 500}, testkit.Answer{Status: 200})
	m := metrics.New(prometheus.NewRegistry())
	c, err := NewClient(Config{ChannelToken: "t", Endpoint: fake.URL, RetryBase: time.Millisecond}, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := NewMessenger(c).Push(t.Context(), "U1", "hello", "key-1"); err != nil {
		t.Fatal(err)
	}
	testkit.CheckCounted(t, m, platform, "push", map[string]float64{"500": 1, "200": 1}, 1)
}
