package index

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
)

// TestSearch_FieldsTheReplicaCannotSearchAreTheQuerysMistake: a field of the catalog that the records do not carry
// (segments, and contacts' tag and company names, which their records list by id only) is an error naming the field
// and what to search instead, not an internal error and not an empty answer.
func TestSearch_FieldsTheReplicaCannotSearchAreTheQuerysMistake(t *testing.T) {
	r, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for dsl, want := range map[string]string{
		`object_type:contacts segment_id:123`:     "segment_id cannot be searched in the replica: ",
		`object_type:contacts tag:refund`:         "the replica holds no tags yet (a sync pass copies them); use their ids meanwhile (tag_id)",
		`object_type:contacts company:"Acme"`:     "the replica holds no companies yet",
		`object_type:contacts segment:"Active"`:   "segment_id cannot be searched",
		`object_type:contacts segment_ids:in:1,2`: "segment_id cannot be searched",
	} {
		q, err := query.Parse(dsl, query.Options{})
		if err != nil {
			t.Fatalf("%s: %v", dsl, err)
		}
		_, err = r.Search(context.Background(), q)
		var qe *query.Error
		if !errors.As(err, &qe) || !strings.Contains(qe.Msg, want) {
			t.Errorf("%s: %v; want a query error containing %q", dsl, err, want)
		}
		// An aggregate's filter is the same query, with the same mistakes.
		a, err := query.ParseAggregate(query.AggregateSpec{Query: dsl, GroupBy: []string{"role"}}, query.Options{})
		if err != nil {
			t.Fatalf("%s: %v", dsl, err)
		}
		_, err = r.Aggregate(context.Background(), a)
		if !errors.As(err, &qe) || !strings.Contains(qe.Msg, want) {
			t.Errorf("aggregate of %s: %v; want a query error containing %q", dsl, err, want)
		}
	}
}
