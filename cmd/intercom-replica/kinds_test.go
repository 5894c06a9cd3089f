package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/query"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// The Help Center's articles and the tickets, with the lists that name their ids (teammates, teams, tags,
// collections, help centers, ticket types), read from the demo Intercom and written into a replica with
// index.Apply: what the CLI shows of them does not depend on how the syncer copies them.

var (
	helpdeskOnce     sync.Once
	helpdeskTemplate string
	helpdeskErr      error
)

// helpdeskCopy returns a data directory holding the demo Intercom's articles and tickets and the directory lists
// that name their ids, as Intercom returns them: a copy of one written once per test run.
func helpdeskCopy(t *testing.T) string {
	t.Helper()
	helpdeskOnce.Do(func() {
		helpdeskTemplate = filepath.Join(filepath.Dir(binary), "helpdesk")
		helpdeskErr = writeHelpdesk(context.Background(), demoWorkspace(t), helpdeskTemplate)
	})
	if helpdeskErr != nil {
		t.Fatal(helpdeskErr)
	}
	return copyOfReplica(t, helpdeskTemplate)
}

// copyOfReplica copies the data directory src to a new temporary directory of the test, with a short path (the
// owner's socket lives in the data directory, and unix socket paths are short).
func copyOfReplica(t *testing.T, src string) string {
	t.Helper()
	dst, err := os.MkdirTemp("", "ir-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dst) })
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// helpdeskSyncedAt is when the helpdesk replica says it copied its records.
var helpdeskSyncedAt = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// addListed adds the items of a directory list to b as records of kind, or returns the list's error.
func addListed[T any](b *index.Batch, kind query.Kind, items []T, err error, idRaw func(T) (string, []byte)) error {
	if err != nil {
		return fmt.Errorf("list %s: %w", kind.Plural(), err)
	}
	for _, x := range items {
		id, raw := idRaw(x)
		b.Records = append(b.Records, index.Record{Kind: kind, ID: id, SyncedAt: helpdeskSyncedAt, Raw: raw})
	}
	return nil
}

// writeHelpdesk writes ws's articles, tickets and directory lists into a new replica in dir.
func writeHelpdesk(ctx context.Context, ws *fakeintercom.Workspace, dir string) error {
	fake := httptest.NewServer(fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{Token: "helpdesk"}))
	defer fake.Close()
	c, err := intercom.New(intercom.Options{Token: "helpdesk", BaseURL: fake.URL})
	if err != nil {
		return err
	}
	var b index.Batch
	admins, err := c.ListAdmins(ctx)
	if err = addListed(&b, query.KindAdmin, admins, err, func(x intercom.Admin) (string, []byte) { return x.ID, x.Raw }); err != nil {
		return err
	}
	teams, err := c.ListTeams(ctx)
	if err = addListed(&b, query.KindTeam, teams, err, func(x intercom.Team) (string, []byte) { return x.ID, x.Raw }); err != nil {
		return err
	}
	tags, err := c.ListTags(ctx)
	if err = addListed(&b, query.KindTag, tags, err, func(x intercom.WorkspaceTag) (string, []byte) { return x.ID, x.Raw }); err != nil {
		return err
	}
	collections, err := c.ListCollections(ctx)
	if err = addListed(&b, query.KindCollection, collections, err, func(x intercom.Collection) (string, []byte) { return x.ID, x.Raw }); err != nil {
		return err
	}
	centers, err := c.ListHelpCenters(ctx)
	if err = addListed(&b, query.KindHelpCenter, centers, err, func(x intercom.HelpCenter) (string, []byte) { return x.ID, x.Raw }); err != nil {
		return err
	}
	types, err := c.ListTicketTypes(ctx)
	if err = addListed(&b, query.KindTicketType, types, err, func(x intercom.TicketType) (string, []byte) { return x.ID, x.Raw }); err != nil {
		return err
	}
	for _, id := range ws.ArticleIDs() {
		raw, err := ws.ArticleJSON(id)
		if err != nil {
			return fmt.Errorf("article %s: %w", id, err)
		}
		b.Records = append(b.Records, index.Record{Kind: query.KindArticle, ID: id, SyncedAt: helpdeskSyncedAt, Raw: raw})
	}
	for _, id := range ws.TicketIDs() {
		raw, err := ws.TicketJSON(id)
		if err != nil {
			return fmt.Errorf("ticket %s: %w", id, err)
		}
		b.Records = append(b.Records, index.Record{Kind: query.KindTicket, ID: id, SyncedAt: helpdeskSyncedAt, Raw: raw})
	}
	r, err := index.Open(ctx, dir, index.Options{})
	if err != nil {
		return err
	}
	if _, err := r.Apply(ctx, b); err != nil {
		r.Close()
		return err
	}
	return r.Close()
}

func TestSearch_ArticlesAndTicketsGolden(t *testing.T) {
	t.Parallel()
	dir := helpdeskCopy(t)
	e := newUserEnv(t)
	runGoldens(t, e, dir, "search", []goldenCase{
		// Articles: state, author and languages; a snippet of the free text's match, else the description.
		{"articles", []string{`object_type:articles q:refund limit:5`}},
		{"articles-by-collection", []string{`object_type:articles collection:"Account & login" state:published`}},
		{"articles-json", []string{"--json", `object_type:articles help_center:"Umbrella Support Help Center" locale:fr limit:3`}},
		// Tickets: type, state, assignee by name; JSON lines name the assignees and list the linked records.
		{"tickets", []string{`object_type:tickets ticket_type:"Refund request" limit:5`}},
		{"tickets-free-text", []string{`object_type:tickets q:refund state:resolved limit:3`}},
		{"tickets-json", []string{"--json", `object_type:tickets admin_assignee:"Maya Lindqvist"`}},
	})
}

// TestSearch_ArticleAndTicketNamesStandForIDs checks that the name fields of articles and tickets find what the
// id fields find, and that a row shows the names.
func TestSearch_ArticleAndTicketNamesStandForIDs(t *testing.T) {
	t.Parallel()
	dir := helpdeskCopy(t)
	e := newUserEnv(t)
	checkNamesFindWhatIDsFind(t, e, dir, map[string]string{"991267621": "Maya Lindqvist", "991267607": "Tom Becker"}, [][2]string{
		{`object_type:tickets admin_assignee:"Maya Lindqvist" limit:150`, "object_type:tickets admin_assignee_id:991267621 limit:150"},
		{`object_type:tickets ticket_type:"Bug report" limit:150`, "object_type:tickets ticket_type_id:2110 limit:150"},
		{`object_type:articles author:"Tom Becker" limit:150`, "object_type:articles author_id:991267607 limit:150"},
		{`object_type:articles collection:"Refunds & returns" limit:150`, "object_type:articles collection_id:8300039 limit:150"},
	})
}

// TestReport_TicketsAndArticles groups tickets by type and state, and articles by author (named).
func TestReport_TicketsAndArticles(t *testing.T) {
	t.Parallel()
	dir := helpdeskCopy(t)
	e := newUserEnv(t)
	runGoldens(t, e, dir, "report", []goldenCase{
		{"tickets-by-type-state", []string{"object_type:tickets", "--by", "ticket_type", "--by", "state"}},
		{"tickets-by-teammate", []string{"object_type:tickets open:true", "--by", "admin_assignee"}},
		{"tickets-by-attribute", []string{"object_type:tickets ticket_type:\"Bug report\"", "--by", "attr.Severity"}},
		{"articles-by-author", []string{"object_type:articles state:published", "--by", "author"}},
		{"articles-by-collection-csv", []string{"object_type:articles", "--by", "collection", "--format", "csv"}},
	})
	// help_center finds articles through their collections: grouped by, it would be collections under its name.
	code, _, errOut := e.run(t, "report", "--config", "", "--data-dir", dir, "object_type:articles", "--by", "help_center")
	if code != 2 || !strings.Contains(errOut, "group by collection") {
		t.Errorf("report --by help_center: exit %d\n%s", code, errOut)
	}
}

// TestGet_ArticleAndTicketWhole checks that get shows the whole of an article (every language version's text) and
// of a ticket (type, state, attributes, every part, links), by prefixed id, raw id and URL.
func TestGet_ArticleAndTicketWhole(t *testing.T) {
	t.Parallel()
	dir := helpdeskCopy(t)
	e := newUserEnv(t)
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{"article_4229651", []string{"Resetting your password (on mobile)", "Sam Patel", "Account & login",
			"Follow the link in the email within 24 hours", "Cliquez sur Mot de passe oublié", "fr"}},
		{"https://help.umbrella.app/en/articles/4229651-resetting-your-password-on-mobile", []string{"Resetting your password (on mobile)", "Cliquez sur Mot de passe oublié"}},
		{"4229651", []string{"Resetting your password (on mobile)"}},
		{"ticket_215480000000021", []string{"Refund request: damaged yoga mat", "Refund request", "Resolved", "Maya Lindqvist",
			"conversation_215470000000211", "Order ID"}},
		{"215480000000021", []string{"Refund request: damaged yoga mat"}},
	} {
		t.Run(tc.id, func(t *testing.T) {
			out, _ := e.mustRun(t, "get", "--config", "", "--data-dir", dir, tc.id)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("get %s lacks %q:\n%s", tc.id, w, out)
				}
			}
		})
	}
	// Every part of the ticket is shown: each part's text as the stored record has it.
	rec := storedRecord(t, dir, query.KindTicket, "215480000000021")
	var tk struct {
		Parts struct {
			Parts []struct {
				Body string `json:"body"`
			} `json:"ticket_parts"`
		} `json:"ticket_parts"`
	}
	if err := json.Unmarshal(rec.Raw, &tk); err != nil {
		t.Fatal(err)
	}
	out, _ := e.mustRun(t, "get", "--config", "", "--data-dir", dir, "ticket_215480000000021")
	shown := 0
	for _, p := range tk.Parts.Parts {
		if text := plainWords(p.Body); text != "" && strings.Contains(plainWords(out), text) {
			shown++
		} else if text != "" {
			t.Errorf("the part %q is not shown", text)
		}
	}
	if shown == 0 {
		t.Errorf("no part of the ticket shown:\n%s", out)
	}
}

// plainWords returns the words of s with HTML tags removed, one space between words, for comparing texts whatever
// their markup and line breaks.
func plainWords(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
			b.WriteByte(' ')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
