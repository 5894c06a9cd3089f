package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
	replsync "github.com/intercom-replica/intercom-replica/sync"
)

// unfinishBackfill makes the replica in dir read as a first sync stopped part way through kind (a sync killed
// with kill -9): its backfill done of total, not complete.
func unfinishBackfill(t *testing.T, dir string, kind query.Kind, done, total int) {
	t.Helper()
	ctx := context.Background()
	r, err := index.Open(ctx, dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	st, err := replsync.ReadStatus(r)
	if err != nil {
		t.Fatal(err)
	}
	ks := st.Kinds[kind]
	ks.Backfill.Complete, ks.Backfill.CompletedAt, ks.Backfill.Done, ks.Backfill.Total, ks.Backfill.Cursor = false, 0, done, total, "next"
	raw, err := json.Marshal(ks)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Apply(ctx, index.Batch{Meta: map[string][]byte{mcp.MetaStatePrefix + string(kind): raw}}); err != nil {
		t.Fatal(err)
	}
}

// TestReadCommands_SayWhileTheReplicaIsStillBeingFilled: while the first sync has not finished copying a kind,
// search, report, export and get's not-found say so on stderr (stdout stays the data), with how far it got.
// Before, only status said so: search printed "1 of 900 conversations." as if that were all.
func TestReadCommands_SayWhileTheReplicaIsStillBeingFilled(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	unfinishBackfill(t, dir, query.KindConversation, 900, 1960)
	e := newUserEnv(t)
	const note = "the replica is still being filled, so results may be incomplete (conversations 900 of 1,960 (45%))"
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string // on stdout
	}{
		{"search", []string{"search", "object_type:conversations state:open limit:1"}, 0, "Next page"},
		{"search json", []string{"search", "--json", "object_type:conversations state:open limit:1"}, 0, `{"id":"conversation_`},
		{"report", []string{"report", "--by", "state", "object_type:conversations"}, 0, "conversations match"},
		{"report csv", []string{"report", "--format", "csv", "--by", "state", "object_type:conversations"}, 0, "row,state,count"},
		{"export", []string{"export", "--type", "conversations", "--query", "state:open"}, 0, `{"type":"conversation"`},
		{"get", []string{"get", "conversation_999999999"}, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := e.run(t, append(tc.args[:1:1], append([]string{"--config", "", "--data-dir", dir}, tc.args[1:]...)...)...)
			if code != tc.code || !strings.Contains(stdout, tc.out) || strings.Contains(stdout, "still being filled") {
				t.Errorf("exit %d (want %d), stdout:\n%.600s", code, tc.code, stdout)
			}
			if !strings.Contains(stderr, note) {
				t.Errorf("stderr does not say %q:\n%s", note, stderr)
			}
			if tc.code != 0 && !strings.HasSuffix(strings.TrimSpace(stderr), "(it is in the record's link in the Intercom app)") {
				t.Errorf("the error does not end with what to do:\n%s", stderr)
			}
		})
	}
	// A kind whose copy is complete is not marked: contacts.
	_, stderr := e.mustRun(t, "search", "--config", "", "--data-dir", dir, "object_type:contacts limit:1")
	if strings.Contains(stderr, "still being filled") {
		t.Errorf("contacts are complete, yet:\n%s", stderr)
	}
}
