// Package credentials checks at start-up that each outside service accepts
// madoguchi's tokens, and keeps the outcome for readiness: a platform whose
// tokens are not confirmed yet holds the server back, since it could not
// answer anyone. A refusal (a wrong token, a channel the bot is not in)
// stops the server with the sentence that says how to fix it; any other
// failure (the network, the service down) is retried in the background
// with a doubling backoff while readiness reports it. Each platform's check
// lives next to its client (line.Client.CheckCredentials,
// slack.Client.CheckCredentials, slack.Desk.Check).
package credentials

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sethvargo/go-retry"
)

// Rejecter is an error that retrying will not cure: a platform refused a
// token (line.RejectedError, slack.RejectedError) or a setting
// (slack.ChannelError).
type Rejecter interface {
	error
	Rejected() bool
}

// rejected reports whether err, or an error it wraps, is a Rejecter that
// says so.
func rejected(err error) bool {
	r, ok := errors.AsType[Rejecter](err)
	return ok && r.Rejected()
}

// check is one platform's check of its tokens against its API.
type check struct {
	name string
	run  func(ctx context.Context) error
}

// Checks are the start-up checks of the platforms' credentials and their
// outcome. The zero value is not usable: call New.
type Checks struct {
	// First is the wait before the first retry of a failed check, doubled
	// after each failure up to Max; Timeout bounds one check. New sets 1
	// s, 1 min and 10 s.
	First, Max, Timeout time.Duration

	log  *slog.Logger
	list []check

	mu      sync.Mutex
	pending map[string]string // name → why it is not confirmed
}

// New returns an empty set of checks that logs to logger.
func New(logger *slog.Logger) *Checks {
	return &Checks{First: time.Second, Max: time.Minute, Timeout: 10 * time.Second, log: logger, pending: map[string]string{}}
}

// Add registers a check under a name (the platform's, for readiness and
// logs); it is pending until it passed. Add every check before Verify.
func (c *Checks) Add(name string, run func(context.Context) error) {
	c.list = append(c.list, check{name, run})
	c.set(name, "not checked yet")
}

func (c *Checks) set(name, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if reason == "" {
		delete(c.pending, name)
	} else {
		c.pending[name] = reason
	}
}

// Ready returns nil once every check passed, and otherwise why not, one
// "name: reason" for each pending check, in order of name.
func (c *Checks) Ready(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		return nil
	}
	var why []string
	for name, reason := range c.pending {
		why = append(why, name+": "+reason)
	}
	sort.Strings(why)
	return errors.New(strings.Join(why, "; "))
}

// Report is each check's state for /readyz's details: "accepted", or why
// not.
func (c *Checks) Report(context.Context) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := map[string]string{}
	for _, ch := range c.list {
		r[ch.name] = "accepted"
		if why, ok := c.pending[ch.name]; ok {
			r[ch.name] = why
		}
	}
	return r
}

// Verify runs each check once. A refusal is returned at once, so that the
// server stops with the sentence that says how to fix it. Any other
// failure is logged and retried in the background, after First and then
// twice as long each time up to Max, until it passes or ctx ends; a
// refusal found then is passed to fatal.
func (c *Checks) Verify(ctx context.Context, fatal func(error)) error {
	for _, ch := range c.list {
		first := make(chan error, 1)
		go c.keepTrying(ctx, ch, first, fatal)
		if err := <-first; rejected(err) {
			return err
		}
	}
	return nil
}

// keepTrying runs a check until it passes, is refused or ctx ends, sending
// the first attempt's error to first.
func (c *Checks) keepTrying(ctx context.Context, ch check, first chan<- error, fatal func(error)) {
	attempts := 0
	waits := retry.WithCappedDuration(c.Max, retry.NewExponential(c.First))
	err := retry.Do(ctx, waits, func(ctx context.Context) error {
		err := c.attempt(ctx, ch)
		if attempts++; attempts == 1 {
			first <- err
		}
		if err == nil || rejected(err) {
			return err
		}
		return retry.RetryableError(err)
	})
	switch {
	case attempts == 0: // ctx ended before the first attempt
		first <- err
	case attempts > 1 && rejected(err):
		fatal(err)
	}
}

// attempt runs one check and records its outcome.
func (c *Checks) attempt(ctx context.Context, ch check) error {
	actx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	err := ch.run(actx)
	switch {
	case err == nil:
		c.set(ch.name, "")
		c.log.Info("credentials accepted", "platform", ch.name)
	case rejected(err):
		c.set(ch.name, err.Error())
	default:
		c.set(ch.name, fmt.Sprintf("credentials not checked yet: %v", err))
		c.log.Warn("could not check credentials; retrying", "platform", ch.name, "err", err)
	}
	return err
}
