package intercom

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"net/url"

	"github.com/intercom-replica/intercom-replica/index/wire"
)

// TicketType is a ticket type (schema "ticket_type"): its category and the attributes its tickets carry.
type TicketType struct {
	ID         string
	Name       string
	Category   string // "Customer", "Back-office" or "Tracker"
	Attributes []TicketTypeAttribute
	UpdatedAt  int64
	Raw        json.RawMessage
}

// TicketTypeAttribute is an attribute of a ticket type (schema "ticket_type_attribute"). A ticket's
// ticket_attributes are keyed by Name; _default_title_ and _default_description_ are the built-in ones.
type TicketTypeAttribute struct {
	ID       string
	Name     string
	DataType string // string, list, integer, decimal, boolean, datetime or files
}

// Ticket is a ticket (schema "ticket"), with its parts when GET /tickets/{id} or search returned them.
type Ticket struct {
	ID              string
	TicketTypeID    string
	Category        string // "Customer", "Back-office" or "Tracker"
	State           string // the ticket state's category: submitted, in_progress, waiting_on_customer or resolved
	Open            bool
	Title           string // ticket_attributes._default_title_
	AdminAssigneeID string // "" or "0" when unassigned
	TeamAssigneeID  string
	CreatedAt       int64 // Unix seconds
	UpdatedAt       int64
	PartCount       int // ticket_parts.total_count: the parts Intercom returned (at most 500)
	Raw             json.RawMessage
}

// TicketList is one page of [Client.SearchTickets] (schema "ticket_list").
type TicketList struct {
	Tickets    []Ticket
	TotalCount int
	Pages      Pages
}

// UnmarshalJSON decodes a ticket type and keeps a copy of data in Raw. Its attributes are read from
// ticket_type_attributes.data, where Intercom's examples put them (the 2.16 schema names the list
// ticket_type_attributes; both are read).
func (t *TicketType) UnmarshalJSON(data []byte) error {
	type attr struct {
		ID       wire.String `json:"id"`
		Name     wire.String `json:"name"`
		DataType wire.String `json:"data_type"`
	}
	var w struct {
		ID         wire.String `json:"id"`
		Name       wire.String `json:"name"`
		Category   wire.String `json:"category"`
		UpdatedAt  wire.Int    `json:"updated_at"`
		Attributes *struct {
			Data  []attr `json:"data"`
			Items []attr `json:"ticket_type_attributes"`
		} `json:"ticket_type_attributes"`
	}
	raw, err := decodeRecord(data, &w)
	*t = TicketType{ID: string(w.ID), Name: string(w.Name), Category: string(w.Category), UpdatedAt: w.UpdatedAt.V, Raw: raw}
	if w.Attributes != nil {
		for _, a := range append(w.Attributes.Data, w.Attributes.Items...) {
			t.Attributes = append(t.Attributes, TicketTypeAttribute{ID: string(a.ID), Name: string(a.Name), DataType: string(a.DataType)})
		}
	}
	return err
}

// UnmarshalJSON decodes a ticket and keeps a copy of data in Raw.
func (t *Ticket) UnmarshalJSON(data []byte) error {
	var w struct {
		ID         wire.String `json:"id"`
		Category   wire.String `json:"category"`
		Open       wire.Bool   `json:"open"`
		Attributes struct {
			Title wire.String `json:"_default_title_"`
		} `json:"ticket_attributes"`
		State struct {
			Category wire.String `json:"category"`
		} `json:"ticket_state"`
		Type struct {
			ID wire.String `json:"id"`
		} `json:"ticket_type"`
		AdminAssigneeID wire.String `json:"admin_assignee_id"`
		TeamAssigneeID  wire.String `json:"team_assignee_id"`
		CreatedAt       wire.Int    `json:"created_at"`
		UpdatedAt       wire.Int    `json:"updated_at"`
		Parts           struct {
			TotalCount wire.Int `json:"total_count"`
		} `json:"ticket_parts"`
	}
	raw, err := decodeRecord(data, &w)
	*t = Ticket{
		ID: string(w.ID), TicketTypeID: string(w.Type.ID), Category: string(w.Category), State: string(w.State.Category),
		Open: w.Open.V, Title: string(w.Attributes.Title), AdminAssigneeID: string(w.AdminAssigneeID),
		TeamAssigneeID: string(w.TeamAssigneeID), CreatedAt: w.CreatedAt.V, UpdatedAt: w.UpdatedAt.V,
		PartCount: int(w.Parts.TotalCount.V), Raw: raw,
	}
	return err
}

// UnmarshalJSON decodes a page of tickets.
func (l *TicketList) UnmarshalJSON(data []byte) error {
	var w struct {
		Tickets []Ticket `json:"tickets"`
		listWire[Pages]
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*l = TicketList{Tickets: w.Tickets, TotalCount: int(w.TotalCount.V), Pages: w.pages()}
	return nil
}

// ListTicketTypes returns every ticket type of the workspace with its attributes and states (GET /ticket_types,
// one page).
func (c *Client) ListTicketTypes(ctx context.Context) ([]TicketType, error) {
	return listOf[TicketType](ctx, c, "/ticket_types", "data", nil)
}

// SearchTickets returns one page of tickets matching req.Query (POST /tickets/search), each with its parts. The
// fields and operators are those of Intercom's ticket search table (updated_at, created_at, id, state,
// ticket_type_id, category as request/task/tracker, admin_assignee_id, team_assignee_id, open,
// ticket_attribute.{id}, ...); use [Client.SearchTicketPages] to walk every page.
func (c *Client) SearchTickets(ctx context.Context, req SearchRequest) (*TicketList, error) {
	body, err := req.body()
	if err != nil {
		return nil, err
	}
	return call[TicketList](ctx, c, request{method: http.MethodPost, path: "/tickets/search", body: body})
}

// SearchTicketPages iterates over every page of [Client.SearchTickets], like [Client.ConversationPages].
func (c *Client) SearchTicketPages(ctx context.Context, req SearchRequest) iter.Seq2[*TicketList, error] {
	return cursorPages(req.StartingAfter, func(cursor string) (*TicketList, string, error) {
		req.StartingAfter = cursor
		page, err := c.SearchTickets(ctx, req)
		if err != nil {
			return nil, "", err
		}
		return page, page.Pages.NextCursor(), nil
	})
}

// GetTicket returns one ticket with its parts (GET /tickets/{id}; Intercom returns at most 500 parts). A missing
// ticket is an error matching [ErrNotFound].
func (c *Client) GetTicket(ctx context.Context, id string) (*Ticket, error) {
	if id == "" {
		return nil, errors.New("intercom: get ticket: empty id")
	}
	return call[Ticket](ctx, c, request{method: http.MethodGet, path: "/tickets/" + url.PathEscape(id)})
}
