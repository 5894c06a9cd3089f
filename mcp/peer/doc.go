// Package peer lets several processes share one replica. bbolt allows one process per data directory, while MCP
// clients start stdio servers freely (one per window or chat, often several at once), and the CLI's read commands
// run beside a serving process. The process that opens the data directory (the owner) serves a small typed
// JSON-over-HTTP API on a unix socket in that directory, with permissions 0600 (Server); any other process (a
// front end) calls it with Client.
//
// Access is the arrangement as one process sees it, and what the commands use: OpenAccess (the CLI's commands) or
// StartAccess (serve, which must answer its MCP client before a large replica has opened; calls wait for it up to
// AccessOptions.OpenWait, then say the replica is still opening) opens the replica when no process has it, or
// connects to the process that has. The owner runs what AccessOptions.Own returns for it (an OwnerRole: the
// syncer that also runs the passes front ends ask for, the freshness policy of get_*, other services) and serves
// the replica with Server. A front end forwards every call with Client. When the owner exits, however it exits,
// Access.Run in a front end notices at once (it keeps an idle connection to the owner, which the kernel closes),
// opens the replica and becomes the owner, and the other front ends forward to it; a call caught in between is
// made again after the takeover. Access implements mcp.Replica and mcp.FreshGetter, so serve gives its tools one
// Access and they never change backend.
//
// Access lives here rather than in cmd or a package of its own because it is the other half of the protocol:
// it decides when a process serves, dials or takes over; it watches for the owner's exit with a hello on a
// connection it then keeps idle, which relies on how Server treats idle connections (closed at once on shutdown,
// after its idle timeout otherwise); and its tests need a real Server and Client. Package peertest holds a
// replica's open for tests of what happens while it opens.
//
// The protocol, version 1, is HTTP/1.1 over the socket; requests and responses are JSON:
//
//	GET  /v1/hello      → Hello{protocol, pid, version}
//	POST /v1/search     {dsl, now}       → index.Result (the query travels as canonical DSL, parsed by the owner
//	                                        with the caller's clock, so relative times mean the same)
//	POST /v1/get        {kind, id}       → a record (tombstones included), or error not_found
//	POST /v1/get-fresh  {kind, id}       → {record, source, stale, reason} under the owner's freshness policy
//	                                        (live fall-through to Intercom and the rate budget live there)
//	GET  /v1/status                      → index.Status
//	POST /v1/records    {kind}           → every stored record, framed: a {"record": {..., "raw_bytes": n}} line
//	                                        followed by the n bytes of its raw JSON as stored and a newline (so
//	                                        neither side encodes or parses records of kilobytes again), then
//	                                        {"end": true}; a stream that ends without the end line was cut off
//	                                        (the owner went away)
//	POST /v1/records    {kind, dsl, now} → the same stream of the live records matching the query, in its order
//	                                        (the owner pages through its search: one request for any number of
//	                                        pages)
//	POST /v1/scan       {kind}           → the records as {"record": {..., "raw": ...}} JSON lines, then the end
//	                                        line: the first release's form, still served for its front ends
//	POST /v1/sync       {mode}           → {"progress": ...} lines as the owner's syncer runs one pass
//	                                        (incremental or full), then {"end": true, "result": reports}, or
//	                                        {"error": ..., "result": reports} when the pass failed
//	POST /v1/reindex    {}               → {"progress": {done, total}} lines as the owner rebuilds its
//	                                        full-text index (searches go on), then {"end": true}
//	GET  /v1/budget                      → Budget: the live rate budget of the owner's Intercom clients
//
// Errors are {"error": {"code", "message", ...}} with a code the client maps back to the errors callers branch
// on: not_found (index.ErrNotFound), invalid_cursor (index.ErrInvalidCursor), query (*query.Error), public (a
// message for the model, mcp.PublicError), closing (the owner is shutting down), unavailable (ErrUnavailable:
// the owner does not sync, so it has no passes to run and no budget), failed (an operation asked for failed; the
// message says why), bad_request, internal. A client that cannot reach the owner, or whose owner is shutting
// down, gets an error matching ErrOwnerGone: Access then takes the directory over, or reaches its next owner. Calls added after the
// first release (records, sync, reindex, budget) answer errors.ErrUnsupported from an owner that predates them;
// Client.Scan then falls back to /v1/scan.
package peer
