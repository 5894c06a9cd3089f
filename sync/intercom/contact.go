package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/intercom-replica/intercom-replica/index/wire"
)

// Contact is an Intercom contact, a user or a lead (schema "contact" in API 2.16). The typed fields are the ones a
// replica branches on; Raw holds the whole record exactly as Intercom sent it.
type Contact struct {
	ID          string
	ExternalID  string
	WorkspaceID string
	Role        string // "user" or "lead"
	Email       string
	EmailDomain string
	Phone       string
	Name        string
	OwnerID     string // admin id of the owner; "" when none (Intercom sends a number, a string or null)

	CreatedAt       int64 // Unix seconds
	UpdatedAt       int64 // Unix seconds
	SignedUpAt      int64 // Unix seconds; 0 when unknown
	LastSeenAt      int64 // Unix seconds; 0 when unknown
	LastRepliedAt   int64 // Unix seconds; 0 when unknown
	LastContactedAt int64 // Unix seconds; 0 when unknown

	Location Location

	// Raw is the exact bytes of this contact's JSON object as they appeared in the response.
	Raw json.RawMessage
}

// Location is where a contact was last seen (schema "contact_location").
type Location struct {
	Country string
	Region  string
	City    string
}

// ContactList is one page of [Client.ListContacts] or [Client.SearchContacts] (schema "contact_list").
type ContactList struct {
	Contacts   []Contact
	TotalCount int
	Pages      Pages
}

// ListContacts returns one page of all contacts (GET /contacts; merged contacts are excluded by Intercom). Pass the
// page's Pages.Next.StartingAfter as opts.StartingAfter for the next page, or use [Client.ContactPages].
func (c *Client) ListContacts(ctx context.Context, opts ListOptions) (*ContactList, error) {
	return call[ContactList](ctx, c, request{method: http.MethodGet, path: "/contacts", query: opts.query()})
}

// GetContact returns one contact (GET /contacts/{id}). A missing contact is an error matching [ErrNotFound]; a contact
// merged into another one is an error matching [ErrMerged] whose [APIError.CanonicalID] names the surviving contact.
func (c *Client) GetContact(ctx context.Context, id string) (*Contact, error) {
	if id == "" {
		return nil, errors.New("intercom: get contact: empty id")
	}
	return call[Contact](ctx, c, request{method: http.MethodGet, path: "/contacts/" + url.PathEscape(id)})
}

// SearchContacts returns one page of contacts matching req.Query (POST /contacts/search), ordered by req.Sort when
// set. Intercom compares dates by calendar day in contact search and may miss contacts created in the last few
// minutes; merged contacts never appear. Use [Client.SearchContactPages] to walk every page.
func (c *Client) SearchContacts(ctx context.Context, req SearchRequest) (*ContactList, error) {
	body, err := req.body()
	if err != nil {
		return nil, err
	}
	return call[ContactList](ctx, c, request{method: http.MethodPost, path: "/contacts/search", body: body})
}

// UnmarshalJSON decodes a contact object, tolerating unknown fields and Intercom's type quirks, and keeps a copy of
// data in Raw.
func (c *Contact) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		*c = Contact{}
		return nil
	}
	var w wire.Contact
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*c = Contact{
		ID: string(w.ID), ExternalID: string(w.ExternalID), WorkspaceID: string(w.WorkspaceID), Role: string(w.Role),
		Email: string(w.Email), EmailDomain: string(w.EmailDomain), Phone: string(w.Phone), Name: string(w.Name),
		OwnerID: string(w.OwnerID), CreatedAt: w.CreatedAt.V, UpdatedAt: w.UpdatedAt.V, SignedUpAt: w.SignedUpAt.V,
		LastSeenAt: w.LastSeenAt.V, LastRepliedAt: w.LastRepliedAt.V, LastContactedAt: w.LastContactedAt.V,
		Raw: bytes.Clone(data),
	}
	if l := w.Location; l != nil {
		c.Location = Location{Country: string(l.Country), Region: string(l.Region), City: string(l.City)}
	}
	return nil
}

// MarshalJSON returns Raw unchanged, so a contact encodes as what Intercom sent (json.Marshal then compacts it
// and escapes HTML characters; write Raw itself to keep the bytes). It fails for a Contact that was
// not decoded from JSON (empty Raw).
func (c Contact) MarshalJSON() ([]byte, error) {
	if len(c.Raw) == 0 {
		return nil, errors.New("intercom: contact has no raw JSON")
	}
	return c.Raw, nil
}

// UnmarshalJSON decodes a contact list page; Intercom names its items "data".
func (l *ContactList) UnmarshalJSON(data []byte) error {
	var w struct {
		Data []Contact `json:"data"`
		listWire[Pages]
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*l = ContactList{Contacts: w.Data, TotalCount: int(w.TotalCount.V), Pages: w.pages()}
	return nil
}
