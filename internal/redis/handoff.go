package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

var _ handoff.Store = (*HandoffStore)(nil)

// HandoffStore is the handoff's ticket store shared by every replica, which
// survives their restarts. Keys name users only by their handle (a keyed
// hash); a ticket's hash holds the raw push target, and expires
// handoff.ClosedRetention after closing.
type HandoffStore struct{ c *Client }

// Handoff returns the handoff's ticket store on c.
func (c *Client) Handoff() *HandoffStore { return &HandoffStore{c: c} }

func ticketKey(id string) string           { return ticketPrefix + id }
func userKey(handle string) string         { return userPrefix + handle }
func threadKey(ref handoff.DeskRef) string { return threadPrefix + ref.Channel + ":" + ref.TS }
func ms(t time.Time) int64                 { return t.UnixMilli() }
func fromMS(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n)
}

type body struct {
	Recent  []handoff.Exchange `json:"recent,omitempty"`
	Guesses []handoff.Guess    `json:"guesses,omitempty"`
}

// Create implements handoff.Store.
func (r *HandoffStore) Create(ctx context.Context, t handoff.Ticket) error {
	b, err := json.Marshal(body{t.Recent, t.Guesses})
	if err != nil {
		return fmt.Errorf("encode ticket: %w", err)
	}
	_, err = r.c.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HSet(ctx, ticketKey(t.ID), map[string]any{
			"id": t.ID, "handle": t.Handle, "platform": t.Platform, "to": t.To, "name": t.Name,
			"lang": string(t.Lang), "channel": t.Desk.Channel, "ts": t.Desk.TS, "status": string(t.Status),
			"taker": t.Taker, "opened": ms(t.Opened), "activity": ms(t.Activity), "body": b,
		})
		p.Set(ctx, userKey(t.Handle), t.ID, 0)
		p.Set(ctx, threadKey(t.Desk), t.ID, 0)
		p.ZAdd(ctx, openKey, goredis.Z{Score: float64(ms(t.Opened)), Member: t.ID})
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis create ticket: %w", err)
	}
	return nil
}

// Get implements handoff.Store.
func (r *HandoffStore) Get(ctx context.Context, id string) (handoff.Ticket, bool, error) {
	m, err := r.c.c.HGetAll(ctx, ticketKey(id)).Result()
	if err != nil {
		return handoff.Ticket{}, false, fmt.Errorf("redis get ticket: %w", err)
	}
	return parseTicket(m)
}

func parseTicket(m map[string]string) (handoff.Ticket, bool, error) {
	if m["id"] == "" {
		return handoff.Ticket{}, false, nil
	}
	t := handoff.Ticket{ID: m["id"], Handle: m["handle"], Platform: m["platform"], To: m["to"], Name: m["name"],
		Lang: catalogue.Lang(m["lang"]), Desk: handoff.DeskRef{Channel: m["channel"], TS: m["ts"]},
		Status: handoff.Status(m["status"]), Taker: m["taker"], ClosedBy: m["closed_by"], Reason: handoff.Reason(m["reason"]),
		Opened: fromMS(m["opened"]), Activity: fromMS(m["activity"]), FirstReply: fromMS(m["first_reply"]),
		Closed: fromMS(m["closed"])}
	var b body
	// A closed ticket has no body: its conversation was dropped.
	if raw := m["body"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &b); err != nil {
			return handoff.Ticket{}, false, fmt.Errorf("decode ticket %s: %w", t.ID, err)
		}
	}
	t.Recent, t.Guesses = b.Recent, b.Guesses
	return t, true, nil
}

func (r *HandoffStore) byIndex(ctx context.Context, key string) (handoff.Ticket, bool, error) {
	id, err := r.c.c.Get(ctx, key).Result()
	if isNil(err) {
		return handoff.Ticket{}, false, nil
	}
	if err != nil {
		return handoff.Ticket{}, false, fmt.Errorf("redis find ticket: %w", err)
	}
	return r.Get(ctx, id)
}

// ByUser implements handoff.Store.
func (r *HandoffStore) ByUser(ctx context.Context, handle string) (handoff.Ticket, bool, error) {
	t, ok, err := r.byIndex(ctx, userKey(handle))
	if ok && t.Status != handoff.StatusOpen {
		return handoff.Ticket{}, false, nil
	}
	return t, ok, err
}

// ByThread implements handoff.Store.
func (r *HandoffStore) ByThread(ctx context.Context, ref handoff.DeskRef) (handoff.Ticket, bool, error) {
	return r.byIndex(ctx, threadKey(ref))
}

// setIfExists sets fields of an existing ticket only: a late update must
// not bring back an expired ticket as a stub. ARGV[1] = "max" keeps the
// larger of the old and new value of the first field.
var setIfExists = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] == 'max' and tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0') >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 1`)

// Touch implements handoff.Store.
func (r *HandoffStore) Touch(ctx context.Context, id string, t time.Time) error {
	if err := setIfExists.Run(ctx, r.c.c, []string{ticketKey(id)}, "max", "activity", ms(t)).Err(); err != nil {
		return fmt.Errorf("redis touch ticket: %w", err)
	}
	return nil
}

// Take implements handoff.Store.
func (r *HandoffStore) Take(ctx context.Context, id, staff string) error {
	if err := setIfExists.Run(ctx, r.c.c, []string{ticketKey(id)}, "set", "taker", staff).Err(); err != nil {
		return fmt.Errorf("redis take ticket: %w", err)
	}
	return nil
}

var firstReply = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'first_reply', ARGV[1])`)

// FirstReply implements handoff.Store.
func (r *HandoffStore) FirstReply(ctx context.Context, id string, t time.Time) (bool, error) {
	n, err := firstReply.Run(ctx, r.c.c, []string{ticketKey(id)}, ms(t)).Int()
	if err != nil {
		return false, fmt.Errorf("redis first reply: %w", err)
	}
	return n == 1, nil
}

// closeTicket closes an open ticket in one step, so that of two replicas
// closing it one wins. KEYS: ticket, user index, open set, thread index.
var closeTicket = goredis.NewScript(`
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'closed', 'closed_by', ARGV[1], 'reason', ARGV[2], 'closed', ARGV[3])
redis.call('HDEL', KEYS[1], 'to', 'name', 'body', 'read_token')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
if redis.call('GET', KEYS[2]) == ARGV[5] then redis.call('DEL', KEYS[2]) end
redis.call('ZREM', KEYS[3], ARGV[5])
return 1`)

// CloseTicket implements handoff.Store.
func (r *HandoffStore) CloseTicket(ctx context.Context, id, by string, reason handoff.Reason, at time.Time) (bool, error) {
	t, ok, err := r.Get(ctx, id)
	if err != nil || !ok {
		return false, err
	}
	n, err := closeTicket.Run(ctx, r.c.c,
		[]string{ticketKey(id), userKey(t.Handle), openKey, threadKey(t.Desk)},
		by, string(reason), ms(at), handoff.ClosedRetention.Milliseconds(), id).Int()
	if err != nil {
		return false, fmt.Errorf("redis close ticket: %w", err)
	}
	return n == 1, nil
}

// Open implements handoff.Store.
func (r *HandoffStore) Open(ctx context.Context) ([]handoff.Ticket, error) {
	ids, err := r.c.c.ZRange(ctx, openKey, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis list tickets: %w", err)
	}
	cmds := make([]*goredis.MapStringStringCmd, len(ids))
	_, err = r.c.c.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, ticketKey(id))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("redis list tickets: %w", err)
	}
	var out []handoff.Ticket
	for _, c := range cmds {
		t, ok, err := parseTicket(c.Val())
		if err != nil {
			return nil, err
		}
		if ok && t.Status == handoff.StatusOpen {
			out = append(out, t)
		}
	}
	return out, nil
}

// Claim implements handoff.Store.
func (r *HandoffStore) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	return r.c.claim(ctx, handoffClaim+key, ttl)
}

// Release implements handoff.Store.
func (r *HandoffStore) Release(ctx context.Context, key string) error {
	return r.c.release(ctx, handoffClaim+key)
}
