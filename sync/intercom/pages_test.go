package intercom_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// contactPages serves n pages of one contact each at GET /contacts, cursor "p<i>" for page i.
func contactPages(n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		i := 1
		if c := r.URL.Query().Get("starting_after"); c != "" {
			i, _ = strconv.Atoi(strings.TrimPrefix(c, "p"))
		}
		next := ""
		if i < n {
			next = fmt.Sprintf(`,"next":{"page":%d,"starting_after":"p%d"}`, i+1, i+1)
		}
		fmt.Fprintf(w, `{"type":"list","data":[{"type":"contact","id":"c%d"}],"total_count":%d,"pages":{"type":"pages","page":%d,"per_page":1,"total_pages":%d%s}}`, i, n, i, n, next)
	}
}

func TestContactPages_WalksToTheLastPage(t *testing.T) {
	t.Parallel()
	srv := newServer(t, contactPages(4))
	c, _, _ := newClient(t, srv, nil)
	var ids []string
	for page, err := range c.ContactPages(context.Background(), intercom.ListOptions{PerPage: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, ct := range page.Contacts {
			ids = append(ids, ct.ID)
		}
	}
	if strings.Join(ids, ",") != "c1,c2,c3,c4" {
		t.Errorf("ids = %v", ids)
	}
}

func TestContactPages_ResumesFromACursorAndStopsOnBreak(t *testing.T) {
	t.Parallel()
	seq := &sequence{steps: []http.HandlerFunc{contactPages(5)}}
	srv := newServer(t, seq)
	c, _, _ := newClient(t, srv, nil)
	var ids []string
	for page, err := range c.ContactPages(context.Background(), intercom.ListOptions{StartingAfter: "p2"}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, page.Contacts[0].ID)
		if len(ids) == 2 {
			break
		}
	}
	if strings.Join(ids, ",") != "c2,c3" || seq.count() != 2 {
		t.Errorf("ids = %v after %d requests", ids, seq.count())
	}
}

func TestPages_RepeatedCursorEndsWithAnError(t *testing.T) {
	t.Parallel()
	srv := newServer(t, serveJSON(http.StatusOK, []byte(`{"type":"conversation.list","conversations":[],"pages":{"next":{"starting_after":"same"}}}`)))
	c, _, _ := newClient(t, srv, nil)
	pages, lastErr := 0, error(nil)
	for _, err := range c.ConversationPages(context.Background(), intercom.ListOptions{}) {
		if err != nil {
			lastErr = err
			break
		}
		pages++
	}
	if pages != 2 || lastErr == nil || !strings.Contains(lastErr.Error(), "repeats") {
		t.Errorf("%d pages, err %v; want 2 pages then a repeated-cursor error", pages, lastErr)
	}
}

func TestPages_ErrorIsYieldedOnce(t *testing.T) {
	t.Parallel()
	seq := &sequence{steps: []http.HandlerFunc{contactPages(3), serveJSON(http.StatusUnauthorized, errorBody("unauthorized", "Access Token Invalid"))}}
	srv := newServer(t, seq)
	c, _, _ := newClient(t, srv, nil)
	var got []string
	for page, err := range c.ContactPages(context.Background(), intercom.ListOptions{}) {
		if err != nil {
			got = append(got, "err:"+fmt.Sprint(errors.Is(err, intercom.ErrUnauthorized)))
			continue // the iterator must stop by itself
		}
		got = append(got, page.Contacts[0].ID)
	}
	if strings.Join(got, ",") != "c1,err:true" {
		t.Errorf("yielded %v", got)
	}
}

func TestDeletedConversationPages(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		next := "null"
		if page < 3 {
			next = fmt.Sprintf(`"https://api.intercom.io/conversations/deleted?per_page=1&order=asc&page=%d"`, page+1)
		}
		fmt.Fprintf(w, `{"type":"conversations.list","total_count":3,"pages":{"type":"pages","next":%s,"page":%d,"per_page":1,"total_pages":3},"conversations":[{"type":"conversation","id":"%d","deleted_at":%d}]}`,
			next, page, 500+page, 1734537000+page)
	}))
	c, _, _ := newClient(t, srv, nil)
	var ids []string
	for page, err := range c.DeletedConversationPages(context.Background(), intercom.DeletedListOptions{PerPage: 1, Order: "asc"}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.Conversations {
			ids = append(ids, d.ID)
		}
	}
	if strings.Join(ids, ",") != "501,502,503" {
		t.Errorf("ids = %v", ids)
	}
}
