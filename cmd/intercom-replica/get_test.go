package main

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
)

// Records of the demo workspace (seed 1): the same on every run.
const (
	demoConversation = "conversation_215470000000125"
	demoContact      = "contact_66cce401a7c06fe039a32733"
	demoCompany      = "company_661c61a3fd9a35ba63000000" // Acme Inc
)

func TestGet_DemoGolden(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	for _, tc := range []struct{ name, id string }{
		{"conversation", demoConversation},
		{"contact", demoContact},
		{"app-url", "https://app.intercom.com/a/inbox/_/inbox/conversation/215470000000125"},
		{"conversation", "215470000000125"},     // a raw id, as fetch takes it: the same transcript
		{"contact", "66cce401a7c06fe039a32733"}, // and the same card
		{"company", demoCompany},
		{"company", "661c61a3fd9a35ba63000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := e.mustRun(t, "get", "--config", "", "--data-dir", dir, tc.id)
			golden(t, "get/"+tc.name+"/stdout", normalize(out, dir))
		})
	}
}

// TestGet_JSONIsTheStoredRecord checks that --json prints the record exactly as Intercom returned it.
func TestGet_JSONIsTheStoredRecord(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	for _, id := range []string{demoConversation, demoContact, demoCompany} {
		out, _ := e.mustRun(t, "get", "--json", "--config", "", "--data-dir", dir, id)
		kind, raw, _ := query.ParseID(id)
		rec := storedRecord(t, dir, kind, raw)
		var got, want any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("get --json %s: %v", id, err)
		}
		if err := json.Unmarshal(rec.Raw, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("get --json %s differs from the stored record", id)
		}
	}
}

// storedRecord reads a record straight from the replica in dir (no process may hold it).
func storedRecord(t *testing.T, dir string, kind query.Kind, id string) index.Record {
	t.Helper()
	r, err := index.Open(context.Background(), dir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rec, err := r.Get(context.Background(), kind, id)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestGet_MissingIDSaysWhatToDo checks that an id the replica does not hold is reported with what a CLI user can
// do about it (sync, check the id), not with MCP tools the CLI cannot run.
func TestGet_MissingIDSaysWhatToDo(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	for _, args := range [][]string{{"conversation_999999"}, {"contact_0123456789abcdef01234567"}, {"--json", "conversation_999999"}} {
		code, stdout, stderr := e.run(t, append([]string{"get", "--config", "", "--data-dir", dir}, args...)...)
		id := args[len(args)-1]
		if code == 0 || stdout != "" {
			t.Errorf("get %v: exit %d, stdout %q; want a failure", args, code, stdout)
		}
		for _, want := range []string{id + " is not in the replica", "intercom-replica sync", "check the id"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("get %v: stderr lacks %q:\n%s", args, want, stderr)
			}
		}
		for _, unwanted := range []string{"get_conversation", "get_contact", "MCP", "tool"} {
			if strings.Contains(stderr, unwanted) {
				t.Errorf("get %v: stderr mentions %q, which the CLI cannot run:\n%s", args, unwanted, stderr)
			}
		}
	}
}

// TestGet_OwnCompanyIDSaysWhichCompany: a company's own company_id given for its id names the company and the
// command to run instead of saying it is not in the replica.
func TestGet_OwnCompanyIDSaysWhichCompany(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	code, stdout, stderr := e.run(t, "get", "--config", "", "--data-dir", dir, "comp_1000")
	if code == 0 || stdout != "" || !strings.Contains(stderr, "comp_1000 is the company_id") ||
		!strings.Contains(stderr, "run 'intercom-replica get company_661c61a3fd9a35ba63000000'") {
		t.Errorf("get comp_1000: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
}

// TestGet_TicketNumberSaysWhichTicket: the number the inbox shows a ticket by, given for its id (with or without
// the ticket_ prefix), names the ticket and the command to run instead of saying it is not in the replica, as
// get_ticket does.
func TestGet_TicketNumberSaysWhichTicket(t *testing.T) {
	t.Parallel()
	dir := demoCopy(t)
	e := newUserEnv(t)
	for _, id := range []string{"1021", "ticket_1021"} {
		code, stdout, stderr := e.run(t, "get", "--config", "", "--data-dir", dir, id)
		if code == 0 || stdout != "" || !strings.Contains(stderr, "1021 is the number the inbox shows for ticket_215480000000021") ||
			!strings.Contains(stderr, "run 'intercom-replica get ticket_215480000000021'") || strings.Contains(stderr, "get_ticket") {
			t.Errorf("get %s: exit %d, stdout %q, stderr:\n%s", id, code, stdout, stderr)
		}
	}
}

// TestSearch_ForgedCursorIsOneSentence: a cursor the replica did not issue is a usage error saying what to pass,
// once (it read "starting_after: search: starting_after … unchanged: invalid cursor: pass the cursor printed …").
func TestSearch_ForgedCursorIsOneSentence(t *testing.T) {
	dir := demoCopy(t)
	code, _, errOut := runCmd(t, nil, "search", "--config", "", "--data-dir", dir, "object_type:conversations starting_after:garbage")
	want := "intercom-replica search: starting_after \"garbage\" is not a cursor from this replica; pass the next cursor of a previous page unchanged\n"
	if code != exitUsage || !strings.HasPrefix(errOut, want) {
		t.Errorf("exit %d, want %d and %q\n%s", code, exitUsage, want, errOut)
	}
}
