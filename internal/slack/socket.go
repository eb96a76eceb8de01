package slack

import (
	"context"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode connects to Slack over Socket Mode (no public URL needed)
// and handles events, commands and clicks as the HTTP endpoints do, until
// ctx ends.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	sm := socketmode.New(a.api)
	go func() {
		for evt := range sm.Events {
			a.onSocketEvent(ctx, sm, evt)
		}
	}()
	return sm.RunContext(ctx)
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
			sm.Ack(*evt.Request, a.commandResponse(cmd))
		}
	case socketmode.EventTypeInteractive:
		if cb, ok := evt.Data.(slack.InteractionCallback); ok && evt.Request != nil && a.onInteraction(ctx, cb, evt.Request.Payload) {
			sm.Ack(*evt.Request)
		}
	}
}
