package fakeintercom

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// undeclared lists, per component schema, the fields Intercom's own 2.16 examples show but the schema does not
// declare (api-notes §2, §3, §11.7). The fake emits the union of both, so these are allowed; any other property the
// schema does not declare is an error.
var undeclared = map[string][]string{
	"conversation":           {"topics", "ticket"},
	"conversation_list_item": {"topics", "ticket"},
	"contact": {"opted_out_subscription_types", "opted_in_subscription_types", "utm_campaign", "utm_content",
		"utm_medium", "utm_source", "utm_term", "referrer", "enabled_push_messaging"},
	"contact_location":        {"country_code", "continent_code"},
	"contact_tags":            {"type"},
	"contact_notes":           {"type"},
	"contact_companies":       {"type"},
	"contact_social_profiles": {"type"},
	"app":                     {"secure"},
	"starting_after_paging":   {"page"}, // pages.next is {page, starting_after} in Intercom's pagination docs
	"quick_reply_option":      {"translations"},
	// Tickets: every 2.16 example of a ticket type has is_internal, and its attributes as {type: list, data: [...]}
	// where the schema declares ticket_type_attributes.
	"ticket_type":                {"is_internal"},
	"ticket_type_attribute_list": {"data"},
	// GET /articles/{id} and article search answer schema article, an allOf of article_list_item and statistics.
	"article_list_item": {"statistics"},
}

// openAPI is the trimmed 2.16 description, relaxed and tightened for validating the fake's responses.
type openAPI struct {
	doc   *openapi3.T
	error *openapi3.Schema
}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("testdata/api.intercom.io-2.16.trimmed.yaml")
	if err != nil {
		t.Fatalf("load the 2.16 description: %v", err)
	}
	// The description does not pass strict OpenAPI validation (api-notes README), so it is not validated as a
	// document; it is used for its schemas.
	seen := map[*openapi3.Schema]bool{}
	for name, ref := range doc.Components.Schemas {
		relax(ref.Value, name, seen)
	}
	// The paths' inline schemas (allOf wrappers) too.
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, resp := range op.Responses.Map() {
				for _, mt := range resp.Value.Content {
					if mt.Schema != nil {
						relax(mt.Schema.Value, "", seen)
					}
				}
			}
		}
	}
	// Custom attribute values: the schema allows string, integer, datetime and object lists, but real workspaces
	// (and the spec's own examples, e.g. total_amount: 99.99) hold booleans and decimals as well.
	ca := doc.Components.Schemas["custom_attributes"].Value.AdditionalProperties.Schema.Value
	ca.AnyOf = append(ca.AnyOf, openapi3.NewBoolSchema().NewRef(), openapi3.NewFloat64Schema().NewRef())
	return &openAPI{doc: doc, error: doc.Components.Schemas["error"].Value}
}

// relax makes every schema nullable (the spec's own examples send null for fields it marks non-nullable) and
// tightens every object schema with declared properties to reject unknown ones, except the allow-listed fields.
// Formats (email, uri, uuid) are not checked: the description puts format: uri on fields such as a tag's type.
func relax(s *openapi3.Schema, name string, seen map[*openapi3.Schema]bool) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	s.Nullable = true
	// An allOf wrapper's own properties complement its branches', so only the branches are tightened (their
	// allow-lists name the wrapper's extra properties: contact.enabled_push_messaging, quick_reply_option.translations).
	if len(s.Properties) > 0 && len(s.AllOf) == 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
		no := false
		s.AdditionalProperties.Has = &no
		for _, extra := range undeclared[name] {
			if _, declared := s.Properties[extra]; !declared {
				s.Properties[extra] = openapi3.NewSchemaRef("", &openapi3.Schema{})
			}
		}
	}
	for _, p := range s.Properties {
		relax(p.Value, refName(p.Ref), seen)
	}
	if s.Items != nil {
		relax(s.Items.Value, refName(s.Items.Ref), seen)
	}
	if s.AdditionalProperties.Schema != nil {
		relax(s.AdditionalProperties.Schema.Value, refName(s.AdditionalProperties.Schema.Ref), seen)
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, r := range list {
			relax(r.Value, refName(r.Ref), seen)
		}
	}
}

func refName(ref string) string { return ref[strings.LastIndexByte(ref, '/')+1:] }

// schemaFor returns the schema the description declares for an operation's response with this status, or the
// error schema for an error status the operation does not document (429, injected 5xx, ...).
func (o *openAPI) schemaFor(t *testing.T, method, path string, status int) *openapi3.Schema {
	t.Helper()
	item := o.doc.Paths.Value(path)
	if item == nil {
		t.Fatalf("no path %s in the description", path)
	}
	op := item.GetOperation(method)
	if op == nil {
		t.Fatalf("no %s %s in the description", method, path)
	}
	if resp := op.Responses.Status(status); resp != nil {
		return resp.Value.Content.Get("application/json").Schema.Value
	}
	if status < 400 {
		t.Fatalf("%s %s: the description has no %d response", method, path, status)
	}
	return o.error
}

func (o *openAPI) validate(method, path string, status int, body []byte, schema *openapi3.Schema) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("%s %s %d: not JSON: %w", method, path, status, err)
	}
	if err := schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse()); err != nil {
		return fmt.Errorf("%s %s %d: %w", method, path, status, err)
	}
	return nil
}

// check validates a response against the description, failing the test with the validator's report.
func (o *openAPI) check(t *testing.T, method, specPath string, r response) {
	t.Helper()
	if err := o.validate(method, specPath, r.status, r.body, o.schemaFor(t, method, specPath, r.status)); err != nil {
		msg := err.Error()
		if len(msg) > 3000 {
			msg = msg[:3000] + "..."
		}
		t.Errorf("response does not match the 2.16 description:\n%s", msg)
	}
}

// TestOpenAPI_EveryEndpointValidates fetches every endpoint the fake serves (every conversation and contact of a
// workspace, every page, searches, and every error it answers) and validates each response against the 2.16
// description.
func TestOpenAPI_EveryEndpointValidates(t *testing.T) {
	t.Parallel()
	spec := loadOpenAPI(t)
	f := newFake(t, WorkspaceOptions{Conversations: 250, Contacts: 150}, HandlerOptions{})
	// Mutations add shapes the generator alone does not: new conversations without parts, bot replies, long threads.
	if _, err := f.ws.Simulate(40); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ws.AddParts(f.ws.ConversationIDs()[3], 510); err != nil {
		t.Fatal(err)
	}
	get := func(specPath, path string) response {
		t.Helper()
		r := f.get(path)
		spec.check(t, http.MethodGet, specPath, r)
		return r
	}
	post := func(specPath, path string, body any) response {
		t.Helper()
		r := f.search(strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/search"), body)
		spec.check(t, http.MethodPost, specPath, r)
		return r
	}

	get("/me", "/me")
	for _, id := range f.walkList("/conversations", "conversations", 150) {
		r := get("/conversations/{conversation_id}", "/conversations/"+id)
		mustStatus(t, r, http.StatusOK)
	}
	get("/conversations/{conversation_id}", "/conversations/"+f.ws.ConversationIDs()[0]+"?display_as=plaintext&include_monitors=true")
	for after := ""; ; {
		path := "/conversations?per_page=150"
		if after != "" {
			path += "&starting_after=" + url.QueryEscape(after)
		}
		p := decodePage(t, get("/conversations", path), "conversations")
		if after = p.next; after == "" {
			break
		}
	}
	for after := ""; ; {
		path := "/contacts?per_page=150"
		if after != "" {
			path += "&starting_after=" + url.QueryEscape(after)
		}
		p := decodePage(t, get("/contacts", path), "data")
		for _, id := range p.ids {
			get("/contacts/{contact_id}", "/contacts/"+id)
		}
		if after = p.next; after == "" {
			break
		}
	}
	get("/conversations/deleted", "/conversations/deleted?per_page=2")
	get("/conversations/deleted", "/conversations/deleted?per_page=60&page=99")
	post("/conversations/search", "/conversations/search", map[string]any{
		"query":      grp("AND", q("updated_at", ">", 0), grp("OR", q("state", "=", "open"), q("state", "=", "closed"))),
		"pagination": map[string]any{"per_page": 150},
	})
	post("/conversations/search", "/conversations/search", body(q("state", "=", "no such state")))
	post("/contacts/search", "/contacts/search", map[string]any{
		"query": q("created_at", ">", 0), "sort": map[string]any{"field": "name", "order": "ascending"},
		"pagination": map[string]any{"per_page": 150},
	})

	// Errors: every error body the fake sends is an error.list the description accepts.
	spec.check(t, http.MethodGet, "/conversations", f.do(http.MethodGet, "/conversations", "", "Authorization", "Bearer wrong"))
	spec.check(t, http.MethodGet, "/conversations/{conversation_id}", f.get("/conversations/1"))
	spec.check(t, http.MethodGet, "/contacts/{contact_id}", f.get("/contacts/nope"))
	spec.check(t, http.MethodGet, "/conversations/deleted", f.do(http.MethodGet, "/conversations/deleted", "", "Intercom-Version", "2.11"))
	spec.check(t, http.MethodGet, "/conversations", f.get("/conversations?per_page=0"))
	spec.check(t, http.MethodPost, "/conversations/search", f.search("conversations", body(q("state", ">", 1))))
	spec.check(t, http.MethodPost, "/contacts/search", f.search("contacts", map[string]any{"query": q("role", "=", "user"), "sort": map[string]any{"field": "name", "order": "desc"}}))
	for idx := range f.ws.nContacts {
		if h := f.ws.genContactHeader(idx); h.mergedInto >= 0 {
			r := f.get("/contacts/" + f.ws.contactID(idx, h.createdAt))
			mustStatus(t, r, http.StatusGone)
			spec.check(t, http.MethodGet, "/contacts/{contact_id}", r)
			canonical, err := f.ws.CanonicalContact(f.ws.contactID(idx, h.createdAt))
			if err != nil {
				t.Fatal(err)
			}
			r = get("/contacts/{contact_id}", "/contacts/"+canonical+"?include_merge_history=true")
			if !strings.Contains(string(r.body), `"merge_history":[{"type":"merge_history"`) {
				t.Errorf("no merge history on the merge target: %.200s", r.body)
			}
			break
		}
	}
	if err := f.h.FailNext(1, http.StatusServiceUnavailable); err != nil {
		t.Fatal(err)
	}
	spec.check(t, http.MethodGet, "/me", f.get("/me"))
	f.h.SetFaults(Faults{RateLimit: 1, RateWindow: time.Hour})
	f.get("/me")
	r := f.get("/contacts")
	mustStatus(t, r, http.StatusTooManyRequests)
	spec.check(t, http.MethodGet, "/contacts", r)
}

// TestOpenAPI_RenamedOrMistypedFieldsFail proves the validation above would catch drift: the fake's own responses
// with one field renamed or mistyped no longer validate.
func TestOpenAPI_RenamedOrMistypedFieldsFail(t *testing.T) {
	t.Parallel()
	spec := loadOpenAPI(t)
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	convID := f.ws.ConversationIDs()[0]
	conv := f.get("/conversations/" + convID).body
	contact := f.get("/contacts/" + f.ws.ContactIDs()[0]).body
	list := f.get("/conversations?per_page=2").body
	convSchema := spec.schemaFor(t, http.MethodGet, "/conversations/{conversation_id}", 200)
	contactSchema := spec.schemaFor(t, http.MethodGet, "/contacts/{contact_id}", 200)
	listSchema := spec.schemaFor(t, http.MethodGet, "/conversations", 200)

	for name, doc := range map[string]struct {
		body   []byte
		schema *openapi3.Schema
	}{"conversation": {conv, convSchema}, "contact": {contact, contactSchema}, "list": {list, listSchema}} {
		if err := spec.validate("GET", name, 200, doc.body, doc.schema); err != nil {
			t.Fatalf("the unmodified %s does not validate: %v", name, err)
		}
	}

	for _, tc := range []struct {
		name   string
		body   []byte
		schema *openapi3.Schema
		edit   func(m map[string]any)
	}{
		{"conversation created_at renamed", conv, convSchema, func(m map[string]any) { rename(m, "created_at", "created_on") }},
		{"conversation state mistyped", conv, convSchema, func(m map[string]any) { m["state"] = 5 }},
		{"conversation state outside its enum", conv, convSchema, func(m map[string]any) { m["state"] = "pending" }},
		{"source author email renamed", conv, convSchema, func(m map[string]any) {
			rename(m["source"].(map[string]any)["author"].(map[string]any), "email", "e_mail")
		}},
		{"part type renamed", conv, convSchema, func(m map[string]any) {
			part := m["conversation_parts"].(map[string]any)["conversation_parts"].([]any)[0].(map[string]any)
			rename(part, "part_type", "kind")
		}},
		{"part created_at as a string", conv, convSchema, func(m map[string]any) {
			part := m["conversation_parts"].(map[string]any)["conversation_parts"].([]any)[0].(map[string]any)
			part["created_at"] = strconv.Itoa(int(part["created_at"].(float64)))
		}},
		{"parts list type wrong", conv, convSchema, func(m map[string]any) { m["conversation_parts"].(map[string]any)["type"] = "part.list" }},
		{"contact email_domain renamed", contact, contactSchema, func(m map[string]any) { rename(m, "email_domain", "emailDomain") }},
		{"contact location city renamed", contact, contactSchema, func(m map[string]any) { rename(m["location"].(map[string]any), "city", "town") }},
		{"contact has_hard_bounced mistyped", contact, contactSchema, func(m map[string]any) { m["has_hard_bounced"] = "no" }},
		{"list type wrong", list, listSchema, func(m map[string]any) { m["type"] = "list" }},
		{"list items key renamed", list, listSchema, func(m map[string]any) { rename(m, "conversations", "data") }},
		{"pages next cursor renamed", list, listSchema, func(m map[string]any) {
			rename(m["pages"].(map[string]any)["next"].(map[string]any), "starting_after", "startingAfter")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(tc.body, &m); err != nil {
				t.Fatal(err)
			}
			tc.edit(m)
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := spec.validate("GET", tc.name, 200, b, tc.schema); err == nil {
				t.Errorf("the edited response still validates")
			}
		})
	}
}

func rename(m map[string]any, from, to string) {
	v, ok := m[from]
	if !ok {
		panic("no field " + from)
	}
	delete(m, from)
	m[to] = v
}

func TestOpenAPI_AllowListIsNeeded(t *testing.T) {
	t.Parallel()
	// Every allow-listed undeclared field is one the fake emits: the list documents real drift between the spec's
	// schemas and its examples, not leftovers.
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	all := string(f.get("/conversations/"+f.ws.ConversationIDs()[0]).body) + string(f.get("/contacts?per_page=2").body) + string(f.get("/me").body) +
		string(f.get("/ticket_types").body) + string(f.get("/articles/"+f.ws.ArticleIDs()[0]).body)
	var names []string
	for schema, fields := range undeclared {
		if schema == "quick_reply_option" {
			continue // only on bot quick replies, checked by the validation of every conversation
		}
		for _, field := range fields {
			if !strings.Contains(all, `"`+field+`":`) {
				names = append(names, schema+"."+field)
			}
		}
	}
	slices.Sort(names)
	if len(names) > 0 {
		t.Errorf("allow-listed but never emitted: %v", names)
	}
}
