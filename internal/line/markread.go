package line

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/oumail-alumni/madoguchi/internal/handoff"
)

var _ handoff.ReadMarker = (*Messenger)(nil)

// markAsReadPath marks a chat's messages read up to a message's token.
const markAsReadPath = "/v2/bot/chat/markAsRead"

// markAsReadRequest is the body of POST /v2/bot/chat/markAsRead (schema
// MarkMessagesAsReadByTokenRequest). line-bot-sdk-go v8.14 has neither the
// call nor the webhook's token, so both are read and written here.
type markAsReadRequest struct {
	MarkAsReadToken string `json:"markAsReadToken"`
}

// MarkRead marks the message that carried token, and the chat's earlier
// messages, read: the handoff's ReadMarker port. It needs the account's
// chat to be on (LINE Official Account Manager, Chat); LINE refuses it
// otherwise, and the refusal is returned as an *APIError.
func (m *Messenger) MarkRead(ctx context.Context, token string) error {
	return m.client.markAsRead(ctx, token).err
}

// markAsRead sends the mark-as-read call under the client's retry policy.
func (c *Client) markAsRead(ctx context.Context, token string) result {
	body, err := json.Marshal(markAsReadRequest{MarkAsReadToken: token})
	if err != nil {
		return result{err: fmt.Errorf("encode mark as read: %w", err)}
	}
	return c.call(ctx, "mark as read", c.retries, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		return post(ctx, api, markAsReadPath, body, nil)
	})
}

// readToken is the markAsReadToken of a queued message event ("" when it
// has none, as events from before LINE added it).
func readToken(payload []byte) string {
	var e struct {
		Message struct {
			MarkAsReadToken string `json:"markAsReadToken"`
		} `json:"message"`
	}
	json.Unmarshal(payload, &e)
	return e.Message.MarkAsReadToken
}

// keepReadToken hands the message's token to the handoff, for when staff
// take the ticket or reply. A failure costs the 既読 mark, not the message.
func (a *Adapter) keepReadToken(ctx context.Context, u handoff.UserRef, payload []byte) {
	if err := a.ho.h.KeepReadToken(ctx, u, readToken(payload)); err != nil {
		a.log.Warn("handoff: read token not kept", "user", a.hashID(u.ID), "err", err)
	}
}
