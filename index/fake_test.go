package index

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// TestReplica_FakeWorkspace stores a workspace of the fake Intercom (the records exactly as its GET endpoints
// return them) and checks that extraction agrees with every catalog path on those shapes too, that store, table and
// index agree, and that filters count what the JSON says.
func TestReplica_FakeWorkspace(t *testing.T) {
	t.Parallel()
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 3, Conversations: 200, Contacts: 80})
	if err != nil {
		t.Fatal(err)
	}
	var recs []Record
	for id, raw := range ws.Conversations() {
		recs = append(recs, Record{Kind: query.KindConversation, ID: id, Raw: raw})
	}
	for id, raw := range ws.Contacts() {
		recs = append(recs, Record{Kind: query.KindContact, ID: id, Raw: raw})
	}
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: recs})

	open, conversations := 0, 0
	for _, rec := range recs {
		var generic map[string]any
		if err := json.Unmarshal(rec.Raw, &generic); err != nil {
			t.Fatal(err)
		}
		if rec.Kind == query.KindConversation {
			conversations++
			if generic["state"] == "open" {
				open++
			}
		}
		d, err := extract(rec.Kind, rec.Raw)
		if err != nil {
			t.Fatalf("%s %s: %v", rec.Kind, rec.ID, err)
		}
		for _, f := range query.CatalogFor(rec.Kind).Fields() {
			if f.Index == "" || f.Path == "" {
				continue
			}
			if got, want := actual(d.field(f.Index)), expected(f, walkPath(generic, f.Path)); !slices.Equal(got, want) {
				t.Errorf("%s %s field %s (path %s): extracted %q, JSON holds %q", rec.Kind, rec.ID, f.Name, f.Path, got, want)
			}
		}
	}
	if conversations < 150 || open == 0 {
		t.Fatalf("the fake gave %d conversations, %d open: too few to check anything", conversations, open)
	}
	if res := mustSearch(t, r, mustParse(t, "object_type:conversations state:open")); res.Total != open {
		t.Errorf("state:open counts %d, the records say %d", res.Total, open)
	}
	if res := mustSearch(t, r, mustParse(t, "object_type:conversations")); res.Total != conversations {
		t.Errorf("all conversations: %d, want %d", res.Total, conversations)
	}
}
