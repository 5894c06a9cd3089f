package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
)

const getExamples = `  intercom-replica get conversation_215470000000125     # a transcript: every part in order
  intercom-replica get contact_66cce401a7c06fe039a32733  # a contact card with their recent conversations
  intercom-replica get company_661c61a3fd9a35ba63000000  # a company card
  intercom-replica get article_4229651                   # a Help Center article: every language version's text
  intercom-replica get ticket_215480000000021            # a ticket: its type, state, attributes, links and every part
  intercom-replica get https://help.umbrella.app/en/articles/4229651-resetting-your-password-on-mobile
  intercom-replica get https://app.intercom.com/a/inbox/_/inbox/conversation/215470000000125
  intercom-replica get --json conversation_215470000000125 | jq '.conversation_parts.total_count'
  intercom-replica get --demo conversation_215470000000125

The id is a prefixed id (conversation_123, contact_abc, company_abc, article_123, ticket_123), a raw id, a link
into the Intercom app or a Help Center article's URL. It is read from the replica only; the MCP tools
get_conversation, get_contact and get_ticket are the ones that ask Intercom when it is stale.
`

func runGet(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("get", "get [--json] [flags] ID", getExamples)
	rf := addReplicaFlags(fs)
	asJSON := fs.Bool("json", false, "print the record exactly as Intercom returned it (JSON) instead of a transcript or card")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("get takes one argument, a record's id (conversation_123, contact_abc, company_abc, article_123, ticket_123 or an Intercom link); got %d", fs.NArg())
	}
	kind, id, err := query.ParseID(fs.Arg(0))
	if err != nil {
		return usageError{err}
	}
	acc, _, _, err := openForReading(ctx, m, rf)
	if err != nil {
		return err
	}
	defer acc.Close()

	kinds := []query.Kind{kind}
	if kind == "" { // a raw id: the kinds it may be, in turn
		kinds = query.KindsOf(id)
	}
	var rec index.Record
	for _, kind = range kinds {
		if rec, err = acc.Get(ctx, kind, id); !errors.Is(err, index.ErrNotFound) {
			break
		}
	}
	name := query.FormatID(kind, id)
	if errors.Is(err, index.ErrNotFound) {
		if slices.Contains(kinds, query.KindCompany) {
			if hint := mcp.CompanyIDHint(ctx, acc, id, "run 'intercom-replica get"); hint != "" {
				return errors.New(hint + "'")
			}
		}
		if slices.Contains(kinds, query.KindTicket) {
			if hint := mcp.TicketNumberHint(ctx, acc, id, "run 'intercom-replica get"); hint != "" {
				return errors.New(strings.TrimSuffix(hint, ".") + "'")
			}
		}
		if len(kinds) > 1 {
			name = "record " + id
		}
		if note := incompleteNote(ctx, acc, kinds...); note != "" {
			return fmt.Errorf("%s is not in the replica, which may not have copied it yet: %s; otherwise check the id (it is in the record's link in the Intercom app)", name, note)
		}
		return fmt.Errorf("%s is not in the replica. If it was created or changed in Intercom after the last sync, run 'intercom-replica sync' and try again; otherwise check the id (it is in the record's link in the Intercom app)", name)
	}
	if err != nil {
		return err
	}
	switch {
	case rec.Deleted && len(rec.Raw) == 0:
		return fmt.Errorf("%s %s was deleted in Intercom; the replica keeps no copy of it", kind, id)
	case rec.Deleted && !*asJSON:
		return fmt.Errorf("%s %s was deleted in Intercom; 'intercom-replica get --json %s' prints the last copy the replica saw", kind, id, name)
	case rec.Deleted:
		fmt.Fprintf(m.Stderr, "%s was deleted in Intercom; this is the last copy the replica saw.\n", name)
	}

	if *asJSON {
		var b bytes.Buffer
		if err := json.Indent(&b, rec.Raw, "", "  "); err != nil {
			return fmt.Errorf("%s: the stored record is not JSON: %w", name, err)
		}
		b.WriteByte('\n')
		_, err = m.Stdout.Write(b.Bytes())
		return err
	}

	// The transcript and the card are what fetch shows a model: one rendering, sanitized, every part.
	view, err := mcp.ReadRecord(ctx, acc, rec, mcp.ToolOptions{SyncState: syncStateOf, StatusTTL: -1}, 0, mcp.MaxPartsLimit)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	text := view.Text()
	if text == "" { // never an empty page: a kind this program reads but cannot show yet says so
		return fmt.Errorf("%s: get cannot show a %s yet; 'intercom-replica get --json %s' prints the record as Intercom returned it", name, rec.Kind.Noun(), name)
	}
	_, err = fmt.Fprintln(m.Stdout, text)
	return err
}
