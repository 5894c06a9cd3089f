package index

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
)

// TestReplica_ConcurrentSearchesAndWrites runs searches of every shape while batches are applied (run under -race
// to check the locking); afterwards store, table and index agree (the cleanup's Check).
func TestReplica_ConcurrentSearchesAndWrites(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: fixture(t)})
	ctx := context.Background()
	queries := []query.Query{
		mustParse(t, "object_type:conversations state:open"),
		mustParse(t, "object_type:conversations q:refund"),
		mustParse(t, "object_type:conversations q:hello state:closed"),
		mustParse(t, "object_type:conversations source_body:contains:hello"),
		mustParse(t, "object_type:contacts q:smith"),
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := r.Search(ctx, queries[i%len(queries)]); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 0; i < 30; i++ {
		mustApply(t, r, Batch{Records: tinyConversations(10*i, 10*i+10)})
		if i%5 == 0 {
			mustApply(t, r, Batch{Records: []Record{{Kind: query.KindConversation, ID: tinyConversations(i, i+1)[0].ID, Deleted: true}}})
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestSearch_HonoursCancelledContext(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: fixture(t)})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, dsl := range []string{"object_type:conversations q:refund", "object_type:conversations source_body:contains:refund"} {
		_, err := r.Search(ctx, mustParse(t, dsl))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v", dsl, err)
		}
	}
	if _, err := r.Apply(ctx, Batch{Records: fixture(t)[:1]}); !errors.Is(err, context.Canceled) {
		t.Errorf("Apply with a cancelled context: %v", err)
	}
}

// TestSearch_ConcurrencyIsBounded: with one search slot taken, another search waits, and gives up with its
// context.
func TestSearch_ConcurrencyIsBounded(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: fixture(t)})
	for i := 0; i < cap(r.searches); i++ {
		r.searches <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := r.Search(ctx, mustParse(t, "object_type:conversations state:open"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("search beyond the bound: %v, want it to wait until its deadline", err)
	}
	for i := 0; i < cap(r.searches); i++ {
		<-r.searches
	}
	if _, err := r.Search(context.Background(), mustParse(t, "object_type:conversations state:open")); err != nil {
		t.Fatal(err)
	}
}

func TestReplica_Status(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: fixture(t), Meta: map[string][]byte{"sync.watermark.conversation": []byte("1741629600")}})
	mustApply(t, r, Batch{Records: []Record{{Kind: query.KindContact, ID: "ctc_bob", Deleted: true}}})
	st, err := r.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.StoreSeq != 2 || st.StoreBytes <= 0 || st.IndexBytes <= 0 {
		t.Errorf("status %+v", st)
	}
	conv, contact := st.Kinds[query.KindConversation], st.Kinds[query.KindContact]
	if conv.Records != 6 || conv.Deleted != 0 || conv.IndexSeq != 2 || conv.TableRows != 6 || conv.TableBytes <= 0 {
		t.Errorf("conversations %+v", conv)
	}
	if contact.Records != 5 || contact.Deleted != 1 || contact.IndexSeq != 2 {
		t.Errorf("contacts %+v", contact)
	}
	if string(st.Meta["sync.watermark.conversation"]) != "1741629600" {
		t.Errorf("meta %q", st.Meta)
	}
}
