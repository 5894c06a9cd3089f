package query

import (
	"strings"
	"testing"
)

// dirNames is a Names over fixed lists, as the replica's directory answers.
type dirNames map[Kind][]Named

func (d dirNames) Match(kind Kind, v string) ([]Named, bool) {
	list, synced := d[kind]
	var out []Named
	for _, n := range list {
		if n.ID == v || strings.EqualFold(n.Name, v) || (n.Alt != "" && strings.EqualFold(n.Alt, v)) {
			out = append(out, n)
		}
	}
	return out, synced
}

func (d dirNames) Prefixed(kind Kind, v string) []Named {
	var out []Named
	for _, n := range d[kind] {
		if len(n.Name) > len(v) && strings.EqualFold(n.Name[:len(v)], v) && n.Name[len(v)] == ' ' {
			out = append(out, n)
		}
	}
	return out
}

func (d dirNames) Similar(kind Kind, v string) []Named {
	var names []string
	for _, n := range d[kind] {
		names = append(names, n.Name)
	}
	var out []Named
	for _, near := range Nearest(v, names) {
		m, _ := d.Match(kind, near)
		out = append(out, m...)
	}
	return out
}

// Members lists the records of kind whose Alt is parentID: in these fixtures a collection's Alt is its help center.
func (d dirNames) Members(kind Kind, parentID string) []string {
	var out []string
	for _, n := range d[kind] {
		if n.Alt == parentID {
			out = append(out, n.ID)
		}
	}
	return out
}

func TestResolveNames(t *testing.T) {
	names := dirNames{
		KindAdmin: {
			{ID: "7003", Name: "Alex Rivera", Alt: "alex.rivera@umbrella.app"},
			{ID: "7004", Name: "Sam Lee", Alt: "sam@umbrella.app"},
			{ID: "7005", Name: "Sam Lee", Alt: "sam.lee@umbrella.app"},
			{ID: "7006", Name: "Jo Park", Alt: "jo@umbrella.app"},
			{ID: "7007", Name: "Jo Kim", Alt: "jok@umbrella.app"},
		},
		KindTeam:    {{ID: "12", Name: "Billing"}, {ID: "13", Name: "Tier 2"}},
		KindTag:     {{ID: "6012187", Name: "VIP"}, {ID: "6012188", Name: "refund"}},
		KindCompany: {{ID: "5f1e00aa", Name: "Acme Inc", Alt: "acme-001"}},
		// no segments synced
		KindHelpCenter: {{ID: "81", Name: "Help Center"}, {ID: "82", Name: "Partner docs"}, {ID: "83", Name: "Empty"}},
		KindCollection: {{ID: "501", Name: "Billing", Alt: "81"}, {ID: "502", Name: "Getting started", Alt: "81"}, {ID: "601", Name: "API", Alt: "82"}},
		KindTicketType: {{ID: "3", Name: "Bug report"}, {ID: "4", Name: "Refund request"}},
	}
	for _, tc := range []struct {
		dsl     string
		want    string // the query after resolution, as DSL
		note    string // in the resolved query's note
		wantErr []string
	}{
		{dsl: `object_type:conversations admin_assignee:"Alex Rivera"`, want: "admin_assignee_id:7003"},
		{dsl: `object_type:conversations admin_assignee:ALEX.RIVERA@umbrella.app`, want: "admin_assignee_id:7003"},
		{dsl: `object_type:conversations assignee:alex`, want: "admin_assignee_id:7003", note: `taken as the teammate "Alex Rivera"`},
		{dsl: `object_type:conversations admin_assignee:7003`, want: "admin_assignee_id:7003"},
		{dsl: `object_type:conversations admin_assignee:424242`, wantErr: []string{"no teammate with id 424242", "admin_assignee_id:424242"}},
		{dsl: `object_type:conversations admin_assignee:unassigned`, want: "admin_assignee_id:0"},
		{dsl: `object_type:conversations team_assignee:none`, want: "team_assignee_id:0"},
		{dsl: `object_type:conversations tag:vip`, want: "tag:VIP"},
		{dsl: `object_type:conversations tag:6012188`, want: "tag:refund"},
		{dsl: `object_type:conversations tag:contains:vipp`, want: "tag:contains:vipp"},
		{dsl: `object_type:conversations tag:VIPP`, want: "tag:VIPP", note: `tag: no tag is named "VIPP"; did you mean VIP (id 6012187)? Searched for it as written.`},
		{dsl: `object_type:conversations tag:qqqqqqqq`, want: "tag:qqqqqqqq", note: `tag: no tag is named "qqqqqqqq". Searched for it as written.`},
		{dsl: `object_type:conversations company:"Acme Inkk"`, want: `company:"Acme Inkk"`, note: `no company is named "Acme Inkk"`},
		{dsl: `object_type:conversations company:acme-001`, want: `company:"Acme Inc"`},
		{dsl: `object_type:conversations admin_assignee:neq:"Alex Rivera"`, want: "admin_assignee_id:neq:7003"},
		{dsl: `object_type:conversations team_assignee:in:billing,"Tier 2" state:open`, want: "team_assignee_id:in:12,13 state:open"},
		{dsl: `object_type:conversations last_closed_by:sam@umbrella.app`, want: "statistics_last_closed_by_id:7004"},
		{dsl: `object_type:contacts tag:vip`, want: "tag_id:6012187"},
		{dsl: `object_type:contacts company:"acme inc"`, want: "company_id:5f1e00aa"},
		{dsl: `object_type:contacts company:acme-001`, want: "company_id:5f1e00aa"},
		{dsl: `object_type:contacts company:company_5f1e00aa`, want: "company_id:5f1e00aa"},
		{dsl: `object_type:conversations state:open`, want: "state:open"},
		{dsl: `object_type:articles help_center:"help center"`, want: "collection_id:in:501,502"},
		{dsl: `object_type:articles help_center:neq:82`, want: "collection_id:nin:601"},
		{dsl: `object_type:articles help_center:in:82,"Help Center"`, want: "collection_id:in:601,501,502"},
		{dsl: `object_type:articles help_center:Empty`, want: "collection_id:in:none", note: `The help center Empty holds no collections in the replica.`},
		{dsl: `object_type:articles help_center:"Help Centre"`, wantErr: []string{`no help center is named "Help Centre"`, `did you mean "Help Center" (id 81)`}},
		{dsl: `object_type:articles collection:billing`, want: "collection_id:501"},
		{dsl: `object_type:articles author:alex`, want: "author_id:7003", note: `taken as the teammate "Alex Rivera"`},
		{dsl: `object_type:tickets ticket_type:"bug report"`, want: `ticket_type:"Bug report"`},
		{dsl: `object_type:tickets ticket_type:Bugg`, want: "ticket_type:Bugg", note: `no ticket type is named "Bugg"`},
		{dsl: `object_type:tickets admin_assignee:unassigned state:resolved`, want: "admin_assignee_id:0 state:resolved"},
		{dsl: `object_type:conversations admin_assignee:"Alex Rivera" admin_assignee_id:7004`, wantErr: []string{"admin_assignee_id"}},
		{dsl: `object_type:conversations admin_assignee:"Alex Rivera" admin_assignee_id:7003`, want: "admin_assignee_id:7003"},
		{dsl: `object_type:conversations admin_assignee:"Sam Lee"`, wantErr: []string{`"Sam Lee" names 2 admins`, "sam@umbrella.app", "sam.lee@umbrella.app", "email or the id"}},
		{dsl: `object_type:conversations admin_assignee:Jo`, wantErr: []string{`"Jo" names 2 admins`, "Jo Park", "Jo Kim"}},
		{dsl: `object_type:conversations team_assignee:Biling`, wantErr: []string{`no team is named "Biling"`, "did you mean Billing (id 12)"}},
		{dsl: `object_type:contacts tag:gold`, wantErr: []string{`no tag is named "gold"`}},
		{dsl: `object_type:companies segment:"Active users"`, wantErr: []string{"holds no segments yet", "segment_id"}},
	} {
		t.Run(tc.dsl, func(t *testing.T) {
			q, err := Parse(tc.dsl, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := ResolveNames(q, names)
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("no error; got %s", got)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := got.String(); !strings.Contains(s, " "+tc.want) {
				t.Errorf("resolved to %q; want it to hold %q", s, tc.want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("resolved query is not valid: %v", err)
			}
			if !strings.Contains(got.Note, tc.note) || (tc.note == "" && got.Note != "") {
				t.Errorf("note %q; want %q", got.Note, tc.note)
			}
		})
	}
}

func TestResolveNames_NotesAFirstWordTakenForAName(t *testing.T) {
	q, err := Parse(`object_type:conversations admin_assignee:Alex`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ResolveNames(q, dirNames{KindAdmin: {{ID: "7003", Name: "Alex Rivera", Alt: "alex@umbrella.app"}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `admin_assignee:Alex is taken as the teammate "Alex Rivera".`; got.Note != want {
		t.Errorf("note %q; want %q", got.Note, want)
	}
}

func TestResolveNames_LeavesTheQueryItWasGiven(t *testing.T) {
	q, err := Parse(`object_type:conversations team_assignee:Billing`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := q.String()
	if _, err := ResolveNames(q, dirNames{KindTeam: {{ID: "12", Name: "Billing"}}}); err != nil {
		t.Fatal(err)
	}
	if after := q.String(); after != before {
		t.Errorf("ResolveNames changed its argument: %q → %q", before, after)
	}
}

func TestParse_EmptyNameSaysHowToFindRecordsWithoutOne(t *testing.T) {
	for dsl, want := range map[string]string{
		`object_type:conversations admin_assignee:""`: "admin_assignee:unassigned (or admin_assignee_id:0)",
		`object_type:contacts company:""`:             "company_id:not_exists",
		`object_type:conversations state:""`:          "state:not_exists",
	} {
		_, err := Parse(dsl, Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want it to say %q", dsl, err, want)
		}
	}
}
