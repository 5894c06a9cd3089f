// Package index owns the local replica: a bbolt store that is the source of truth for every record, and two
// structures derived from it that answer searches: an in-memory column table for filters and a bleve index per
// kind for words. Nothing outside this package touches a bucket or a bleve index. It imports query (for the AST it
// executes) and its own leaves: index/plaintext (HTML to text) and index/wire (the shape of Intercom's records).
//
// # Basics
//
// Open a data directory with Open; write with Apply (batches of records and sync metadata, atomically); read with
// Get (one record, with freshness), Scan (every record), Search (a validated query.Query), Meta and Status. A
// Replica is safe for concurrent use; Close waits for running calls.
//
// # Layout on disk
//
//	<dir>/lock                 flock of the owning process, holding its pid (ErrLocked names it)
//	<dir>/replica.db           bbolt (0600): records as Intercom sent them (zstd frames, codec.go), rows, meta,
//	                           change log (store.go)
//	<dir>/table.conversation   snapshot of the conversation column table (snapshot.go): derived, like the index
//	<dir>/table.contact        snapshot of the contact column table
//	<dir>/index/conversation   bleve (scorch) index of conversation text (mapping.go)
//	<dir>/index/contact        bleve index of contact text
//
// # How a search runs
//
// Filters are the column table's: every non-text field of every record, held column by column in recency order,
// mapped at Open from its snapshot (or, when the snapshot does not match the store, rebuilt from the compact rows
// stored beside the records). A filter-only query scans columns into a bitset,
// counts it for the exact total, and takes the first matches after the cursor: well under a millisecond at a
// million conversations. Free text (q:) and filters on the words of text fields go to the full-text index, which
// holds only text and each record's ordinal: a small engine (textsearch.go) evaluates the words on its segments'
// postings directly, intersecting the words' bitmaps, testing the table's filter on each candidate's ordinal first,
// and reading positions (phrases) and scoring only for the survivors. The two meet through ordinals (plan.go).
// Free text is ranked by score, then ordinal; filters without it are sorted by updated_at, most recent first.
// Cursors are search-after keys bound to their query (cursor.go).
//
// # Durability
//
// Apply commits a batch to bbolt (fsync) before touching the derived structures; the full-text index records in
// each of its batches the store sequence it reflects. After a crash, Open replays the change log since that
// sequence, or rebuilds the index from the store when its mapping changed, it is missing, or the log no longer
// covers the gap. A kill -9 at any point loses no acknowledged batch and leaves store, table and index agreeing
// exactly (Check verifies it; the crash test kills a writer twenty times). The column table's snapshot names the
// store sequence it reflects: one taken before the last write is not loaded, the table is rebuilt from the rows.
//
// # Caveats
//
//   - One process per data directory: a second Open fails with ErrLocked instead of waiting.
//   - Memory: the column table holds a few hundred bytes per record (columns plus hit summaries): 78 MiB at
//     100,000 conversations and 10,000 contacts, 727 MiB at ten times that (measured); Status reports it. Loaded
//     from a snapshot, its ids, summaries and dictionaries (two thirds of it) stay in the mapped file, in the page
//     cache rather than the Go heap: 26 MiB of heap after Open at 100,000.
//   - Opening maps the column table's snapshot and checksums it (76–144 ms at 100,000 conversations, reading the
//     whole file). When the snapshot is missing or does not match the store (after a kill -9 that followed a
//     write, say), Open rebuilds the table from the stored rows, as before snapshots: about 1.4 s at 100,000, 10 s
//     at a million with the store in the page cache, 27–62 s when it is not; then it writes a new snapshot.
//   - A record updated between two pages may move across the cursor, so be skipped or come twice (for relevance,
//     when its new text scores differently; for recency, it moves to the front). Every other record comes exactly
//     once: relevance cursors carry the term statistics of the first page, so writes elsewhere do not move scores.
//   - Opening a replica whose full-text index must be rebuilt takes minutes at a million conversations
//     (Options.Progress reports it).
package index
