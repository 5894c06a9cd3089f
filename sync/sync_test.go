package sync

import (
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom/intercomtest"
)

func TestSync_BackfillCopiesEveryRecordByteForByte(t *testing.T) {
	e := newEnv(t, envOptions{})
	reps := e.sync(ModeIncremental)
	mirror(t, e.replica, e.ws, e.syncer)

	if len(reps) != 2 || reps[0].Pass != PassBackfill || reps[1].Pass != PassIncremental {
		t.Fatalf("passes = %+v, want a backfill then an incremental pass", reps)
	}
	c := e.ws.Counts()
	byKind := map[query.Kind]KindReport{}
	for _, k := range reps[0].Kinds {
		byKind[k.Kind] = k
	}
	if got := byKind[query.KindConversation]; got.Fetched != c.Conversations || got.Listed != c.Conversations || got.Parts == 0 {
		t.Errorf("conversation backfill report = %+v, want %d listed and fetched, with parts", got, c.Conversations)
	}
	if got := byKind[query.KindContact]; got.Listed != c.Contacts || got.Written != c.Contacts || got.Fetched != 0 {
		t.Errorf("contact backfill report = %+v, want %d listed and written, none fetched by id", got, c.Contacts)
	}
	st, err := e.syncer.Status()
	if err != nil {
		t.Fatal(err)
	}
	if !st.Complete() || st.Progress() != "" || st.Workspace == nil || st.Workspace.ID != e.ws.App().IDCode {
		t.Errorf("status = %+v, want complete, for workspace %s", st, e.ws.App().IDCode)
	}
	for _, k := range query.Kinds() {
		if b := st.Kinds[k].Backfill; !b.Complete || b.Cursor != "" || b.Pages == 0 {
			t.Errorf("%s backfill state = %+v", k, b)
		}
	}
	_ = intercomtest.EpochUnix
}
