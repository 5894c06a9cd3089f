package intercom_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// ids returns the ids of items, failing on an empty id or an empty Raw.
func ids[T any](t *testing.T, items []T, id func(T) (string, []byte)) []string {
	t.Helper()
	out := make([]string, len(items))
	for i, it := range items {
		s, raw := id(it)
		if s == "" || len(raw) == 0 {
			t.Fatalf("item %d: id %q, %d bytes of Raw", i, s, len(raw))
		}
		out[i] = s
	}
	if dup := firstDuplicate(out); dup != "" {
		t.Fatalf("%s listed twice", dup)
	}
	return out
}

func TestContract_WorkspaceLists(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		admins, err := tg.client.ListAdmins(ctx)
		if err != nil {
			t.Fatal(err)
		}
		adminIDs := ids(t, admins, func(a intercom.Admin) (string, []byte) { return a.ID, a.Raw })
		teams, err := tg.client.ListTeams(ctx)
		if err != nil {
			t.Fatal(err)
		}
		teamIDs := ids(t, teams, func(x intercom.Team) (string, []byte) { return x.ID, x.Raw })
		tags, err := tg.client.ListTags(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tagIDs := ids(t, tags, func(x intercom.WorkspaceTag) (string, []byte) { return x.ID, x.Raw })
		segments, err := tg.client.ListSegments(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		segmentIDs := ids(t, segments, func(x intercom.Segment) (string, []byte) { return x.ID, x.Raw })
		for _, s := range segments {
			if s.UpdatedAt == 0 || (s.PersonType != "user" && s.PersonType != "contact") || rawField(t, s.Raw, "count") == nil {
				t.Errorf("segment %+v", s)
			}
		}
		if tg.fake == nil {
			return
		}
		ws := tg.fake.ws
		n := ws.Counts()
		if len(adminIDs) != n.Admins || !slices.Equal(adminIDs, ws.AdminIDs()) || len(teamIDs) != n.Teams ||
			!slices.Equal(tagIDs, ws.TagIDs()) || len(tagIDs) != n.Tags || !slices.Equal(segmentIDs, ws.SegmentIDs()) || len(segmentIDs) != n.Segments {
			t.Errorf("lists %d admins, %d teams, %d tags, %d segments; the workspace has %+v", len(adminIDs), len(teamIDs), len(tagIDs), len(segmentIDs), n)
		}
		if admins[0].Name == "" || admins[0].Email == "" || !bytes.HasPrefix(admins[0].Raw, []byte(`{"type":"admin","id":"`+admins[0].ID+`"`)) {
			t.Errorf("admin %+v: Raw %.80s", admins[0], admins[0].Raw)
		}
	})
}

func TestContract_CompanyScrollAndGet(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		var companies []intercom.Company
		pages := 0
		for page, err := range tg.client.CompanyScrollPages(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			pages++
			companies = append(companies, page.Companies...)
		}
		got := ids(t, companies, func(c intercom.Company) (string, []byte) { return c.ID, c.Raw })
		if len(companies) == 0 {
			t.Fatal("no companies")
		}
		one, err := tg.client.GetCompany(ctx, companies[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if one.ID != companies[0].ID || one.UpdatedAt == 0 || one.CompanyID == "" || !bytes.Equal(one.Raw, companies[0].Raw) {
			t.Errorf("GetCompany = %+v, scrolled %+v", one, companies[0])
		}
		if _, err := tg.client.GetCompany(ctx, "000000000000000000000000"); !errors.Is(err, intercom.ErrNotFound) {
			t.Errorf("an unknown company: %v, want ErrNotFound", err)
		}
		if tg.fake == nil {
			return
		}
		if pages < 3 {
			t.Errorf("%d scroll pages for %d companies", pages, len(companies))
		}
		want := tg.fake.ws.CompanyIDs()
		if len(got) != tg.fake.ws.Counts().Companies || !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
			t.Errorf("scrolled %d companies, the workspace has %d", len(got), len(want))
		}
		for _, c := range companies {
			served, err := tg.fake.ws.CompanyJSON(c.ID)
			if err != nil || !bytes.Equal(c.Raw, served) {
				t.Fatalf("company %s: Raw differs from the served JSON (%v)", c.ID, err)
			}
		}
	})
}

// TestFake_CompanyScrollRules: a second scroll while one is open, and a scroll continued after it expired (unused
// for a minute), are errors that say so.
func TestFake_CompanyScrollRules(t *testing.T) {
	t.Parallel()
	f, c := newFake(t, fakeintercom.Faults{}, nil)
	ctx := context.Background()
	pages := 0
	for _, err := range c.CompanyScrollPages(ctx) {
		if err != nil {
			if pages == 0 {
				t.Fatalf("first page: %v", err)
			}
			if !errors.Is(err, intercom.ErrScrollExpired) {
				t.Errorf("continuing an expired scroll: %v, want ErrScrollExpired", err)
			}
			break
		}
		pages++
		if pages == 1 {
			for _, err := range c.CompanyScrollPages(ctx) {
				if !errors.Is(err, intercom.ErrScrollExists) || !errors.Is(err, intercom.ErrInvalidParameter) {
					t.Errorf("a second scroll: %v, want ErrScrollExists", err)
				}
			}
			f.clock.Sleep(ctx, time.Minute)
		}
		if pages > 1 {
			t.Fatal("the scroll went on after a minute unused")
		}
	}
	// The expired scroll is gone: a new one walks every company.
	n := 0
	for page, err := range c.CompanyScrollPages(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Companies)
	}
	if n != f.ws.Counts().Companies {
		t.Errorf("a new scroll saw %d companies, want %d", n, f.ws.Counts().Companies)
	}
}

func TestFake_CompanyContacts(t *testing.T) {
	t.Parallel()
	f, c := newFake(t, fakeintercom.Faults{}, nil)
	ctx := context.Background()
	total := 0
	for _, id := range f.ws.CompanyIDs() {
		page, err := c.ListCompanyContacts(ctx, id, 1)
		if err != nil {
			t.Fatal(err)
		}
		if page.TotalCount != len(page.Contacts) || page.TotalPages > 1 {
			t.Fatalf("company %s: %d contacts of %d on page 1 of %d", id, len(page.Contacts), page.TotalCount, page.TotalPages)
		}
		for _, ct := range page.Contacts {
			if !bytes.Contains(ct.Raw, []byte(`{"id":"`+id+`","type":"company"`)) {
				t.Errorf("contact %s does not name company %s", ct.ID, id)
			}
		}
		total += page.TotalCount
	}
	if total == 0 {
		t.Error("no company has contacts")
	}
	if _, err := c.ListCompanyContacts(ctx, "000000000000000000000000", 1); !errors.Is(err, intercom.ErrNotFound) {
		t.Errorf("an unknown company: %v", err)
	}
}
