package fakeintercom

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type convSummary struct {
	ID           string `json:"id"`
	UpdatedAt    int64  `json:"updated_at"`
	State        string `json:"state"`
	Open         bool   `json:"open"`
	WaitingSince *int64 `json:"waiting_since"`
	Stats        struct {
		Count int `json:"count_conversation_parts"`
	} `json:"statistics"`
	Parts struct {
		Parts []struct {
			ID       string  `json:"id"`
			PartType string  `json:"part_type"`
			Body     *string `json:"body"`
			Author   struct {
				Type string `json:"type"`
			} `json:"author"`
			State string `json:"state"`
		} `json:"conversation_parts"`
		Total int `json:"total_count"`
	} `json:"conversation_parts"`
}

func (f *fake) conversation(id string) convSummary {
	f.t.Helper()
	r := f.get("/conversations/" + id)
	mustStatus(f.t, r, http.StatusOK)
	var c convSummary
	if err := json.Unmarshal(r.body, &c); err != nil {
		f.t.Fatal(err)
	}
	return c
}

func updatedSince(ts int64) map[string]any {
	return map[string]any{"query": map[string]any{"field": "updated_at", "operator": ">", "value": ts}}
}

func TestMutations_ReplyIsVisibleEverywhere(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	ids := f.ws.ConversationIDs()
	target := ids[len(ids)-1] // the least recently updated
	before := f.conversation(target)
	f.clock.Advance(time.Hour)
	now := f.clock.Now().Unix()

	if _, err := f.ws.SetState(target, "closed"); err != nil {
		t.Fatal(err)
	}
	ch, err := f.ws.Reply(target, Reply{Author: AuthorUser, Body: "<p>I was double charged again!</p>"})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Kind != "conversation" || ch.ID != target || ch.Topic != "conversation.user.replied" || ch.At.Unix() != now {
		t.Errorf("change %+v", ch)
	}
	after := f.conversation(target)
	if after.UpdatedAt != now || after.State != "open" || !after.Open || after.WaitingSince == nil || *after.WaitingSince != now {
		t.Errorf("after a contact's reply to a closed conversation: %+v", after)
	}
	parts := after.Parts.Parts
	last := parts[len(parts)-1]
	if len(parts) != len(before.Parts.Parts)+2 || last.PartType != "comment" || *last.Body != "<p>I was double charged again!</p>" || last.Author.Type == "admin" {
		t.Errorf("new parts: %+v", parts[len(before.Parts.Parts):])
	}
	if parts[len(parts)-2].PartType != "close" || after.Stats.Count != len(parts) {
		t.Errorf("close part or count: %+v, count %d", parts[len(parts)-2], after.Stats.Count)
	}
	if first := decodePage(t, f.get("/conversations?per_page=1"), "conversations"); first.ids[0] != target {
		t.Errorf("updated conversation is not first in the list: %v", first.ids)
	}
	if got := f.walkSearch("conversations", updatedSince(now), 50); !slices.Equal(got, []string{target}) {
		t.Errorf("search updated_at > now: %v", got)
	}
	want, _ := f.ws.ConversationJSON(target)
	if got := f.get("/conversations/" + target); string(got.body) != string(want) {
		t.Error("ConversationJSON differs from GET after a mutation")
	}

	// A teammate's reply ends the wait.
	f.clock.Advance(time.Minute)
	if _, err := f.ws.Reply(target, Reply{Author: AuthorAdmin}); err != nil {
		t.Fatal(err)
	}
	if c := f.conversation(target); c.WaitingSince != nil {
		t.Errorf("waiting_since %d after a teammate replied", *c.WaitingSince)
	}
	if _, err := f.ws.Reply("215470000009999", Reply{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("reply to an unknown conversation: %v", err)
	}
}

func TestMutations_CreateAndDeleteConversation(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	countBefore := f.ws.Counts()
	contact := f.ws.ContactIDs()[3]
	ch, err := f.ws.CreateConversation(NewConversation{ContactID: contact, SourceType: "email"})
	if err != nil {
		t.Fatal(err)
	}
	c := f.conversation(ch.ID)
	if c.State != "open" || len(c.Parts.Parts) != 0 || c.Parts.Total != 0 {
		t.Errorf("new conversation: %+v", c)
	}
	byContact := map[string]any{"query": map[string]any{"field": "contact_ids", "operator": "=", "value": contact}}
	if got := f.walkSearch("conversations", byContact, 150); !slices.Contains(got, ch.ID) {
		t.Errorf("search by contact_ids misses the new conversation: %v", got)
	}
	if n := f.ws.Counts().Conversations; n != countBefore.Conversations+1 {
		t.Errorf("count %d after create, was %d", n, countBefore.Conversations)
	}

	f.clock.Advance(time.Minute)
	victim := f.ws.ConversationIDs()[5]
	del, err := f.ws.DeleteConversation(victim)
	if err != nil {
		t.Fatal(err)
	}
	if del.Topic != "conversation.deleted" {
		t.Errorf("topic %q", del.Topic)
	}
	mustStatus(t, f.get("/conversations/"+victim), http.StatusNotFound)
	if slices.Contains(f.walkList("/conversations", "conversations", 150), victim) {
		t.Error("deleted conversation still listed")
	}
	r := f.get("/conversations/deleted?per_page=1")
	mustStatus(t, r, http.StatusOK)
	var d struct {
		Total int `json:"total_count"`
		Conv  []struct {
			ID        string `json:"id"`
			DeletedAt int64  `json:"deleted_at"`
		} `json:"conversations"`
	}
	if err := json.Unmarshal(r.body, &d); err != nil {
		t.Fatal(err)
	}
	if d.Conv[0].ID != victim || d.Conv[0].DeletedAt != f.clock.Now().Unix() || d.Total != countBefore.DeletedConversations+1 {
		t.Errorf("deleted list: %s", r.body)
	}
	if _, err := f.ws.DeleteConversation(victim); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	all := f.walkSearch("conversations", updatedSince(0), 150)
	if slices.Contains(all, victim) || len(all) != f.ws.Counts().Conversations {
		t.Errorf("search over everything: %d results, deleted included %v", len(all), slices.Contains(all, victim))
	}
}

func TestMutations_ListWalkSkipsRecordsUpdatedDuringTheWalk(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	all := f.ws.ConversationIDs()
	first := decodePage(t, f.get("/conversations?per_page=10"), "conversations")
	moved := all[50] // on a later page
	f.clock.Advance(time.Hour)
	if _, err := f.ws.Reply(moved, Reply{Author: AuthorAdmin}); err != nil {
		t.Fatal(err)
	}
	seen := slices.Clone(first.ids)
	after := first.next
	for after != "" {
		p := decodePage(t, f.get("/conversations?per_page=10&starting_after="+url.QueryEscape(after)), "conversations")
		seen = append(seen, p.ids...)
		after = p.next
	}
	if slices.Contains(seen, moved) {
		t.Errorf("the record updated mid-walk was seen by the walk (it should have moved to the front)")
	}
	want := slices.DeleteFunc(slices.Clone(all), func(id string) bool { return id == moved })
	if !slices.Equal(seen, want) {
		t.Errorf("the walk saw %d records, want every other record (%d) once, in order", len(seen), len(want))
	}
}

func TestMutations_LongThreadReturnsOnlyThe500MostRecentParts(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	id := f.ws.ConversationIDs()[0]
	before := len(f.conversation(id).Parts.Parts)
	if _, err := f.ws.AddParts(id, 520); err != nil {
		t.Fatal(err)
	}
	c := f.conversation(id)
	if len(c.Parts.Parts) != 500 || c.Parts.Total != 500 || c.Stats.Count != before+520 {
		t.Fatalf("parts %d total_count %d count_conversation_parts %d, want 500, 500, %d", len(c.Parts.Parts), c.Parts.Total, c.Stats.Count, before+520)
	}
	ids := map[string]bool{}
	for _, p := range c.Parts.Parts {
		if ids[p.ID] {
			t.Fatalf("duplicate part id %s", p.ID)
		}
		ids[p.ID] = true
	}
	// The most recent 500 are the last 500 of the 520 added (ids are allocated in order from mutatedPartBase):
	// the generated parts and the first 20 added ones are cut.
	for i, p := range c.Parts.Parts {
		if want := strconv.FormatInt(mutatedPartBase+20+int64(i), 10); p.ID != want {
			t.Fatalf("part %d has id %s, want %s", i, p.ID, want)
		}
	}
}

func TestMutations_Contacts(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	byEmail := func(email string) map[string]any {
		return map[string]any{"query": map[string]any{"field": "email", "operator": "=", "value": email}}
	}

	// Create: listed and fetchable at once, searchable only after the creation delay.
	ch, err := f.ws.CreateContact(NewContact{Name: "Ada Lovelace", Email: "ada@analytical.engine", CustomAttributes: map[string]any{"plan": "Pro", "seats": 3}})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Topic != "contact.user.created" {
		t.Errorf("topic %q", ch.Topic)
	}
	mustStatus(t, f.get("/contacts/"+ch.ID), http.StatusOK)
	if first := decodePage(t, f.get("/contacts?per_page=1"), "data"); first.ids[0] != ch.ID {
		t.Errorf("new contact not first in the list")
	}
	if got := f.walkSearch("contacts", byEmail("ada@analytical.engine"), 50); len(got) != 0 {
		t.Errorf("contact search found a contact created just now: %v", got)
	}
	f.clock.Advance(DefaultContactSearchDelay + time.Second)
	if got := f.walkSearch("contacts", byEmail("ADA@analytical.engine"), 50); !slices.Equal(got, []string{ch.ID}) {
		t.Errorf("contact search after the delay: %v", got)
	}

	// Edit.
	target := f.ws.ContactIDs()[20]
	name := "Grace Hopper"
	email := "grace@navy.mil"
	up, err := f.ws.UpdateContact(target, ContactEdit{Name: &name, Email: &email, CustomAttributes: map[string]any{"beta_tester": true}})
	if err != nil {
		t.Fatal(err)
	}
	if up.Topic != "contact.email.updated" {
		t.Errorf("topic %q", up.Topic)
	}
	got := f.get("/contacts/" + target).json(t)
	if got["name"] != name || got["email"] != email || got["email_domain"] != "navy.mil" || got["custom_attributes"].(map[string]any)["beta_tester"] != true || int64(got["updated_at"].(float64)) != f.clock.Now().Unix() {
		t.Errorf("edited contact: %v", got)
	}
	if ids := f.walkSearch("contacts", byEmail(email), 50); !slices.Equal(ids, []string{target}) {
		t.Errorf("search by the new email: %v", ids)
	}
	if _, err := f.ws.UpdateContact(target, ContactEdit{CustomAttributes: map[string]any{"seats": "many"}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("wrong attribute type: %v", err)
	}
	if _, err := f.ws.UpdateContact(target, ContactEdit{CustomAttributes: map[string]any{"no such": 1}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown attribute: %v", err)
	}

	// Delete and archive: 404 and gone from list and search; unarchive brings it back.
	ids := f.ws.ContactIDs()
	deleted, archived := ids[30], ids[31]
	if _, err := f.ws.DeleteContact(deleted); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ws.ArchiveContact(archived); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{deleted, archived} {
		mustStatus(t, f.get("/contacts/"+id), http.StatusNotFound)
	}
	everyone := map[string]any{"query": map[string]any{"field": "role", "operator": "IN", "value": []string{"user", "lead"}}}
	listed := f.walkList("/contacts", "data", 150)
	searched := f.walkSearch("contacts", everyone, 150)
	for _, id := range []string{deleted, archived} {
		if slices.Contains(listed, id) || slices.Contains(searched, id) {
			t.Errorf("%s still listed or searchable", id)
		}
	}
	if _, err := f.ws.UnarchiveContact(archived); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, f.get("/contacts/"+archived), http.StatusOK)

	// Merge a lead into a user: 410 + Link, excluded from list and search, the user is updated.
	var lead, user string
	for _, id := range f.ws.ContactIDs() {
		role := f.get("/contacts/" + id).json(t)["role"]
		if role == "lead" && lead == "" {
			lead = id
		}
		if role == "user" && user == "" && id != ch.ID {
			user = id
		}
	}
	f.clock.Advance(time.Minute)
	if _, err := f.ws.MergeContact(user, lead); !errors.Is(err, ErrInvalid) {
		t.Errorf("merging a user into a lead: %v", err)
	}
	if _, err := f.ws.MergeContact(lead, user); err != nil {
		t.Fatal(err)
	}
	r := f.get("/contacts/" + lead)
	mustStatus(t, r, http.StatusGone)
	if link := r.header.Get("Link"); link != "</contacts/"+user+`>; rel="canonical"` {
		t.Errorf("Link %q", link)
	}
	if slices.Contains(f.walkList("/contacts", "data", 150), lead) || slices.Contains(f.walkSearch("contacts", everyone, 150), lead) {
		t.Error("merged lead still listed or searchable")
	}
	if u := f.get("/contacts/" + user).json(t); int64(u["updated_at"].(float64)) != f.clock.Now().Unix() {
		t.Errorf("merge target not updated: %v", u["updated_at"])
	}
	if _, ok := f.get("/contacts/" + user).json(t)["merge_history"]; ok {
		t.Error("merge_history without include_merge_history=true")
	}
	history := f.get("/contacts/" + user + "?include_merge_history=true").json(t)["merge_history"].([]any)
	last := history[len(history)-1].(map[string]any)
	if last["source_contact_id"] != lead || last["source_contact_role"] != "lead" || int64(last["merged_at"].(float64)) != f.clock.Now().Unix() {
		t.Errorf("merge_history: %v", history)
	}
}

func TestMutations_ConcurrentWithServing(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	wg.Go(func() {
		for range 40 {
			f.clock.Advance(time.Second)
			if _, err := f.ws.Simulate(1); err != nil {
				errs <- err
				return
			}
		}
	})
	for range 3 {
		f.walkList("/conversations", "conversations", 40)
		f.walkList("/contacts", "data", 40)
		f.walkSearch("conversations", updatedSince(0), 150)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	// After the dust settles, a full walk sees every live record exactly once.
	if got, want := f.walkList("/conversations", "conversations", 17), f.ws.ConversationIDs(); !slices.Equal(got, want) {
		t.Errorf("walk %d records, want %d", len(got), len(want))
	}
}

func TestSimulate_IsDeterministic(t *testing.T) {
	t.Parallel()
	run := func() []Change {
		clock := NewClock(time.Unix(EpochUnix+day, 0))
		ws := mustWorkspace(t, WorkspaceOptions{Seed: 9, Conversations: 80, Contacts: 40, Now: clock.Now})
		var all []Change
		for range 30 {
			clock.Advance(time.Minute)
			ch, err := ws.Simulate(1)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, ch...)
		}
		return all
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Fatal("Simulate differs between two identical runs")
	}
	topics := map[string]bool{}
	for _, c := range a {
		topics[c.Topic] = true
	}
	if len(topics) < 4 {
		t.Errorf("30 simulated changes cover only %v", topics)
	}
}

func TestWebhook_NotificationIsSignedAndShaped(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	id := f.ws.ConversationIDs()[0]
	ch, err := f.ws.Reply(id, Reply{Author: AuthorUser, Body: `<p>Refund &amp; <a href="https://x.io">link</a></p>`})
	if err != nil {
		t.Fatal(err)
	}
	var got *http.Request
	var gotBody []byte
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		gotBody, _ = io.ReadAll(r.Body)
	}))
	defer hook.Close()
	req, err := f.ws.WebhookRequest(context.Background(), hook.URL, "s3cret", ch)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mac := hmac.New(sha1.New, []byte("s3cret"))
	mac.Write(gotBody)
	if sig := got.Header.Get("X-Hub-Signature"); sig != "sha1="+hex.EncodeToString(mac.Sum(nil)) {
		t.Errorf("signature %q does not verify", sig)
	}
	if got.Header.Get("User-Agent") != "intercom-parrot-service-client/1.0" {
		t.Errorf("User-Agent %q", got.Header.Get("User-Agent"))
	}
	var n struct {
		Type  string `json:"type"`
		AppID string `json:"app_id"`
		ID    string `json:"id"`
		Topic string `json:"topic"`
		Data  struct {
			Type string          `json:"type"`
			Item json.RawMessage `json:"item"`
		} `json:"data"`
		CreatedAt int64 `json:"created_at"`
	}
	if err := json.Unmarshal(gotBody, &n); err != nil {
		t.Fatal(err)
	}
	if n.Type != "notification_event" || n.AppID != f.ws.App().IDCode || !strings.HasPrefix(n.ID, "notif_") || n.Topic != "conversation.user.replied" || n.Data.Type != "notification_event_data" || n.CreatedAt != ch.At.Unix() {
		t.Errorf("envelope: %s", gotBody)
	}
	// The item is the conversation with plain-text bodies (webhook payloads from 2.15).
	if !strings.Contains(string(n.Data.Item), `"body":"Refund & link (https://x.io)"`) || strings.Contains(string(n.Data.Item), "<p>") {
		t.Errorf("item bodies are not plain text: %.300s", n.Data.Item)
	}

	// A deleted conversation's notification carries only its identity.
	del, err := f.ws.DeleteConversation(id)
	if err != nil {
		t.Fatal(err)
	}
	body, err := f.ws.Notification(del)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"item":{"type":"conversation","id":"`+id+`"}`) {
		t.Errorf("deleted notification: %s", body)
	}
	again, _ := f.ws.Notification(del)
	if string(again) == string(body) {
		t.Error("two notifications share an id")
	}
}

// TestSimulate_ChangesTheRestOfTheWorkspaceToo: the random activity also renames teammates, creates tags and
// creates companies, now and then, and the lists show it.
func TestSimulate_ChangesTheRestOfTheWorkspaceToo(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Unix(EpochUnix+day, 0))
	ws := mustWorkspace(t, WorkspaceOptions{Seed: 3, Conversations: 80, Contacts: 40, Now: clock.Now})
	before := ws.Counts()
	kinds := map[string]int{}
	for range 1500 {
		clock.Advance(time.Minute)
		chs, err := ws.Simulate(1)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chs {
			kinds[c.Kind]++
		}
	}
	if kinds["admin"] == 0 || kinds["tag"] == 0 || kinds["company"] == 0 {
		t.Fatalf("changes by kind %v: want teammates, tags and companies among them", kinds)
	}
	after := ws.Counts()
	if after.Tags != before.Tags+kinds["tag"] || after.Companies != before.Companies+kinds["company"] || after.Admins != before.Admins {
		t.Errorf("counts %+v after %v from %+v", after, kinds, before)
	}
}
