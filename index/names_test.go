package index

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
)

// TestNames_FiltersTakeNames searches by the names of teammates, teams, tags, segments and companies, on a replica
// holding the fixture's directory: each name finds exactly what its id finds.
func TestNames_FiltersTakeNames(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: append(fixture(t), namesFixture(t)...)})
	for _, tc := range []struct{ byName, byID string }{
		{`object_type:conversations admin_assignee:"Alex Rivera"`, `object_type:conversations admin_assignee_id:7001`},
		{`object_type:conversations admin_assignee:alex.rivera@UMBRELLA.app`, `object_type:conversations admin_assignee_id:7001`},
		{`object_type:conversations assignee:alex state:open`, `object_type:conversations admin_assignee_id:7001 state:open`},
		{`object_type:conversations admin_assignee:sam.lee@umbrella.app`, `object_type:conversations admin_assignee_id:7003`},
		{`object_type:conversations team_assignee:billing`, `object_type:conversations team_assignee_id:100`},
		{`object_type:conversations team_assignee:nin:"Tier 2"`, `object_type:conversations team_assignee_id:nin:200`},
		{`object_type:contacts tag:vip`, `object_type:contacts tag_id:t1`},
		{`object_type:contacts tag:in:VIP,"Churn risk"`, `object_type:contacts tag_id:in:t1,t5`},
		{`object_type:contacts owner:"Alex Rivera"`, `object_type:contacts owner_id:7001`},
		{`object_type:contacts company:"acme inc"`, `object_type:contacts company_id:co1`},
		{`object_type:contacts company:globex-7`, `object_type:contacts company_id:co2`},
		{`object_type:contacts company:company_co2`, `object_type:contacts company_id:co2`},
		{`object_type:companies segment:"Active users"`, `object_type:companies segment_id:s1`},
		{`object_type:companies tag:"churn risk"`, `object_type:companies tag_id:t5`},
	} {
		want := hitIDs(mustSearch(t, r, mustParse(t, tc.byID)))
		if len(want) == 0 {
			t.Errorf("%s finds nothing: the fixture should hold matches", tc.byID)
			continue
		}
		got := hitIDs(mustSearch(t, r, mustParse(t, tc.byName)))
		if !slices.Equal(got, want) {
			t.Errorf("%s = %v; want %v (as %s)", tc.byName, got, want, tc.byID)
		}
		// An aggregate's filter takes the same names.
		a, err := query.ParseAggregate(query.AggregateSpec{Query: tc.byName}, query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.Aggregate(t.Context(), a)
		if err != nil {
			t.Errorf("aggregate %s: %v", tc.byName, err)
		} else if res.Matched != len(want) {
			t.Errorf("aggregate %s counts %d; want %d", tc.byName, res.Matched, len(want))
		}
	}
}

// TestNames_MistakesAreErrors: an unknown or shared name is the query's mistake, with the candidates.
func TestNames_MistakesAreErrors(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: append(fixture(t), namesFixture(t)...)})
	for dsl, want := range map[string][]string{
		`object_type:conversations admin_assignee:"Sam Lee"`: {`"Sam Lee" names 2 admins`, "sam@umbrella.app", "sam.lee@umbrella.app"},
		`object_type:conversations admin_assignee:Sam`:       {`"Sam" names 2 admins`},
		`object_type:conversations team_assignee:Biling`:     {`no team is named "Biling"`, "did you mean Billing (id 100)"},
		`object_type:contacts tag:VIPP`:                      {`no tag is named "VIPP"`, "did you mean VIP (id t1)"},
		`object_type:contacts company:"Acme Corp"`:           {`no company is named "Acme Corp"`, `"Acme Inc" <acme-001> (id co1)`},
		`object_type:companies segment:Trail`:                {`no segment is named "Trail"`, "did you mean Trial"},
		`object_type:conversations admin_assignee:Riviera`:   {`no teammate is named "Riviera"`, "did you mean \"Alex Rivera\""},
		`object_type:conversations admin_assignee:Alexx`:     {`no teammate is named "Alexx"`, "did you mean \"Alex Rivera\""},
		`object_type:conversations admin_assignee:99999`:     {"no teammate with id 99999", "admin_assignee_id:99999"},
	} {
		_, err := r.Search(t.Context(), mustParse(t, dsl))
		var qe *query.Error
		if !errors.As(err, &qe) {
			t.Errorf("%s: %v; want a query error", dsl, err)
			continue
		}
		for _, w := range want {
			if !strings.Contains(qe.Msg, w) {
				t.Errorf("%s: %q lacks %q", dsl, qe.Msg, w)
			}
		}
	}
}

// TestNames_UnknownNameOnConversationsIsSearchedWithANote: a conversation holds its tags' names, which may be
// names the list no longer has; a name no tag has is searched as written, and the result says so.
func TestNames_UnknownNameOnConversationsIsSearchedWithANote(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: append(fixture(t), namesFixture(t)...)})
	res := mustSearch(t, r, mustParse(t, `object_type:conversations tag:VIPP`))
	if res.Total != 0 || !strings.Contains(res.Note, `no tag is named "VIPP"; did you mean VIP (id t1)? Searched for it as written.`) {
		t.Errorf("tag:VIPP = %d hits, note %q", res.Total, res.Note)
	}
	res = mustSearch(t, r, mustParse(t, `object_type:conversations tag:vip`))
	if res.Total == 0 || res.Note != "" {
		t.Errorf("tag:vip = %d hits, note %q; want the VIP conversations and no note", res.Total, res.Note)
	}
}

// TestNames_NameAndChanges: Name shows each kind's names; a rename, a deletion and a reopen are seen.
func TestNames_NameAndChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := mustOpen(t, dir)
	mustApply(t, r, Batch{Records: append(fixture(t), namesFixture(t)...)})
	for _, tc := range []struct {
		kind     query.Kind
		id, want string
	}{
		{query.KindAdmin, "7001", "Alex Rivera"}, {query.KindTeam, "200", "Tier 2"}, {query.KindTag, "t5", "Churn risk"},
		{query.KindSegment, "s2", "Trial"}, {query.KindCompany, "co2", "Globex"},
	} {
		if got, ok := r.Names().Name(tc.kind, tc.id); !ok || got != tc.want {
			t.Errorf("Name(%s, %s) = %q, %v; want %q", tc.kind, tc.id, got, ok, tc.want)
		}
	}
	if _, ok := r.Names().Name(query.KindAdmin, "999"); ok {
		t.Error("Name of an unknown teammate is found")
	}
	mustApply(t, r, Batch{Records: []Record{
		{Kind: query.KindTeam, ID: "100", Raw: []byte(`{"type":"team","id":"100","name":"Payments","admin_ids":[]}`)},
		{Kind: query.KindTag, ID: "t2", Deleted: true},
	}})
	if got, _ := r.Names().Name(query.KindTeam, "100"); got != "Payments" {
		t.Errorf("renamed team is named %q", got)
	}
	mustSearch(t, r, mustParse(t, `object_type:conversations team_assignee:Payments`))
	if _, err := r.Search(t.Context(), mustParse(t, `object_type:conversations team_assignee:Billing`)); err == nil {
		t.Error("the team's old name still resolves")
	}
	if _, err := r.Search(t.Context(), mustParse(t, `object_type:contacts tag:Billing`)); err == nil {
		t.Error("a deleted tag's name still resolves")
	}
	st, err := r.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[query.Kind][2]int{query.KindAdmin: {3, 0}, query.KindTag: {4, 1}, query.KindCompany: {3, 0}} {
		if k := st.Kinds[kind]; k.Records != want[0] || k.Deleted != want[1] {
			t.Errorf("status %s: %d live, %d deleted; want %v", kind, k.Records, k.Deleted, want)
		}
	}
	mustClose(t, r)
	r = mustOpen(t, dir)
	if got, _ := r.Names().Name(query.KindTeam, "100"); got != "Payments" {
		t.Errorf("after reopening, the team is named %q", got)
	}
	if n := r.Names().Count(query.KindTag); n != 4 {
		t.Errorf("after reopening, %d live tags; want 4", n)
	}
	if rec, err := r.Get(t.Context(), query.KindAdmin, "7002"); err != nil || !strings.Contains(string(rec.Raw), "Sam Lee") {
		t.Errorf("Get(admin 7002) = %s, %v", rec.Raw, err)
	}
}

// TestNames_DirectoryRecordsAreChecked: a directory record without a JSON object or with another id writes
// nothing.
func TestNames_DirectoryRecordsAreChecked(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	for _, rec := range []Record{
		{Kind: query.KindTag, ID: "t1", Raw: []byte(`[1]`)},
		{Kind: query.KindTag, ID: "t1", Raw: []byte(`{"type":"tag","id":"t2","name":"VIP"}`)},
	} {
		if _, err := r.Apply(t.Context(), Batch{Records: []Record{rec}}); !errors.Is(err, ErrInvalidRecord) {
			t.Errorf("Apply(%s) = %v; want ErrInvalidRecord", rec.Raw, err)
		}
	}
	if n := r.Names().Count(query.KindTag); n != 0 {
		t.Errorf("%d tags after refused writes", n)
	}
}
