package sync

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/query/testwait"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

const testSecret = "client-secret-for-tests"

// runSyncer starts Run with schedules far apart and waits for its first pass, so that what changes afterwards
// reaches the replica only through webhooks.
func runSyncer(t *testing.T, e *env) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.syncer.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	testwait.For(t, "the first pass", 30*time.Second, func() bool {
		st, err := e.syncer.Status()
		return err == nil && !st.Passes[PassIncremental].FinishedAt.IsZero()
	})
}

// serveWebhooks serves e's webhook handler, runs e's syncer (see runSyncer), and returns a function that posts the
// fake's signed notification of a change and returns the status code.
func serveWebhooks(t *testing.T, e *env) func(ch fakeintercom.Change) int {
	t.Helper()
	hooks, err := e.syncer.Webhooks(WebhookOptions{ClientSecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(hooks)
	t.Cleanup(srv.Close)
	runSyncer(t, e)
	return func(ch fakeintercom.Change) int {
		t.Helper()
		body, err := e.ws.Notification(ch)
		if err != nil {
			t.Fatal(err)
		}
		return post(t, srv.URL, body, fakeintercom.SignWebhook(body, testSecret))
	}
}

// post sends a notification to the handler and returns the status code.
func post(t *testing.T, url string, body []byte, signature string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("X-Hub-Signature", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestWebhooks_SignedNotificationsAreAppliedOthersRejected(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{opts: Options{IncrementalSchedule: "@every 1h", ReconcileSchedule: "@every 1h"}})
	hooks, err := e.syncer.Webhooks(WebhookOptions{ClientSecret: testSecret, MaxBodyBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(hooks)
	defer srv.Close()
	runSyncer(t, e)
	ws, r := e.ws, e.replica
	must := changes(t)
	convs := ws.ConversationIDs()
	id := convs[len(convs)-1]
	before, _ := stored(t, r, query.KindConversation, id)

	e.clock.Advance(time.Minute)
	ch := must(ws.Reply(id, fakeintercom.Reply{Author: fakeintercom.AuthorUser, Body: "<p>any update on my refund?</p>"}))
	body, err := ws.Notification(ch)
	if err != nil {
		t.Fatal(err)
	}

	// Rejected: no signature, a wrong one, one over another body, a malformed header; nothing changes.
	for name, sig := range map[string]string{
		"unsigned":        "",
		"wrong secret":    fakeintercom.SignWebhook(body, "not-the-secret"),
		"other body":      fakeintercom.SignWebhook(append(bytes.Clone(body), ' '), testSecret),
		"not hex":         "sha1=" + strings.Repeat("z", 40),
		"other algorithm": "sha256=" + strings.TrimPrefix(fakeintercom.SignWebhook(body, testSecret), "sha1="),
	} {
		if code := post(t, srv.URL, body, sig); code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, code)
		}
	}
	if n := e.syncer.queue.len(); n != 0 {
		t.Errorf("%d refetches queued by rejected notifications", n)
	}
	if got, _ := stored(t, r, query.KindConversation, id); !bytes.Equal(got.Raw, before.Raw) {
		t.Errorf("a rejected notification changed the replica")
	}
	if code := post(t, srv.URL, bytes.Repeat([]byte(" "), 65<<10), "sha1="+strings.Repeat("0", 40)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: status %d, want 413", code)
	}

	// Accepted: the reply lands without a pass; a redelivery is a no-op.
	if code := post(t, srv.URL, body, fakeintercom.SignWebhook(body, testSecret)); code != http.StatusAccepted {
		t.Fatalf("signed notification: status %d, want 202", code)
	}
	want, _ := ws.ConversationJSON(id)
	testwait.For(t, "the replied conversation in the replica", 10*time.Second, func() bool {
		got, _ := stored(t, r, query.KindConversation, id)
		return bytes.Equal(got.Raw, want)
	})
	if code := post(t, srv.URL, body, fakeintercom.SignWebhook(body, testSecret)); code != http.StatusOK {
		t.Errorf("redelivered notification: status %d, want 200 (duplicate)", code)
	}

	// Through the fake's own signed request: a deletion is applied at once.
	del := must(ws.DeleteConversation(convs[0]))
	req, err := ws.WebhookRequest(context.Background(), srv.URL, testSecret, del)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if rec, ok := stored(t, r, query.KindConversation, convs[0]); resp.StatusCode != http.StatusOK || !ok || !rec.Deleted {
		t.Errorf("conversation.deleted: status %d, tombstone %v", resp.StatusCode, rec.Deleted)
	}

	// Out of order: a reply notification for the deleted conversation arrives late; its refetch finds a 404 and
	// the tombstone stays. A contact archived then unarchived, delivered in reverse, ends live.
	late, _ := ws.Notification(fakeintercom.Change{Kind: "conversation", ID: convs[0], Topic: "conversation.user.replied", At: e.clock.Now()})
	post(t, srv.URL, late, fakeintercom.SignWebhook(late, testSecret))
	contact := ws.ContactIDs()[3]
	e.clock.Advance(time.Minute)
	archived := must(ws.ArchiveContact(contact))
	archivedBody, _ := ws.Notification(archived)
	e.clock.Advance(time.Second)
	unarchived := must(ws.UnarchiveContact(contact))
	unarchivedBody, _ := ws.Notification(unarchived)
	post(t, srv.URL, unarchivedBody, fakeintercom.SignWebhook(unarchivedBody, testSecret))
	post(t, srv.URL, archivedBody, fakeintercom.SignWebhook(archivedBody, testSecret))
	wantContact, _ := ws.ContactJSON(contact)
	testwait.For(t, "the webhook queue to drain", 10*time.Second, func() bool { return e.syncer.queue.len() == 0 })
	testwait.For(t, "the unarchived contact", 10*time.Second, func() bool {
		got, _ := stored(t, r, query.KindContact, contact)
		return !got.Deleted && bytes.Equal(got.Raw, wantContact)
	})
	if rec, _ := stored(t, r, query.KindConversation, convs[0]); !rec.Deleted {
		t.Errorf("a late notification brought a deleted conversation back")
	}

	if got := metricValue(t, e, "intercom_replica_sync_webhooks_total", "result", "bad_signature"); got != 5 {
		t.Errorf("bad_signature count = %v, want 5", got)
	}
}

func TestWebhooks_OnlyPOST(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{conversations: 1, contacts: 1})
	hooks, err := e.syncer.Webhooks(WebhookOptions{ClientSecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	hooks.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/webhooks/intercom", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != http.MethodPost {
		t.Errorf("GET: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	if _, err := e.syncer.Webhooks(WebhookOptions{}); err == nil {
		t.Errorf("Webhooks without a client secret: no error")
	}
}

// len returns how many refetches are queued.
func (q *refetchQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.order)
}
