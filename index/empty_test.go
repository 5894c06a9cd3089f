package index

import (
	"context"
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
)

// TestSearch_EmptyReplicaAnswersFreeTextWithNothing: a replica with no records yet (never synced, or Intercom
// down since the start) answers a free-text search with no matches, as it does a filter, not with an error.
func TestSearch_EmptyReplicaAnswersFreeTextWithNothing(t *testing.T) {
	r, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, dsl := range []string{
		`object_type:conversations q:refund`,
		`object_type:conversations q:"refund request"`,
		`object_type:contacts q:jane`,
		`object_type:conversations q:refund state:open`,
	} {
		q, err := query.Parse(dsl, query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := r.Search(context.Background(), q)
		if err != nil || res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("%s on an empty replica: %d total, %d hits, %v; want nothing and no error", dsl, res.Total, len(res.Hits), err)
		}
	}
}
