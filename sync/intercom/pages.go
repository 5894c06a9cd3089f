package intercom

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/intercom-replica/intercom-replica/index/wire"
)

// Pages is the cursor pagination block of a list or search page (schema "cursor_pages").
type Pages struct {
	Page       int       // 1-based number of this page
	PerPage    int       // page size Intercom used
	TotalPages int       // number of pages at the page size used
	Next       *NextPage // nil on the last page
}

// NextPage points at the page after the current one.
type NextPage struct {
	Page          int
	StartingAfter string // the cursor to send as starting_after
}

// NextCursor returns the cursor of the next page, or "" on the last page.
func (p Pages) NextCursor() string {
	if p.Next == nil {
		return ""
	}
	return p.Next.StartingAfter
}

// UnmarshalJSON decodes a cursor pagination block, tolerating a null next and numbers sent as strings.
func (p *Pages) UnmarshalJSON(data []byte) error {
	var w struct {
		Page       wire.Int `json:"page"`
		PerPage    wire.Int `json:"per_page"`
		TotalPages wire.Int `json:"total_pages"`
		Next       *struct {
			Page          wire.Int    `json:"page"`
			StartingAfter wire.String `json:"starting_after"`
		} `json:"next"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*p = Pages{Page: int(w.Page.V), PerPage: int(w.PerPage.V), TotalPages: int(w.TotalPages.V)}
	if w.Next != nil && w.Next.StartingAfter != "" {
		p.Next = &NextPage{Page: int(w.Next.Page.V), StartingAfter: string(w.Next.StartingAfter)}
	}
	return nil
}

// listWire is what the JSON of every list page has besides its items: total_count and a pagination block P
// ([Pages] or [PageLinks]). List wires embed it beside their items field, whose name varies.
type listWire[P any] struct {
	TotalCount wire.Int `json:"total_count"`
	Pages      *P       `json:"pages"`
}

// pages returns the pagination block, or its zero value when the page had none.
func (w *listWire[P]) pages() P {
	if w.Pages == nil {
		var zero P
		return zero
	}
	return *w.Pages
}

// PageLinks is the page-number pagination block of [DeletedConversationList] (schema "pages_link").
type PageLinks struct {
	Page       int
	PerPage    int
	TotalPages int
	Next       string // URL of the next page; "" on the last page
}

// UnmarshalJSON decodes a page-link pagination block.
func (p *PageLinks) UnmarshalJSON(data []byte) error {
	var w struct {
		Page       wire.Int `json:"page"`
		PerPage    wire.Int `json:"per_page"`
		TotalPages wire.Int `json:"total_pages"`
		Next       string   `json:"next"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*p = PageLinks{Page: int(w.Page.V), PerPage: int(w.PerPage.V), TotalPages: int(w.TotalPages.V), Next: w.Next}
	return nil
}

// ConversationPages iterates over every page of [Client.ListConversations], starting at opts.StartingAfter. It stops
// after the last page, after the first error (yielded with a nil page), or when the loop body breaks. Each page is one
// call, so a caller can checkpoint page.Pages.NextCursor() after processing a page and resume from it later.
func (c *Client) ConversationPages(ctx context.Context, opts ListOptions) iter.Seq2[*ConversationList, error] {
	return cursorPages(opts.StartingAfter, func(cursor string) (*ConversationList, string, error) {
		opts.StartingAfter = cursor
		page, err := c.ListConversations(ctx, opts)
		if err != nil {
			return nil, "", err
		}
		return page, page.Pages.NextCursor(), nil
	})
}

// SearchConversationPages iterates over every page of [Client.SearchConversations], like [Client.ConversationPages].
func (c *Client) SearchConversationPages(ctx context.Context, req SearchRequest) iter.Seq2[*ConversationList, error] {
	return cursorPages(req.StartingAfter, func(cursor string) (*ConversationList, string, error) {
		req.StartingAfter = cursor
		page, err := c.SearchConversations(ctx, req)
		if err != nil {
			return nil, "", err
		}
		return page, page.Pages.NextCursor(), nil
	})
}

// ContactPages iterates over every page of [Client.ListContacts], like [Client.ConversationPages].
func (c *Client) ContactPages(ctx context.Context, opts ListOptions) iter.Seq2[*ContactList, error] {
	return cursorPages(opts.StartingAfter, func(cursor string) (*ContactList, string, error) {
		opts.StartingAfter = cursor
		page, err := c.ListContacts(ctx, opts)
		if err != nil {
			return nil, "", err
		}
		return page, page.Pages.NextCursor(), nil
	})
}

// SearchContactPages iterates over every page of [Client.SearchContacts], like [Client.ConversationPages].
func (c *Client) SearchContactPages(ctx context.Context, req SearchRequest) iter.Seq2[*ContactList, error] {
	return cursorPages(req.StartingAfter, func(cursor string) (*ContactList, string, error) {
		req.StartingAfter = cursor
		page, err := c.SearchContacts(ctx, req)
		if err != nil {
			return nil, "", err
		}
		return page, page.Pages.NextCursor(), nil
	})
}

// DeletedConversationPages iterates over every page of [Client.ListDeletedConversations], starting at opts.Page. It
// stops like [Client.ConversationPages].
func (c *Client) DeletedConversationPages(ctx context.Context, opts DeletedListOptions) iter.Seq2[*DeletedConversationList, error] {
	return func(yield func(*DeletedConversationList, error) bool) {
		for {
			page, err := c.ListDeletedConversations(ctx, opts)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(page, nil) {
				return
			}
			next := page.NextPage()
			if next == 0 {
				return
			}
			if next <= max(opts.Page, 1) {
				yield(nil, fmt.Errorf("intercom: deleted conversations: next page %d does not advance past page %d", next, max(opts.Page, 1)))
				return
			}
			opts.Page = next
		}
	}
}

// cursorPages walks cursor pages: fetch returns a page and the next cursor ("" after the last page). A server that
// hands back the cursor it was given would loop forever; that ends the iteration with an error instead.
func cursorPages[P any](start string, fetch func(cursor string) (P, string, error)) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		var zero P
		cursor := start
		for {
			page, next, err := fetch(cursor)
			if err != nil {
				yield(zero, err)
				return
			}
			if !yield(page, nil) || next == "" {
				return
			}
			if next == cursor {
				yield(zero, fmt.Errorf("intercom: pagination: the next cursor repeats the current one (%q)", cursor))
				return
			}
			cursor = next
		}
	}
}
