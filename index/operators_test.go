package index

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// In recency order (updated_at descending) the fixture's conversations are 1005, 1001, 1003, 1002, 1004, 1006 and
// its contacts ctc_eve, ctc_anna, ctc_carol, ctc_bob, ctc_dave, ctc_gus; every expectation below lists ids in that
// order, which is the order filter-only results come in.
var operatorCases = []struct {
	dsl  string
	want []string
}{
	// Keyword ids; prefixed ids are accepted.
	{"object_type:conversations id:1003", []string{"1003"}},
	{"object_type:conversations id:conversation_1002", []string{"1002"}},
	{"object_type:conversations id:in:1001,1006", []string{"1001", "1006"}},
	{"object_type:conversations id:starts_with:100", []string{"1005", "1001", "1003", "1002", "1004", "1006"}},
	// Enum keyword.
	{"object_type:conversations state:open", []string{"1005", "1001"}},
	{"object_type:conversations state:neq:closed", []string{"1005", "1001", "1003"}},
	{"object_type:conversations state:in:open,snoozed", []string{"1005", "1001", "1003"}},
	{"object_type:conversations state:nin:open", []string{"1003", "1002", "1004", "1006"}},
	{"object_type:conversations state:exists", []string{"1005", "1001", "1003", "1002", "1004", "1006"}},
	{"object_type:conversations state:not_exists", nil},
	{"object_type:conversations source_type:email", []string{"1001", "1004"}},
	{"object_type:conversations source_type:in:conversation,twitter", []string{"1005", "1003", "1002"}},
	// Free keyword: every operator, compared case-insensitively (the record says Anna.Smith@acme.io).
	{"object_type:conversations source_author_email:anna.smith@acme.io", []string{"1001"}},
	{"object_type:conversations source_author_email:ANNA.SMITH@ACME.IO", []string{"1001"}},
	{"object_type:conversations source_author_email:neq:bob@example.com", []string{"1005", "1001", "1003", "1004", "1006"}},
	{"object_type:conversations source_author_email:in:bob@example.com,eve@gmail.com", []string{"1005", "1002"}},
	{"object_type:conversations source_author_email:nin:bob@example.com,eve@gmail.com", []string{"1001", "1003", "1004", "1006"}},
	{"object_type:conversations source_author_email:contains:acme", []string{"1001", "1004"}},
	{"object_type:conversations source_author_email:not_contains:acme", []string{"1005", "1003", "1002", "1006"}},
	{"object_type:conversations source_author_email:starts_with:carol", []string{"1003"}},
	{"object_type:conversations source_author_email:ends_with:example.com", []string{"1003", "1002"}},
	{"object_type:conversations source_author_email:ends_with:@example.com", []string{"1002"}},
	{"object_type:conversations source_author_email:exists", []string{"1005", "1001", "1003", "1002", "1004"}},
	{"object_type:conversations source_author_email:not_exists", []string{"1006"}},
	{"object_type:conversations source_author_email_domain:acme.io", []string{"1001", "1004"}},
	{"object_type:conversations source_author_name:contains:smith", []string{"1001"}},
	{"object_type:conversations source_author_name:not_exists", []string{"1006"}},
	{"object_type:conversations source_author_type:lead", []string{"1005", "1003", "1006"}},
	{"object_type:conversations priority:high", []string{"1001", "1006"}},
	{"object_type:conversations priority:in:low,urgent", []string{"1005", "1002"}},
	{"object_type:conversations priority:nin:high,none", []string{"1005", "1002", "1004"}},
	{"object_type:conversations priority:contains:ig", []string{"1001", "1006"}},
	{"object_type:conversations priority:ends_with:um", []string{"1004"}},
	{"object_type:conversations source_url:starts_with:https://app.example.com", []string{"1005", "1002"}},
	{"object_type:conversations source_url:ends_with:billing", []string{"1005"}},
	{"object_type:conversations source_delivered_as:admin_initiated", []string{"1006"}},
	{"object_type:conversations channel_initiated:messenger", []string{"1005", "1002"}},
	{"object_type:conversations channel_initiated:not_exists", []string{"1006"}},
	{"object_type:conversations company:acme", []string{"1001", "1004"}},
	{"object_type:conversations statistics_last_closed_by_id:7001", []string{"1001"}},
	// List-valued keywords: eq/in when any element matches, neq/nin when none does.
	{"object_type:conversations tag:VIP", []string{"1005", "1001"}},
	{"object_type:conversations tag:vip", []string{"1005", "1001"}},
	{"object_type:conversations tag:neq:VIP", []string{"1003", "1002", "1004", "1006"}},
	{"object_type:conversations tag:in:Bug,Refund", []string{"1002", "1004"}},
	{"object_type:conversations tag:nin:VIP,Bug", []string{"1003", "1004", "1006"}},
	{"object_type:conversations tag:contains:ill", []string{"1001"}},
	{"object_type:conversations tag:starts_with:ref", []string{"1004"}},
	{"object_type:conversations tag:ends_with:g", []string{"1001", "1002"}},
	{"object_type:conversations tag:exists", []string{"1005", "1001", "1002", "1004"}},
	{"object_type:conversations tag:not_exists", []string{"1003", "1006"}},
	{"object_type:conversations tag_ids:in:t3,t4", []string{"1002", "1004"}},
	{"object_type:conversations contact_ids:ctc_anna", []string{"1005", "1001"}},
	{"object_type:conversations contact_ids:contact_ctc_eve", []string{"1005"}},
	{"object_type:conversations contact_ids:not_exists", []string{"1006"}},
	{"object_type:conversations teammate_ids:7003", []string{"1005", "1004"}},
	{"object_type:conversations teammate_ids:not_exists", []string{"1002"}},
	// Booleans.
	{"object_type:conversations open:true", []string{"1005", "1001", "1003"}},
	{"object_type:conversations open:false", []string{"1002", "1004", "1006"}},
	{"object_type:conversations read:neq:true", []string{"1005", "1001", "1004"}},
	{"object_type:conversations ai_agent_participated:true", []string{"1002"}},
	{"object_type:conversations ai_agent_participated:false", []string{"1005", "1001", "1003", "1004"}},
	{"object_type:conversations ai_agent_participated:neq:true", []string{"1005", "1001", "1003", "1004", "1006"}},
	{"object_type:conversations ai_agent_participated:not_exists", []string{"1006"}},
	// Integers.
	{"object_type:conversations admin_assignee_id:7001", []string{"1001", "1004"}},
	{"object_type:conversations admin_assignee_id:neq:7001", []string{"1005", "1003", "1002", "1006"}},
	{"object_type:conversations admin_assignee_id:gt:7001", []string{"1005", "1003", "1006"}},
	{"object_type:conversations admin_assignee_id:gte:7002", []string{"1005", "1003", "1006"}},
	{"object_type:conversations admin_assignee_id:lt:7002", []string{"1001", "1002", "1004"}},
	{"object_type:conversations admin_assignee_id:lte:0", []string{"1002"}},
	{"object_type:conversations admin_assignee_id:in:0,7003", []string{"1005", "1002"}},
	{"object_type:conversations admin_assignee_id:nin:0,7003", []string{"1001", "1003", "1004", "1006"}},
	{"object_type:conversations admin_assignee_id:exists", []string{"1005", "1001", "1003", "1002", "1004", "1006"}},
	{"object_type:conversations statistics_count_reopens:gt:0", []string{"1002", "1004"}},
	{"object_type:conversations statistics_count_reopens:0", []string{"1001", "1006"}},
	{"object_type:conversations statistics_count_reopens:neq:1", []string{"1005", "1001", "1003", "1002", "1006"}},
	{"object_type:conversations statistics_count_reopens:not_exists", []string{"1005", "1003"}},
	{"object_type:conversations statistics_time_to_admin_reply:gte:3600", []string{"1002", "1004"}},
	{"object_type:conversations statistics_time_to_admin_reply:lte:600", []string{"1001", "1006"}},
	{"object_type:conversations statistics_time_to_first_close:gt:0", []string{"1006"}},
	{"object_type:conversations parts_count:gte:3", []string{"1001"}},
	{"object_type:conversations parts_count:2", []string{"1002", "1004", "1006"}},
	{"object_type:conversations conversation_rating_score:gte:3", []string{"1001"}},
	{"object_type:conversations conversation_rating_score:exists", []string{"1001", "1004"}},
	{"object_type:conversations ai_agent_rating:gt:3", []string{"1002"}},
	// Timestamps: eq covers the UTC day, comparisons are to the second.
	{"object_type:conversations created_at:2025-01-10", []string{"1001"}},
	{"object_type:conversations created_at:2024-12-31", []string{"1004"}},
	{"object_type:conversations created_at:gt:2025-02-01", []string{"1005", "1003"}},
	{"object_type:conversations created_at:gt:1741186799", []string{"1005"}},
	{"object_type:conversations created_at:lt:2025-01-01", []string{"1004"}},
	{"object_type:conversations created_at:lte:2025-01-01", []string{"1004", "1006"}},
	{"object_type:conversations updated_at:gte:2025-03-01", []string{"1005", "1001"}},
	{"object_type:conversations waiting_since:exists", []string{"1005", "1001"}},
	{"object_type:conversations snoozed_until:not_exists", []string{"1005", "1001", "1002", "1004", "1006"}},
	{"object_type:conversations snoozed_until:lt:2025-03-02", []string{"1003"}},
	{"object_type:conversations statistics_first_contact_reply_at:exists", []string{"1001", "1006"}},
	{"object_type:conversations conversation_rating_requested_at:2025-03-01", []string{"1001"}},
	// Text: eq is every word in any order, contains a phrase (stemmed: refunds finds refund), within one part.
	{"object_type:conversations title:eq:\"card charge\"", []string{"1001"}},
	{"object_type:conversations title:contains:\"double charge\"", []string{"1001"}},
	{"object_type:conversations title:not_contains:\"double charge\"", []string{"1005", "1003", "1002", "1004", "1006"}},
	{"object_type:conversations title:exists", []string{"1001", "1003", "1006"}},
	{"object_type:conversations title:not_exists", []string{"1005", "1002", "1004"}},
	{"object_type:conversations source_body:contains:refund", []string{"1001"}},
	{"object_type:conversations source_body:contains:\"double charged\"", []string{"1001"}},
	{"object_type:conversations source_body:eq:\"password reset\"", []string{"1002"}},
	{"object_type:conversations source_body:contains:\"reset my password\"", []string{"1002"}},
	{"object_type:conversations source_body:contains:\"reset password\"", nil},
	{"object_type:conversations source_body:contains:\"double charged for order\"", []string{"1001"}},
	{"object_type:conversations source_subject:contains:refund", []string{"1001"}},
	{"object_type:conversations source_subject:exists", []string{"1001"}},
	{"object_type:conversations parts_body:contains:\"refund request\"", []string{"1004"}},
	{"object_type:conversations parts_body:eq:\"refund request\"", []string{"1004", "1006"}},
	{"object_type:conversations parts_body:contains:refunds", []string{"1001", "1004", "1006"}},
	{"object_type:conversations parts_body:not_contains:refund", []string{"1005", "1003", "1002"}},
	{"object_type:conversations conversation_rating_remark:contains:refund", []string{"1004"}},
	{"object_type:conversations ai_agent_rating_remark:eq:helpful", []string{"1002"}},
	{"object_type:conversations ai_agent_resolution_state:assumed_resolution", []string{"1002"}},
	{"object_type:conversations ai_agent_source_title:contains:password", []string{"1002"}},
	// Custom attributes: compared in the JSON type each record stored.
	{"object_type:conversations ca.tier:gold", []string{"1001", "1003"}},
	{"object_type:conversations ca.tier:neq:gold", []string{"1005", "1002", "1004", "1006"}},
	{"object_type:conversations ca.tier:in:silver,platinum", []string{"1005", "1002"}},
	{"object_type:conversations ca.tier:contains:ol", []string{"1001", "1003"}},
	{"object_type:conversations ca.tier:starts_with:pl", []string{"1005"}},
	{"object_type:conversations ca.tier:ends_with:er", []string{"1002"}},
	{"object_type:conversations ca.tier:not_contains:ol", []string{"1005", "1002", "1004", "1006"}},
	{"object_type:conversations ca.csat:gt:3", []string{"1001"}},
	{"object_type:conversations ca.csat:gte:3", []string{"1001", "1002"}},
	{"object_type:conversations ca.csat:lt:4", []string{"1002"}},
	{"object_type:conversations ca.csat:4", []string{"1004"}},
	{"object_type:conversations ca.csat:3", []string{"1002"}},
	{"object_type:conversations ca.csat:4.5", []string{"1001"}},
	{"object_type:conversations ca.csat:exists", []string{"1001", "1002", "1004"}},
	{"object_type:conversations ca.csat:not_exists", []string{"1005", "1003", "1006"}},
	{"object_type:conversations ca.vip:true", []string{"1001"}},
	{"object_type:conversations ca.vip:false", []string{"1003"}},
	{"object_type:conversations ca.vip:neq:true", []string{"1005", "1003", "1002", "1004", "1006"}},
	{"object_type:conversations ca.\"Ticket category\":contains:billing", []string{"1001"}},
	{"object_type:conversations custom_attributes.\"Ticket category\":exists", []string{"1001"}},
	{"object_type:conversations ca.order_count:in:1,3", []string{"1001"}},
	{"object_type:conversations ca.Account:exists", nil},
	{"object_type:conversations ca.nosuch:not_exists", []string{"1005", "1001", "1003", "1002", "1004", "1006"}},
	// Several terms are ANDed.
	{"object_type:conversations state:closed priority:high", []string{"1006"}},
	{"object_type:conversations source_type:email tag:neq:Refund ca.csat:exists", []string{"1001"}},
	{"object_type:conversations parts_body:contains:refund state:closed admin_assignee_id:7002", []string{"1006"}},

	// Contacts.
	{"object_type:contacts role:lead", []string{"ctc_eve", "ctc_carol"}},
	{"object_type:contacts role:neq:lead", []string{"ctc_anna", "ctc_bob", "ctc_dave", "ctc_gus"}},
	{"object_type:contacts id:contact_ctc_bob", []string{"ctc_bob"}},
	{"object_type:contacts email:ends_with:@acme.io", []string{"ctc_anna", "ctc_dave"}},
	{"object_type:contacts email:contains:example", []string{"ctc_carol", "ctc_bob", "ctc_gus"}},
	{"object_type:contacts email_domain:example.com", []string{"ctc_bob"}},
	{"object_type:contacts name:contains:smith", []string{"ctc_anna"}},
	{"object_type:contacts name:starts_with:eve", []string{"ctc_eve"}},
	{"object_type:contacts name:\"bob jones\"", []string{"ctc_bob"}},
	{"object_type:contacts phone:exists", []string{"ctc_anna", "ctc_carol", "ctc_dave", "ctc_gus"}},
	{"object_type:contacts phone:not_exists", []string{"ctc_eve", "ctc_bob"}},
	{"object_type:contacts formatted_phone:exists", []string{"ctc_gus"}},
	{"object_type:contacts external_id:not_exists", []string{"ctc_carol"}},
	{"object_type:contacts external_id:in:u-1,u-5", []string{"ctc_eve", "ctc_anna"}},
	{"object_type:contacts owner_id:7001", []string{"ctc_anna", "ctc_dave"}},
	{"object_type:contacts avatar:exists", []string{"ctc_anna", "ctc_gus"}},
	{"object_type:contacts created_at:gt:2025-01-01", []string{"ctc_eve", "ctc_carol"}},
	{"object_type:contacts signed_up_at:exists", []string{"ctc_anna", "ctc_bob", "ctc_dave", "ctc_gus"}},
	{"object_type:contacts last_seen_at:not_exists", []string{"ctc_bob"}},
	{"object_type:contacts last_seen_at:gte:2025-02-24", []string{"ctc_eve", "ctc_anna", "ctc_carol"}},
	{"object_type:contacts android_last_seen_at:exists", []string{"ctc_gus"}},
	{"object_type:contacts location_country:\"United States\"", []string{"ctc_carol"}},
	{"object_type:contacts location_city:starts_with:new", []string{"ctc_carol"}},
	{"object_type:contacts location_country:not_exists", []string{"ctc_eve"}},
	{"object_type:contacts location_region:exists", []string{"ctc_gus"}},
	{"object_type:contacts unsubscribed_from_emails:true", []string{"ctc_bob"}},
	{"object_type:contacts has_hard_bounced:false", []string{"ctc_eve", "ctc_anna", "ctc_carol", "ctc_bob", "ctc_dave"}},
	{"object_type:contacts tag_id:t3", []string{"ctc_carol"}},
	{"object_type:contacts company_id:co2", []string{"ctc_dave"}},
	{"object_type:contacts ca.plan:pro", []string{"ctc_anna", "ctc_dave"}},
	{"object_type:contacts ca.seats:gt:5", []string{"ctc_anna"}},
	{"object_type:contacts ca.beta:true", []string{"ctc_anna"}},
	{"object_type:contacts ca.beta:exists", []string{"ctc_eve", "ctc_anna"}},
	{"object_type:contacts ios_sdk_version:starts_with:17", []string{"ctc_gus"}},
	{"object_type:contacts language_override:fr", []string{"ctc_gus"}},
	{"object_type:contacts browser:neq:safari", []string{"ctc_eve", "ctc_anna", "ctc_carol", "ctc_bob", "ctc_dave"}},
}

// TestSearch_Operators runs every operator on every field type against the fixture workspace and expects exactly
// the listed ids, in recency order, with the exact total.
func TestSearch_Operators(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: fixture(t)})
	for _, tc := range operatorCases {
		t.Run(tc.dsl, func(t *testing.T) {
			res := mustSearch(t, r, mustParse(t, tc.dsl))
			if got := hitIDs(res); !slices.Equal(got, tc.want) || res.Total != len(tc.want) {
				t.Errorf("\n got %v (total %d)\nwant %v", got, res.Total, tc.want)
			}
		})
	}
}

// TestSearch_FreeText checks relevance search: all words must match, phrases stay within one part, stemming
// applies, filters combine, and every hit carries a snippet showing the matched words.
func TestSearch_FreeText(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: fixture(t)})
	cases := []struct {
		dsl     string
		want    []string // as a set: relevance decides the order
		snippet string   // every hit's snippets contain this (case-insensitive), if set
	}{
		{"object_type:conversations q:refund", []string{"1001", "1004", "1006"}, "**refund"},
		{"object_type:conversations q:refunds", []string{"1001", "1004", "1006"}, "**refund"},
		{"object_type:conversations q:\"refund request\"", []string{"1004"}, "**refund request**"},
		{"object_type:conversations q:password q:reset", []string{"1002"}, "**password"},
		{"object_type:conversations q:refund state:closed", []string{"1004", "1006"}, "**refund"},
		{"object_type:conversations q:refund tag:neq:Refund", []string{"1001", "1006"}, "**refund"},
		{"object_type:conversations q:refund admin_assignee_id:gte:7002", []string{"1006"}, "**refund"},
		{"object_type:conversations q:refund created_at:lt:2025-01-05", []string{"1004", "1006"}, "**refund"},
		{"object_type:conversations q:refund ca.csat:exists", []string{"1001", "1004"}, "**refund"},
		{"object_type:conversations q:refund source_body:contains:refund", []string{"1001"}, "**refund"},
		{"object_type:conversations q:refund parts_body:not_contains:request", []string{"1001"}, "**refund"},
		{"object_type:conversations q:refund ca.tier:contains:ol state:open", []string{"1001"}, "**refund"},
		{"object_type:conversations q:courier", []string{"1003"}, "**courier**"},
		{"object_type:conversations q:\"reset my password\"", []string{"1002"}, "**reset my password**"},
		{"object_type:conversations q:\"reset password\"", nil, ""},
		{"object_type:conversations q:\"double charge anna\"", []string{"1001"}, "**double charge, anna**"},
		{"object_type:conversations q:\"charge double\"", nil, ""},
		{"object_type:conversations q:\"request refund\"", []string{"1004"}, "**request. refund**"},
		{"object_type:conversations q:shipping", []string{"1003"}, "**shipping**"},
		{"object_type:conversations q:nonexistentword", nil, ""},
		{"object_type:contacts q:smith", []string{"ctc_anna"}, "**smith**"},
		{"object_type:contacts q:acme", []string{"ctc_anna", "ctc_dave"}, "**acme**"},
	}
	for _, tc := range cases {
		t.Run(tc.dsl, func(t *testing.T) {
			// Both ways the engine runs: one goroutine over whole segments, several over ranges of candidates.
			// The split changes nothing: same hits, same scores.
			var res Result
			scores := make([]map[string]float64, len(textSplits))
			for i, sp := range textSplits {
				r.workers, r.unitMin = sp.workers, sp.unitMin
				res = mustSearch(t, r, mustParse(t, tc.dsl))
				got := hitIDs(res)
				slices.Sort(got)
				if !slices.Equal(got, tc.want) || res.Total != len(tc.want) {
					t.Fatalf("split %v: got %v (total %d), want %v", sp, got, res.Total, tc.want)
				}
				scores[i] = map[string]float64{}
				for _, h := range res.Hits {
					scores[i][h.ID] = h.Score
				}
			}
			r.workers, r.unitMin = defaultWorkers(), defaultUnitMin
			for id, s := range scores[1] {
				if math.IsNaN(s) || s <= 0 || s != scores[0][id] {
					t.Errorf("hit %s scores %v in one goroutine and %v split", id, scores[0][id], s)
				}
			}
			for i, h := range res.Hits {
				if !(h.Score > 0) { // NaN included
					t.Errorf("hit %s has score %v", h.ID, h.Score)
				}
				if i > 0 && h.Score > res.Hits[i-1].Score {
					t.Errorf("hit %s scores %v after a hit scoring %v", h.ID, h.Score, res.Hits[i-1].Score)
				}
				joined := strings.ToLower(strings.Join(h.Snippets, " | "))
				if tc.snippet != "" && !strings.Contains(joined, tc.snippet) {
					t.Errorf("hit %s snippets %q lack %q", h.ID, h.Snippets, tc.snippet)
				}
			}
		})
	}
}

// TestSearch_FreeTextRanking: conversations that say "refund" several times outrank one that mentions it once in a
// long exchange.
func TestSearch_FreeTextRanking(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: fixture(t)})
	res := mustSearch(t, r, mustParse(t, "object_type:conversations q:refund"))
	if got := hitIDs(res); len(got) != 3 || got[2] != "1006" {
		t.Fatalf("hits = %v, want 1006 (one mention) last", got)
	}
}

// TestSearch_HitSummary checks the summary fields a hit carries from the index alone.
func TestSearch_HitSummary(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: fixture(t)})
	res := mustSearch(t, r, mustParse(t, "object_type:conversations id:1001"))
	h := res.Hits[0]
	want := Hit{Kind: "conversation", ID: "1001", Title: "Double charge on my card", CreatedAt: 1736503200,
		UpdatedAt: 1740830400, Tags: []string{"VIP", "Billing"}, State: "open", Open: true, Read: false,
		Priority: "high", SourceType: "email", AuthorName: "Anna Smith", AuthorEmail: "Anna.Smith@acme.io",
		Preview: "Hi, I was double charged for order ORD-1 & I want a refund.", PartsCount: 3,
		AdminAssigneeID: "7001", TeamAssigneeID: "100"}
	if !hitEqual(h, want) {
		t.Errorf("hit\n got %+v\nwant %+v", h, want)
	}
	// A conversation with neither title nor subject is labelled by the start of its opening message.
	res = mustSearch(t, r, mustParse(t, "object_type:conversations id:1002"))
	if got := res.Hits[0].Title; got != "How do I reset my password?" {
		t.Errorf("untitled conversation's title = %q", got)
	}
	res = mustSearch(t, r, mustParse(t, "object_type:contacts id:ctc_dave"))
	h = res.Hits[0]
	want = Hit{Kind: "contact", ID: "ctc_dave", Title: "Dave Brown", CreatedAt: 1704099600, UpdatedAt: 1737381600,
		Name: "Dave Brown", Email: "dave@acme.io", Role: "user", Phone: "+49 30 1234", ExternalID: "u-4",
		LastSeenAt: 1735639200, Location: "Berlin, Germany", Companies: []string{"Acme", "Globex"}}
	if !hitEqual(h, want) {
		t.Errorf("hit\n got %+v\nwant %+v", h, want)
	}
}

func hitEqual(a, b Hit) bool {
	return slices.Equal(a.Tags, b.Tags) && slices.Equal(a.Companies, b.Companies) && slices.Equal(a.Snippets, b.Snippets) &&
		func() bool {
			a.Tags, b.Tags, a.Companies, b.Companies, a.Snippets, b.Snippets = nil, nil, nil, nil, nil, nil
			return a.Kind == b.Kind && a.ID == b.ID && a.Title == b.Title && a.CreatedAt == b.CreatedAt &&
				a.UpdatedAt == b.UpdatedAt && a.Score == b.Score && a.State == b.State && a.Open == b.Open &&
				a.Read == b.Read && a.Priority == b.Priority && a.SourceType == b.SourceType &&
				a.AuthorName == b.AuthorName && a.AuthorEmail == b.AuthorEmail && a.Preview == b.Preview &&
				a.PartsCount == b.PartsCount && a.AdminAssigneeID == b.AdminAssigneeID &&
				a.TeamAssigneeID == b.TeamAssigneeID && a.Name == b.Name && a.Email == b.Email && a.Role == b.Role &&
				a.Phone == b.Phone && a.ExternalID == b.ExternalID && a.LastSeenAt == b.LastSeenAt &&
				a.Location == b.Location
		}()
}
