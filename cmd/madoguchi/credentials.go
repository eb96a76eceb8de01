package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
)

// rejecter is an error that retrying will not cure: a platform refused a
// token (line.RejectedError, slack.RejectedError).
type rejecter interface {
	error
	Rejected() bool
}

// credential is one platform's check of its tokens against its API.
type credential struct {
	platform string
	check    func(ctx context.Context) error
}

// credentials runs the start-up checks of the platforms' tokens and keeps
// their outcome for readiness: a platform whose tokens are not confirmed
// yet holds the server back, since it could not answer anyone.
type credentials struct {
	log  *slog.Logger
	list []credential
	// first is the wait before the first retry, doubled up to max.
	first, max time.Duration

	mu      sync.Mutex
	pending map[string]string // platform → why it is not confirmed
}

func newCredentials(logger *slog.Logger) *credentials {
	return &credentials{log: logger, first: time.Second, max: time.Minute, pending: map[string]string{}}
}

// add registers a platform's check; its platform is pending until checked.
func (c *credentials) add(platform string, check func(context.Context) error) {
	c.list = append(c.list, credential{platform, check})
	c.set(platform, "not checked yet")
}

func (c *credentials) set(platform, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if reason == "" {
		delete(c.pending, platform)
	} else {
		c.pending[platform] = reason
	}
}

// Ready returns nil once every platform's tokens were accepted.
func (c *credentials) Ready(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		return nil
	}
	var why []string
	for p, r := range c.pending {
		why = append(why, p+": "+r)
	}
	sort.Strings(why)
	return errors.New(strings.Join(why, "; "))
}

// Report is each platform's state for /readyz's details: "accepted", or
// why not.
func (c *credentials) Report(context.Context) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := map[string]string{}
	for _, cr := range c.list {
		r[cr.platform] = "accepted"
		if why, ok := c.pending[cr.platform]; ok {
			r[cr.platform] = why
		}
	}
	return r
}

// verify checks each platform once. A refused token is returned at once,
// so that serve stops with the sentence naming the variable. Any other
// failure (the network, the platform down) is logged and retried in the
// background with a doubling backoff while readiness reports it; a refusal
// found then is passed to fatal.
func (c *credentials) verify(ctx context.Context, fatal func(error)) error {
	for _, cr := range c.list {
		err := c.attempt(ctx, cr)
		if err == nil {
			continue
		}
		if _, ok := errors.AsType[rejecter](err); ok {
			return err
		}
		go c.retry(ctx, cr, fatal)
	}
	return nil
}

// attempt runs one check and records its outcome.
func (c *credentials) attempt(ctx context.Context, cr credential) error {
	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := cr.check(actx)
	switch _, rejected := errors.AsType[rejecter](err); {
	case err == nil:
		c.set(cr.platform, "")
		c.log.Info("credentials accepted", "platform", cr.platform)
	case rejected:
		c.set(cr.platform, err.Error())
	default:
		c.set(cr.platform, fmt.Sprintf("credentials not checked yet: %v", err))
		c.log.Warn("could not check credentials; retrying", "platform", cr.platform, "err", err)
	}
	return err
}

func (c *credentials) retry(ctx context.Context, cr credential, fatal func(error)) {
	wait := c.first
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		err := c.attempt(ctx, cr)
		if err == nil || ctx.Err() != nil {
			return
		}
		if _, ok := errors.AsType[rejecter](err); ok {
			fatal(err)
			return
		}
		wait = min(2*wait, c.max)
	}
}
