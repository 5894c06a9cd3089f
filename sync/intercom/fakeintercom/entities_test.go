package fakeintercom

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// itemIDs decodes the ids of a list body's items under key.
func itemIDs(t *testing.T, r response, key string) []string {
	t.Helper()
	mustStatus(t, r, http.StatusOK)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatal(err)
	}
	var items []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(m[key], &items); err != nil {
		t.Fatalf("items %s of %.300s: %v", key, r.body, err)
	}
	ids := make([]string, len(items))
	for i, x := range items {
		ids[i] = x.ID
	}
	return ids
}

// scrollAll walks GET /companies/scroll to its empty page and returns every id.
func (f *fake) scrollAll() []string {
	f.t.Helper()
	var all []string
	param := ""
	for range 10000 {
		path := "/companies/scroll"
		if param != "" {
			path += "?scroll_param=" + param
		}
		r := f.get(path)
		ids := itemIDs(f.t, r, "data")
		param, _ = r.json(f.t)["scroll_param"].(string)
		if len(ids) == 0 {
			return all
		}
		all = append(all, ids...)
	}
	f.t.Fatal("scroll never ends")
	return nil
}

func TestOpenAPI_WorkspaceEndpointsValidate(t *testing.T) {
	t.Parallel()
	spec := loadOpenAPI(t)
	f := newFake(t, WorkspaceOptions{Contacts: 300, Companies: 40}, HandlerOptions{})
	if _, err := f.ws.CreateCompany(NewCompany{Name: "Bare Ltd"}); err != nil { // no plan, no website
		t.Fatal(err)
	}
	get := func(specPath, path string) response {
		t.Helper()
		r := f.get(path)
		spec.check(t, http.MethodGet, specPath, r)
		return r
	}
	mustStatus(t, get("/admins", "/admins"), http.StatusOK)
	for _, id := range f.ws.AdminIDs() {
		mustStatus(t, get("/admins/{admin_id}", "/admins/"+id), http.StatusOK)
	}
	for _, id := range itemIDs(t, get("/teams", "/teams"), "teams") {
		mustStatus(t, get("/teams/{team_id}", "/teams/"+id), http.StatusOK)
	}
	get("/tags", "/tags")
	get("/segments", "/segments")
	for _, id := range itemIDs(t, get("/segments", "/segments?include_count=true"), "segments") {
		mustStatus(t, get("/segments/{segment_id}", "/segments/"+id), http.StatusOK)
	}
	for page := 1; page <= 3; page++ {
		get("/companies", "/companies?per_page=20&page="+strconv.Itoa(page))
	}
	get("/companies", "/companies?company_id=comp_1003")
	for _, id := range f.ws.CompanyIDs() {
		get("/companies/{company_id}", "/companies/"+id)
		get("/companies/{company_id}/contacts", "/companies/"+id+"/contacts")
		get("/companies/{company_id}/segments", "/companies/"+id+"/segments")
	}
	get("/companies/scroll", "/companies/scroll")
	// Errors.
	for _, tc := range []struct{ spec, path string }{
		{"/admins/{admin_id}", "/admins/1"}, {"/teams/{team_id}", "/teams/1"}, {"/segments/{segment_id}", "/segments/x"},
		{"/companies/{company_id}", "/companies/nope"}, {"/companies", "/companies?company_id=nope"},
		{"/companies/{company_id}/contacts", "/companies/nope/contacts"}, {"/companies/scroll", "/companies/scroll"},
		{"/companies", "/companies?page=0"},
	} {
		r := get(tc.spec, tc.path)
		if r.status < 400 {
			t.Errorf("%s: status %d, want an error", tc.path, r.status)
		}
	}
}

func TestWorkspaceEntities_ErrorsNameTheProblem(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	for _, tc := range []struct {
		path   string
		status int
		code   string
	}{
		{"/admins/1", 404, "admin_not_found"},
		{"/teams/1", 404, "team_not_found"},
		{"/segments/1", 404, "not_found"},
		{"/companies/1", 404, "company_not_found"},
		{"/companies/1/contacts", 404, "company_not_found"},
		{"/companies/1/segments", 404, "company_not_found"},
		{"/companies?company_id=none", 404, "company_not_found"},
		{"/companies?per_page=x", 400, "parameter_invalid"},
		{"/companies?page=-1", 400, "parameter_invalid"},
		{"/segments?include_count=yes", 400, "parameter_invalid"},
		{"/companies/scroll?scroll_param=made-up", 400, "parameter_invalid"},
	} {
		r := f.get(tc.path)
		mustStatus(t, r, tc.status)
		if code, _ := r.errorCode(t); code != tc.code {
			t.Errorf("%s: code %s, want %s", tc.path, code, tc.code)
		}
	}
}

// TestCompanies_ListPagesAndScrollAgree: page-numbered list and scroll both return every live company exactly once,
// and their count is the workspace's.
func TestCompanies_ListPagesAndScrollAgree(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Contacts: 200, Companies: 123}, HandlerOptions{})
	var listed []string
	for page := 1; ; page++ {
		r := f.get("/companies?per_page=10&page=" + strconv.Itoa(page))
		ids := itemIDs(t, r, "data")
		if len(ids) == 0 {
			break
		}
		listed = append(listed, ids...)
		if page > 50 {
			t.Fatal("list never ends")
		}
	}
	scrolled := f.scrollAll()
	want := f.ws.CompanyIDs()
	if len(want) != 123 || f.ws.Counts().Companies != 123 {
		t.Fatalf("workspace has %d companies (counts %d), want 123", len(want), f.ws.Counts().Companies)
	}
	if !slices.Equal(listed, want) {
		t.Errorf("GET /companies pages gave %d ids, want %d in list order", len(listed), len(want))
	}
	slices.Sort(scrolled)
	sorted := slices.Sorted(slices.Values(want))
	if !slices.Equal(scrolled, sorted) {
		t.Errorf("scroll gave %d ids (unique and complete: %v), want %d", len(scrolled), slices.Equal(slices.Compact(slices.Clone(scrolled)), sorted), len(sorted))
	}
}

func TestCompanies_ListStopsAt10000(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Contacts: 100, Companies: 10_050}, HandlerOptions{})
	r := f.get("/companies?per_page=50&page=200")
	m := r.json(t)
	if n := len(itemIDs(t, r, "data")); n != 50 || m["total_count"].(float64) != 10_050 || m["pages"].(map[string]any)["total_pages"].(float64) != 200 {
		t.Errorf("page 200: %d companies, total_count %v, pages %v", n, m["total_count"], m["pages"])
	}
	if m["pages"].(map[string]any)["next"] != nil {
		t.Errorf("page 200 of 10,000 reachable companies has a next page: %v", m["pages"])
	}
	r = f.get("/companies?per_page=50&page=201")
	mustStatus(t, r, http.StatusBadRequest)
	if _, msg := r.errorCode(t); !strings.Contains(msg, "/companies/scroll") {
		t.Errorf("the 10,000 limit error does not point to the scroll: %s", msg)
	}
}

func TestCompanies_ScrollRules(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Contacts: 100, Companies: 120}, HandlerOptions{})
	first := f.get("/companies/scroll")
	param := first.json(t)["scroll_param"].(string)
	// One scroll per app.
	r := f.get("/companies/scroll")
	mustStatus(t, r, http.StatusBadRequest)
	if _, msg := r.errorCode(t); msg != "scroll already exists for this app" {
		t.Errorf("second scroll: %s", msg)
	}
	// Used within the minute, it lives on.
	f.clock.Advance(59 * time.Second)
	if ids := itemIDs(t, f.get("/companies/scroll?scroll_param="+param), "data"); len(ids) != scrollPageSize {
		t.Fatalf("second page has %d companies", len(ids))
	}
	// Unused for a minute, it expires; a new scroll may start.
	f.clock.Advance(60 * time.Second)
	r = f.get("/companies/scroll?scroll_param=" + param)
	mustStatus(t, r, http.StatusBadRequest)
	if _, msg := r.errorCode(t); !strings.Contains(msg, "expired") {
		t.Errorf("expired scroll: %s", msg)
	}
	all := f.scrollAll()
	if len(all) != 120 {
		t.Errorf("a fresh scroll saw %d companies, want 120", len(all))
	}
	// The empty page closed the scroll: another can start at once.
	mustStatus(t, f.get("/companies/scroll"), http.StatusOK)
}

func TestCompanies_MutationsShowEverywhere(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Contacts: 200, Companies: 20}, HandlerOptions{})
	id := f.ws.CompanyIDs()[0]
	before := f.get("/companies/" + id).json(t)
	f.clock.Advance(time.Hour)
	if _, err := f.ws.SetCompanyPlan(id, "Enterprise Plus"); err != nil {
		t.Fatal(err)
	}
	after := f.get("/companies/" + id).json(t)
	if after["plan"].(map[string]any)["name"] != "Enterprise Plus" || after["updated_at"].(float64) <= before["updated_at"].(float64) {
		t.Errorf("plan change: plan %v updated_at %v (was %v)", after["plan"], after["updated_at"], before["updated_at"])
	}
	ch, err := f.ws.CreateCompany(NewCompany{Name: "Newco", CompanyID: "newco-1", Plan: "Pro"})
	if err != nil {
		t.Fatal(err)
	}
	mustStatus(t, f.get("/companies/"+ch.ID), http.StatusOK)
	if ids := itemIDs(t, f.get("/companies?company_id=newco-1"), "data"); !slices.Equal(ids, []string{ch.ID}) {
		t.Errorf("by company_id: %v", ids)
	}
	if n := f.ws.Counts().Companies; n != 21 {
		t.Errorf("after a creation: %d companies, want 21", n)
	}
	// Delete a company some contact belongs to: 404, gone from lists and from the contact.
	var victim, member string
	for _, cid := range f.ws.CompanyIDs() {
		if ids := itemIDs(t, f.get("/companies/"+cid+"/contacts"), "data"); len(ids) > 0 {
			victim, member = cid, ids[0]
			break
		}
	}
	if victim == "" {
		t.Fatal("no company has contacts")
	}
	if !strings.Contains(string(f.get("/contacts/"+member).body), `"id":"`+victim+`","type":"company"`) {
		t.Fatalf("contact %s does not name its company %s", member, victim)
	}
	if _, err := f.ws.DeleteCompany(victim); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, f.get("/companies/"+victim), http.StatusNotFound)
	if slices.Contains(f.ws.CompanyIDs(), victim) || f.ws.Counts().Companies != 20 {
		t.Errorf("deleted company still listed")
	}
	if strings.Contains(string(f.get("/contacts/"+member).body), victim) {
		t.Errorf("contact %s still names deleted company %s", member, victim)
	}
	if _, err := f.ws.DeleteCompany(victim); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
	if b, err := f.ws.Notification(ch); err != nil || !strings.Contains(string(b), `"topic":"company.created"`) {
		t.Errorf("notification: %v %.200s", err, b)
	}
}

func TestWorkspace_TeammateAndTagMutations(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{}, HandlerOptions{})
	admin := f.ws.AdminIDs()[2]
	if _, err := f.ws.RenameAdmin(admin, "Renamed Person"); err != nil {
		t.Fatal(err)
	}
	if got := f.get("/admins/" + admin).json(t)["name"]; got != "Renamed Person" {
		t.Errorf("renamed admin shows %v", got)
	}
	if !strings.Contains(string(f.get("/admins").body), `"name":"Renamed Person"`) {
		t.Errorf("GET /admins misses the rename")
	}
	tags := f.ws.Counts().Tags
	ch, err := f.ws.CreateTag("Escalation 2026")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ws.CreateTag("escalation 2026"); !errors.Is(err, ErrInvalid) {
		t.Errorf("duplicate tag name: %v", err)
	}
	if ids := itemIDs(t, f.get("/tags"), "data"); len(ids) != tags+1 || ids[len(ids)-1] != ch.ID {
		t.Errorf("GET /tags after a creation: %v", ids)
	}
	contact := f.ws.ContactIDs()[5]
	if _, err := f.ws.TagContact(contact, ch.ID); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(f.get("/contacts/"+contact).body), `"type":"tag","id":"`+ch.ID+`"`) {
		t.Errorf("tagged contact does not list the tag")
	}
	found := f.walkSearch("contacts", map[string]any{"query": q("tag_id", "=", ch.ID)}, 50)
	if !slices.Equal(found, []string{contact}) {
		t.Errorf("search by the new tag: %v", found)
	}
}

// TestSegments_CountsMatchSearch: include_count and contact search by segment_id agree, and every segment holds
// contacts of its person type only.
func TestSegments_CountsMatchSearch(t *testing.T) {
	t.Parallel()
	f := newFake(t, WorkspaceOptions{Contacts: 400}, HandlerOptions{})
	var list struct {
		Segments []struct {
			ID         string
			PersonType string `json:"person_type"`
			Count      *int
		}
	}
	if err := json.Unmarshal(f.get("/segments?include_count=true").body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Segments) != f.ws.Counts().Segments || len(list.Segments) < 3 {
		t.Fatalf("%d segments", len(list.Segments))
	}
	for _, s := range list.Segments {
		found := f.walkSearch("contacts", map[string]any{"query": q("segment_id", "=", s.ID)}, 150)
		if s.Count == nil || *s.Count != len(found) || len(found) == 0 {
			t.Errorf("segment %s: count %v, search finds %d", s.ID, s.Count, len(found))
		}
		role := "user"
		if s.PersonType == "contact" {
			role = "lead"
		}
		for _, id := range found[:min(5, len(found))] {
			if got := f.get("/contacts/" + id).json(t)["role"]; got != role {
				t.Errorf("segment %s (%s) holds a %v", s.ID, s.PersonType, got)
			}
		}
	}
	if strings.Contains(string(f.get("/segments").body), `"count"`) {
		t.Errorf("count without include_count")
	}
}
