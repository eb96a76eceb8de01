package main

import (
	"testing"

	"github.com/oumail-alumni/madoguchi/internal/line"
	"github.com/oumail-alumni/madoguchi/internal/secret"
	"github.com/oumail-alumni/madoguchi/internal/slack"
)

// TestSealKeys: each platform's events are sealed with its own secret, and
// Slack without a signing secret (Socket Mode only) with its bot token.
func TestSealKeys(t *testing.T) {
	for _, tc := range []struct {
		name, platform string
		cfg            serveConfig
		want           string
	}{
		{"line", "line", serveConfig{line: &line.Config{ChannelSecret: secret.Secret("ls"), ChannelToken: "t"}}, "ls"},
		{"slack http", "slack", serveConfig{slack: &slack.Config{SigningSecret: secret.Secret("ss"), BotToken: "b"}}, "ss"},
		{"slack socket mode", "slack", serveConfig{slack: &slack.Config{BotToken: "b", AppToken: "xapp-1"}}, "b"},
		{"not configured", "line", serveConfig{}, ""},
	} {
		q := &queues{cfg: tc.cfg}
		if got := string(q.sealKey(tc.platform)); got != tc.want {
			t.Errorf("%s: seal key %q, want %q", tc.name, got, tc.want)
		}
	}
}
