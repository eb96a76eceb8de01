package redis

import (
	"context"
	"fmt"

	goredis "github.com/redis/go-redis/v9"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

var _ handoff.ReadTokens = (*HandoffStore)(nil)

// setReadToken keeps an open ticket's latest mark-as-read token in its
// hash; a closed or expired ticket gets none.
var setReadToken = goredis.NewScript(`
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], 'read_token', ARGV[1])
return 1`)

// takeReadToken returns the token and removes it in one step, so that of
// two replicas only one marks the messages read.
var takeReadToken = goredis.NewScript(`
local t = redis.call('HGET', KEYS[1], 'read_token')
if not t then return '' end
redis.call('HDEL', KEYS[1], 'read_token')
return t`)

// SetReadToken implements handoff.ReadTokens.
func (r *HandoffStore) SetReadToken(ctx context.Context, id, token string) error {
	if err := setReadToken.Run(ctx, r.c.c, []string{ticketKey(id)}, token).Err(); err != nil {
		return fmt.Errorf("redis keep read token: %w", err)
	}
	return nil
}

// TakeReadToken implements handoff.ReadTokens.
func (r *HandoffStore) TakeReadToken(ctx context.Context, id string) (string, error) {
	token, err := takeReadToken.Run(ctx, r.c.c, []string{ticketKey(id)}).Text()
	if err != nil {
		return "", fmt.Errorf("redis take read token: %w", err)
	}
	return token, nil
}
