package query

import (
	"regexp"
	"strings"
	"testing"
)

// intercomSearchable lists, verbatim, the fields Intercom's 2.16 Search API documents as searchable (the tables in
// the /conversations/search and /contacts/search descriptions), including the spec's two typos.
var intercomSearchable = map[Kind][]string{
	KindConversation: {
		"id", "created_at", "updated_at", "source.type", "source.id", "source.delivered_as", "source.subject",
		"source.body", "source.author.id", "source.author.type", "source.author.name", "source.author.email",
		"source.url", "contact_ids", "teammate_ids", "admin_assignee_id", "team_assignee_id", "channel_initiated",
		"open", "read", "state", "waiting_since", "snoozed_until", "tag_ids", "priority",
		"statistics.time_to_assignment", "statistics.time_to_admin_reply", "statistics.time_to_first_close",
		"statistics.time_to_last_close", "statistics.median_time_to_reply", "statistics.first_contact_reply_at",
		"statistics.first_assignment_at", "statistics.first_admin_reply_at", "statistics.first_close_at",
		"statistics.last_assignment_at", "statistics.last_assignment_admin_reply_at",
		"statistics.last_contact_reply_at", "statistics.last_admin_reply_at", "statistics.last_close_at",
		"statistics.last_closed_by_id", "statistics.count_reopens", "statistics.count_assignments",
		"statistics.count_conversation_parts", "conversation_rating.requested_at", "conversation_rating.replied_at",
		"conversation_rating.score", "conversation_rating.remark", "conversation_rating.contact_id",
		"conversation_rating.admin_d", "ai_agent_participated", "ai_agent.resolution_state",
		"ai_agent.last_answer_type", "ai_agent.rating", "ai_agent.rating_remark", "ai_agent.source_type",
		"ai_agent.source_title",
	},
	KindContact: {
		"id", "role", "name", "avatar", "owner_id", "email", "email_domain", "phone", "formatted_phone",
		"external_id", "created_at", "signed_up_at", "updated_at", "last_seen_at", "last_contacted_at",
		"last_replied_at", "last_email_opened_at", "last_email_clicked_at", "language_override", "browser",
		"browser_language", "os", "location.country", "location.region", "location.city",
		"unsubscribed_from_emails", "marked_email_as_spam", "has_hard_bounced", "ios_last_seen_at",
		"ios_app_version", "ios_device", "ios_app_device", "ios_os_version", "ios_app_name", "ios_sdk_version",
		"android_last_seen_at", "android_app_version", "android_device", "android_app_name", "andoid_sdk_version",
		"segment_id", "tag_id",
	},
}

func TestCatalog_CoversIntercomSearchableFields(t *testing.T) {
	for kind, names := range intercomSearchable {
		c := CatalogFor(kind)
		for _, name := range names {
			f, ok := c.Lookup(name)
			if !ok {
				t.Errorf("%s: Intercom's searchable field %q is not in the catalog", kind, name)
				continue
			}
			if f.Intercom == "" {
				t.Errorf("%s: field %q (for Intercom's %q) has no Intercom name", kind, f.Name, name)
			}
		}
	}
}

func TestCatalog_FieldsAreWellFormed(t *testing.T) {
	indexName := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	dslName := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	for _, kind := range Kinds() {
		c := CatalogFor(kind)
		if c.Kind() != kind {
			t.Fatalf("CatalogFor(%s).Kind() = %s", kind, c.Kind())
		}
		seen := map[string]string{}
		for _, f := range c.Fields() {
			if !dslName.MatchString(f.Name) {
				t.Errorf("%s: name %q is not flat snake_case", kind, f.Name)
			}
			if f.Index != "" && (!indexName.MatchString(f.Index) || strings.HasPrefix(f.Index, "ca_")) {
				t.Errorf("%s.%s: index name %q must be lower snake_case without dots and must not start with ca_", kind, f.Name, f.Index)
			}
			if f.Type < TypeKeyword || f.Type > TypeBool {
				t.Errorf("%s.%s: bad type %v", kind, f.Name, f.Type)
			}
			if len(f.Ops) == 0 {
				t.Errorf("%s.%s: no operators", kind, f.Name)
			}
			for _, op := range f.Ops {
				if _, ok := ParseOp(string(op)); !ok {
					t.Errorf("%s.%s: unknown operator %q", kind, f.Name, op)
				}
			}
			if f.Description == "" || strings.Contains(f.Description, "\n") || !strings.HasSuffix(f.Description, ".") {
				t.Errorf("%s.%s: description must be one sentence ending in a period: %q", kind, f.Name, f.Description)
			}
			if f.NameOf != "" && f.Target == "" && f.Index == "" {
				t.Errorf("%s.%s: holds %s names but the replica cannot search it", kind, f.Name, f.NameOf)
			}
			if f.NameOf != "" && f.Target != "" {
				target, ok := c.Lookup(f.Target)
				if !ok || target.NameOf != "" || target.Index == "" || f.Index != "" {
					t.Errorf("%s.%s: takes %s names for %q, which must be a field the replica searches (and the name field itself has no index)", kind, f.Name, f.NameOf, f.Target)
				}
			}
			if f.NameOf == "" && f.Index == "" && f.Intercom == "" && f.Instead == "" { // kept only to say what to search instead
				t.Errorf("%s.%s: neither the replica nor Intercom can search it, and it says nothing instead", kind, f.Name)
			}
			if f.NameOf == "" && f.Index == "" && f.Instead == "" {
				t.Errorf("%s.%s: the replica cannot search it, and its Instead does not say why or what instead", kind, f.Name)
			}
			for _, name := range append([]string{f.Name}, f.Aliases...) {
				key := normalizeFieldName(name)
				if other, dup := seen[key]; dup && other != f.Name {
					t.Errorf("%s: %q names both %s and %s", kind, name, other, f.Name)
				}
				seen[key] = f.Name
				if got, ok := c.Lookup(name); !ok || got != f {
					t.Errorf("%s: Lookup(%q) = %v, %v; want field %s", kind, name, got, ok, f.Name)
				}
			}
		}
	}
}

func TestCatalog_Lookup(t *testing.T) {
	conv := CatalogFor(KindConversation)
	for _, tc := range []struct {
		name, want string
	}{
		{"state", "state"},
		{"STATE", "state"},
		{"source.author.email", "source_author_email"},
		{"Source_Author_Email", "source_author_email"},
		{"statistics.time_to_admin_reply", "statistics_time_to_admin_reply"},
		{"conversation_rating.score", "conversation_rating_score"},
		{"tags", "tag"},
		{"ca.tier", "custom_attributes.tier"},
		{"custom_attributes.Ticket category", "custom_attributes.Ticket category"},
		{`ca."Ticket category"`, "custom_attributes.Ticket category"},
		{`CA."a:b"`, "custom_attributes.a:b"},
	} {
		f, ok := conv.Lookup(tc.name)
		if !ok || f.Name != tc.want {
			t.Errorf("Lookup(%q) = %v, %v; want %q", tc.name, f, ok, tc.want)
		}
	}
	for _, name := range []string{"sate", "ca", "ca.", "custom_attributes", "", "source..author"} {
		if f, ok := conv.Lookup(name); ok {
			t.Errorf("Lookup(%q) = %s, want not found", name, f.Name)
		}
	}
	if CatalogFor(KindTicketType) != nil || CatalogFor("invoice") != nil {
		t.Errorf("CatalogFor(ticket_type), CatalogFor(invoice) should be nil")
	}
}

func TestCatalog_CustomField(t *testing.T) {
	f := CatalogFor(KindContact).CustomField("Ticket category")
	if f.Name != "custom_attributes.Ticket category" || f.Custom != "Ticket category" || f.Type != TypeAny ||
		f.Index != "ca_Ticket_20category" || f.Intercom != "custom_attributes.Ticket category" {
		t.Errorf("contact custom field = %+v", f)
	}
	if g := CatalogFor(KindConversation).CustomField("tier"); g.Intercom != "" || g.Index != "ca_tier" {
		t.Errorf("conversation custom field: Intercom = %q (want none: Intercom can't search it), Index = %q", g.Intercom, g.Index)
	}
}

func TestCustomIndexField_RoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"tier", "ca_tier"},
		{"Ticket category", "ca_Ticket_20category"},
		{"plan_v2", "ca_plan__v2"},
		{"a.b", "ca_a_2eb"},
		{"", "ca_"},
		{"Catégorie", "ca_Cat_c3_a9gorie"},
		{"_", "ca___"},
		{"__x", "ca_____x"},
	} {
		got := CustomIndexField(tc.name)
		if got != tc.want {
			t.Errorf("CustomIndexField(%q) = %q, want %q", tc.name, got, tc.want)
		}
		back, ok := CustomAttributeOf(got)
		if !ok || back != tc.name {
			t.Errorf("CustomAttributeOf(%q) = %q, %v; want %q", got, back, ok, tc.name)
		}
	}
	for _, s := range []string{"tier", "ca_x_2", "ca_x_zz", "ca_x_2E", "ca_a b", "ca__"} {
		if name, ok := CustomAttributeOf(s); ok {
			t.Errorf("CustomAttributeOf(%q) = %q, want not a custom field", s, name)
		}
	}
}
