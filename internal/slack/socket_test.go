package slack

import "testing"

// TestSocketModeReport: /readyz shows "connected" while the connection
// is up, and otherwise why it is not.
func TestSocketModeReport(t *testing.T) {
	t.Parallel()
	s := (&Adapter{}).SocketMode()
	tests := []struct {
		connected bool
		reason    string
		want      string
	}{
		{false, "", "not connected yet"},
		{true, "", "connected"},
		{false, "invalid_auth", "invalid_auth"},
	}
	for i, tt := range tests {
		if i > 0 {
			s.set(tt.connected, tt.reason)
		}
		if got := s.Report(t.Context()); got != tt.want {
			t.Errorf("connected %v, reason %q: got %v, want %q", tt.connected, tt.reason, got, tt.want)
		}
	}
}
