package redis

import (
	"context"
	"log/slog"
	"time"

	"github.com/oumail-alumni/madoguchi/internal/intake"
)

// Serve's durable queues keep a backlog of at most queueMaxLen events and
// remember a handled event id for queueDedupTTL.
const (
	queueMaxLen   = 100000
	queueDedupTTL = 24 * time.Hour
)

// Queues makes the platforms' durable queues for intake.Queues.Durable and
// keeps them for their health checks (Made).
type Queues struct {
	ctx  context.Context
	c    *Client
	cfg  QueueConfig
	seal func(platform string) []byte
	made []*Queue
}

// Queues makes each platform's queue with cfg (ctx bounds the making),
// with a backlog of at most 100,000 events, event ids remembered a day,
// and the key seal returns for the platform's payloads.
func (c *Client) Queues(ctx context.Context, cfg QueueConfig, seal func(platform string) []byte) *Queues {
	cfg.MaxLen, cfg.DedupTTL = queueMaxLen, queueDedupTTL
	return &Queues{ctx: ctx, c: c, cfg: cfg, seal: seal}
}

// Durable makes the platform's queue, logging to log, within two seconds;
// it is intake.Queues' Durable.
func (qs *Queues) Durable(platform string, log *slog.Logger) (intake.Queue, error) {
	ctx, cancel := context.WithTimeout(qs.ctx, 2*time.Second)
	defer cancel()
	cfg := qs.cfg
	cfg.Log, cfg.SealKey = log, qs.seal(platform)
	q, err := qs.c.Queue(ctx, platform, cfg)
	if err != nil {
		return nil, err
	}
	qs.made = append(qs.made, q)
	return q, nil
}

// Report is one entry of /readyz: a name and what it reports.
type Report struct {
	Name   string
	Report func(context.Context) any
}

// Reports are Redis' entries of /readyz: the server's health and
// persistence, then each queue made so far.
func (qs *Queues) Reports() []Report {
	rs := []Report{
		{"redis", func(ctx context.Context) any { return qs.c.Health(ctx) }},
		{"redis_persistence", func(ctx context.Context) any { return qs.c.PersistenceHealth(ctx) }},
	}
	for _, q := range qs.made {
		rs = append(rs, Report{"intake_queue_" + q.Platform(), func(context.Context) any { return q.Health() }})
	}
	return rs
}
