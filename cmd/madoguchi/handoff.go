package main

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/redis"
	"github.com/oumail-alumni/madoguchi/internal/slack"
)

// handoffConfig is the staff handoff's part of serve's configuration.
type handoffConfig struct {
	// channel is the Slack channel id of the tickets (SLACK_HANDOFF_CHANNEL);
	// empty turns the handoff off.
	channel string
	// now is the handoff's clock (office hours, inactivity); time.Now
	// when nil. Tests set it.
	now func() time.Time
	// sweepEvery is how often conversations are checked for inactivity;
	// 5 minutes when 0. Tests shorten it.
	sweepEvery time.Duration
}

// handoffConfig reads SLACK_HANDOFF_CHANNEL; setting it without both
// platforms is a mistake worth stopping for, since nothing would happen.
func (c *cli) handoffConfig(cfg serveConfig) (handoffConfig, error) {
	ch := strings.TrimSpace(c.getenv("SLACK_HANDOFF_CHANNEL"))
	if ch != "" && (cfg.line == nil || cfg.slack == nil) {
		return handoffConfig{}, fmt.Errorf("SLACK_HANDOFF_CHANNEL is set, but the staff handoff needs both LINE (LINE_CHANNEL_SECRET, LINE_CHANNEL_TOKEN) and Slack (SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN)")
	}
	return handoffConfig{channel: ch}, nil
}

// handoffWiring is a running handoff and what serve does with it besides
// the adapters: check the desk at start, sweep quiet conversations.
type handoffWiring struct {
	h    *handoff.Handoff
	desk *slack.Desk
}

// newHandoff builds the staff handoff when LINE and Slack are configured,
// SLACK_HANDOFF_CHANNEL is set and the settings file has a handoff block;
// nil otherwise. Its state is in Redis when serve has one, so that every
// replica sees every conversation.
func newHandoff(logger *slog.Logger, b *bot.Bot, reg prometheus.Registerer, cfg serveConfig, lineAPI *line.Client, slackAPI *slack.Client, rc *redis.Client, handles []byte) (*handoffWiring, error) {
	if cfg.handoff.channel == "" || cfg.line == nil || cfg.slack == nil {
		return nil, nil
	}
	settings := func() catalogue.Handoff { return b.Index().Catalogue().Settings.Handoff }
	if !settings().Configured {
		logger.Warn("SLACK_HANDOFF_CHANNEL is set but intents/_settings.yaml has no handoff block; the staff handoff is off")
		return nil, nil
	}
	var store handoff.Store = handoff.NewMemory(cfg.handoff.now)
	if rc != nil {
		store = rc.Handoff()
	}
	desk := slack.NewDesk(slackAPI, cfg.handoff.channel)
	h, err := handoff.New(handoff.Options{
		Store: store, Messenger: line.NewMessenger(lineAPI), Desk: desk, Settings: settings,
		Answers: b.AnswerText,
		Key:     handles,
		Now:     cfg.handoff.now, Log: logger.With("component", "handoff"), Registerer: reg,
	})
	if err != nil {
		return nil, err
	}
	logger.Info("staff handoff enabled", "channel", cfg.handoff.channel, "shared", rc != nil)
	return &handoffWiring{h: h, desk: desk}, nil
}
