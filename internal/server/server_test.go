package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/bot"
	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/match"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b)
}

func TestPublicAndOpsRoutes(t *testing.T) {
	cat, err := catalogue.Load("../../intents")
	if err != nil {
		t.Fatal(err)
	}
	var socketErr error
	s := New(slog.New(slog.DiscardHandler), bot.New(match.New(cat)), prometheus.NewRegistry(),
		Check{Name: "redis", Report: func(context.Context) any { return "unreachable: dial tcp 10.0.0.7:6379: refused" }})
	s.AddCheck(Check{Name: "socket", Ready: func(context.Context) error { return socketErr }})
	s.Handle("POST /hook", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))

	tests := []struct {
		name     string
		h        http.Handler
		path     string
		socket   error
		want     int
		contains string
		nowhere  string // must not appear in the body
	}{
		{"public healthz", s, "/healthz", nil, 200, "ok", ""},
		{"public metrics is not routed", s, "/metrics", nil, 404, "", "go_"},
		{"public readyz, ready, no details", s, "/readyz", nil, 200, "ready", "10.0.0.7"},
		{"public readyz, not ready, no reason", s, "/readyz", errors.New("socket dropped"), 503, "not ready", "socket dropped"},
		{"ops healthz", s.Ops(), "/healthz", nil, 200, "ok", ""},
		{"ops metrics", s.Ops(), "/metrics", nil, 200, "madoguchi_webhook_shed_total", ""},
		{"ops readyz with details", s.Ops(), "/readyz", nil, 200, "10.0.0.7", ""},
		{"ops readyz gives the reason", s.Ops(), "/readyz", errors.New("socket dropped"), 503, `"not_ready":["socket: socket dropped"]`, ""},
		{"ops has no webhooks", s.Ops(), "/hook", nil, 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			socketErr = tt.socket
			code, body := get(t, tt.h, tt.path)
			if code != tt.want || !strings.Contains(body, tt.contains) {
				t.Errorf("GET %s: %d %.200q, want %d containing %q", tt.path, code, body, tt.want, tt.contains)
			}
			if tt.nowhere != "" && strings.Contains(body, tt.nowhere) {
				t.Errorf("GET %s shows %q: %.200q", tt.path, tt.nowhere, body)
			}
		})
	}
}

func TestNotReadyWithoutCatalogue(t *testing.T) {
	s := New(slog.New(slog.DiscardHandler), bot.New(nil), prometheus.NewRegistry())
	if code, body := get(t, s.Ops(), "/readyz"); code != 503 || !strings.Contains(body, "catalogue: not loaded") {
		t.Errorf("readyz without catalogue: %d %q, want 503 naming the catalogue", code, body)
	}
}
