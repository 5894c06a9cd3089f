package fakeintercom

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"
)

// authorJSON is a message's author as the history test reads it.
type authorJSON struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// convAuthors is what the history test reads of a conversation: who wrote its opening message and its parts.
type convAuthors struct {
	UpdatedAt int64 `json:"updated_at"`
	Source    struct {
		Author authorJSON `json:"author"`
	} `json:"source"`
	Parts struct {
		Parts []struct {
			Author authorJSON `json:"author"`
		} `json:"conversation_parts"`
	} `json:"conversation_parts"`
}

// snapshot is everything the API serves about conversations: each GET body, the full list page, and search pages.
type snapshot struct {
	get                     map[string]string
	list, search, byOldMail string
}

func (f *fake) snapshotConversations(oldEmail string) snapshot {
	f.t.Helper()
	s := snapshot{get: map[string]string{}}
	for _, id := range f.ws.ConversationIDs() {
		r := f.get("/conversations/" + id)
		mustStatus(f.t, r, http.StatusOK)
		s.get[id] = string(r.body)
	}
	r := f.get("/conversations?per_page=150")
	mustStatus(f.t, r, http.StatusOK)
	s.list = string(r.body)
	all := updatedSince(0)
	all["pagination"] = map[string]any{"per_page": 150}
	r = f.search("conversations", all)
	mustStatus(f.t, r, http.StatusOK)
	s.search = string(r.body)
	r = f.search("conversations", map[string]any{
		"query":      map[string]any{"field": "source.author.email", "operator": "=", "value": oldEmail},
		"pagination": map[string]any{"per_page": 150},
	})
	mustStatus(f.t, r, http.StatusOK)
	s.byOldMail = string(r.body)
	return s
}

// TestMutations_ContactEditsNeverRewriteConversations checks that a conversation's past is fixed: renaming a contact,
// changing its email or merging a lead into it changes the contact, not what its existing conversations serve (a
// syncer could not see such a change, since their updated_at does not move), while a reply written afterwards shows
// the contact's new name and email and moves updated_at.
func TestMutations_ContactEditsNeverRewriteConversations(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})

	// The named user who opened the most conversations, and a listed lead who opened one.
	listed := f.ws.ContactIDs()
	opened := map[string][]string{}
	var target, lead, oldName, oldEmail string
	for id, body := range f.ws.Conversations() {
		var c convAuthors
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatal(err)
		}
		a := c.Source.Author
		switch {
		case a.Type == "user" && a.Name != "" && a.Email != "":
			opened[a.ID] = append(opened[a.ID], id)
			if len(opened[a.ID]) > len(opened[target]) {
				target, oldName, oldEmail = a.ID, a.Name, a.Email
			}
		case a.Type == "lead" && lead == "" && slices.Contains(listed, a.ID):
			lead = a.ID
		}
	}
	if len(opened[target]) < 2 || lead == "" {
		t.Fatalf("workspace too small for the test: user %s opened %d conversations, lead %q", target, len(opened[target]), lead)
	}
	before := f.snapshotConversations(oldEmail)

	f.clock.Advance(time.Hour)
	newName, newEmail := "Zebedee Quillfeather", "zebedee@renamed.example"
	if _, err := f.ws.UpdateContact(target, ContactEdit{Name: &newName, Email: &newEmail}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ws.MergeContact(lead, target); err != nil {
		t.Fatal(err)
	}
	if got := f.get("/contacts/" + target).json(t); got["name"] != newName || got["email"] != newEmail {
		t.Fatalf("the edit did not take: %v %v", got["name"], got["email"])
	}

	after := f.snapshotConversations(oldEmail)
	for _, id := range slices.Sorted(maps.Keys(before.get)) {
		if after.get[id] != before.get[id] {
			t.Errorf("GET /conversations/%s changed after a contact edit, with updated_at unchanged", id)
		}
	}
	if after.list != before.list {
		t.Error("GET /conversations changed after a contact edit")
	}
	if after.search != before.search {
		t.Error("conversation search changed after a contact edit")
	}
	if after.byOldMail != before.byOldMail {
		t.Error("search by the old source.author.email changed after a contact edit")
	}

	// A reply written after the edit is written by the contact as it is now.
	f.clock.Advance(time.Minute)
	now := f.clock.Now().Unix()
	replied := opened[target][0]
	if _, err := f.ws.Reply(replied, Reply{Author: AuthorUser, Body: "<p>Still waiting on that refund.</p>"}); err != nil {
		t.Fatal(err)
	}
	r := f.get("/conversations/" + replied)
	mustStatus(t, r, http.StatusOK)
	var c convAuthors
	if err := json.Unmarshal(r.body, &c); err != nil {
		t.Fatal(err)
	}
	last := c.Parts.Parts[len(c.Parts.Parts)-1].Author
	if c.UpdatedAt != now || last.ID != target || last.Name != newName || last.Email != newEmail {
		t.Errorf("reply after the edit: updated_at %d (want %d), author %+v", c.UpdatedAt, now, last)
	}
	if c.Source.Author.Name != oldName || c.Source.Author.Email != oldEmail {
		t.Errorf("the opening message's author became %+v, want %q <%s> as written", c.Source.Author, oldName, oldEmail)
	}
}
