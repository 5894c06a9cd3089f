package intercom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/intercom-replica/intercom-replica/index/wire"
)

// The workspace around conversations and contacts: teammates (admins), teams, tags, segments and companies. Each
// item keeps its id, its name where it has one, updated_at where Intercom sends it, and Raw, the exact bytes of its
// JSON object as received, for storage.

// Errors of a company scroll ([Client.CompanyScrollPages]), wrapped around the [APIError] Intercom answered.
var (
	// ErrScrollExists matches Intercom's refusal to open a company scroll while another one is open for the app
	// ("Each app can only have 1 scroll open at a time"): wait for it to end or to expire (a minute unused).
	ErrScrollExists = errors.New("intercom: a company scroll is already open for this app")
	// ErrScrollExpired matches a scroll_param Intercom no longer knows: unused for a minute, or the scroll ended.
	// A scroll cannot be resumed; start a new one.
	ErrScrollExpired = errors.New("intercom: the company scroll expired")
)

// Admin is a teammate (schema "admin").
type Admin struct {
	ID    string
	Name  string
	Email string
	Raw   json.RawMessage
}

// Team is a team of teammates (schema "team").
type Team struct {
	ID   string
	Name string
	Raw  json.RawMessage
}

// WorkspaceTag is a tag of the workspace as GET /tags lists it (schema "tag"); [Tag] is a tag applied to a
// conversation.
type WorkspaceTag struct {
	ID   string
	Name string
	Raw  json.RawMessage
}

// Segment is a segment of contacts (schema "segment").
type Segment struct {
	ID         string
	Name       string
	PersonType string // "user" or "contact" (leads)
	UpdatedAt  int64  // Unix seconds
	Raw        json.RawMessage
}

// Company is a company (schema "company").
type Company struct {
	ID        string // Intercom's id
	CompanyID string // the workspace's own id for it
	Name      string
	UpdatedAt int64 // Unix seconds
	Raw       json.RawMessage
}

// item is the fields every workspace item is read from; the rest stays in Raw.
type item struct {
	ID         wire.String `json:"id"`
	Name       wire.String `json:"name"`
	Email      wire.String `json:"email"`
	CompanyID  wire.String `json:"company_id"`
	PersonType wire.String `json:"person_type"`
	UpdatedAt  wire.Int    `json:"updated_at"`
}

func decodeItem(data []byte) (item, json.RawMessage, error) {
	var w item
	raw, err := decodeRecord(data, &w)
	return w, raw, err
}

// UnmarshalJSON decodes an admin and keeps a copy of data in Raw.
func (a *Admin) UnmarshalJSON(data []byte) error {
	w, raw, err := decodeItem(data)
	*a = Admin{ID: string(w.ID), Name: string(w.Name), Email: string(w.Email), Raw: raw}
	return err
}

// UnmarshalJSON decodes a team and keeps a copy of data in Raw.
func (t *Team) UnmarshalJSON(data []byte) error {
	w, raw, err := decodeItem(data)
	*t = Team{ID: string(w.ID), Name: string(w.Name), Raw: raw}
	return err
}

// UnmarshalJSON decodes a tag and keeps a copy of data in Raw.
func (t *WorkspaceTag) UnmarshalJSON(data []byte) error {
	w, raw, err := decodeItem(data)
	*t = WorkspaceTag{ID: string(w.ID), Name: string(w.Name), Raw: raw}
	return err
}

// UnmarshalJSON decodes a segment and keeps a copy of data in Raw.
func (s *Segment) UnmarshalJSON(data []byte) error {
	w, raw, err := decodeItem(data)
	*s = Segment{ID: string(w.ID), Name: string(w.Name), PersonType: string(w.PersonType), UpdatedAt: w.UpdatedAt.V, Raw: raw}
	return err
}

// UnmarshalJSON decodes a company and keeps a copy of data in Raw.
func (c *Company) UnmarshalJSON(data []byte) error {
	w, raw, err := decodeItem(data)
	*c = Company{ID: string(w.ID), CompanyID: string(w.CompanyID), Name: string(w.Name), UpdatedAt: w.UpdatedAt.V, Raw: raw}
	return err
}

// listOf fetches a one-page list and returns the items under key.
func listOf[T any](ctx context.Context, c *Client, path, key string, query url.Values) ([]T, error) {
	var m map[string]json.RawMessage
	if err := c.do(ctx, request{method: http.MethodGet, path: path, query: query}, &m); err != nil {
		return nil, err
	}
	raw, ok := m[key]
	if !ok {
		return nil, fmt.Errorf("intercom: GET %s: %w", path, &malformedError{fmt.Errorf("no %q in the answer", key)})
	}
	var items []T
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("intercom: GET %s: %w", path, &malformedError{err})
	}
	return items, nil
}

// ListAdmins returns every teammate of the workspace (GET /admins, one page).
func (c *Client) ListAdmins(ctx context.Context) ([]Admin, error) {
	return listOf[Admin](ctx, c, "/admins", "admins", nil)
}

// ListTeams returns every team of the workspace (GET /teams, one page).
func (c *Client) ListTeams(ctx context.Context) ([]Team, error) {
	return listOf[Team](ctx, c, "/teams", "teams", nil)
}

// ListTags returns every tag of the workspace (GET /tags, one page).
func (c *Client) ListTags(ctx context.Context) ([]WorkspaceTag, error) {
	return listOf[WorkspaceTag](ctx, c, "/tags", "data", nil)
}

// ListSegments returns every segment of the workspace (GET /segments, one page). With includeCount each segment's
// Raw carries its contact count (include_count=true), which costs Intercom more.
func (c *Client) ListSegments(ctx context.Context, includeCount bool) ([]Segment, error) {
	var q url.Values
	if includeCount {
		q = url.Values{"include_count": {"true"}}
	}
	return listOf[Segment](ctx, c, "/segments", "segments", q)
}

// GetCompany returns one company by Intercom's id (GET /companies/{id}). A missing company is an error matching
// [ErrNotFound].
func (c *Client) GetCompany(ctx context.Context, id string) (*Company, error) {
	if id == "" {
		return nil, errors.New("intercom: get company: empty id")
	}
	return call[Company](ctx, c, request{method: http.MethodGet, path: "/companies/" + url.PathEscape(id)})
}

// CompanyContactList is one page of [Client.ListCompanyContacts].
type CompanyContactList struct {
	Contacts   []Contact
	TotalCount int
	Page       int // 1-based number of this page
	TotalPages int
}

// ListCompanyContacts returns one page (1-based) of the contacts of company id (GET /companies/{id}/contacts). A
// missing company is an error matching [ErrNotFound].
func (c *Client) ListCompanyContacts(ctx context.Context, id string, page int) (*CompanyContactList, error) {
	if id == "" {
		return nil, errors.New("intercom: list company contacts: empty id")
	}
	var w struct {
		Data []Contact `json:"data"`
		listWire[Pages]
	}
	q := url.Values{"page": {strconv.Itoa(max(page, 1))}}
	if err := c.do(ctx, request{method: http.MethodGet, path: "/companies/" + url.PathEscape(id) + "/contacts", query: q}, &w); err != nil {
		return nil, err
	}
	p := w.pages()
	return &CompanyContactList{Contacts: w.Data, TotalCount: int(w.TotalCount.V), Page: p.Page, TotalPages: p.TotalPages}, nil
}

// CompanyScrollPage is one page of a company scroll.
type CompanyScrollPage struct {
	Companies   []Company
	ScrollParam string
}

// CompanyScrollPages walks every company with GET /companies/scroll: the first page opens the app's scroll, each
// later one sends the previous page's scroll_param, and the walk ends at the first empty page. It yields every
// non-empty page, then stops; it stops after the first error (yielded with a nil page) or when the loop body breaks.
// Intercom allows one open scroll per app and expires a scroll unused for a minute: opening a second one is an error
// matching [ErrScrollExists], continuing an expired one an error matching [ErrScrollExpired]. A broken-off scroll
// cannot be resumed; a new one can start once the old one expired.
func (c *Client) CompanyScrollPages(ctx context.Context) iter.Seq2[*CompanyScrollPage, error] {
	return func(yield func(*CompanyScrollPage, error) bool) {
		param := ""
		for {
			var q url.Values
			if param != "" {
				q = url.Values{"scroll_param": {param}}
			}
			var w struct {
				Data        []Company `json:"data"`
				ScrollParam string    `json:"scroll_param"`
			}
			if err := c.do(ctx, request{method: http.MethodGet, path: "/companies/scroll", query: q}, &w); err != nil {
				yield(nil, scrollError(err, param != ""))
				return
			}
			if len(w.Data) == 0 {
				return
			}
			if w.ScrollParam == "" {
				yield(nil, fmt.Errorf("intercom: GET /companies/scroll: a page of %d companies without a scroll_param", len(w.Data)))
				return
			}
			if !yield(&CompanyScrollPage{Companies: w.Data, ScrollParam: w.ScrollParam}, nil) {
				return
			}
			param = w.ScrollParam
		}
	}
}

// scrollError names the scroll failures Intercom answers with a plain 400 or 404.
func scrollError(err error, continuing bool) error {
	var ae *APIError
	if !errors.As(err, &ae) {
		return err
	}
	switch {
	case ae.StatusCode == http.StatusBadRequest && strings.Contains(strings.ToLower(ae.Message), "scroll already exists"):
		return fmt.Errorf("%w: %w", ErrScrollExists, err)
	case continuing && (ae.StatusCode == http.StatusBadRequest || ae.StatusCode == http.StatusNotFound):
		return fmt.Errorf("%w (start a new scroll): %w", ErrScrollExpired, err)
	}
	return err
}
