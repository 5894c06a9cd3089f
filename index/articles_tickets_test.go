package index

import (
	"slices"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
)

// Articles and tickets are searched like conversations: every field of their catalogs, free text over every
// language version of an article and over a ticket's title, description and parts, names for teammates, teams,
// collections, help centers and ticket types, and hits that carry what a front end shows of them.
func TestSearch_ArticlesAndTickets(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: append(fixture(t), namesFixture(t)...)})
	for _, tc := range []struct {
		dsl     string
		want    []string // ids, in any order
		snippet string   // in some hit's snippets
		note    string
	}{
		{dsl: `object_type:articles q:refund`, want: []string{"39"}, snippet: "**refund**"},
		{dsl: `object_type:articles q:remboursement`, want: []string{"39"}, snippet: "**remboursement**"},
		{dsl: `object_type:articles q:"reset link"`, want: []string{"40"}},
		{dsl: `object_type:articles body:contains:hmac`, want: []string{"41"}},
		{dsl: `object_type:articles title:contains:remboursements`, want: []string{"39"}},
		{dsl: `object_type:articles locale:fr`, want: []string{"39"}},
		{dsl: `object_type:articles state:draft`, want: []string{"41"}},
		{dsl: `object_type:articles author:"Alex Rivera"`, want: []string{"39", "42"}},
		{dsl: `object_type:articles collection:Refunds`, want: []string{"39"}},
		{dsl: `object_type:articles help_center:"Umbrella Help"`, want: []string{"39", "40"}},
		{dsl: `object_type:articles help_center:partners`, want: []string{"41"}},
		{dsl: `object_type:articles help_center:neq:81`, want: []string{"41", "42"}},
		{dsl: `object_type:articles tag:Refund`, want: []string{"39"}},
		{dsl: `object_type:articles has_unpublished_changes:true`, want: []string{"40"}},
		{dsl: `object_type:articles url:starts_with:https://help.umbrella.app`, want: []string{"42"}},
		{dsl: `object_type:tickets ticket_type:"bug report"`, want: []string{"7583"}},
		{dsl: `object_type:tickets ticket_type:"Bug reprot"`, want: nil, note: `no ticket type is named "Bug reprot"`},
		{dsl: `object_type:tickets state:resolved`, want: []string{"7584"}},
		{dsl: `object_type:tickets state_label:"Working on it"`, want: []string{"7585"}},
		{dsl: `object_type:tickets category:Tracker open:true`, want: []string{"7583"}},
		{dsl: `object_type:tickets linked_conversation_ids:conversation_1001`, want: []string{"7583"}},
		{dsl: `object_type:tickets linked_ticket_ids:7583`, want: []string{"7584"}},
		{dsl: `object_type:tickets ticket_attributes.Severity:high`, want: []string{"7583"}},
		{dsl: `object_type:tickets ticket_attributes."Affected users":gte:10`, want: []string{"7583"}},
		{dsl: `object_type:tickets attribute.Approved:true`, want: []string{"7584"}},
		{dsl: `object_type:tickets admin_assignee:unassigned`, want: []string{"7585"}},
		{dsl: `object_type:tickets team_assignee:"Tier 2"`, want: []string{"7583"}},
		{dsl: `object_type:tickets contact_ids:ctc_bob`, want: []string{"7584"}},
		{dsl: `object_type:tickets q:safari`, want: []string{"7583"}, snippet: "**Safari**"},
		{dsl: `object_type:tickets parts_body:contains:friday`, want: []string{"7583"}},
		{dsl: `object_type:tickets parts_body:contains:safari`, want: []string{"7583"}},
		{dsl: `object_type:tickets title:contains:safari`, want: []string{"7583"}},
		{dsl: `object_type:tickets description:contains:march`, want: []string{"7584"}},
		{dsl: `object_type:tickets description:contains:login`, want: nil},
		{dsl: `object_type:tickets snoozed_until:exists`, want: []string{"7585"}},
		{dsl: `object_type:conversations linked_ticket_ids:ticket_7583`, want: []string{"1001"}},
	} {
		t.Run(tc.dsl, func(t *testing.T) {
			res := mustSearch(t, r, mustParse(t, tc.dsl+" limit:150"))
			got := hitIDs(res)
			if !sameSet(got, tc.want) || res.Total != len(tc.want) {
				t.Errorf("hits %v (total %d); want %v", got, res.Total, tc.want)
			}
			if tc.snippet != "" {
				var all []string
				for _, h := range res.Hits {
					all = append(all, h.Snippets...)
				}
				if !strings.Contains(strings.Join(all, " | "), tc.snippet) {
					t.Errorf("snippets %q lack %q", all, tc.snippet)
				}
			}
			if !strings.Contains(res.Note, tc.note) || (tc.note == "" && res.Note != "") {
				t.Errorf("note %q; want %q", res.Note, tc.note)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// A hit shows what a reader needs of an article or a ticket without reading its record, and links run both ways:
// a ticket names its conversations and tickets, a conversation its tickets.
func TestSearch_ArticleAndTicketHits(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: append(fixture(t), namesFixture(t)...)})
	hit := func(dsl string) Hit {
		t.Helper()
		res := mustSearch(t, r, mustParse(t, dsl))
		if len(res.Hits) != 1 {
			t.Fatalf("%s: %d hits", dsl, len(res.Hits))
		}
		return res.Hits[0]
	}
	a := hit(`object_type:articles id:39`)
	if a.Kind != query.KindArticle || a.Title != "How refunds work" || a.State != "published" ||
		a.URL != "https://intercom.help/umbrella/en/articles/39-how-refunds-work" || a.AuthorID != "7001" ||
		!slices.Equal(a.Locales, []string{"en", "fr"}) || a.Preview != "When you get your money back" ||
		!slices.Equal(a.Tags, []string{"Refund"}) {
		t.Errorf("article hit %+v", a)
	}
	tk := hit(`object_type:tickets id:7583`)
	if tk.Title != "Login button does nothing on Safari" || tk.State != "submitted" || tk.StateLabel != "Reported" ||
		tk.Category != "Tracker" || tk.TicketType != "Bug report" || !tk.Open || tk.PartsCount != 3 ||
		tk.AdminAssigneeID != "7002" || tk.TeamAssigneeID != "200" ||
		!slices.Equal(tk.Linked, []string{"conversation_1001", "ticket_7584"}) ||
		!strings.HasPrefix(tk.Preview, "Clicking Log in on Safari 17") {
		t.Errorf("ticket hit %+v", tk)
	}
	if c := hit(`object_type:conversations id:1001`); !slices.Equal(c.Linked, []string{"ticket_7583"}) {
		t.Errorf("conversation hit links %v; want [ticket_7583]", c.Linked)
	}
	names := r.Names()
	for _, tc := range []struct {
		kind     query.Kind
		id, want string
	}{{query.KindCollection, "503", "Refunds"}, {query.KindHelpCenter, "81", "Umbrella Help"},
		{query.KindTicketType, "3", "Bug report"}} {
		if got, ok := names.Name(tc.kind, tc.id); !ok || got != tc.want {
			t.Errorf("Name(%s, %s) = %q, %v; want %q", tc.kind, tc.id, got, ok, tc.want)
		}
	}
	if got := names.Members(query.KindCollection, "81"); !slices.Equal(got, []string{"501", "502", "503"}) {
		t.Errorf("Members(collections of 81) = %v", got)
	}
	st, err := r.Status(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[query.Kind]int{query.KindArticle: 4, query.KindTicket: 3, query.KindCollection: 4,
		query.KindHelpCenter: 2, query.KindTicketType: 2} {
		if n := st.Kinds[kind].Records; n != want {
			t.Errorf("status %s records %d; want %d", kind, n, want)
		}
	}
}
