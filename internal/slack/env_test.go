package slack

import "testing"

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantNil bool
		wantErr bool
	}{
		{"none", nil, true, false},
		{"http", map[string]string{"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": "http://fake"}, false, false},
		{"socket", map[string]string{"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1"}, false, false},
		{"no bot token", map[string]string{"SLACK_SIGNING_SECRET": "s"}, true, true},
		{"bot token alone", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, true, true},
		{"not an app token", map[string]string{"SLACK_APP_TOKEN": "xoxb-2", "SLACK_BOT_TOKEN": "xoxb-1"}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if (c == nil) != tt.wantNil || (err != nil) != tt.wantErr {
				t.Fatalf("got %+v, %v; want nil %v, error %v", c, err, tt.wantNil, tt.wantErr)
			}
			if c != nil && c.APIURL != "" && c.APIURL != "http://fake/" {
				t.Errorf("got APIURL %q, want http://fake/", c.APIURL)
			}
		})
	}
}
