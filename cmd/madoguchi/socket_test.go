package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestSlackSocketMode connects the real slack-go Socket Mode client to a
// local fake of apps.connections.open and its websocket: an event envelope
// is acknowledged and answered with chat.postMessage, and a slash command
// is answered in its acknowledgement. /readyz follows the connection: ready
// while it is up, not ready with the reason once it drops and cannot be
// opened again.
func TestSlackSocketMode(t *testing.T) {
	s := newSlackApp(t, "xapp-test")
	ops := httptest.NewServer(s.ops)
	defer ops.Close()
	acks := make(chan map[string]any, 10)
	drop := make(chan struct{})
	var opens atomic.Int32
	// slack-go presents itself with the origin Slack expects.
	upgrader := websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "https://api.slack.com" }}
	s.fake.Handle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/apps.connections.open":
			if r.Header.Get("Authorization") != "Bearer xapp-test" {
				t.Errorf("apps.connections.open with %q, want the app token", r.Header.Get("Authorization"))
			}
			if opens.Add(1) > 1 {
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			}
			fmt.Fprintf(w, `{"ok":true,"url":"ws://%s/link"}`, r.Host)
		case "/link":
			conn, err := upgrader.Upgrade(w, r, nil)
			if err != nil {
				t.Errorf("upgrade: %v", err)
				return
			}
			defer conn.Close()
			send := func(v any) {
				if err := conn.WriteJSON(v); err != nil {
					t.Errorf("write: %v", err)
				}
			}
			send(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
			send(map[string]any{"envelope_id": "env-1", "type": "events_api", "accepts_response_payload": false, "payload": map[string]any{
				"type": "event_callback", "event_id": "EvS1", "team_id": "T1", "api_app_id": "A1", "event": mention("I forgot my password"),
			}})
			send(map[string]any{"envelope_id": "env-2", "type": "slash_commands", "accepts_response_payload": true, "payload": map[string]any{
				"command": "/madoguchi", "text": "search pwd", "user_id": "U1", "channel_id": "C1", "team_id": "T1",
			}})
			go func() {
				for {
					var ack map[string]any
					if err := conn.ReadJSON(&ack); err != nil {
						return
					}
					acks <- ack
				}
			}()
			<-drop
		default:
			http.NotFound(w, r)
		}
	}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if code, body := getBody(t, ops.URL+"/readyz"); code != 503 || !strings.Contains(body, "slack_socket_mode: not connected yet") {
		t.Errorf("readyz before connecting: %d %s, want 503 naming the socket", code, body)
	}
	if len(s.background) != 1 {
		t.Fatalf("%d background connections, want Socket Mode", len(s.background))
	}
	go s.background[0](ctx)

	got := map[string]map[string]any{}
	deadline := time.After(10 * time.Second)
	for len(got) < 2 {
		select {
		case a := <-acks:
			id, _ := a["envelope_id"].(string)
			got[id] = a
		case <-deadline:
			t.Fatalf("acknowledgements received: %v, want env-1 and env-2", got)
		}
	}
	b, _ := json.Marshal(got["env-2"]["payload"])
	if !strings.Contains(string(b), "*forgot-id-password*") || !strings.Contains(string(b), "ephemeral") {
		t.Errorf("slash command ack payload = %s", b)
	}
	p := s.fake.Next(t)
	if p.Get("channel") != "C1" || !strings.HasPrefix(p.Get("text"), "Forgot my ID or password") {
		t.Errorf("socket-mode event answered with %v", p)
	}
	if code, body := getBody(t, ops.URL+"/readyz"); code != 200 || !strings.Contains(body, `"slack_socket_mode":"connected"`) || !strings.Contains(body, `"credentials":{"slack":"accepted"}`) {
		t.Errorf("readyz while connected: %d %s, want 200", code, body)
	}
	close(drop)
	waitReady(t, ops.URL, 503, "slack_socket_mode: connection to Slack failed")
}

// TestSlackSocketModeRefusedAppToken: Slack refuses the app token when
// the connection is opened; readiness says which variable to fix.
func TestSlackSocketModeRefusedAppToken(t *testing.T) {
	s := newSlackApp(t, "xapp-revoked")
	s.fake.Handle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":false,"error":"invalid_auth"}`))
	}))
	ops := httptest.NewServer(s.ops)
	defer ops.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.background[0](ctx)
	waitReady(t, ops.URL, 503, "SLACK_APP_TOKEN was rejected by Slack (invalid_auth)")
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// waitReady polls a /readyz until it answers status with a body containing
// want, for at most 10 s.
func waitReady(t *testing.T, base string, status int, want string) {
	t.Helper()
	var code int
	var body string
	for range 200 {
		// Not listening yet is not an answer: try again.
		if res, err := http.Get(base + "/readyz"); err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if code, body = res.StatusCode, string(b); code == status && strings.Contains(body, want) {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("readyz: %d %s, want %d containing %q", code, body, status, want)
}
