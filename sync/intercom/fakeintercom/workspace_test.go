package fakeintercom

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

func mustWorkspace(t testing.TB, opts WorkspaceOptions) *Workspace {
	t.Helper()
	ws, err := NewWorkspace(opts)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// everything renders a whole workspace as the API shows it: every conversation and contact, the deleted list.
func everything(t *testing.T, ws *Workspace) []byte {
	t.Helper()
	var b bytes.Buffer
	for id, body := range ws.Conversations() {
		b.WriteString(id)
		b.Write(body)
	}
	for id, body := range ws.Contacts() {
		b.WriteString(id)
		b.Write(body)
	}
	b.WriteString(strings.Join(ws.ConversationIDs(), ","))
	b.WriteString(strings.Join(ws.DeletedConversationIDs(), ","))
	b.WriteString(strings.Join(ws.ContactIDs(), ","))
	b.Write(ws.renderMe(nil))
	return b.Bytes()
}

func TestWorkspace_SameSeedSameBytesDifferentSeedDifferentBytes(t *testing.T) {
	t.Parallel()
	opts := WorkspaceOptions{Seed: 42, Conversations: 150, Contacts: 90}
	a := everything(t, mustWorkspace(t, opts))
	b := everything(t, mustWorkspace(t, opts))
	if !bytes.Equal(a, b) {
		t.Fatal("two workspaces from the same seed and sizes differ")
	}
	opts.Seed = 43
	c := everything(t, mustWorkspace(t, opts))
	if bytes.Equal(a, c) {
		t.Fatal("seeds 42 and 43 give the same workspace")
	}

	// Served responses are byte-identical too (request ids aside, which only error bodies carry).
	f1 := newFake(t, WorkspaceOptions{Seed: 42, Conversations: 150, Contacts: 90}, HandlerOptions{})
	f2 := newFake(t, WorkspaceOptions{Seed: 42, Conversations: 150, Contacts: 90}, HandlerOptions{})
	for _, path := range []string{"/conversations?per_page=150", "/contacts?per_page=150", "/me", "/conversations/deleted"} {
		if x, y := f1.get(path), f2.get(path); x.status != 200 || !bytes.Equal(x.body, y.body) {
			t.Errorf("%s differs between two fakes of the same seed", path)
		}
	}
}

func TestWorkspace_GenerationNeverReadsTheClock(t *testing.T) {
	t.Parallel()
	ws := mustWorkspace(t, WorkspaceOptions{Seed: 1, Conversations: 60, Contacts: 40, Now: func() time.Time {
		panic("the clock was read while generating")
	}})
	if n := len(everything(t, ws)); n == 0 {
		t.Fatal("empty workspace")
	}
	// Serving conversations reads only the handler's clock (rate-limit windows), not the workspace's.
	srv := httptest.NewServer(NewHandler(ws, HandlerOptions{Now: time.Now, Token: "t"}))
	defer srv.Close()
	for _, path := range []string{"/conversations", "/conversations/" + ws.ConversationIDs()[0], "/contacts"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer t")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
}

func TestWorkspace_EmptyAndInvalidSizes(t *testing.T) {
	t.Parallel()
	ws := mustWorkspace(t, WorkspaceOptions{Seed: 1})
	// No records; the workspace-wide entities exist whatever the size (8 teammates, 4 teams, the tags, the
	// segments, at least 5 companies, the help centers with their collections and the ticket types).
	if c := ws.Counts(); c != (Counts{Admins: 8, Teams: 4, Tags: len(tagNames), Segments: len(segmentDefs), Companies: 5,
		Collections: len(collectionDefs), HelpCenters: len(helpCenterDefs), TicketTypes: len(ticketTypeDefs)}) {
		t.Errorf("empty workspace counts %+v", c)
	}
	for _, opts := range []WorkspaceOptions{{Conversations: -1}, {Conversations: 5}, {Contacts: 1 << 24}, {Articles: -1}, {Tickets: -1}, {Tickets: 5}} {
		if _, err := NewWorkspace(opts); err == nil {
			t.Errorf("NewWorkspace(%+v) succeeded", opts)
		}
	}
}

func TestWorkspace_MillionConversationsIsCheapToCreate(t *testing.T) {
	start := time.Now()
	ws := mustWorkspace(t, WorkspaceOptions{Seed: 1, Conversations: 1_000_000, Contacts: 200_000})
	// The last record is reachable without generating the others.
	id := conversationID(999_999)
	if _, err := ws.ConversationJSON(id); err != nil && !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second { // generous: creating is constant time, this only catches eager generation
		t.Errorf("creating a 1M workspace and reading one record took %v", time.Since(start))
	}
}

// TestWorkspace_ContentIsRealistic checks the generated data has the variety the replica's tests need.
func TestWorkspace_ContentIsRealistic(t *testing.T) {
	t.Parallel()
	ws := mustWorkspace(t, WorkspaceOptions{Seed: 3, Conversations: 600, Contacts: 300})
	type part struct {
		PartType string  `json:"part_type"`
		Body     *string `json:"body"`
		Author   struct {
			Type string `json:"type"`
		} `json:"author"`
		Attachments []json.RawMessage `json:"attachments"`
		CreatedAt   int64             `json:"created_at"`
	}
	var conv struct {
		CreatedAt int64 `json:"created_at"`
		UpdatedAt int64 `json:"updated_at"`
		State     string
		Source    struct {
			Type   string `json:"type"`
			Body   string `json:"body"`
			Author struct {
				Type string `json:"type"`
			} `json:"author"`
		} `json:"source"`
		CustomAttributes map[string]any `json:"custom_attributes"`
		Rating           *struct {
			Rating int `json:"rating"`
		} `json:"conversation_rating"`
		Parts struct {
			Parts []part `json:"conversation_parts"`
		} `json:"conversation_parts"`
	}
	seen := map[string]bool{}
	var all strings.Builder
	for id, body := range ws.Conversations() {
		conv.Parts.Parts = nil
		conv.CustomAttributes = nil
		conv.Rating = nil
		if err := json.Unmarshal(body, &conv); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if n := len(conv.Parts.Parts); n < 1 || n > 50 {
			t.Errorf("%s has %d parts", id, n)
		}
		if conv.CreatedAt < EpochUnix-historyLen || conv.UpdatedAt > EpochUnix || conv.UpdatedAt < conv.CreatedAt {
			t.Errorf("%s: created %d updated %d outside the three years before the epoch", id, conv.CreatedAt, conv.UpdatedAt)
		}
		seen["source:"+conv.Source.Type] = true
		seen["state:"+conv.State] = true
		seen["source author:"+conv.Source.Author.Type] = true
		all.WriteString(conv.Source.Body)
		last := conv.CreatedAt
		for _, p := range conv.Parts.Parts {
			seen["part:"+p.PartType] = true
			seen["author:"+p.Author.Type] = true
			if len(p.Attachments) > 0 {
				seen["attachment"] = true
			}
			if p.CreatedAt < last {
				t.Errorf("%s: parts out of order", id)
			}
			last = p.CreatedAt
			switch p.PartType {
			case "comment", "note":
				if p.Body == nil || !strings.HasPrefix(*p.Body, "<p>") {
					t.Errorf("%s: %s part without an HTML body", id, p.PartType)
				} else {
					all.WriteString(*p.Body)
				}
			case "assignment", "open", "snoozed", "custom_action_started", "custom_action_finished", "conversation_attribute_updated_by_admin", "quick_reply":
				if p.Body != nil {
					t.Errorf("%s: %s part has a body", id, p.PartType)
				}
			}
		}
		for k, v := range conv.CustomAttributes {
			if strings.Contains(k, " ") {
				seen["attribute with space"] = true
			}
			switch v.(type) {
			case string:
				seen["attribute string"] = true
			case float64:
				seen["attribute number"] = true
			case bool:
				seen["attribute bool"] = true
			}
		}
		if conv.Rating != nil {
			seen["rating"] = true
		}
	}
	for _, want := range []string{
		"source:conversation", "source:email", "source:whatsapp", "source:sms", "source:facebook", "source:instagram",
		"source:twitter", "source:phone_call", "state:open", "state:closed", "state:snoozed",
		"source author:user", "source author:lead", "source author:admin",
		"part:comment", "part:note", "part:assignment", "part:close", "part:open", "part:snoozed",
		"author:admin", "author:user", "author:lead", "author:bot", "attachment",
		"attribute with space", "attribute string", "attribute number", "attribute bool", "rating",
	} {
		if !seen[want] {
			t.Errorf("600 conversations have no %s", want)
		}
	}
	text := all.String()
	for _, phrase := range []string{"double charged", "refund request", "credit card", "<br>", `<a href="https://`, "&amp;", "recieve"} {
		if !strings.Contains(text, phrase) {
			t.Errorf("no message contains %q", phrase)
		}
	}
	if regexp.MustCompile(`(?i)lorem|ipsum`).MatchString(text) {
		t.Error("lorem ipsum in the corpus")
	}
	if !regexp.MustCompile(`(A-\d{5}|#\d{6}|ORD-\d{4}-\d{4})`).MatchString(text) {
		t.Error("no order ids in the text")
	}

	// Contacts: users and leads, many email domains (a few dominant), locations, companies.
	domains := map[string]int{}
	roles := map[string]int{}
	withCompany, withLocation := 0, 0
	for _, body := range ws.Contacts() {
		var c struct {
			Role        string  `json:"role"`
			EmailDomain *string `json:"email_domain"`
			Location    struct {
				City *string `json:"city"`
			} `json:"location"`
			Companies struct {
				Total int `json:"total_count"`
			} `json:"companies"`
		}
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatal(err)
		}
		roles[c.Role]++
		if c.EmailDomain != nil {
			domains[*c.EmailDomain]++
		}
		if c.Companies.Total > 0 {
			withCompany++
		}
		if c.Location.City != nil {
			withLocation++
		}
	}
	if roles["user"] == 0 || roles["lead"] == 0 {
		t.Errorf("roles %v", roles)
	}
	if len(domains) < 15 || domains["gmail.com"] < 10 {
		t.Errorf("email domains %v", domains)
	}
	if withCompany == 0 || withLocation == 0 {
		t.Errorf("contacts with companies %d, with locations %d", withCompany, withLocation)
	}
}

func TestWorkspace_HTMLToTextAndWords(t *testing.T) {
	t.Parallel()
	html := `<p>Hi Emma,</p><p>Refund of $49.99 to the card ending 4242 &amp; order <a href="https://x.io/a?b=1&amp;c=2">Returns</a>.<br>Thanks</p>`
	want := "Hi Emma,\n\nRefund of $49.99 to the card ending 4242 & order Returns (https://x.io/a?b=1&c=2).\nThanks"
	if got := htmlToText(html); got != want {
		t.Errorf("htmlToText:\n got %q\nwant %q", got, want)
	}
	if got := strings.Join(words("I need SUPPORT, please! Order A-10492."), "|"); got != "i|need|support|please|order|a-10492" {
		t.Errorf("words: %q", got)
	}
}

// renderMe appends GET /me for the workspace's own token: its first admin with the embedded app.
func (ws *Workspace) renderMe(b []byte) []byte { return ws.renderMeOf(b, &ws.admins[0]) }
