package slack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// MaxBody is the largest request accepted from Slack.
const MaxBody = 1 << 20

// verified reads the body once and checks Slack's signature and timestamp
// (five minutes either way) before anything parses it.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		a.reject(w, http.StatusRequestEntityTooLarge, "body too large")
		return nil, false
	}
	sv, err := slack.NewSecretsVerifier(r.Header, a.cfg.SigningSecret.Reveal())
	if err != nil {
		reason := "missing or bad signature headers"
		if errors.Is(err, slack.ErrExpiredTimestamp) {
			reason = "stale timestamp"
		}
		a.reject(w, http.StatusUnauthorized, reason)
		return nil, false
	}
	sv.Write(body)
	if err := sv.Ensure(); err != nil {
		a.reject(w, http.StatusUnauthorized, "bad signature")
		return nil, false
	}
	return body, true
}

func (a *Adapter) reject(w http.ResponseWriter, status int, reason string) {
	a.metrics.Events.WithLabelValues(platform, "rejected").Inc()
	a.log.Warn("request rejected", "reason", reason)
	http.Error(w, reason, status)
}

// Events is the Events API endpoint (POST /slack/events).
func (a *Adapter) Events() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := a.verified(w, r)
		if !ok {
			return
		}
		ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
		if err != nil {
			// An event type slack-go does not know: acknowledge, so that
			// Slack does not retry it.
			a.log.Debug("unparsed event", "err", err)
			a.metrics.Events.WithLabelValues(platform, "ignored").Inc()
			return
		}
		if ev.Type == slackevents.URLVerification {
			var ch slackevents.ChallengeResponse
			if err := json.Unmarshal(body, &ch); err != nil {
				http.Error(w, "bad challenge", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte(ch.Challenge))
			return
		}
		if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
			a.log.Info("slack retry", "num", n, "reason", r.Header.Get("X-Slack-Retry-Reason"))
		}
		if !a.onEvent(r.Context(), ev, body) {
			http.Error(w, "busy, try again", http.StatusServiceUnavailable)
		}
	})
}

// Commands is the slash command endpoint (POST /slack/commands). The
// answer is immediate, so it goes back in the response, seen only by the
// person who asked.
func (a *Adapter) Commands() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := a.verified(w, r)
		if !ok {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		cmd, err := slack.SlashCommandParse(r)
		if err != nil {
			http.Error(w, "bad command", http.StatusBadRequest)
			return
		}
		a.metrics.Events.WithLabelValues(platform, "command").Inc()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(a.commandResponse(r.Context(), cmd))
	})
}

// Interactive is the interactivity endpoint (POST /slack/interactive): a
// click on a choice or feedback button is answered where the button is.
func (a *Adapter) Interactive() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := a.verified(w, r)
		if !ok {
			return
		}
		form, err := url.ParseQuery(string(body))
		var cb slack.InteractionCallback
		payload := []byte(form.Get("payload"))
		if err == nil {
			err = json.Unmarshal(payload, &cb)
		}
		if err != nil {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		if !a.onInteraction(r.Context(), cb, payload) {
			http.Error(w, "busy, try again", http.StatusServiceUnavailable)
		}
	})
}

// onInteraction queues a click on a choice or feedback button (its
// verified JSON, raw); other buttons (links) need nothing. A click is
// claimed by a key of the clicked message, the click's time and the user,
// so that the same request delivered again (a retry, a replay) is
// answered once.
func (a *Adapter) onInteraction(ctx context.Context, cb slack.InteractionCallback, raw []byte) bool {
	if _, ok := a.draftShortcut(cb); ok {
		return a.intake.Accept(ctx, shortcutID(cb), raw)
	}
	act, isTicket := a.clickedHandoff(cb)
	if isTicket && act.Channel != a.ho.channel {
		// A ticket's button belongs in the staff channel only.
		a.metrics.Events.WithLabelValues(platform, "refused").Inc()
		return true
	}
	if _, _, fb := clickedFeedback(cb); !fb && !isTicket && clickedChoice(cb) == "" {
		return true
	}
	return a.intake.Accept(ctx, clickID(cb), raw)
}

// clickID identifies one click: Slack gives the same action_ts to every
// delivery of it.
func clickID(cb slack.InteractionCallback) string {
	actionTS := cb.ActionTs
	for _, act := range cb.ActionCallback.BlockActions {
		if strings.HasPrefix(act.ActionID, actionChoose) || strings.HasPrefix(act.ActionID, actionFeedback) {
			actionTS = act.ActionTs
			break
		}
	}
	h := sha256.Sum256([]byte(cb.Container.MessageTs + "|" + cb.Message.Timestamp + "|" + actionTS + "|" + cb.User.ID + "|" + cb.TriggerID))
	return "click-" + hex.EncodeToString(h[:12])
}
