package record

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestServiceStartAndClose(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	tests := []struct {
		name      string
		path      string
		recording bool
		status    string
	}{
		{"opened", filepath.Join(t.TempDir(), "record.db"), true, StatusOK},
		{"unopenable", filepath.Join(t.TempDir(), "no-such-dir", "record.db"), false, StatusFailing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Start(context.Background(), logger, prometheus.NewRegistry(), tt.path, "", Options{})
			if got := s.Recorder != nil; got != tt.recording {
				t.Errorf("recording = %v, want %v", got, tt.recording)
			}
			if got := s.Report(context.Background()).(Health).Status; got != tt.status {
				t.Errorf("Report status = %q, want %q", got, tt.status)
			}
			if err := s.Close(context.Background()); err != nil {
				t.Errorf("Close = %v, want nil", err)
			}
		})
	}
}
