package slack

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// SocketMode is the adapter's Socket Mode connection (no public URL
// needed) and what is known of its state, for readiness.
type SocketMode struct {
	a *Adapter
	// MaxBackoff caps the wait between attempts after Slack refused the
	// app token or the connection failed; it starts at a second.
	MaxBackoff time.Duration

	mu        sync.Mutex
	connected bool
	reason    string
}

// SocketMode returns the adapter's Socket Mode connection, not yet
// started: Run connects it.
func (a *Adapter) SocketMode() *SocketMode {
	return &SocketMode{a: a, MaxBackoff: 5 * time.Minute, reason: "not connected yet"}
}

// Ready returns nil while the connection is up, and otherwise why it is
// not: events cannot arrive without it.
func (s *SocketMode) Ready(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.connected {
		return nil
	}
	return errors.New(s.reason)
}

// Report is the connection's state for /readyz's details: "connected",
// or why it is not.
func (s *SocketMode) Report(ctx context.Context) any {
	if err := s.Ready(ctx); err != nil {
		return err.Error()
	}
	return "connected"
}

func (s *SocketMode) set(connected bool, reason string) {
	s.mu.Lock()
	s.connected, s.reason = connected, reason
	s.mu.Unlock()
}

// Run connects to Slack over Socket Mode and handles events, commands and
// clicks as the HTTP endpoints do, until ctx ends. slack-go reconnects by
// itself after a dropped connection or a network error; when it gives up
// (the app token refused), Run logs why and tries again after a backoff
// that doubles up to MaxBackoff, so that a fixed token or a recovered Slack
// is picked up without a restart.
func (s *SocketMode) Run(ctx context.Context) error {
	sm := socketmode.New(s.a.api.api)
	go func() {
		for evt := range sm.Events {
			s.observe(evt)
			s.a.onSocketEvent(ctx, sm, evt)
		}
	}()
	wait := time.Second
	for {
		err := sm.RunContext(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		reason := "socket mode stopped: " + err.Error()
		if rej := rejection("SLACK_APP_TOKEN", err); rej != nil {
			reason = rej.Error()
		}
		s.set(false, reason)
		s.a.log.Error("socket mode connection failed; retrying", "reason", reason, "retry_in", wait.String())
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, s.MaxBackoff)
	}
}

// observe follows slack-go's connection events for Ready.
func (s *SocketMode) observe(evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		s.set(true, "")
	case socketmode.EventTypeConnecting:
		if s.Ready(context.Background()) == nil {
			s.a.log.Warn("socket mode connection dropped; reconnecting")
		}
		s.set(false, "connecting to Slack")
	case socketmode.EventTypeConnectionError:
		reason := "connection to Slack failed"
		if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			reason += ": " + ce.Error()
			s.a.log.Warn("socket mode connection failed; slack-go retries", "err", ce.Error(), "retry_in", ce.Backoff.String())
		}
		s.set(false, reason)
	case socketmode.EventTypeInvalidAuth:
		s.set(false, (&RejectedError{Variable: "SLACK_APP_TOKEN", Reason: "invalid_auth"}).Error())
	case socketmode.EventTypeDisconnect:
		s.set(false, "disconnected by Slack; reconnecting")
	}
}

func (a *Adapter) onSocketEvent(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		a.log.Info("socket mode connected")
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		// Not acknowledged when the queue is full: Slack sends it again.
		if ok && evt.Request != nil && a.onEvent(ctx, ev, evt.Request.Payload) {
			sm.Ack(*evt.Request)
		}
	case socketmode.EventTypeSlashCommand:
		if cmd, ok := evt.Data.(slack.SlashCommand); ok {
			a.metrics.Events.WithLabelValues(platform, "command").Inc()
			sm.Ack(*evt.Request, a.commandResponse(ctx, cmd))
		}
	case socketmode.EventTypeInteractive:
		if cb, ok := evt.Data.(slack.InteractionCallback); ok && evt.Request != nil && a.onInteraction(ctx, cb, evt.Request.Payload) {
			sm.Ack(*evt.Request)
		}
	}
}
