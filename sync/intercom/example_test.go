package intercom_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// Walk every conversation updated since a watermark, one search page at a time, as an incremental sync does; fetch
// each whole; and read a missing one as ErrNotFound.
func Example() {
	ws, _ := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 1, Conversations: 300, Contacts: 100})
	fake := fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{})
	srv := httptest.NewServer(fake)
	defer srv.Close()

	client, err := intercom.New(intercom.Options{Token: intercom.Token(fake.Token()), BaseURL: srv.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	watermark := int64(fakeintercom.EpochUnix - 30*24*3600) // 30 days before the fake's history ends
	req := intercom.SearchRequest{Query: intercom.Where("updated_at", intercom.OpGt, watermark), PerPage: 50}
	changed, parts := 0, 0
	for page, err := range client.SearchConversationPages(ctx, req) {
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, item := range page.Conversations {
			conv, err := client.GetConversation(ctx, item.ID)
			if err != nil {
				fmt.Println(err)
				return
			}
			changed++
			parts += len(conv.Parts)
			_ = conv.Raw // what a replica stores: the bytes Intercom sent
		}
	}
	fmt.Println("changed conversations fetched:", changed > 0, "with parts:", parts > changed)

	_, err = client.GetConversation(ctx, "42")
	fmt.Println("missing:", errors.Is(err, intercom.ErrNotFound))

	st := client.Stats()
	fmt.Println("requests = calls:", st.Requests == st.Calls, "retries:", st.Retries)
	// Output:
	// changed conversations fetched: true with parts: true
	// missing: true
	// requests = calls: true retries: 0
}
