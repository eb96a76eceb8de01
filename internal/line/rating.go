package line

import (
	"context"

	"github.com/oumail-alumni/madoguchi/internal/catalogue"
	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

var _ handoff.Asker = (*Messenger)(nil)

// PushButtons sends r's text with its buttons as quick-reply postbacks
// (the rating asked after a conversation with staff closed): the
// handoff's Asker port. Like Push, the push carries an X-Line-Retry-Key
// derived from key, so that a retried or repeated delivery is accepted
// once. A postback comes back to the adapter's handoff postbacks.
func (m *Messenger) PushButtons(ctx context.Context, to string, r handoff.Reply, lang catalogue.Lang, key string) error {
	msgs := handoffMessages(r, lang)
	if len(msgs) == 0 {
		return nil
	}
	return m.client.push(ctx, to, msgs, retryKey(key, 0)).err
}
