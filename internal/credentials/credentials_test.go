package credentials

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// refusal is a platform's refusal of a token.
type refusal struct{ what string }

func (r refusal) Error() string  { return r.what + " was rejected" }
func (r refusal) Rejected() bool { return true }

// scripted is a check that answers from a script of errors (nil: accepted),
// the last one repeating, and reports each attempt on a channel.
type scripted struct {
	mu       sync.Mutex
	script   []error
	n        int
	attempts chan int
}

func newScripted(script ...error) *scripted {
	return &scripted{script: script, attempts: make(chan int, 100)}
}

func (s *scripted) run(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.script[min(s.n, len(s.script)-1)]
	s.n++
	s.attempts <- s.n
	return err
}

// waitAttempts waits until the check was made n times.
func (s *scripted) waitAttempts(t *testing.T, n int) {
	t.Helper()
	for {
		select {
		case got := <-s.attempts:
			if got >= n {
				return
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the check was not made %d times", n)
		}
	}
}

func newChecks() *Checks {
	c := New(slog.New(slog.DiscardHandler))
	c.First, c.Max = time.Millisecond, 4*time.Millisecond
	return c
}

func TestVerify(t *testing.T) {
	network := errors.New("dial tcp: connection refused")
	tests := []struct {
		name      string
		script    []error
		wantErr   string // Verify's
		attempts  int    // made in all, once settled
		wantFatal string
		wantReady string // "" for ready
	}{
		{"accepted", []error{nil}, "", 1, "", ""},
		{"refused at once", []error{refusal{"LINE_CHANNEL_TOKEN"}}, "LINE_CHANNEL_TOKEN was rejected", 1, "", "line: LINE_CHANNEL_TOKEN was rejected"},
		{"refused, wrapped", []error{fmt.Errorf("check: %w", refusal{"SLACK_BOT_TOKEN"})}, "SLACK_BOT_TOKEN was rejected", 1, "", "line: check: SLACK_BOT_TOKEN was rejected"},
		{"network, then accepted", []error{network, network, nil}, "", 3, "", ""},
		{"network, then refused", []error{network, refusal{"LINE_CHANNEL_TOKEN"}}, "", 2, "LINE_CHANNEL_TOKEN was rejected", "line: LINE_CHANNEL_TOKEN was rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChecks()
			s := newScripted(tt.script...)
			c.Add("line", s.run)
			fatal := make(chan error, 1)
			err := c.Verify(t.Context(), func(err error) { fatal <- err })
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("got Verify error %v, want %q", err, tt.wantErr)
			}
			s.waitAttempts(t, tt.attempts)
			if tt.wantFatal != "" {
				select {
				case err := <-fatal:
					if !strings.Contains(err.Error(), tt.wantFatal) {
						t.Errorf("got fatal %v, want %q", err, tt.wantFatal)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("fatal was not called")
				}
			}
			// The outcome is recorded before the next attempt or the end.
			if tt.wantReady == "" {
				waitReady(t, c)
			} else if got := c.Ready(t.Context()); got == nil || got.Error() != tt.wantReady {
				t.Errorf("got Ready %v, want %q", got, tt.wantReady)
			}
			select {
			case err := <-fatal:
				if tt.wantFatal == "" {
					t.Errorf("got fatal %v, want none", err)
				}
			default:
			}
		})
	}
}

// waitReady waits until the checks are ready (the background retry may
// still be recording its success).
func waitReady(t *testing.T, c *Checks) {
	t.Helper()
	for range 1000 {
		if c.Ready(t.Context()) == nil {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("not ready: %v", c.Ready(t.Context()))
}

// TestReadyAndReport: the checks run in the order added, up to a refusal;
// readiness names every pending check, in order of name, with why; the
// report says it for each check.
func TestReadyAndReport(t *testing.T) {
	c := newChecks()
	c.Add("line", newScripted(nil).run)
	c.Add("slack", newScripted(refusal{"SLACK_BOT_TOKEN"}).run)
	c.Add("slack_handoff", newScripted(nil).run) // not checked: a refusal before it stops Verify
	if got, want := c.Ready(t.Context()), "line: not checked yet; slack: not checked yet; slack_handoff: not checked yet"; got == nil || got.Error() != want {
		t.Errorf("before Verify: got %v, want %q", got, want)
	}
	if err := c.Verify(t.Context(), func(error) {}); err == nil {
		t.Fatal("Verify passed a refused token")
	}
	if got, want := c.Ready(t.Context()), "slack: SLACK_BOT_TOKEN was rejected; slack_handoff: not checked yet"; got == nil || got.Error() != want {
		t.Errorf("after a refusal: got %v, want %q", got, want)
	}
	want := map[string]string{"line": "accepted", "slack": "SLACK_BOT_TOKEN was rejected", "slack_handoff": "not checked yet"}
	got := c.Report(t.Context()).(map[string]string)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got report %v, want %v", got, want)
	}
}

// TestVerifyEndedContext: with ctx ended, Verify returns and nothing is
// retried.
func TestVerifyEndedContext(t *testing.T) {
	c := newChecks()
	s := newScripted(errors.New("unreachable"))
	c.Add("line", s.run)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := c.Verify(ctx, func(err error) { t.Errorf("fatal %v", err) }); err != nil {
		t.Errorf("got %v, want nil (not a refusal)", err)
	}
	if c.Ready(t.Context()) == nil {
		t.Error("ready without a check having passed")
	}
}
