package slack

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"
)

// memberTTL is how long the staff channel's member list is trusted: a
// person who joins the channel is relayed at most this long after, one who
// leaves is refused at most this long after.
const memberTTL = 5 * time.Minute

// Reading the member list stops after maxMemberPages pages of
// memberPageSize, far beyond any office's staff.
const (
	maxMemberPages = 20
	memberPageSize = 1000
)

// memberLister is the Web API method the member list needs
// (conversations.members, scope channels:read or groups:read): the app's
// one Client, under its retry policy.
type memberLister interface {
	conversationMembers(ctx context.Context, p *slack.GetUsersInConversationParameters) ([]string, string, error)
}

var _ memberLister = (*Client)(nil)

// members is the staff channel's member list, read again after ttl.
// Only its members may write to users, take or close tickets and list
// the open ones: Slack lets anyone in the workspace reply in a public
// channel's threads.
type members struct {
	api     memberLister
	channel string
	ttl     time.Duration
	now     func() time.Time

	// lock (a one-slot semaphore, so that waiting for it ends with the
	// caller's context) is held while the list is read, so that a burst of
	// staff messages reads it once, and a Slack that hangs holds up no
	// slash command beyond its deadline.
	lock chan struct{}
	set  map[string]bool
	at   time.Time
}

func newMembers(api memberLister, channel string, ttl time.Duration, now func() time.Time) *members {
	return &members{api: api, channel: channel, ttl: ttl, now: now, lock: make(chan struct{}, 1)}
}

// has reports whether user is a member of the channel. When the list
// cannot be read, it says so rather than guess.
func (m *members) has(ctx context.Context, user string) (bool, error) {
	select {
	case m.lock <- struct{}{}:
		defer func() { <-m.lock }()
	case <-ctx.Done():
		return false, fmt.Errorf("slack conversations.members %s: %w", m.channel, ctx.Err())
	}
	if m.set == nil || m.now().Sub(m.at) >= m.ttl {
		set, err := m.read(ctx)
		if err != nil {
			return false, fmt.Errorf("slack conversations.members %s: %w", m.channel, err)
		}
		m.set, m.at = set, m.now()
	}
	return m.set[user], nil
}

func (m *members) read(ctx context.Context) (map[string]bool, error) {
	set := map[string]bool{}
	cursor := ""
	for range maxMemberPages {
		ids, next, err := m.api.conversationMembers(ctx, &slack.GetUsersInConversationParameters{
			ChannelID: m.channel, Cursor: cursor, Limit: memberPageSize})
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			set[id] = true
		}
		if next == "" {
			return set, nil
		}
		cursor = next
	}
	return set, nil
}
