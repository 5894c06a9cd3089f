package sync

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	gosync "sync"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// DefaultWebhookMaxBody bounds a notification body when [WebhookOptions.MaxBodyBytes] is zero (configs'
// sync.webhooks.max_body_bytes default).
const DefaultWebhookMaxBody = 1 << 20

// webhookSeen is how many notification ids a [Webhooks] remembers to drop redeliveries.
const webhookSeen = 10000

// WebhookOptions configures [Syncer.Webhooks].
type WebhookOptions struct {
	// ClientSecret is the Intercom app's client secret, the HMAC-SHA1 key of X-Hub-Signature. Required.
	ClientSecret string
	// MaxBodyBytes is the largest notification accepted (413 beyond); 0 means DefaultWebhookMaxBody.
	MaxBodyBytes int64
}

// Webhooks is the http.Handler for Intercom's webhook notifications (serve mounts it at sync.webhooks.path,
// POST /webhooks/intercom by default).
//
// It accepts only POSTs whose X-Hub-Signature is "sha1=" and the hex HMAC-SHA1 of the raw body keyed by the client
// secret (compared in constant time): an unsigned or mis-signed request gets 401 and changes nothing, a body over
// the limit 413. For a conversation, contact or company topic it queues a refetch of the record the
// notification names (the notification's copy is not what GET returns, so it is never stored); for
// conversation.deleted, contact.deleted, company.deleted and ticket.deleted it writes the tombstone at once. Ticket
// topics (ticket.created, ticket.state.updated, ticket.admin.replied, ...) refetch the ticket whole. Other topics
// (ping, ...) are acknowledged and ignored. Companies have no list by updated_at, so their webhooks keep them current
// between sweeps; deleted tickets have no list at all, so ticket.deleted is how they leave the replica before the
// reconcile pass. (Intercom sends no webhook for articles.)
//
// Duplicate and out-of-order notifications are harmless: redeliveries (same notification id) are dropped, queued
// refetches of one record are merged, a refetch always stores what Intercom holds at that moment, and a tombstone
// never overwrites a copy fetched after the deletion's evidence. The queue is drained by [Syncer.Run]; when it is
// full, notifications are dropped (counted) and the next incremental pass picks their changes up.
type Webhooks struct {
	s       *Syncer
	secret  []byte
	maxBody int64

	mu   gosync.Mutex
	seen map[string]struct{}
	ring []string // seen ids, oldest first
}

// Webhooks returns the webhook handler feeding this syncer. It fails without a client secret.
func (s *Syncer) Webhooks(opts WebhookOptions) (*Webhooks, error) {
	if opts.ClientSecret == "" {
		return nil, errors.New("sync: webhooks need the app's client secret")
	}
	return &Webhooks{
		s:       s,
		secret:  []byte(opts.ClientSecret),
		maxBody: orDefault(opts.MaxBodyBytes, DefaultWebhookMaxBody),
		seen:    map[string]struct{}{},
	}, nil
}

// notification is the part of Intercom's notification envelope the handler reads.
type notification struct {
	Type      string `json:"type"`
	ID        string `json:"id"`
	Topic     string `json:"topic"`
	CreatedAt int64  `json:"created_at"`
	Data      struct {
		Item struct {
			Type    string          `json:"type"`
			ID      json.RawMessage `json:"id"`
			Contact *struct {
				ID json.RawMessage `json:"id"`
			} `json:"contact"`
		} `json:"item"`
	} `json:"data"`
}

// ServeHTTP handles one notification.
func (w *Webhooks) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		w.reply(rw, http.StatusMethodNotAllowed, "method_not_allowed")
		return
	}
	if r.ContentLength > w.maxBody {
		w.reply(rw, http.StatusRequestEntityTooLarge, "too_large")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, w.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			w.reply(rw, http.StatusRequestEntityTooLarge, "too_large")
			return
		}
		w.reply(rw, http.StatusBadRequest, "bad_request")
		return
	}
	if !w.signed(r.Header.Get("X-Hub-Signature"), body) {
		w.reply(rw, http.StatusUnauthorized, "bad_signature")
		return
	}
	var n notification
	if err := json.Unmarshal(body, &n); err != nil || n.Topic == "" {
		w.reply(rw, http.StatusBadRequest, "bad_request")
		return
	}
	if n.ID != "" && !w.first(n.ID) {
		w.reply(rw, http.StatusOK, "duplicate")
		return
	}
	kind, id := subject(&n)
	switch {
	case kind == "" || id == "":
		w.reply(rw, http.StatusOK, "ignored")
	case strings.HasSuffix(n.Topic, ".deleted"):
		// Deleting is final in Intercom (a deleted conversation or contact never comes back), so the tombstone is
		// written now, stamped with the notification's time; a copy fetched later than this can still win.
		_, err := w.s.commit(r.Context(), kind, []candidate{tombstone(kind, id, w.s.now(), n.CreatedAt)}, nil)
		if err != nil {
			w.s.log.WarnContext(r.Context(), "webhook: write tombstone", "kind", kind, "id", id, "error", err.Error())
			w.reply(rw, http.StatusServiceUnavailable, "error")
			return
		}
		w.reply(rw, http.StatusOK, "deleted")
	case w.s.queue.push(refKey{kind, id}):
		w.reply(rw, http.StatusAccepted, "queued")
	default:
		w.reply(rw, http.StatusOK, "dropped")
	}
}

// reply answers with a one-word status and counts it.
func (w *Webhooks) reply(rw http.ResponseWriter, code int, result string) {
	if m := w.s.metrics; m != nil {
		m.webhooks.WithLabelValues(result).Inc()
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(code)
	io.WriteString(rw, `{"result":"`+result+`"}`+"\n")
}

// signed reports whether header is "sha1=<hex HMAC-SHA1 of body keyed by the secret>", in constant time.
func (w *Webhooks) signed(header string, body []byte) bool {
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha1=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha1.Size {
		return false
	}
	mac := hmac.New(sha1.New, w.secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// first reports whether notification id has not been seen recently, and remembers it.
func (w *Webhooks) first(id string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, dup := w.seen[id]; dup {
		return false
	}
	w.seen[id] = struct{}{}
	w.ring = append(w.ring, id)
	if len(w.ring) > webhookSeen {
		delete(w.seen, w.ring[0])
		w.ring = w.ring[1:]
	}
	return true
}

// subject returns the record a notification is about, or "" for topics the replica does not hold.
func subject(n *notification) (query.Kind, string) {
	item := &n.Data.Item
	family, _, _ := strings.Cut(n.Topic, ".")
	switch family {
	case "conversation", "conversation_part":
		if item.Type == "conversation" || item.Type == "" {
			return query.KindConversation, rawID(item.ID)
		}
	case "company":
		if item.Type == "company" || item.Type == "" {
			return query.KindCompany, rawID(item.ID)
		}
	case "ticket":
		if item.Type == "ticket" || item.Type == "" {
			return query.KindTicket, rawID(item.ID)
		}
	case "contact", "user", "visitor":
		switch {
		case item.Contact != nil:
			return query.KindContact, rawID(item.Contact.ID) // contact_tag objects
		case item.Type == "contact" || item.Type == "user" || item.Type == "lead" || item.Type == "":
			return query.KindContact, rawID(item.ID)
		}
	}
	return "", ""
}

// rawID reads an id sent as a JSON string or number.
func rawID(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// refKey names a record to refetch.
type refKey struct {
	kind query.Kind
	id   string
}

// refetchQueue is a bounded, deduplicated FIFO of records to refetch.
type refetchQueue struct {
	max    int
	mu     gosync.Mutex
	order  []refKey
	queued map[refKey]struct{}
	signal chan struct{} // holds a token while the queue is non-empty
}

func newRefetchQueue(max int) *refetchQueue {
	return &refetchQueue{max: max, queued: map[refKey]struct{}{}, signal: make(chan struct{}, 1)}
}

// push queues k; it reports false when the queue is full. A record already queued counts as queued.
func (q *refetchQueue) push(k refKey) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.queued[k]; ok {
		return true
	}
	if len(q.order) >= q.max {
		return false
	}
	q.queued[k] = struct{}{}
	q.order = append(q.order, k)
	select {
	case q.signal <- struct{}{}:
	default:
	}
	return true
}

// pop takes the oldest queued record.
func (q *refetchQueue) pop() (refKey, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.order) == 0 {
		return refKey{}, false
	}
	k := q.order[0]
	q.order = q.order[1:]
	delete(q.queued, k)
	if len(q.order) > 0 {
		select {
		case q.signal <- struct{}{}:
		default:
		}
	}
	return k, true
}

// clear drops every queued refetch and returns how many there were.
func (q *refetchQueue) clear() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := len(q.order)
	q.order, q.queued = nil, map[refKey]struct{}{}
	return n
}

// runRefetches drains the webhook queue until ctx is done. A refetch that fails is logged and dropped: the next
// incremental pass covers the change. When Intercom cannot be reached, the whole queue is dropped (and logged once)
// rather than each refetch spending its retries on the same failure.
func (s *Syncer) runRefetches(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.queue.signal:
		}
		for {
			k, ok := s.queue.pop()
			if !ok || ctx.Err() != nil {
				break
			}
			err := s.refetch(ctx, k)
			switch {
			case err == nil || ctx.Err() != nil:
			case errors.Is(err, intercom.ErrUnreachable):
				s.log.WarnContext(ctx, "webhook refetch failed: Intercom cannot be reached; dropped the queued refetches, the next incremental pass picks their changes up",
					"kind", k.kind, "id", k.id, "dropped", s.queue.clear(), "error", failure(err))
			default:
				s.log.WarnContext(ctx, "webhook refetch failed", "kind", k.kind, "id", k.id, "error", err.Error())
			}
		}
	}
}

// refetch fetches one record by id and writes it (or its tombstone).
func (s *Syncer) refetch(ctx context.Context, k refKey) error {
	c, _, err := s.fetchOne(ctx, s.src, k.kind, k.id)
	if err != nil {
		return err
	}
	_, err = s.commit(ctx, k.kind, []candidate{c}, nil)
	return err
}
