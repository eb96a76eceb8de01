package handoff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
)

var _ Store = (*Redis)(nil)

// Redis is a Store shared by every replica, which survives their restarts.
// Keys name users only by their handle (a keyed hash); a ticket's hash
// holds the raw push target, and expires ClosedRetention after closing.
type Redis struct {
	c      *redis.Client
	prefix string
}

// NewRedis connects to the server at url (redis://[:password@]host:port/db).
func NewRedis(url string) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("handoff redis url: %w", err)
	}
	opt.DialTimeout = time.Second
	opt.ReadTimeout = time.Second
	opt.WriteTimeout = time.Second
	opt.MaxRetries = 2
	return &Redis{c: redis.NewClient(opt), prefix: "madoguchi:handoff:"}, nil
}

// Close closes the connections.
func (r *Redis) Close() error { return r.c.Close() }

func (r *Redis) ticketKey(id string) string   { return r.prefix + "t:" + id }
func (r *Redis) userKey(handle string) string { return r.prefix + "u:" + handle }
func (r *Redis) threadKey(ref DeskRef) string { return r.prefix + "th:" + ref.Channel + ":" + ref.TS }
func (r *Redis) openKey() string              { return r.prefix + "open" }
func (r *Redis) claimKey(key string) string   { return r.prefix + "c:" + key }
func ms(t time.Time) int64                    { return t.UnixMilli() }
func fromMS(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n)
}

type body struct {
	Recent  []Exchange `json:"recent,omitempty"`
	Guesses []Guess    `json:"guesses,omitempty"`
}

// Create implements Store.
func (r *Redis) Create(ctx context.Context, t Ticket) error {
	b, err := json.Marshal(body{t.Recent, t.Guesses})
	if err != nil {
		return fmt.Errorf("encode ticket: %w", err)
	}
	_, err = r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, r.ticketKey(t.ID), map[string]any{
			"id": t.ID, "handle": t.Handle, "platform": t.Platform, "to": t.To, "name": t.Name,
			"lang": string(t.Lang), "channel": t.Desk.Channel, "ts": t.Desk.TS, "status": string(t.Status),
			"taker": t.Taker, "opened": ms(t.Opened), "activity": ms(t.Activity), "body": b,
		})
		p.Set(ctx, r.userKey(t.Handle), t.ID, 0)
		p.Set(ctx, r.threadKey(t.Desk), t.ID, 0)
		p.ZAdd(ctx, r.openKey(), redis.Z{Score: float64(ms(t.Opened)), Member: t.ID})
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis create ticket: %w", err)
	}
	return nil
}

// Get implements Store.
func (r *Redis) Get(ctx context.Context, id string) (Ticket, bool, error) {
	m, err := r.c.HGetAll(ctx, r.ticketKey(id)).Result()
	if err != nil {
		return Ticket{}, false, fmt.Errorf("redis get ticket: %w", err)
	}
	return parseTicket(m)
}

func parseTicket(m map[string]string) (Ticket, bool, error) {
	if m["id"] == "" {
		return Ticket{}, false, nil
	}
	t := Ticket{ID: m["id"], Handle: m["handle"], Platform: m["platform"], To: m["to"], Name: m["name"],
		Lang: catalogue.Lang(m["lang"]), Desk: DeskRef{Channel: m["channel"], TS: m["ts"]},
		Status: Status(m["status"]), Taker: m["taker"], ClosedBy: m["closed_by"], Reason: Reason(m["reason"]),
		Opened: fromMS(m["opened"]), Activity: fromMS(m["activity"]), FirstReply: fromMS(m["first_reply"]),
		Closed: fromMS(m["closed"])}
	var b body
	// A closed ticket has no body: its conversation was dropped.
	if raw := m["body"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &b); err != nil {
			return Ticket{}, false, fmt.Errorf("decode ticket %s: %w", t.ID, err)
		}
	}
	t.Recent, t.Guesses = b.Recent, b.Guesses
	return t, true, nil
}

func (r *Redis) byIndex(ctx context.Context, key string) (Ticket, bool, error) {
	id, err := r.c.Get(ctx, key).Result()
	if errors.Is(err, redis.Nil) {
		return Ticket{}, false, nil
	}
	if err != nil {
		return Ticket{}, false, fmt.Errorf("redis find ticket: %w", err)
	}
	return r.Get(ctx, id)
}

// ByUser implements Store.
func (r *Redis) ByUser(ctx context.Context, handle string) (Ticket, bool, error) {
	t, ok, err := r.byIndex(ctx, r.userKey(handle))
	if ok && t.Status != StatusOpen {
		return Ticket{}, false, nil
	}
	return t, ok, err
}

// ByThread implements Store.
func (r *Redis) ByThread(ctx context.Context, ref DeskRef) (Ticket, bool, error) {
	return r.byIndex(ctx, r.threadKey(ref))
}

// setIfExists sets fields of an existing ticket only: a late update must
// not bring back an expired ticket as a stub. ARGV[1] = "max" keeps the
// larger of the old and new value of the first field.
var setIfExists = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] == 'max' and tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0') >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 1`)

// Touch implements Store.
func (r *Redis) Touch(ctx context.Context, id string, t time.Time) error {
	if err := setIfExists.Run(ctx, r.c, []string{r.ticketKey(id)}, "max", "activity", ms(t)).Err(); err != nil {
		return fmt.Errorf("redis touch ticket: %w", err)
	}
	return nil
}

// Take implements Store.
func (r *Redis) Take(ctx context.Context, id, staff string) error {
	if err := setIfExists.Run(ctx, r.c, []string{r.ticketKey(id)}, "set", "taker", staff).Err(); err != nil {
		return fmt.Errorf("redis take ticket: %w", err)
	}
	return nil
}

var firstReply = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'first_reply', ARGV[1])`)

// FirstReply implements Store.
func (r *Redis) FirstReply(ctx context.Context, id string, t time.Time) (bool, error) {
	n, err := firstReply.Run(ctx, r.c, []string{r.ticketKey(id)}, ms(t)).Int()
	if err != nil {
		return false, fmt.Errorf("redis first reply: %w", err)
	}
	return n == 1, nil
}

// closeTicket closes an open ticket in one step, so that of two replicas
// closing it one wins. KEYS: ticket, user index, open set, thread index.
var closeTicket = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'closed', 'closed_by', ARGV[1], 'reason', ARGV[2], 'closed', ARGV[3])
redis.call('HDEL', KEYS[1], 'to', 'name', 'body')
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
if redis.call('GET', KEYS[2]) == ARGV[5] then redis.call('DEL', KEYS[2]) end
redis.call('ZREM', KEYS[3], ARGV[5])
return 1`)

// CloseTicket implements Store.
func (r *Redis) CloseTicket(ctx context.Context, id, by string, reason Reason, at time.Time) (bool, error) {
	t, ok, err := r.Get(ctx, id)
	if err != nil || !ok {
		return false, err
	}
	n, err := closeTicket.Run(ctx, r.c,
		[]string{r.ticketKey(id), r.userKey(t.Handle), r.openKey(), r.threadKey(t.Desk)},
		by, string(reason), ms(at), ClosedRetention.Milliseconds(), id).Int()
	if err != nil {
		return false, fmt.Errorf("redis close ticket: %w", err)
	}
	return n == 1, nil
}

// Open implements Store.
func (r *Redis) Open(ctx context.Context) ([]Ticket, error) {
	ids, err := r.c.ZRange(ctx, r.openKey(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis list tickets: %w", err)
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, r.ticketKey(id))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("redis list tickets: %w", err)
	}
	var out []Ticket
	for _, c := range cmds {
		t, ok, err := parseTicket(c.Val())
		if err != nil {
			return nil, err
		}
		if ok && t.Status == StatusOpen {
			out = append(out, t)
		}
	}
	return out, nil
}

// Claim implements Store with SET NX PX, atomic across replicas.
func (r *Redis) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ok, err := r.c.SetNX(ctx, r.claimKey(key), 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redis claim: %w", err)
	}
	return ok, nil
}

// Release implements Store.
func (r *Redis) Release(ctx context.Context, key string) error {
	if err := r.c.Del(ctx, r.claimKey(key)).Err(); err != nil {
		return fmt.Errorf("redis release: %w", err)
	}
	return nil
}

// Ping checks the connection, for readiness details.
func (r *Redis) Ping(ctx context.Context) error { return r.c.Ping(ctx).Err() }
