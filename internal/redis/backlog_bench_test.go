package redis

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oumail-alumni/madoguchi/internal/intake"
	"github.com/oumail-alumni/madoguchi/internal/metrics"
	"github.com/oumail-alumni/madoguchi/internal/redistest"
)

// linePayload is a LINE text message event as the webhook queues it: the
// event's JSON, with a question of 100 Japanese characters.
const linePayload = `{"type":"message","message":{"type":"text","id":"468789577898262530",` +
	`"quoteToken":"q3Plxr4AgKd3kLRrDVnvuUMbbBEyOAaE_hNaUnkNzYBZgG7Bl7Ny-tdH9uqH7s0Nt3QyDBxHfQd3TszlBMuFM3yp8eSr8o34F-Fk-tJ5O4DjZgjfbB7JoCK8ZOtBjHhB4_6ftakvFnKvUGJFEdeuTTyGzgtTjh4i4Jc",` +
	`"markAsReadToken":"30yhdy232u2ZDzjSyHcR5BEjqdZv6mZr-jUxnPFxO1gu1dO5chXkHtbNbAX-J3ul4CJ32bSkYiS1XWdx-PPrPcLrGcr2-lhFSt3s9k2wY9EKpFgmQyu","text":"` +
	question + `"},"webhookEventId":"01H810YECXQQZ37VAXPF6H9E6T","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,` +
	`"source":{"type":"user","userId":"U4af4980629e2c1b0dbf7e5a2d9a3b1c7"},"replyToken":"38ef843bde154d9b91c21320ffd97a0f","mode":"active"}`

// slackPayload is a Slack Events API callback as the webhook queues it:
// a message of 100 Japanese characters with its rich-text blocks.
var slackPayload = `{"token":"XXYYZZ","team_id":"T0001ABCD","api_app_id":"A0001ABCD","event":{"user":"U0001ABCDEF","type":"message",` +
	`"ts":"1700000000.000100","client_msg_id":"5b3f2e1a-7c4d-4e8f-9a0b-1c2d3e4f5a6b","text":"` + question + `","team":"T0001ABCD",` +
	`"blocks":[{"type":"rich_text","block_id":"Ab1Cd","elements":[{"type":"rich_text_section","elements":[{"type":"text","text":"` + question + `"}]}]}],` +
	`"channel":"D0001ABCDEF","event_ts":"1700000000.000100","channel_type":"im"},"type":"event_callback","event_id":"Ev0001ABCDEF",` +
	`"event_time":1700000000,"authorizations":[{"enterprise_id":null,"team_id":"T0001ABCD","user_id":"U0002BOTUSER","is_bot":true,"is_enterprise_install":false}],` +
	`"is_ext_shared_channel":false,"event_context":"4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJUMDAwMUFCQ0QiLCJhaWQiOiJBMDAwMUFCQ0QiLCJjaWQiOiJEMDAwMUFCQ0RFRiJ9"}`

// question is 100 characters of a question in Japanese.
const question = `卒業生のメールアカウントにログインできなくなりました。新しいスマートフォンに機種変更してから二段階認証のコードが届きません。どうすればよいでしょうか。よろしくお願いいたします。`

// BenchmarkBacklogBytes fills a stream with sealed events that no
// replica handles (every replica down) and reports what each waiting
// event costs Redis: memory (used_memory) and append-only file bytes.
// They size maxmemory for the backlog cap (QueueConfig.MaxLen).
// Run: go test -run '^$' -bench BacklogBytes -benchtime 1x ./internal/redis/
func BenchmarkBacklogBytes(b *testing.B) {
	for _, p := range []struct{ platform, payload string }{{"line", linePayload}, {"slack", slackPayload}} {
		b.Run(p.platform, func(b *testing.B) { benchBacklog(b, p.platform, p.payload) })
	}
}

func benchBacklog(b *testing.B, platform, payload string) {
	const n = 20_000
	srv := redistest.StartPersistent(b)
	c := open(b, srv.URL())
	m := metrics.New(prometheus.NewRegistry())
	q, err := c.Queue(context.Background(), platform, QueueConfig{Workers: 1, Timeout: time.Second, MinIdle: 2 * time.Second,
		DedupTTL: time.Hour, Metrics: m, Log: discard, SealKey: sealKey("platform secret")})
	if err != nil {
		b.Fatal(err)
	}
	defer q.Shutdown(context.Background())
	ctx := context.Background()
	before := info(b, c, "memory", "used_memory")
	aofBefore := info(b, c, "persistence", "aof_current_size")
	for b.Loop() {
		for i := range n {
			if err := q.Enqueue(ctx, intake.Event{ID: fmt.Sprintf("01H810YECXQQZ37VAX%08d", i), Received: time.Now(), Payload: []byte(payload)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	waiting := float64(c.c.XLen(ctx, streamKey(platform)).Val())
	b.ReportMetric(float64(len(payload)), "payload-bytes")
	b.ReportMetric((info(b, c, "memory", "used_memory")-before)/waiting, "memory-bytes/event")
	b.ReportMetric((info(b, c, "persistence", "aof_current_size")-aofBefore)/waiting, "aof-bytes/event")
}

// info reads one numeric field of an INFO section.
func info(b *testing.B, c *Client, section, field string) float64 {
	b.Helper()
	s, err := c.c.Info(context.Background(), section).Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), field+":"); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				b.Fatal(err)
			}
			return f
		}
	}
	b.Fatalf("INFO %s has no %s", section, field)
	return 0
}
