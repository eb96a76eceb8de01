package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// runningServe is `madoguchi serve` run in-process by run().
type runningServe struct {
	public, ops string
	done        chan struct{} // closed when run returns, with err set
	err         error
	stop        context.CancelFunc
	logs        *syncWriter
	buf         *bytes.Buffer
}

func startServe(t *testing.T, env map[string]string) *runningServe {
	t.Helper()
	s := &runningServe{public: freeAddr(t), ops: freeAddr(t), done: make(chan struct{}), buf: &bytes.Buffer{}}
	s.logs = &syncWriter{w: s.buf}
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	args := []string{"serve", "--addr", s.public, "--ops-addr", s.ops, "--intents", intentsDir, "--log-format", "text", "--record", "off"}
	go func() {
		s.err = run(ctx, args, func(k string) string { return env[k] }, strings.NewReader(""), &bytes.Buffer{}, s.logs)
		close(s.done)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop within 10 s")
		}
	})
	return s
}

// logText is what serve has logged so far.
func (s *runningServe) logText() string {
	s.logs.mu.Lock()
	defer s.logs.mu.Unlock()
	return s.buf.String()
}

// exit waits for serve to stop by itself and returns its error.
func (s *runningServe) exit(t *testing.T) error {
	t.Helper()
	select {
	case <-s.done:
		return s.err
	case <-time.After(15 * time.Second):
		t.Fatal("serve still running after 15 s")
		return nil
	}
}

func TestServeRefusedTokensStop(t *testing.T) {
	tests := []struct {
		name string
		env  func(line *testkit.LINE, sl *testkit.Slack) map[string]string
		want string
	}{
		{"LINE 401", func(l *testkit.LINE, _ *testkit.Slack) map[string]string {
			l.Answer(testkit.LINEBotInfoPath, http.StatusUnauthorized)
			return map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "wrong", "LINE_API_ENDPOINT": l.URL}
		}, "LINE_CHANNEL_TOKEN was rejected by LINE (401): check the channel access token"},
		{"LINE 403", func(l *testkit.LINE, _ *testkit.Slack) map[string]string {
			l.Answer(testkit.LINEBotInfoPath, http.StatusForbidden)
			return map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "wrong", "LINE_API_ENDPOINT": l.URL}
		}, "LINE_CHANNEL_TOKEN was rejected by LINE (403)"},
		{"Slack invalid_auth", func(_ *testkit.LINE, sl *testkit.Slack) map[string]string {
			sl.Answer("auth.test", slackError("invalid_auth"))
			return map[string]string{"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-wrong", "SLACK_API_URL": sl.URL}
		}, "SLACK_BOT_TOKEN was rejected by Slack (invalid_auth): check the Bot User OAuth Token"},
		{"Slack token_revoked", func(_ *testkit.LINE, sl *testkit.Slack) map[string]string {
			sl.Answer("auth.test", slackError("token_revoked"))
			return map[string]string{"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-old", "SLACK_API_URL": sl.URL}
		}, "SLACK_BOT_TOKEN was rejected by Slack (token_revoked)"},
		// A network error at start, then a refusal on the retry: fatal too.
		{"LINE unreachable, then 401", func(l *testkit.LINE, _ *testkit.Slack) map[string]string {
			l.Answer(testkit.LINEBotInfoPath, 0, http.StatusUnauthorized)
			return map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "wrong", "LINE_API_ENDPOINT": l.URL}
		}, "LINE_CHANNEL_TOKEN was rejected by LINE (401)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServe(t, tt.env(testkit.NewLINE(t), testkit.NewSlack(t)))
			err := s.exit(t)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("serve stopped with %v, want %q", err, tt.want)
			}
			if strings.Contains(s.logText(), "wrong") {
				t.Errorf("logs show the token:\n%s", s.logText())
			}
		})
	}
}

// TestServeNetworkErrorAtStart: LINE cannot be reached at first; serve
// keeps running, not ready with the reason, retries, and becomes ready.
func TestServeNetworkErrorAtStart(t *testing.T) {
	l := testkit.NewLINE(t)
	l.Answer(testkit.LINEBotInfoPath, 0, 0)
	s := startServe(t, map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "t", "LINE_API_ENDPOINT": l.URL})
	waitReady(t, "http://"+s.ops, 503, "credentials: line: credentials not checked yet: check LINE_CHANNEL_TOKEN")
	if code, body := getBody(t, "http://"+s.public+"/readyz"); code != 503 || strings.Contains(body, "LINE") {
		t.Errorf("public readyz: %d %q, want 503 without the reason", code, body)
	}
	waitReady(t, "http://"+s.ops, 200, `"ready":true`)
	select {
	case <-s.done:
		t.Fatalf("serve stopped: %v", s.err)
	default:
	}
	if logs := s.logText(); !strings.Contains(logs, "could not check credentials; retrying") || !strings.Contains(logs, "credentials accepted") {
		t.Errorf("logs do not show the retry and the success:\n%s", logs)
	}
	s.stop()
	if err := s.exit(t); err != nil {
		t.Errorf("serve after SIGTERM: %v, want a clean stop", err)
	}
}

func TestServeNoPlatform(t *testing.T) {
	err := run(context.Background(), []string{"serve", "--intents", intentsDir}, func(string) string { return "" }, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	for _, v := range []string{"no platform configured", "LINE_CHANNEL_SECRET", "LINE_CHANNEL_TOKEN", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"} {
		if err == nil || !strings.Contains(err.Error(), v) {
			t.Errorf("serve with no platform: %v, want an error naming %s", err, v)
		}
	}
}

// TestServeOpsListener: metrics and details only on the operations port.
func TestServeOpsListener(t *testing.T) {
	l := testkit.NewLINE(t)
	s := startServe(t, map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "t", "LINE_API_ENDPOINT": l.URL})
	waitReady(t, "http://"+s.ops, 200, `"intents":`)
	tests := []struct {
		addr, path string
		want       int
		contains   string
	}{
		{s.public, "/metrics", 404, ""},
		{s.public, "/healthz", 200, "ok"},
		{s.public, "/readyz", 200, "ready"},
		{s.ops, "/metrics", 200, "madoguchi_webhook_shed_total"},
		{s.ops, "/healthz", 200, "ok"},
		{s.ops, "/line/webhook", 404, ""},
	}
	for _, tt := range tests {
		code, body := getBody(t, "http://"+tt.addr+tt.path)
		if code != tt.want || !strings.Contains(body, tt.contains) {
			t.Errorf("GET %s%s: %d %.100q, want %d with %q", tt.addr, tt.path, code, body, tt.want, tt.contains)
		}
	}
	if _, body := getBody(t, "http://"+s.public+"/readyz"); strings.Contains(body, intentsDir) || strings.Contains(body, "catalogue") {
		t.Errorf("public readyz shows details: %q", body)
	}
}
