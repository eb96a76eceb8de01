package line

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/secret"
)

// ConfigFromEnv reads the LINE channel from the environment: both secrets
// or neither (nil).
func ConfigFromEnv(getenv func(string) string) (*Config, error) {
	sec, tok := getenv("LINE_CHANNEL_SECRET"), getenv("LINE_CHANNEL_TOKEN")
	switch {
	case sec == "" && tok == "":
		return nil, nil
	case sec == "":
		return nil, fmt.Errorf("LINE_CHANNEL_TOKEN is set but LINE_CHANNEL_SECRET is not: set both to enable LINE, or neither")
	case tok == "":
		return nil, fmt.Errorf("LINE_CHANNEL_SECRET is set but LINE_CHANNEL_TOKEN is not: set both to enable LINE, or neither")
	}
	lc := &Config{ChannelSecret: secret.Secret(sec), ChannelToken: secret.Secret(tok), Endpoint: getenv("LINE_API_ENDPOINT")}
	if v := getenv("LINE_PUSH_FALLBACK"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("LINE_PUSH_FALLBACK must be true or false, not %q", v)
		}
		lc.PushFallback = b
	}
	return lc, nil
}

// ClientFromEnv is the client of the channel in the environment, for the
// admin commands (the rich menu); without the channel's secrets, an error
// saying to set them.
func ClientFromEnv(getenv func(string) string, m *metrics.Metrics) (*Client, error) {
	cfg, err := ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		return nil, errors.New("LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN are not set: set them as for serve")
	}
	return NewClient(*cfg, m)
}
