// Package sync keeps the replica in step with Intercom: backfill, incremental passes, deletion reconciliation,
// the rate budget shared with live lookups, the cron schedule, and webhooks.
//
// It reaches Intercom through sync/intercom and the replica through the small interfaces it declares itself.
package sync
