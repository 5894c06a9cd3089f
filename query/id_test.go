package query

import (
	"slices"
	"strings"
	"testing"
)

func TestParseID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		kind Kind
		id   string
		err  string
	}{
		{in: "123", id: "123"},
		{in: " 6762f0d01bb69f9f2193bb7d\n", id: "6762f0d01bb69f9f2193bb7d"},
		{in: "conversation_123", kind: KindConversation, id: "123"},
		{in: "Conversation_123", kind: KindConversation, id: "123"},
		{in: "contact_6762f0d01bb69f9f2193bb7d", kind: KindContact, id: "6762f0d01bb69f9f2193bb7d"},
		{in: "contact_lead_abc", kind: KindContact, id: "lead_abc"},
		{in: "https://app.intercom.com/a/inbox/_/inbox/conversation/123", kind: KindConversation, id: "123"},
		{in: "https://app.intercom.com/a/inbox/abcd1234/inbox/shared/all/conversation/215468#part_id=comment-1", kind: KindConversation, id: "215468"},
		{in: "https://app.eu.intercom.com/a/apps/abcd1234/conversations/987?view=x", kind: KindConversation, id: "987"},
		{in: "https://app.intercom.com/a/apps/abcd1234/users/6762f0d01bb69f9f2193bb7d/all-conversations", kind: KindContact, id: "6762f0d01bb69f9f2193bb7d"},
		{in: "https://app.au.intercom.com/a/apps/abcd1234/leads/6762f0d01bb69f9f2193bb7d", kind: KindContact, id: "6762f0d01bb69f9f2193bb7d"},
		{in: "", err: "empty id; pass a conversation, contact, company, article or ticket id such as conversation_123, contact_6762f0d01bb69f9f2193bb7d, company_6762f0d41bb69f9f2193bb7e, article_39 or ticket_7583, or an Intercom URL"},
		{in: "article_39", kind: KindArticle, id: "39"},
		{in: "Ticket_7583", kind: KindTicket, id: "7583"},
		{in: "ticket_abc", err: `"ticket_abc" is not a ticket id (digits, e.g. ticket_7583); pass a prefixed id, a raw id or an Intercom URL`},
		{in: "https://intercom.help/acme/en/articles/39-how-refunds-work", kind: KindArticle, id: "39"},
		{in: "https://help.acme.com/fr/articles/40", kind: KindArticle, id: "40"},
		{in: "https://app.intercom.com/a/inbox/abcd1234/inbox/ticket/7583", kind: KindTicket, id: "7583"},
		{in: "conversation_", err: `"conversation_" is not a conversation id (digits, e.g. conversation_123); pass a prefixed id, a raw id or an Intercom URL`},
		{in: "conversation_abc", err: `"conversation_abc" is not a conversation id (digits, e.g. conversation_123); pass a prefixed id, a raw id or an Intercom URL`},
		{in: "contact_a b", err: `"contact_a b" is not a contact id (e.g. contact_6762f0d01bb69f9f2193bb7d); pass a prefixed id, a raw id or an Intercom URL`},
		{in: "12/34", err: `"12/34" is not an id; pass a prefixed id, a raw id or an Intercom URL`},
		// An id of 300 digits is no Intercom id: said without echoing it whole.
		{in: "conversation_" + strings.Repeat("9", 300), err: `"conversation_9999999999999999999999999999999999999999999999…" is 300 bytes long: no Intercom id is longer than 256; pass a prefixed id, a raw id or an Intercom URL`},
		{in: "company_5", kind: KindCompany, id: "5"},
		{in: "https://app.intercom.com/a/apps/abcd1234/companies/6762f0d41bb69f9f2193bb7e/users", kind: KindCompany, id: "6762f0d41bb69f9f2193bb7e"},
		{in: "https://example.com/conversation/1", err: `"https://example.com/conversation/1" is neither an Intercom app URL (https://app.intercom.com/...) nor a Help Center article page (.../articles/<id>-<title>); pass a prefixed id such as conversation_123 or article_39 instead`},
		// A Help Center page that is not an article (a collection's) is not taken for an app URL.
		{in: "https://help.umbrella.app/en/collections/8300052-account-login", err: `"https://help.umbrella.app/en/collections/8300052-account-lo…" is neither an Intercom app URL (https://app.intercom.com/...) nor a Help Center article page (.../articles/<id>-<title>); pass a prefixed id such as conversation_123 or article_39 instead`},
		{in: "https://app.intercom.com/a/apps/abcd1234/users/segments/active", err: `"https://app.intercom.com/a/apps/abcd1234/users/segments/act…" is an Intercom URL but not one of a conversation (.../conversation/<id>), a ticket (.../ticket/<id>), a contact (.../users/<id>), a company (.../companies/<id>) or an article (.../articles/<id>-<title>); pass a prefixed id instead`},
	} {
		kind, id, err := ParseID(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("ParseID(%q) error = %v\nwant %s", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || kind != tc.kind || id != tc.id {
			t.Errorf("ParseID(%q) = %q, %q, %v; want %q, %q", tc.in, kind, id, err, tc.kind, tc.id)
		}
		if kind != "" {
			if back := FormatID(kind, id); back != FormatID(tc.kind, tc.id) {
				t.Errorf("FormatID = %q", back)
			}
		}
	}
}

func TestParseIDFor(t *testing.T) {
	if id, err := ParseIDFor(KindConversation, "conversation_5"); err != nil || id != "5" {
		t.Errorf("ParseIDFor(conversation, conversation_5) = %q, %v", id, err)
	}
	if id, err := ParseIDFor(KindContact, "abc"); err != nil || id != "abc" {
		t.Errorf("ParseIDFor(contact, abc) = %q, %v", id, err)
	}
	_, err := ParseIDFor(KindConversation, "contact_abc")
	if err == nil || err.Error() != "contact_abc is a contact id, not a conversation id" {
		t.Errorf("ParseIDFor(conversation, contact_abc) error = %v", err)
	}
	if got := FormatID(KindConversation, "123"); got != "conversation_123" {
		t.Errorf("FormatID = %q", got)
	}
}

func TestParseID_MisspelledKind(t *testing.T) {
	for in, want := range map[string]string{
		"conversations_215470000000299": "did you mean conversation_215470000000299?",
		"Contacts_66cce401a7c06fe039a3": "did you mean contact_66cce401a7c06fe039a3?",
		"convresation_12":               "did you mean conversation_12?",
		"tickets_12":                    "did you mean ticket_12?",
		"artcle_12":                     "did you mean article_12?",
	} {
		if _, _, err := ParseID(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseID(%q) = %v, want an error with %q", in, err, want)
		}
	}
	if k, id, err := ParseID("user_42"); err != nil || k != "" || id != "user_42" { // far from a kind: a raw id
		t.Errorf("ParseID(user_42) = %q %q %v", k, id, err)
	}
}

func TestKindsOf(t *testing.T) {
	if got := KindsOf("215470000000299"); !slices.Equal(got, []Kind{KindConversation, KindTicket, KindArticle, KindContact, KindCompany}) {
		t.Errorf("KindsOf(digits) = %v", got)
	}
	if got := KindsOf("66cce401a7c06fe039a32733"); !slices.Equal(got, []Kind{KindContact, KindCompany}) {
		t.Errorf("KindsOf(hex) = %v", got)
	}
}
