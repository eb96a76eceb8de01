package slack

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestManifestsDeclareStaffFeatures: both Slack app manifests turn on
// what the Home tab and the draft shortcut need, with the ids the code
// reads.
func TestManifestsDeclareStaffFeatures(t *testing.T) {
	files, err := filepath.Glob("../../deploy/slack/app-manifest*.yaml")
	if err != nil || len(files) != 2 {
		t.Fatalf("got manifests %q (%v), want 2", files, err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				Features struct {
					AppHome struct {
						HomeTab bool `yaml:"home_tab_enabled"`
					} `yaml:"app_home"`
					Shortcuts []struct {
						Type       string `yaml:"type"`
						CallbackID string `yaml:"callback_id"`
					} `yaml:"shortcuts"`
				} `yaml:"features"`
				OAuth struct {
					Scopes struct {
						Bot []string `yaml:"bot"`
					} `yaml:"scopes"`
				} `yaml:"oauth_config"`
				Settings struct {
					Events struct {
						Bot []string `yaml:"bot_events"`
					} `yaml:"event_subscriptions"`
				} `yaml:"settings"`
			}
			if err := yaml.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			if !m.Features.AppHome.HomeTab {
				t.Error("home_tab_enabled is not true")
			}
			if !slices.Contains(m.Settings.Events.Bot, "app_home_opened") {
				t.Errorf("bot events %q lack app_home_opened", m.Settings.Events.Bot)
			}
			if !slices.ContainsFunc(m.Features.Shortcuts, func(s struct {
				Type       string `yaml:"type"`
				CallbackID string `yaml:"callback_id"`
			}) bool {
				return s.Type == "message" && s.CallbackID == ShortcutDraft
			}) {
				t.Errorf("shortcuts %+v lack the message shortcut %s", m.Features.Shortcuts, ShortcutDraft)
			}
			// Shortcuts need the commands scope; the draft reads threads.
			for _, scope := range []string{"commands", "channels:history"} {
				if !slices.Contains(m.OAuth.Scopes.Bot, scope) {
					t.Errorf("bot scopes %q lack %s", m.OAuth.Scopes.Bot, scope)
				}
			}
		})
	}
}
