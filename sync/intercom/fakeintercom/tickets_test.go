package fakeintercom

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// ticketTypeJSON is a ticket type as GET /ticket_types lists it, the fields the tests read.
type ticketTypeJSON struct {
	ID         string `json:"id"`
	Category   string `json:"category"`
	Attributes struct {
		Data []ticketAttrJSON `json:"data"`
	} `json:"ticket_type_attributes"`
	States struct {
		Data []struct {
			Category string `json:"category"`
		} `json:"data"`
	} `json:"ticket_states"`
}

type ticketAttrJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	DataType     string `json:"data_type"`
	InputOptions *struct {
		ListOptions []listOptionJSON `json:"list_options"`
	} `json:"input_options"`
}

type listOptionJSON struct {
	Label string `json:"label"`
}

// ticketOf fetches and decodes GET /tickets/{id}.
func (f *fake) ticketOf(id string) map[string]any {
	f.t.Helper()
	r := f.get("/tickets/" + id)
	mustStatus(f.t, r, http.StatusOK)
	return r.json(f.t)
}

// linkedIDs returns the ids of a record's linked objects of one type.
func linkedIDs(m map[string]any, typ string) []string {
	var out []string
	for _, l := range m["linked_objects"].(map[string]any)["data"].([]any) {
		if l := l.(map[string]any); l["type"] == typ {
			out = append(out, l["id"].(string))
		}
	}
	return out
}

func TestOpenAPI_TicketDriftFails(t *testing.T) {
	t.Parallel()
	spec := loadOpenAPI(t)
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	tk := f.get("/tickets/" + f.ws.TicketIDs()[0]).body
	art := f.get("/articles/" + f.ws.ArticleIDs()[0]).body
	tkSchema := spec.schemaFor(t, http.MethodGet, "/tickets/{ticket_id}", 200)
	artSchema := spec.schemaFor(t, http.MethodGet, "/articles/{article_id}", 200)
	for _, tc := range []struct {
		name   string
		body   []byte
		schema *openapi3.Schema
		edit   func(m map[string]any)
	}{
		{"unchanged ticket", tk, tkSchema, nil},
		{"unchanged article", art, artSchema, nil},
		{"ticket category outside its enum", tk, tkSchema, func(m map[string]any) { m["category"] = "Bug" }},
		{"ticket state category renamed", tk, tkSchema, func(m map[string]any) { rename(m["ticket_state"].(map[string]any), "category", "kind") }},
		{"ticket part state outside its enum", tk, tkSchema, func(m map[string]any) {
			m["ticket_parts"].(map[string]any)["ticket_parts"].([]any)[0].(map[string]any)["ticket_state"] = "closed"
		}},
		{"article state outside its enum", art, artSchema, func(m map[string]any) { m["state"] = "live" }},
		{"article parent_ids as strings", art, artSchema, func(m map[string]any) { m["parent_ids"] = []any{"1"} }},
	} {
		var m map[string]any
		if err := json.Unmarshal(tc.body, &m); err != nil {
			t.Fatal(err)
		}
		if tc.edit != nil {
			tc.edit(m)
		}
		b, _ := json.Marshal(m)
		err := spec.validate("GET", tc.name, 200, b, tc.schema)
		if (err == nil) != (tc.edit == nil) {
			t.Errorf("%s: validation error %v", tc.name, err)
		}
	}
}

func TestTickets_LinkedToConversationsBothWays(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Conversations: 400, Contacts: 100}, HandlerOptions{})
	ws := f.ws
	links := 0
	for _, id := range ws.TicketIDs() {
		tk := f.ticketOf(id)
		for _, conv := range linkedIDs(tk, "conversation") {
			links++
			c := f.get("/conversations/" + conv).json(t)
			if !slices.Contains(linkedIDs(c, "ticket"), id) {
				t.Errorf("ticket %s links conversation %s, which does not link it back", id, conv)
			}
			if tk["category"] == "Tracker" || len(tk["contacts"].(map[string]any)["contacts"].([]any)) == 0 {
				t.Errorf("linked ticket %s: %v, no contacts", id, tk["category"])
			}
		}
	}
	back := 0
	for _, conv := range ws.ConversationIDs() {
		c := f.get("/conversations/" + conv).json(t)
		for _, id := range linkedIDs(c, "ticket") {
			back++
			if !slices.Contains(linkedIDs(f.ticketOf(id), "conversation"), conv) {
				t.Errorf("conversation %s links ticket %s, which does not link it back", conv, id)
			}
		}
	}
	if links == 0 || links != back {
		t.Errorf("%d ticket->conversation links, %d conversation->ticket links", links, back)
	}

	// A ticket created on a conversation links both ways and moves the conversation's updated_at; deleting it
	// unlinks.
	conv := ws.ConversationIDs()[len(ws.ConversationIDs())-1]
	f.clock.Advance(time.Minute)
	ch := mustChange(t)(ws.CreateTicket(NewTicket{ConversationID: conv, Title: "Refund for the lamp"}))
	c := f.get("/conversations/" + conv).json(t)
	if !slices.Contains(linkedIDs(c, "ticket"), ch.ID) || c["updated_at"].(float64) != float64(ch.At.Unix()) || ws.ConversationIDs()[0] != conv {
		t.Errorf("conversation %s after a ticket was created on it: links %v, updated_at %v", conv, linkedIDs(c, "ticket"), c["updated_at"])
	}
	tk := f.ticketOf(ch.ID)
	if !slices.Equal(linkedIDs(tk, "conversation"), []string{conv}) || tk["ticket_attributes"].(map[string]any)[titleAttr] != "Refund for the lamp" {
		t.Errorf("created ticket %v", tk)
	}
	f.clock.Advance(time.Minute)
	mustChange(t)(ws.DeleteTicket(ch.ID))
	if c := f.get("/conversations/" + conv).json(t); slices.Contains(linkedIDs(c, "ticket"), ch.ID) {
		t.Error("a deleted ticket is still linked")
	}
	r := f.get("/tickets/" + ch.ID)
	if code, msg := r.errorCode(t); r.status != http.StatusNotFound || code != "ticket_not_found" || msg != "Ticket not found" {
		t.Errorf("a deleted ticket: %d %s %s", r.status, code, msg)
	}
}

func TestTickets_AttributesTypedAsTheirType(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Tickets: 120}, HandlerOptions{})
	var types struct {
		Data []ticketTypeJSON `json:"data"`
	}
	if err := json.Unmarshal(f.get("/ticket_types").body, &types); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tt := range types.Data {
		if len(tt.States.Data) != 4 {
			t.Errorf("type %s: %d states", tt.ID, len(tt.States.Data))
		}
		for _, a := range tt.Attributes.Data {
			seen[a.DataType] = true
			if a.DataType == "list" && (a.InputOptions == nil || len(a.InputOptions.ListOptions) == 0) {
				t.Errorf("list attribute %s without options", a.Name)
			}
		}
	}
	for _, dt := range []string{"string", "list", "integer", "decimal", "boolean", "datetime"} {
		if !seen[dt] {
			t.Errorf("no attribute of data_type %s", dt)
		}
	}
	for _, id := range f.ws.TicketIDs() {
		tk := f.ticketOf(id)
		typ := tk["ticket_type"].(map[string]any)["id"].(string)
		k := slices.IndexFunc(types.Data, func(x ticketTypeJSON) bool { return x.ID == typ })
		if k < 0 || tk["category"] != types.Data[k].Category {
			t.Fatalf("ticket %s: type %s, category %v", id, typ, tk["category"])
		}
		attrs := tk["ticket_attributes"].(map[string]any)
		if title, _ := attrs[titleAttr].(string); title == "" {
			t.Errorf("ticket %s without a title", id)
		}
		for name, v := range attrs {
			i := slices.IndexFunc(types.Data[k].Attributes.Data, func(a ticketAttrJSON) bool { return a.Name == name })
			if i < 0 {
				t.Errorf("ticket %s: attribute %q is not its type's", id, name)
				continue
			}
			a := types.Data[k].Attributes.Data[i]
			okType := false
			switch x := v.(type) {
			case string:
				okType = a.DataType == "string" || a.DataType == "list" && slices.ContainsFunc(a.InputOptions.ListOptions, func(o listOptionJSON) bool { return o.Label == x })
			case float64:
				okType = a.DataType == "decimal" || (a.DataType == "integer" || a.DataType == "datetime") && x == float64(int64(x))
			case bool:
				okType = a.DataType == "boolean"
			case nil:
				okType = name == descriptionAttr
			}
			if !okType {
				t.Errorf("ticket %s: %s (%s) = %v", id, name, a.DataType, v)
			}
		}
		open := tk["ticket_state"].(map[string]any)["category"] != "resolved"
		if tk["open"] != open {
			t.Errorf("ticket %s: open %v in state %v", id, tk["open"], tk["ticket_state"])
		}
	}
}

func TestTickets_SearchRules(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Conversations: 300, Contacts: 100, Tickets: 90}, HandlerOptions{})
	ws := f.ws
	all := f.walkSearch("tickets", body(q("created_at", ">", 0)), 13)
	if !slices.Equal(all, ws.TicketIDs()) || len(all) != ws.Counts().Tickets {
		t.Fatalf("search found %d tickets, the workspace has %d", len(all), ws.Counts().Tickets)
	}
	// updated_at > t: every ticket updated at or after t ("Greater (or equal) than"), nothing else.
	mid := int64(f.ticketOf(all[len(all)/2])["updated_at"].(float64))
	got := f.walkSearch("tickets", body(q("updated_at", ">", mid)), 7)
	var want []string
	for _, id := range all {
		if int64(f.ticketOf(id)["updated_at"].(float64)) >= mid {
			want = append(want, id)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("updated_at > %d: %d tickets, want %d", mid, len(got), len(want))
	}
	// Categories by their search terms; the category names are refused with the terms to use.
	requests := f.walkSearch("tickets", body(q("category", "=", "request")), 50)
	for _, id := range requests {
		if c := f.ticketOf(id)["category"]; c != "Customer" {
			t.Errorf("category = request found a %v ticket", c)
		}
	}
	if len(requests) == 0 {
		t.Error("no customer ticket")
	}
	r := f.search("tickets", body(q("category", "=", "Customer")))
	if code, msg := r.errorCode(t); r.status != http.StatusBadRequest || code != "parameter_invalid" || !strings.Contains(msg, "request") {
		t.Errorf("category = Customer: %d %s %s", r.status, code, msg)
	}
	// Ticket attributes by id, typed; created_at takes >= and <=, other dates do not.
	var severity, affected string
	for _, tt := range ws.ticketTypes {
		for _, a := range tt.attrs {
			switch a.name {
			case "Severity":
				severity = a.id
			case "Affected users":
				affected = a.id
			}
		}
	}
	crit := f.walkSearch("tickets", body(grp("AND", q("ticket_attribute."+severity, "=", "critical"), q("open", "=", true))), 50)
	for _, id := range crit {
		tk := f.ticketOf(id)
		if tk["ticket_attributes"].(map[string]any)["Severity"] != "Critical" || tk["open"] != true {
			t.Errorf("Severity = critical AND open found %v", tk["ticket_attributes"])
		}
	}
	for _, c := range []struct {
		name  string
		query any
		want  string
	}{
		{"an integer attribute with a string", q("ticket_attribute."+affected, "=", "many"), "not an integer"},
		{"an unknown attribute id", q("ticket_attribute.999999", "=", "x"), "not the id of a ticket type attribute"},
		{">= on updated_at", q("updated_at", ">=", 1), "not supported"},
		{"an unknown state", q("state", "=", "open"), "submitted"},
		{"an unknown field", q("source.body", "=", "refund"), "not a searchable ticket field"},
	} {
		r := f.search("tickets", body(c.query))
		if _, msg := r.errorCode(t); r.status != http.StatusBadRequest || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %s", c.name, r.status, msg)
		}
	}
	mustStatus(t, f.search("tickets", body(q("created_at", ">=", 1))), http.StatusOK)
	// Sort, and a cursor of another query is refused.
	asc := f.walkSearch("tickets", map[string]any{"query": q("created_at", ">", 0), "sort": map[string]any{"field": "created_at", "order": "ascending"}}, 20)
	prev := int64(0)
	for _, id := range asc {
		c := int64(f.ticketOf(id)["created_at"].(float64))
		if c < prev {
			t.Fatalf("sorted by created_at ascending: %d after %d", c, prev)
		}
		prev = c
	}
	p := decodePage(t, f.search("tickets", map[string]any{"query": q("open", "=", true), "pagination": map[string]any{"per_page": 2}}), "tickets")
	r = f.search("tickets", map[string]any{"query": q("open", "=", false), "pagination": map[string]any{"starting_after": p.next}})
	if r.status != http.StatusBadRequest {
		t.Errorf("another query's cursor: %d", r.status)
	}
}

func TestTickets_Mutations(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	ws := f.ws
	id := ws.TicketIDs()[len(ws.TicketIDs())-1]
	before := f.ticketOf(id)
	parts := len(before["ticket_parts"].(map[string]any)["ticket_parts"].([]any))
	target := "resolved"
	if before["ticket_state"].(map[string]any)["category"] == "resolved" {
		target = "in_progress"
	}
	f.clock.Advance(time.Minute)
	ch := mustChange(t)(ws.SetTicketState(id, target))
	after := f.ticketOf(id)
	ps := after["ticket_parts"].(map[string]any)["ticket_parts"].([]any)
	last := ps[len(ps)-1].(map[string]any)
	if ch.Topic != "ticket.state.updated" || len(ps) != parts+1 || last["part_type"] != "ticket_state_updated_by_admin" || last["ticket_state"] != target ||
		after["updated_at"].(float64) != float64(ch.At.Unix()) || after["open"] != (target != "resolved") || ws.TicketIDs()[0] != id {
		t.Errorf("after SetTicketState: %v %v", last, after["open"])
	}
	if _, err := ws.SetTicketState(id, target); err == nil {
		t.Error("setting the state a ticket is in succeeded")
	}
	f.clock.Advance(time.Minute)
	ch = mustChange(t)(ws.AddTicketPart(id, Reply{Author: AuthorAdmin, Body: "<p>Refund issued.</p>"}))
	ps = f.ticketOf(id)["ticket_parts"].(map[string]any)["ticket_parts"].([]any)
	if last := ps[len(ps)-1].(map[string]any); last["body"] != "<p>Refund issued.</p>" || last["part_type"] != "comment" || ch.Topic != "ticket.admin.replied" {
		t.Errorf("after AddTicketPart: %v", last)
	}
	created := mustChange(t)(ws.CreateTicket(NewTicket{TicketTypeID: ws.ticketTypes[0].id, Attributes: map[string]any{"Severity": "High", "Affected users": 12}}))
	tk := f.ticketOf(created.ID)
	if tk["category"] != "Tracker" || tk["ticket_attributes"].(map[string]any)["Affected users"] != float64(12) || tk["ticket_state"].(map[string]any)["category"] != "submitted" {
		t.Errorf("created ticket %v", tk)
	}
	n, err := ws.Notification(created)
	if err != nil || !strings.Contains(string(n), `"topic":"ticket.created"`) || !strings.Contains(string(n), `"id":"`+created.ID+`"`) {
		t.Errorf("notification %s, %v", n, err)
	}
	for _, bad := range []NewTicket{{TicketTypeID: "nope"}, {Attributes: map[string]any{"Severity": "High"}}, {Attributes: map[string]any{"Reason": "Bored"}}, {Attributes: map[string]any{"Refund amount": "lots"}}, {ContactID: "nope"}} {
		if _, err := ws.CreateTicket(bad); err == nil {
			t.Errorf("CreateTicket(%+v) succeeded", bad)
		}
	}
}

func TestSimulate_ChangesArticlesAndTickets(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	changes, err := f.ws.Simulate(1500)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, ch := range changes {
		kinds[ch.Kind]++
	}
	if kinds["article"] == 0 || kinds["ticket"] == 0 {
		t.Errorf("1500 simulated changes: %v", kinds)
	}
}
