// Package mcp serves the replica to AI agents over the Model Context Protocol: the six read tools of Intercom's
// hosted server (search, fetch, search_conversations, get_conversation, search_contacts, get_contact), their
// rendering, the stdio and HTTP transports, bearer authentication, health, readiness and metrics.
//
// It declares the small interfaces it consumes and knows nothing of how the replica stores data or how sync works:
//
//   - Searcher, Getter, StatusSource (together Replica): *index.Replica, or the peer client in a process that
//     forwards to the owner of the data directory (package mcp/peer).
//   - FreshGetter: the freshness policy of get_*; *Policy locally over a Getter and a LiveFetcher, the peer client
//     in a front end (the owner applies its policy).
//   - LiveFetcher: one live GET to Intercom that also refreshes the replica (package sync).
//   - TokenVerifier: which workspace an Intercom access token belongs to (GET /me), for the opt-in acceptance of
//     Intercom tokens on HTTP.
//
// The serve command's wiring, in order: NewMetrics on the shared registry; NewServer(Deps, Options) for the tools;
// then ServeStdio, or NewHTTPServer and Run. Switch lets a front end move its tools from the peer client to a
// replica it opened itself (ownership takeover) without restarting sessions.
//
// What the model sees is treated as an API: tool definitions and one rendered result per tool are pinned by
// golden files under testdata (go test ./mcp -update to accept a change). Customer-written text is untrusted:
// invisible and bidirectional control characters are removed (Sanitize) and message bodies are fenced. Bad
// arguments are tool errors with the query language's actionable message; internal failures are shown only as
// "internal error" with a reference that the log line repeats.
//
// Caveat: mcp-go keeps its stdio session in a package variable, so a process serves one stdio connection at a
// time.
package mcp
