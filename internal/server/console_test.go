package server

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
)

func TestServeConsoleStopsWithContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- ServeConsole(ctx, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "console") }))
	}()
	res, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(body) != "console" {
		t.Errorf("got %q, want console", body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("got %v, want nil after ctx ended", err)
	}
}
