// Package sync keeps the replica in step with Intercom: backfill, incremental passes, deletion reconciliation,
// the rate budget shared with live lookups, the cron schedule, and webhooks.
//
// It reaches Intercom through [Source] (the REST client in sync/intercom satisfies it) and the replica through
// [Sink] (index.Replica satisfies it), both declared here. It imports index and query for their record and kind
// types, and nothing of mcp or cmd.
//
// # Use
//
//	budget := sync.NewBudget(sync.BudgetOptions{ReservePercent: 20})
//	client, _ := intercom.New(intercom.Options{Token: tok, Pacer: budget.Pacer(sync.PrioritySync)})
//	live, _ := intercom.New(intercom.Options{Token: tok, Pacer: budget.Pacer(sync.PriorityLive),
//		Retry: intercom.RetryPolicy{MaxAttempts: 2, MaxRateLimitWait: time.Second}})
//	s, _ := sync.New(sync.Options{Source: client, Live: live, Sink: replica, Budget: budget, Registry: reg})
//	g.Go(func() error { return s.Run(ctx) })        // passes on their schedules until ctx ends
//	hooks, _ := s.Webhooks(sync.WebhookOptions{ClientSecret: secret}) // mount at POST /webhooks/intercom
//	fetcher := s.LiveFetcher()                        // mcp's LiveFetcher
//	status, _ := sync.ReadStatus(replica)             // for `status` and freshness
//
// # Passes
//
// A backfill walks GET /contacts and GET /conversations by cursor and fetches every conversation whole (its
// parts) with bounded concurrency. Each page's records and the cursor after it are written in one batch, so a
// restart, even after kill -9, resumes after the last page written; conversations the replica already holds at the
// listed updated_at are not fetched again.
//
// An incremental pass asks the Search API what changed since the watermark (the start of the last completed pass)
// minus an overlap: conversations with updated_at "> from − 1" (Intercom documents ">" on conversation dates as
// "greater or equal"), contacts sorted by updated_at descending down to the bound (contact search compares dates by
// calendar day in the workspace's time zone, so the filter is two days wider and the walk stops at the bound). It
// reads GET /conversations/deleted down to the bound, and compares Intercom's contact count with the replica's: a
// change means contacts were deleted, archived or merged away, or created but not yet searchable, and triggers a
// sweep of contact ids. A pass without changes costs four calls.
//
// A reconcile pass (daily by default, and `sync --full`) re-walks the lists from the start and asks by id about
// every record the replica holds as live that Intercom did not list: 404 or 410 make it a tombstone.
//
// The directory (teammates, teams, tags, segments, Help Center collections, help centers, ticket types) is read
// whole on every pass. Articles come whole in GET /articles (every language version): passes walk it newest updated
// first down to the watermark, and sweep it when its total_count moves (articles.go). Tickets are searched by
// updated_at and fetched whole by id like conversations (tickets.go); companies are scrolled (companies.go).
//
// # Ordering and duplicates
//
// Passes, webhook refetches and live lookups write through one path that compares what arrives with what the
// replica holds: a newer updated_at wins; an equal one is written again, and a copy taken within Settle of its
// updated_at is fetched again when next listed (a second change within the same second keeps updated_at); a
// tombstone wins over copies taken before its evidence; a live copy wins over a tombstone only when it is newer or
// was fetched by id after the tombstone's evidence. So repeated passes converge, and duplicate or reordered
// notifications cannot bring an older state back.
//
// # Caveats
//
//   - Overlap must be longer than Intercom's contact-search delay (a few minutes; the default overlap is five): a
//     contact edited before search shows it is found by the first pass after the delay.
//   - A record whose JSON changes without its updated_at moving cannot be seen by an incremental pass; the
//     reconcile pass does not refetch it either. Intercom does not do that for the fields it documents.
//   - The syncer is the replica's only writer of records: the per-kind counts in its state assume it.
package sync
