package catalogue

import (
	"os"
	"strings"
	"testing"
)

func TestRecordSettings(t *testing.T) {
	base, err := os.ReadFile("testdata/valid/_settings.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, block string
		wantDays    int
		wantPhrase  string
		wantProblem string
	}{
		{"absent", "", 90, "delete my data", ""},
		{"set", "record:\n  retention_days: 30\n  forget_phrases: [消して]\n", 30, "消して", ""},
		{"fraction", "record:\n  retention_days: 1.5\n", 90, "delete my data", "record retention_days must be a whole number of days from 1 to 3650"},
		{"zero", "record:\n  retention_days: 0\n", 90, "delete my data", "whole number of days"},
		{"unknown key", "record:\n  retention: 30\n", 90, "delete my data", `unknown field "retention"`},
		{"half text", "record:\n  thanks: {ja: どうも}\n", 90, "delete my data", `record thanks: missing required field "en"`},
		{"half warning", "record:\n  password_warning: {en: Never send passwords.}\n", 90, "delete my data", `record password_warning: missing required field "ja"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ps := ParseSettings("_settings.yaml", append(append([]byte{}, base...), "\n"+tt.block...))
			if got := s.Record.RetentionDays; got != tt.wantDays {
				t.Errorf("retention days = %d, want %d", got, tt.wantDays)
			}
			if got := s.Record.ForgetPhrases; len(got) == 0 || !contains(got, tt.wantPhrase) {
				t.Errorf("forget phrases = %q, want %q among them", got, tt.wantPhrase)
			}
			switch {
			case tt.wantProblem == "" && len(ps) > 0:
				t.Errorf("problems: %v", ps)
			case tt.wantProblem != "" && !strings.Contains(ps.Error(), tt.wantProblem):
				t.Errorf("problems %q, want one containing %q", ps.Error(), tt.wantProblem)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestRecordWithDefaults(t *testing.T) {
	got := RecordSettings{RetentionDays: 7}.WithDefaults()
	if got.RetentionDays != 7 || got.Thanks != DefaultRecord().Thanks || got.PasswordWarning != DefaultRecord().PasswordWarning || len(got.ForgetPhrases) == 0 {
		t.Errorf("WithDefaults = %+v, want 7 days and the default texts", got)
	}
	if got := (RecordSettings{}).Retention().Hours(); got != 90*24 {
		t.Errorf("zero Retention = %vh, want %vh", got, 90*24)
	}
}
