package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// TestReadyzShowsRedisDurability: /readyz on the operations listener says
// whether Redis keeps an append-only file, and shows a queue that Redis
// lost (here by FLUSHALL) until the replica restarts.
func TestReadyzShowsRedisDurability(t *testing.T) {
	for _, tc := range []struct {
		name        string
		srv         *redistest.Server
		persistence string
	}{
		{"shipped persistence", redistest.StartPersistent(t), "append-only file"},
		{"no persistence", redistest.Start(t), "no append-only file: a restart of Redis loses the events waiting in the queue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, apps := replicas(t, 1, tc.srv.URL(), testkit.NewLINE(t))
			ops := httptest.NewServer(apps[0].ops)
			defer ops.Close()
			details := func() map[string]any {
				t.Helper()
				res, err := http.Get(ops.URL + "/readyz")
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				var body struct {
					Details map[string]any `json:"details"`
				}
				if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
					t.Fatal(err)
				}
				return body.Details
			}
			got := details()
			for k, want := range map[string]string{"redis": "ok", "redis_persistence": tc.persistence, "intake_queue_line": "ok"} {
				if got[k] != want {
					t.Errorf("/readyz %s = %v, want %q", k, got[k], want)
				}
			}
			c := goredis.NewClient(&goredis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", tc.srv.Port)})
			defer c.Close()
			if err := c.FlushAll(context.Background()).Err(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for details()["intake_queue_line"] == "ok" {
				if time.Now().After(deadline) {
					t.Fatal(`/readyz intake_queue_line still "ok" 10s after FLUSHALL`)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
