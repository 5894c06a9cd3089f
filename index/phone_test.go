package index

import (
	"encoding/binary"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/intercom-replica/intercom-replica/query"
)

// TestSearch_PhoneByDigits: phone numbers compare by their digits, whatever the formatting on either side (the
// fixture's anna has "+353 1 234 5678", carol "+1 555 0100", dave "+49 30 1234", gus "+33 1 23 45 67 89" and
// formatted "+33123456789"). Before, only the exact formatting matched.
func TestSearch_PhoneByDigits(t *testing.T) {
	t.Parallel()
	r := mustOpen(t, "")
	mustApply(t, r, Batch{Records: fixture(t)})
	for _, tc := range []struct {
		dsl  string
		want []string
	}{
		{`object_type:contacts phone:"+353 1 234 5678"`, []string{"ctc_anna"}},
		{`object_type:contacts phone:+35312345678`, []string{"ctc_anna"}},
		{`object_type:contacts phone:35312345678`, []string{"ctc_anna"}},
		{`object_type:contacts phone:"(353) 1-234-5678"`, []string{"ctc_anna"}},
		{`object_type:contacts phone:353.1.234.5678`, []string{"ctc_anna"}},
		{`object_type:contacts phone:+3531234567`, nil},
		{`object_type:contacts phone:starts_with:+33`, []string{"ctc_gus"}},
		{`object_type:contacts phone:contains:"555 01"`, []string{"ctc_carol"}},
		{`object_type:contacts phone:ends_with:456789`, []string{"ctc_gus"}},
		{`object_type:contacts phone:in:+15550100,+49-30-1234`, []string{"ctc_carol", "ctc_dave"}},
		{`object_type:contacts phone:neq:+1-555-0100`, []string{"ctc_eve", "ctc_anna", "ctc_bob", "ctc_dave", "ctc_gus"}},
		{`object_type:contacts phone:exists`, []string{"ctc_anna", "ctc_carol", "ctc_dave", "ctc_gus"}},
		{`object_type:contacts formatted_phone:"+33 1 23 45 67 89"`, []string{"ctc_gus"}},
	} {
		if got := hitIDs(mustSearch(t, r, mustParse(t, tc.dsl))); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.dsl, got, tc.want)
		}
	}
}

// TestOpen_RecomputesRowsWrittenBeforePhoneDigits: a replica written before phone numbers were compared by their
// digits holds rows of row version 2, with the phone column as entered; opening it recomputes them, so the digits
// match, and every row keeps its record's ordinal (the cleanup's Check compares them with the full-text index's).
// Without the row version's bump, the old rows would load as they are and the search find nothing; before
// rederiveRows kept ordinals, every recomputed row had ordinal 0.
func TestOpen_RecomputesRowsWrittenBeforePhoneDigits(t *testing.T) {
	t.Parallel()
	dir, _ := populated(t)
	st, err := openStore(filepath.Join(dir, storeFile))
	if err != nil {
		t.Fatal(err)
	}
	fn := st.fields[query.KindContact]
	err = st.db.Update(func(tx *bolt.Tx) error {
		rows := tx.Bucket(rowsBucket(query.KindContact))
		return tx.Bucket(recordsBucket(query.KindContact)).ForEach(func(id, v []byte) error {
			e, err := decodeEnvelope(v)
			if err != nil || e.deleted {
				return err
			}
			raw, err := st.json(query.KindContact, e)
			if err != nil {
				return err
			}
			d, err := extract(query.KindContact, raw)
			if err != nil {
				return err
			}
			var c struct{ Phone string }
			if err := json.Unmarshal(raw, &c); err != nil {
				return err
			}
			for i := range d.fields {
				if d.fields[i].name == "phone" {
					d.fields[i].strs = []string{c.Phone} // as version 2 stored it
				}
			}
			old := rows.Get(id)
			d.ord = binary.BigEndian.Uint32(old[rowOrdAt:])
			row := encodeRow(&d, fn)
			row[0] = 2
			return rows.Put(id, row)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := fn.unsaved(); b != nil {
		t.Fatal("the old rows named a field the store does not know")
	}
	if err := st.close(); err != nil {
		t.Fatal(err)
	}
	r := mustOpen(t, dir)
	if got := hitIDs(mustSearch(t, r, mustParse(t, "object_type:contacts phone:+35312345678"))); !slices.Equal(got, []string{"ctc_anna"}) {
		t.Errorf("after reopening: got %v, want ctc_anna", got)
	}
}
