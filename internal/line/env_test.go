package line

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/metrics"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		wantNil  bool
		wantErr  bool
		fallback bool
	}{
		{"none", nil, true, false, false},
		{"both", map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "t"}, false, false, false},
		{"push fallback", map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "t", "LINE_PUSH_FALLBACK": "true"}, false, false, true},
		{"bad push fallback", map[string]string{"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_TOKEN": "t", "LINE_PUSH_FALLBACK": "maybe"}, true, true, false},
		{"secret alone", map[string]string{"LINE_CHANNEL_SECRET": "s"}, true, true, false},
		{"token alone", map[string]string{"LINE_CHANNEL_TOKEN": "t"}, true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if (c == nil) != tt.wantNil || (err != nil) != tt.wantErr {
				t.Fatalf("got %+v, %v; want nil %v, error %v", c, err, tt.wantNil, tt.wantErr)
			}
			if c != nil && c.PushFallback != tt.fallback {
				t.Errorf("got PushFallback %v, want %v", c.PushFallback, tt.fallback)
			}
		})
	}
}

// TestClientFromEnv: a client for the channel in the environment; without
// its secrets, a sentence saying to set them.
func TestClientFromEnv(t *testing.T) {
	m := metrics.New(prometheus.NewRegistry())
	env := map[string]string{"LINE_CHANNEL_SECRET": "secret", "LINE_CHANNEL_TOKEN": "token"}
	if c, err := ClientFromEnv(func(k string) string { return env[k] }, m); err != nil || c == nil {
		t.Errorf("with the secrets: got %v, %v; want a client", c, err)
	}
	_, err := ClientFromEnv(func(string) string { return "" }, m)
	if err == nil || err.Error() != "LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN are not set: set them as for serve" {
		t.Errorf("without: got %v, want what to set", err)
	}
}
