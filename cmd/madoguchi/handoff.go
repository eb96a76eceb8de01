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

// handoffWiring is a running handoff and what serve does with it besides
// the adapters: check the desk at start, sweep quiet conversations.
type handoffWiring struct {
	h    *handoff.Handoff
	desk *slack.Desk
}

// newHandoff builds the staff handoff when LINE and Slack are configured,
// SLACK_HANDOFF_CHANNEL is set and the settings file has a handoff block;
// nil otherwise. Its state is in Redis when serve has one, so that every
// replica sees every conversation. menus, when not nil, switches the
// user's rich menu during a conversation; journal (the record, or nil)
// keeps what the figures need of each conversation.
func newHandoff(logger *slog.Logger, b *bot.Bot, reg prometheus.Registerer, cfg Config, lineAPI *line.Client, menus *line.Menus, slackAPI *slack.Client, rc *redis.Client, handles []byte, journal handoff.Journal) (*handoffWiring, error) {
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
	var hm handoff.Menus // a nil *line.Menus would not be a nil interface
	if menus != nil {
		hm = menus
	}
	h, err := handoff.New(handoff.Options{
		Menus: hm,
		Store: store, Messenger: line.NewMessenger(lineAPI), Desk: desk, Settings: settings,
		Answers: b.AnswerText, Journal: journal,
		Key: handles,
		Now: cfg.handoff.now, Log: logger.With("component", "handoff"), Registerer: reg,
	})
	if err != nil {
		return nil, err
	}
	logger.Info("staff handoff enabled", "channel", cfg.handoff.channel, "shared", rc != nil)
	return &handoffWiring{h: h, desk: desk}, nil
}
