package sync

import (
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
)

func TestSupersedes_OrdersEvidence(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_800_000_000, 0)
	live := func(updated int64, synced time.Time) index.Record {
		return index.Record{Kind: query.KindContact, ID: "c", UpdatedAt: updated, SyncedAt: synced, Raw: []byte(`{}`)}
	}
	tomb := func(updated int64, synced time.Time) index.Record {
		return index.Record{Kind: query.KindContact, ID: "c", UpdatedAt: updated, SyncedAt: synced, Deleted: true}
	}
	for _, tc := range []struct {
		name    string
		in      candidate
		cur     index.Record
		found   bool
		want    bool
		updated int64 // the written record's UpdatedAt, when written
	}{
		{"new record", candidate{rec: live(100, t0)}, index.Record{}, false, true, 100},
		{"newer copy", candidate{rec: live(101, t0)}, live(100, t0), true, true, 101},
		{"same updated_at again (a second change in that second)", candidate{rec: live(100, t0.Add(time.Minute))}, live(100, t0), true, true, 100},
		{"older copy", candidate{rec: live(99, t0.Add(time.Minute))}, live(100, t0), true, false, 0},
		{"tombstone after the copy", tombstone(query.KindContact, "c", t0.Add(time.Second), 0), live(100, t0), true, true, 100},
		{"tombstone whose evidence predates the copy", tombstone(query.KindContact, "c", t0, 0), live(100, t0.Add(time.Second)), true, false, 0},
		{"tombstone with a deletion time after the copy's update", tombstone(query.KindContact, "c", t0, 150), live(100, t0.Add(time.Second)), true, true, 150},
		{"tombstone of a record never held (a 404 for a made-up id)", tombstone(query.KindContact, "c", t0, 150), index.Record{}, false, false, 0},
		{"tombstone over a tombstone", tombstone(query.KindContact, "c", t0.Add(time.Hour), 0), tomb(100, t0), true, false, 0},
		{"listed copy as old as the tombstone", candidate{rec: live(100, t0.Add(time.Hour))}, tomb(100, t0), true, false, 0},
		{"listed copy newer than the tombstone (unarchived)", candidate{rec: live(101, t0.Add(time.Hour))}, tomb(100, t0), true, true, 101},
		{"copy fetched by id after the tombstone", candidate{rec: live(100, t0.Add(time.Hour)), byID: true}, tomb(100, t0), true, true, 100},
		{"copy fetched by id before the tombstone", candidate{rec: live(100, t0), byID: true}, tomb(100, t0.Add(time.Hour)), true, false, 0},
		// A tombstone carries the deletion's time (or a later copy's updated_at): a GET answering 200 after it is
		// what Intercom holds now, whatever its updated_at; a list item is not (a list can lag behind a deletion).
		{"copy fetched by id after a tombstone of a later time", candidate{rec: live(100, t0.Add(time.Hour)), byID: true}, tomb(150, t0), true, true, 100},
		{"copy fetched by id before a tombstone of a later time", candidate{rec: live(100, t0), byID: true}, tomb(150, t0.Add(time.Hour)), true, false, 0},
		{"listed copy older than the tombstone", candidate{rec: live(100, t0.Add(time.Hour))}, tomb(150, t0), true, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := supersedes(tc.in, tc.cur, tc.found)
			if ok != tc.want {
				t.Fatalf("supersedes = %v, want %v", ok, tc.want)
			}
			if ok && got.UpdatedAt != tc.updated {
				t.Errorf("written UpdatedAt = %d, want %d", got.UpdatedAt, tc.updated)
			}
		})
	}
}

func TestCurrent_SkipsOnlySettledCopies(t *testing.T) {
	t.Parallel()
	const u = 1_800_000_000
	at := func(d time.Duration) time.Time { return time.Unix(u, 0).Add(d) }
	for _, tc := range []struct {
		name  string
		cur   index.Record
		found bool
		want  bool
	}{
		{"not held", index.Record{}, false, false},
		{"older copy", index.Record{UpdatedAt: u - 1, SyncedAt: at(time.Hour)}, true, false},
		{"newer copy", index.Record{UpdatedAt: u + 1, SyncedAt: at(0)}, true, true},
		{"same, copied long after", index.Record{UpdatedAt: u, SyncedAt: at(time.Minute)}, true, true},
		{"same, copied in the same second", index.Record{UpdatedAt: u, SyncedAt: at(300 * time.Millisecond)}, true, false},
		{"same, copied within the settle time", index.Record{UpdatedAt: u, SyncedAt: at(4 * time.Second)}, true, false},
		{"tombstone as new as the listing", index.Record{UpdatedAt: u, Deleted: true}, true, true},
		{"tombstone older than the listing", index.Record{UpdatedAt: u - 1, Deleted: true}, true, false},
	} {
		if got := current(tc.cur, tc.found, u, DefaultSettle); got != tc.want {
			t.Errorf("%s: current = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestStatus_Progress(t *testing.T) {
	t.Parallel()
	st := Status{Kinds: map[query.Kind]KindState{
		query.KindConversation: {Backfill: Backfill{StartedAt: 1, Done: 12000, Total: 48000}},
		query.KindContact:      {Backfill: Backfill{StartedAt: 1, Done: 900, Total: 900, Complete: true}},
		query.KindCompany:      {Backfill: Backfill{StartedAt: 1, Done: 300}},
		query.KindArticle:      {Backfill: Backfill{StartedAt: 1, Done: 50, Total: 200}},
		query.KindTeam:         {Backfill: Backfill{Complete: true}},
		query.KindCollection:   {Backfill: Backfill{Complete: true}},
	}}
	if got, want := st.Progress(), "conversations 12,000 of 48,000 (25%); contacts complete; companies 300 so far; "+
		"articles 50 of 200 (25%); tickets not started; "+
		"teammates not started; tags not started; segments not started; help centers not started; ticket types not started"; got != want {
		t.Errorf("Progress = %q, want %q", got, want)
	}
	if st.Complete() || !st.LastSyncAt().IsZero() {
		t.Errorf("an unfinished backfill reports complete or synced")
	}
	// The directory's kinds are named only while they are not complete.
	for _, k := range query.DirectoryKinds() {
		st.Kinds[k] = KindState{Backfill: Backfill{Complete: true}, LastPassAt: time.Unix(1_900_000_000, 0)}
	}
	st.Kinds[query.KindCompany] = KindState{Backfill: Backfill{StartedAt: 1}}
	st.Kinds[query.KindArticle] = KindState{Backfill: Backfill{Complete: true}, LastPassAt: time.Unix(1_900_000_000, 0)}
	st.Kinds[query.KindTicket] = KindState{Backfill: Backfill{Complete: true}, LastPassAt: time.Unix(1_900_000_000, 0)}
	if got, want := st.Progress(), "conversations 12,000 of 48,000 (25%); contacts complete; companies 0 so far; articles complete; tickets complete"; got != want {
		t.Errorf("Progress = %q, want %q", got, want)
	}
	done := time.Unix(1_800_000_000, 0)
	st.Kinds[query.KindConversation] = KindState{Backfill: Backfill{Complete: true}, LastPassAt: done.Add(time.Minute)}
	st.Kinds[query.KindContact] = KindState{Backfill: Backfill{Complete: true}, LastPassAt: done}
	if want := "conversations complete; contacts complete; companies 0 so far; articles complete; tickets complete"; st.Complete() || st.Progress() != want {
		t.Errorf("companies unfinished: complete %v, progress %q", st.Complete(), st.Progress())
	}
	st.Kinds[query.KindCompany] = KindState{Backfill: Backfill{Complete: true}, LastPassAt: done.Add(time.Hour)}
	if !st.Complete() || st.Progress() != "" || !st.LastSyncAt().Equal(done) {
		t.Errorf("finished: complete %v, progress %q, last sync %v", st.Complete(), st.Progress(), st.LastSyncAt())
	}
}
