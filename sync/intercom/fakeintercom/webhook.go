package fakeintercom

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// Notification returns the body of the webhook notification Intercom would send for a change (api-notes §8.2): a
// notification_event envelope whose data.item is the record in the API's shape with plain-text bodies (webhook
// payloads carry plain text from version 2.15), or a minimal {type, id} for *.deleted topics. A conversation that no
// longer exists yields the minimal item too. Each call gets a new notification id.
func (ws *Workspace) Notification(ch Change) ([]byte, error) {
	var item []byte
	switch {
	case strings.HasSuffix(ch.Topic, ".deleted"):
	case ch.Kind == "conversation":
		if c, err := ws.conversation(ch.ID); err == nil {
			item = ws.renderConversation(nil, c, renderFull|renderPlain)
		}
	case ch.Kind == "contact":
		idx, c, _, err := ws.lookupContact(ch.ID)
		if err == nil {
			if c == nil {
				c = ws.genContact(idx)
			}
			item = ws.renderContact(nil, c, nil)
		}
	case ch.Kind == "company":
		if b, err := ws.CompanyJSON(ch.ID); err == nil {
			item = b
		}
	case ch.Kind == "ticket":
		if b, err := ws.TicketJSON(ch.ID); err == nil {
			item = b
		}
	case ch.Kind == "article":
		if b, err := ws.ArticleJSON(ch.ID); err == nil {
			item = b
		}
	default:
		return nil, fmt.Errorf("notification for %s %s: unknown kind: %w", ch.Kind, ch.ID, ErrInvalid)
	}
	if item == nil {
		w := jsonWriter{}
		w.ref(ch.Kind, ch.ID)
		item = w.b
	}
	ws.mu.Lock()
	ws.notifs++
	seq := ws.notifs
	ws.mu.Unlock()

	at := ch.At.Unix()
	w := jsonWriter{}
	w.openObject()
	w.kstr("type", "notification_event")
	w.kstr("app_id", ws.appID)
	w.key("data")
	w.openObject()
	w.kstr("type", "notification_event_data")
	w.key("item")
	w.raw(item)
	w.closeObject()
	w.key("links")
	w.openObject()
	w.closeObject()
	w.kstr("id", "notif_"+uuidFrom(ws.seed^0x5eed, seq))
	w.kstr("topic", ch.Topic)
	w.knull("delivery_status")
	w.kint("delivery_attempts", 1)
	w.kint("delivered_at", 0)
	w.kint("first_sent_at", at)
	w.kint("created_at", at)
	w.knull("self")
	w.closeObject()
	return w.b, nil
}

// SignWebhook returns the X-Hub-Signature value Intercom sends with a notification: "sha1=" and the hex HMAC-SHA1
// of the raw body keyed by the app's client secret.
func SignWebhook(body []byte, clientSecret string) string {
	mac := hmac.New(sha1.New, []byte(clientSecret))
	mac.Write(body)
	return "sha1=" + hex.EncodeToString(mac.Sum(nil))
}

// WebhookRequest returns the signed POST Intercom would make to url for a change, with the documented headers
// (User-Agent intercom-parrot-service-client/1.0, JSON content type, X-Hub-Signature).
func (ws *Workspace) WebhookRequest(ctx context.Context, url, clientSecret string, ch Change) (*http.Request, error) {
	body, err := ws.Notification(ch)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("webhook request for %s %s: %w", ch.Kind, ch.ID, err)
	}
	req.Header.Set("User-Agent", "intercom-parrot-service-client/1.0")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature", SignWebhook(body, clientSecret))
	return req, nil
}
