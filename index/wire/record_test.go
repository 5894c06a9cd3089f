package wire

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestConversation_OddJSON decodes conversations whose fields have the shapes Intercom sends beside its schema:
// a record decodes, and each odd field is read by the package's rule.
func TestConversation_OddJSON(t *testing.T) {
	tests := []struct {
		name, in string
		check    func(t *testing.T, c Conversation)
	}{
		{
			name: "nested nulls",
			in: `{"id":"1","title":null,"source":{"author":null,"attachments":null},"tags":{"tags":null},
				"contacts":null,"conversation_parts":{"conversation_parts":[null,{"id":null,"body":null}],"total_count":null},
				"statistics":null,"custom_attributes":{"a":null}}`,
			check: func(t *testing.T, c Conversation) {
				if c.ID != "1" || c.Title != "" || c.Source == nil || c.Source.Author != (Person{}) || c.Tags.Tags != nil ||
					c.Contacts != nil || len(c.Parts.Parts) != 2 || c.Parts.Parts[1].ID != "" || c.Parts.Parts[1].Body != "" || c.Parts.TotalCount.Valid {
					t.Errorf("decoded %+v", c)
				}
			},
		},
		{
			name: "numbers as strings and strings as numbers",
			in: `{"id":503,"created_at":"1700000000","team_assignee_id":"5017691","admin_assignee_id":"0","open":"true",
				"source":{"id":403918334,"author":{"id":991267645,"type":"admin"}},
				"conversation_parts":{"conversation_parts":[{"id":1,"created_at":1.7e9}],"total_count":"1"}}`,
			check: func(t *testing.T, c Conversation) {
				if c.ID != "503" || c.CreatedAt != (Int{1700000000, true}) || c.TeamAssigneeID != (Int{5017691, true}) ||
					c.AdminAssigneeID != (Int{0, true}) || c.Open != (Bool{true, true}) || c.Source.ID != "403918334" ||
					c.Source.Author.ID != "991267645" || c.Parts.Parts[0].ID != "1" ||
					c.Parts.Parts[0].CreatedAt != (Int{1700000000, true}) || c.Parts.TotalCount != (Int{1, true}) {
					t.Errorf("decoded %+v", c)
				}
			},
		},
		{
			name: "odd scalars are absent, the record still decodes",
			in: `{"id":{"x":1},"updated_at":1.5,"created_at":"yesterday","open":"yes","read":1,"waiting_since":1e300,
				"title":["a"],"priority":true,"conversation_rating":{"rating":4.5,"remark":7}}`,
			check: func(t *testing.T, c Conversation) {
				if c.ID != "" || c.UpdatedAt.Valid || c.CreatedAt.Valid || c.Open.Valid || c.Read.Valid ||
					c.WaitingSince.Valid || c.Title != "" || c.Priority != "true" || c.Rating.Rating.Valid || c.Rating.Remark != "7" {
					t.Errorf("decoded %+v", c)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c Conversation
			if err := json.Unmarshal([]byte(tc.in), &c); err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

// TestRecords_WrongContainerIsAnError pins the limit of the rule: a scalar never fails a record, but a list or
// object of the wrong kind does (Intercom's containers have never varied; the caller reports the record).
func TestRecords_WrongContainerIsAnError(t *testing.T) {
	for _, in := range []string{`{"source":"x"}`, `{"conversation_parts":{"conversation_parts":{}}}`, `[]`, `"x"`} {
		var c Conversation
		if err := json.Unmarshal([]byte(in), &c); err == nil {
			t.Errorf("Conversation(%s) decoded as %+v; want an error", in, c)
		}
	}
	for _, in := range []string{`{"tags":[]}`, `{"location":"Berlin"}`} {
		var c Contact
		if err := json.Unmarshal([]byte(in), &c); err == nil {
			t.Errorf("Contact(%s) decoded as %+v; want an error", in, c)
		}
	}
}

// TestContact_OddJSON decodes a contact with odd fields.
func TestContact_OddJSON(t *testing.T) {
	in := `{"id":"c1","owner_id":12,"external_id":70,"avatar":{"image_url":"https://x/a.png"},"last_seen_at":null,
		"signed_up_at":"1734537424","has_hard_bounced":"false","location":{"city":null,"country":"Germany"},
		"tags":{"data":[{"id":7}],"total_count":3,"has_more":true},"companies":null}`
	var c Contact
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	if c.ID != "c1" || c.OwnerID != "12" || c.ExternalID != "70" || c.Avatar != "https://x/a.png" || c.LastSeenAt.Valid ||
		c.SignedUpAt != (Int{1734537424, true}) || c.HasHardBounced != (Bool{false, true}) || c.Location.City != "" ||
		c.Location.Country != "Germany" || c.Tags.Data[0].ID != "7" || c.Tags.TotalCount.V != 3 || !c.Tags.HasMore.V ||
		c.Companies != nil {
		t.Errorf("decoded %+v", c)
	}
}

// TestTicketType_AttributeListReadsBothPlaces: Intercom's answers list a type's attributes under
// ticket_type_attributes.data, its 2.16 schema under ticket_type_attributes.ticket_type_attributes; both count.
func TestTicketType_AttributeListReadsBothPlaces(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"ticket_type_attributes":{"type":"list","data":[{"name":"Order","data_type":"string"},{"name":"Due","data_type":"datetime"}]}}`, "Order:string Due:datetime"},
		{`{"ticket_type_attributes":{"ticket_type_attributes":[{"name":"Due","data_type":"datetime"}]}}`, "Due:datetime"},
		{`{"ticket_type_attributes":null}`, ""},
		{`{}`, ""},
	} {
		var tt TicketType
		if err := json.Unmarshal([]byte(tc.in), &tt); err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		var got []string
		for _, a := range tt.AttributeList() {
			got = append(got, string(a.Name)+":"+string(a.DataType))
		}
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("%s: attributes %q, want %q", tc.in, s, tc.want)
		}
	}
}
