package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
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

// writeHelpdesk writes ws's articles, tickets and directory lists into a new replica in dir.
func writeHelpdesk(ctx context.Context, ws *fakeintercom.Workspace, dir string) error {
	fake := httptest.NewServer(fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{Token: "helpdesk"}))
	defer fake.Close()
	c, err := intercom.New(intercom.Options{Token: "helpdesk", BaseURL: fake.URL})
	if err != nil {
		return err
	}
	var b index.Batch
	add := func(kind query.Kind, id string, raw []byte) {
		b.Records = append(b.Records, index.Record{Kind: kind, ID: id, SyncedAt: helpdeskSyncedAt, Raw: raw})
	}
	admins, err := c.ListAdmins(ctx)
	for _, x := range admins {
		add(query.KindAdmin, x.ID, x.Raw)
	}
	if err != nil {
		return fmt.Errorf("admins: %w", err)
	}
	teams, err := c.ListTeams(ctx)
	for _, x := range teams {
		add(query.KindTeam, x.ID, x.Raw)
	}
	if err != nil {
		return fmt.Errorf("teams: %w", err)
	}
	tags, err := c.ListTags(ctx)
	for _, x := range tags {
		add(query.KindTag, x.ID, x.Raw)
	}
	if err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	collections, err := c.ListCollections(ctx)
	for _, x := range collections {
		add(query.KindCollection, x.ID, x.Raw)
	}
	if err != nil {
		return fmt.Errorf("collections: %w", err)
	}
	centers, err := c.ListHelpCenters(ctx)
	for _, x := range centers {
		add(query.KindHelpCenter, x.ID, x.Raw)
	}
	if err != nil {
		return fmt.Errorf("help centers: %w", err)
	}
	types, err := c.ListTicketTypes(ctx)
	for _, x := range types {
		add(query.KindTicketType, x.ID, x.Raw)
	}
	if err != nil {
		return fmt.Errorf("ticket types: %w", err)
	}
	for _, id := range ws.ArticleIDs() {
		raw, err := ws.ArticleJSON(id)
		if err != nil {
			return fmt.Errorf("article %s: %w", id, err)
		}
		add(query.KindArticle, id, raw)
	}
	for _, id := range ws.TicketIDs() {
		raw, err := ws.TicketJSON(id)
		if err != nil {
			return fmt.Errorf("ticket %s: %w", id, err)
		}
		add(query.KindTicket, id, raw)
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
