package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestHealthURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ addr, want string }{
		{":8080", "http://127.0.0.1:8080/healthz"},
		{"0.0.0.0:8080", "http://127.0.0.1:8080/healthz"},
		{"[::]:8080", "http://127.0.0.1:8080/healthz"},
		{"10.0.0.5:80", "http://10.0.0.5:80/healthz"},
		{"[::1]:9000", "http://[::1]:9000/healthz"},
	}
	for _, tt := range tests {
		if got, err := HealthURL(tt.addr); err != nil || got != tt.want {
			t.Errorf("HealthURL(%q) = %q, %v; want %q", tt.addr, got, err, tt.want)
		}
	}
	if got, err := HealthURL("8080"); err == nil {
		t.Errorf("HealthURL(\"8080\") = %q, want an error (no host:port)", got)
	}
}

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	var status atomic.Int32
	status.Store(http.StatusOK)
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(int(status.Load()))
	}))
	defer web.Close()
	url, err := HealthURL(strings.TrimPrefix(web.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	if err := Healthcheck(context.Background(), url); err != nil {
		t.Errorf("a live server: got %v, want nil", err)
	}
	status.Store(http.StatusServiceUnavailable)
	if err := Healthcheck(context.Background(), url); err == nil || !strings.Contains(err.Error(), "answered 503") {
		t.Errorf("a server answering 503: got %v, want an error naming the status", err)
	}
	web.Close()
	if err := Healthcheck(context.Background(), url); err == nil || !strings.HasPrefix(err.Error(), "unhealthy: ") {
		t.Errorf("a dead server: got %v, want unhealthy", err)
	}
}
