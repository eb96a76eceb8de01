package line

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
	"github.com/oumail-alumni/madoguchi/internal/redis"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
	"github.com/oumail-alumni/madoguchi/internal/testkit"
)

// countingDesk is a fake Slack for the load test: tickets get numbered
// threads, reactions are counted.
type countingDesk struct {
	mu        sync.Mutex
	n         int
	delivered int
	failed    int
}

func (d *countingDesk) PostTicket(context.Context, handoff.View) (handoff.DeskRef, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.n++
	return handoff.DeskRef{Channel: "CDESK", TS: fmt.Sprintf("%d.0", d.n)}, nil
}
func (d *countingDesk) UpdateTicket(context.Context, handoff.DeskRef, handoff.View) error { return nil }
func (d *countingDesk) Post(context.Context, handoff.DeskRef, handoff.Note) error         { return nil }
func (d *countingDesk) Plain(markup string, _ catalogue.Lang) string                      { return markup }
func (d *countingDesk) React(_ context.Context, _, _, emoji string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if emoji == handoff.ReactDelivered {
		d.delivered++
	} else {
		d.failed++
	}
	return nil
}

// BenchmarkHandoffRelay: 200 open conversations, 2,000 staff messages
// (ten per conversation, the conversations in parallel), each delivered
// twice as Slack retries do; every message must reach the fake LINE once.
// It reports the latency from FromStaff to the push's arrival.
// Run: go test -run '^$' -bench HandoffRelay -benchtime 1x ./internal/line/
func BenchmarkHandoffRelay(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		benchRelay(b, func() handoff.Store { return handoff.NewMemory(nil) })
	})
	b.Run("redis", func(b *testing.B) {
		srv := redistest.Start(b)
		benchRelay(b, func() handoff.Store {
			c, err := redis.Open(srv.URL())
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { c.Close() })
			return c.Handoff()
		})
	})
}

func benchRelay(b *testing.B, newStore func() handoff.Store) {
	const users, perUser = 200, 10
	ctx := context.Background()
	day := []catalogue.Span{{Open: 0, Close: 24 * time.Hour}}
	set := catalogue.Handoff{Configured: true, Location: time.UTC, Weekly: [7][]catalogue.Span{day, day, day, day, day, day, day},
		Inactivity: 24 * time.Hour, ReceiptEvery: time.Minute,
		Texts: catalogue.HandoffTexts{Opened: catalogue.Text{JA: "opened", EN: "opened"}}}
	var lat []time.Duration
	for i := range b.N {
		b.StopTimer()
		srv := testkit.NewLINE(b)
		m := NewMessenger(testClient(b, "token", srv.URL, 2))
		desk := &countingDesk{}
		h, err := handoff.New(handoff.Options{Store: newStore(), Messenger: m, Desk: desk,
			Settings: func() catalogue.Handoff { return set }, Key: []byte("bench-key-0123456789")})
		if err != nil {
			b.Fatal(err)
		}
		threads := make([]string, users)
		for u := range users {
			user := handoff.UserRef{Platform: "line", ID: fmt.Sprintf("U%04d", u), Lang: catalogue.English}
			if _, err := h.Consent(ctx, user); err != nil {
				b.Fatal(err)
			}
			if _, err := h.Start(ctx, user); err != nil {
				b.Fatal(err)
			}
			threads[u] = fmt.Sprintf("%d.0", u+1)
		}
		sent := make(map[string]time.Time, users*perUser)
		var mu sync.Mutex
		var wg sync.WaitGroup
		b.StartTimer()
		for u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range perUser {
					text := fmt.Sprintf("run %d user %d message %d", i, u, k)
					msg := handoff.StaffMessage{Channel: "CDESK",
						ThreadTS: threads[u], TS: fmt.Sprintf("%d.%03d%03d", u+1, i, k+1), UserID: "USTAFF", Text: text}
					mu.Lock()
					sent[text] = time.Now()
					mu.Unlock()
					for range 2 { // Slack's retry
						if err := h.FromStaff(ctx, msg); err != nil {
							b.Error(err)
						}
					}
				}
			}()
		}
		wg.Wait()
		b.StopTimer()
		srv.Close()
		arrived := srv.PushedTexts()
		if got := len(arrived); got != users*perUser {
			b.Fatalf("%d distinct messages arrived, want %d", got, users*perUser)
		}
		for text, at := range arrived {
			if len(at) != 1 {
				b.Fatalf("%q arrived %d times, want once", text, len(at))
			}
			lat = append(lat, at[0].Sub(sent[text]))
		}
		if desk.delivered != users*perUser || desk.failed != 0 {
			b.Fatalf("reactions: %d ✅ %d ⚠️, want %d and 0", desk.delivered, desk.failed, users*perUser)
		}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(b.Elapsed())/float64(time.Microsecond)/float64(b.N*users*perUser), "µs/msg")
}
