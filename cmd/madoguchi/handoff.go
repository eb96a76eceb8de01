package main

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/redis"
	"github.com/oumail-alumni/madoguchi/internal/slack"
)

// newHandoff builds the staff handoff and its desk (checked at start) when
// LINE and Slack are configured, SLACK_HANDOFF_CHANNEL is set and the
// settings file has a handoff block; nil otherwise. Its state is in Redis when serve has one, so that every
// replica sees every conversation.
func newHandoff(logger *slog.Logger, b *bot.Bot, reg prometheus.Registerer, cfg Config, lineAPI *line.Client, slackAPI *slack.Client, rc *redis.Client, handles []byte) (*handoff.Handoff, *slack.Desk, error) {
	if cfg.handoff.channel == "" || cfg.line == nil || cfg.slack == nil {
		return nil, nil, nil
	}
	settings := func() catalogue.Handoff { return b.Index().Catalogue().Settings.Handoff }
	if !settings().Configured {
		logger.Warn("SLACK_HANDOFF_CHANNEL is set but intents/_settings.yaml has no handoff block; the staff handoff is off")
		return nil, nil, nil
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
		return nil, nil, err
	}
	logger.Info("staff handoff enabled", "channel", cfg.handoff.channel, "shared", rc != nil)
	return h, desk, nil
}
