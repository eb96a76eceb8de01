package redis

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/keys"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/secret"
)

// TestRedisSealedAtRest: with a key, what Redis holds reveals neither the
// message text nor the user id, and a replica with the same key handles
// the event as it was accepted.
func TestRedisSealedAtRest(t *testing.T) {
	srv := redistest.Start(t)
	m := metrics.New(prometheus.NewRegistry())
	cfg := redisConfig(srv.URL(), m)
	cfg.SealKey = sealKey("line channel secret")
	q := newQueue(t, cfg)
	ctx := context.Background()
	payload := []byte(`{"source":{"userId":"U4af4980629"},"message":{"text":"my graduation certificate"}}`)
	if err := q.Enqueue(ctx, intake.Event{ID: "e1", Received: time.Now(), Payload: payload}); err != nil {
		t.Fatal(err)
	}
	msgs := testClient(t, srv).XRange(ctx, lineStream, "-", "+").Val()
	if len(msgs) != 1 {
		t.Fatalf("stream holds %d entries, want 1", len(msgs))
	}
	for field, v := range msgs[0].Values {
		for _, secret := range []string{"graduation certificate", "U4af4980629"} {
			if bytes.Contains([]byte(fmt.Sprint(v)), []byte(secret)) {
				t.Errorf("stored field %q holds %q in the clear", field, secret)
			}
		}
	}
	rec := newRecorder()
	q.Start(rec.handle)
	defer q.Shutdown(ctx)
	if ev := rec.next(t); ev.ID != "e1" || !bytes.Equal(ev.Payload, payload) {
		t.Errorf("handled %s %q, want e1 with the payload as enqueued", ev.ID, ev.Payload)
	}
}

// TestRedisSealedOtherKey: a replica with another key (or none) cannot
// open a sealed entry: it drops it, counts it, and handles nothing.
func TestRedisSealedOtherKey(t *testing.T) {
	for _, key := range []string{"another secret", ""} {
		t.Run(fmt.Sprintf("key %q", key), func(t *testing.T) {
			srv := redistest.Start(t)
			m := metrics.New(prometheus.NewRegistry())
			ctx := context.Background()
			cfg := redisConfig(srv.URL(), m)
			cfg.SealKey = sealKey("line channel secret")
			writer := newQueue(t, cfg)
			defer writer.Shutdown(ctx)
			if err := writer.Enqueue(ctx, intake.Event{ID: "e1", Received: time.Now(), Payload: []byte("text")}); err != nil {
				t.Fatal(err)
			}
			cfg.SealKey = sealKey(key)
			reader := newQueue(t, cfg)
			handled := make(chan intake.Event, 1)
			reader.Start(func(_ context.Context, ev intake.Event) error { handled <- ev; return nil })
			deadline := time.Now().Add(10 * time.Second)
			for testutil.ToFloat64(m.Events.WithLabelValues("line", "dropped")) != 1 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if err := reader.Shutdown(ctx); err != nil {
				t.Fatal(err)
			}
			if got := testutil.ToFloat64(m.Events.WithLabelValues("line", "dropped")); got != 1 {
				t.Errorf("dropped = %v, want 1", got)
			}
			select {
			case ev := <-handled:
				t.Errorf("handled %q (%q) sealed with another key", ev.ID, ev.Payload)
			default:
			}
			if l := testClient(t, srv).XLen(ctx, lineStream).Val(); l != 0 {
				t.Errorf("%d entries left, want 0 (the unreadable entry acknowledged, not retried forever)", l)
			}
		})
	}
}

// TestSealBindsEntry: a sealed payload moved to another entry (other event
// id or time) does not open.
func TestSealBindsEntry(t *testing.T) {
	s, err := newSealer(sealKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	sealed := s.seal([]byte("text"), sealData("line", "e1", "1000"))
	if p, err := s.open(sealed, sealData("line", "e1", "1000")); err != nil || string(p) != "text" {
		t.Fatalf("open = %q, %v; want text", p, err)
	}
	for _, ad := range [][]byte{sealData("line", "e2", "1000"), sealData("line", "e1", "1001"), sealData("slack", "e1", "1000")} {
		if _, err := s.open(sealed, ad); err == nil {
			t.Errorf("a payload sealed for line/e1/1000 opened for %q", ad)
		}
	}
	if _, err := s.open(sealed[:5], nil); err == nil {
		t.Error("a truncated payload opened")
	}
}

// sealKey is the line queue's sealing key for a LINE channel secret, as
// serve derives it; nil for "".
func sealKey(channelSecret string) []byte {
	return keys.New(keys.Secrets{LineChannelSecret: secret.Secret(channelSecret)}).Seal("line")
}
