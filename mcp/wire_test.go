package mcp

import "testing"

// TestConversationView_OddWireFields: the tools read records through index/wire, by the same rule as the index and
// the client. Before, they kept a fractional id's spelling ("1.5" as an assignee) and truncated a fractional rating.
func TestConversationView_OddWireFields(t *testing.T) {
	raw := []byte(`{"id":77,"created_at":"1700000000","open":"true","admin_assignee_id":1.5,"team_assignee_id":"5017691",
		"conversation_rating":{"rating":4.5,"remark":"ok"},"source":{"author":null,"body":null},
		"conversation_parts":{"conversation_parts":[null,{"id":9,"part_type":"comment","created_at":1.7e9,"body":"<p>hi</p>"}]}}`)
	v, err := newConversationView(raw, "app1", partsWindow{Max: 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != "conversation_77" || v.CreatedAt != rfc3339(1700000000) || !v.Open {
		t.Errorf("id %q created_at %q open %v", v.ID, v.CreatedAt, v.Open)
	}
	if v.AdminAssigneeID != "" || v.TeamAssigneeID != "5017691" {
		t.Errorf("assignees admin %q team %q; want none (1.5 is no id) and 5017691", v.AdminAssigneeID, v.TeamAssigneeID)
	}
	if v.Rating != nil {
		t.Errorf("rating %+v; want none (4.5 is not an integer rating, and 4 is not what Intercom sent)", v.Rating)
	}
	if len(v.Parts) != 2 || v.Parts[1].ID != "9" || v.Parts[1].CreatedAt != rfc3339(1700000000) || v.Parts[1].Body != "hi" {
		t.Errorf("parts %+v", v.Parts)
	}
}

// TestContactView_OddWireFields: a contact's numbers and lists sent in odd shapes.
func TestContactView_OddWireFields(t *testing.T) {
	raw := []byte(`{"id":"c1","owner_id":12,"external_id":70,"signed_up_at":1734537424.5,"last_seen_at":"1734537424",
		"tags":{"data":[{"id":7,"name":null}],"total_count":"3","has_more":"true"},"location":{"city":null,"country":"Germany"}}`)
	v, err := newContactView(raw, "app1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.OwnerID != "12" || v.ExternalID != "70" || v.SignedUpAt != "" || v.LastSeenAt != rfc3339(1734537424) ||
		v.Location != "Germany" || len(v.Tags) != 2 {
		t.Errorf("view %+v", v)
	}
}
