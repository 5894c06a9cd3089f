package wire

import (
	"encoding/json"
	"slices"
)

// Ticket is the JSON of an Intercom ticket (schema "ticket"), with the fields this module reads; the record itself
// keeps every other field. Searches send it without ticket_parts; GET /tickets/{id} with them.
type Ticket = TicketOf[TicketPart]

// TicketOf is the ticket's shape with its parts decoded as P (see ConversationOf).
type TicketOf[P any] struct {
	ID         String `json:"id"`
	TicketID   String `json:"ticket_id"` // the number the inbox shows
	Category   String `json:"category"`  // Customer, Back-office or Tracker
	TicketType *struct {
		ID   String `json:"id"`
		Name String `json:"name"`
	} `json:"ticket_type"`
	TicketState *struct {
		ID            String `json:"id"`
		Category      String `json:"category"` // submitted, in_progress, waiting_on_customer, resolved
		InternalLabel String `json:"internal_label"`
		ExternalLabel String `json:"external_label"`
	} `json:"ticket_state"`
	// Attributes are kept raw: their types are the ticket type's business. The default title and description are
	// _default_title_ and _default_description_.
	Attributes      map[string]json.RawMessage `json:"ticket_attributes"`
	AdminAssigneeID Int                        `json:"admin_assignee_id"` // 0 when unassigned
	TeamAssigneeID  Int                        `json:"team_assignee_id"`
	Open            Bool                       `json:"open"`
	IsShared        Bool                       `json:"is_shared"`
	SnoozedUntil    Int                        `json:"snoozed_until"`
	CreatedAt       Int                        `json:"created_at"`
	UpdatedAt       Int                        `json:"updated_at"`
	Contacts        *struct {
		Contacts []Person `json:"contacts"`
	} `json:"contacts"`
	LinkedObjects *LinkedObjects `json:"linked_objects"`
	Parts         *struct {
		Parts      []P `json:"ticket_parts"`
		TotalCount Int `json:"total_count"`
	} `json:"ticket_parts"`
}

// TicketPart is one comment, note or event of a ticket (schema "ticket_part").
type TicketPart struct {
	ID                String       `json:"id"`
	PartType          String       `json:"part_type"`
	Body              String       `json:"body"` // HTML
	PreviousState     String       `json:"previous_ticket_state"`
	State             String       `json:"ticket_state"`
	CreatedAt         Int          `json:"created_at"`
	UpdatedAt         Int          `json:"updated_at"`
	Author            Person       `json:"author"`
	AssignedTo        *Person      `json:"assigned_to"`
	Attachments       []Attachment `json:"attachments"`
	Redacted          Bool         `json:"redacted"`
	UpdatedAttributes *struct {
		Attribute struct {
			Label String `json:"label"`
		} `json:"attribute"`
		Value struct {
			Label json.RawMessage `json:"label"`
		} `json:"value"`
	} `json:"updated_attribute_data"`
}

// LinkedObjects are the tickets and conversations linked to a conversation or a ticket (schema
// "linked_object_list").
type LinkedObjects struct {
	Data []struct {
		Type     String `json:"type"` // ticket or conversation
		ID       String `json:"id"`
		Category String `json:"category"` // a linked ticket's category
	} `json:"data"`
	TotalCount Int  `json:"total_count"`
	HasMore    Bool `json:"has_more"`
}

// IDsOf returns the ids of the linked objects of type typ ("ticket" or "conversation"), in order.
func (l *LinkedObjects) IDsOf(typ string) []string {
	if l == nil {
		return nil
	}
	var out []string
	for _, o := range l.Data {
		if string(o.Type) == typ && o.ID != "" {
			out = append(out, string(o.ID))
		}
	}
	return out
}

// TicketText is the text of a ticket alone: its title and description (among its attributes) and its part bodies,
// for readers that need nothing else (the index's snippets), as ConversationText.
type TicketText struct {
	Attributes struct {
		Title       String `json:"_default_title_"`
		Description String `json:"_default_description_"`
	} `json:"ticket_attributes"`
	Parts *struct {
		Parts []struct {
			Body String `json:"body"`
		} `json:"ticket_parts"`
	} `json:"ticket_parts"`
}

// TicketType is the JSON of an Intercom ticket type (schema "ticket_type"), with the fields this module reads.
type TicketType struct {
	ID         String `json:"id"`
	Name       String `json:"name"`
	Attributes *struct {
		Data []TicketTypeAttribute `json:"data"`
		List []TicketTypeAttribute `json:"ticket_type_attributes"`
	} `json:"ticket_type_attributes"`
}

// TicketTypeAttribute is one attribute a ticket type lists (schema "ticket_type_attribute").
type TicketTypeAttribute struct {
	Name     String `json:"name"`
	DataType String `json:"data_type"` // string, list, integer, decimal, boolean, datetime, files
}

// AttributeList returns the attributes the type lists: under ticket_type_attributes.data, where Intercom's examples
// (and its answers) put them, then under ticket_type_attributes.ticket_type_attributes, where its 2.16 schema does.
func (t *TicketType) AttributeList() []TicketTypeAttribute {
	if t.Attributes == nil {
		return nil
	}
	return append(slices.Clip(t.Attributes.Data), t.Attributes.List...)
}
