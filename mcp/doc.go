// Package mcp serves the replica to AI agents over the Model Context Protocol: the read tools of Intercom's hosted
// server (search, fetch, search_conversations, get_conversation, search_contacts, get_contact, list_articles,
// search_articles, get_article) plus aggregate, list_companies, get_company, search_tickets and get_ticket, their
// rendering, the stdio and HTTP transports, bearer authentication, health, readiness and metrics.
//
// It declares the small interfaces it consumes and knows nothing of how the replica stores data or how sync works:
//
//   - Searcher, Getter, StatusSource (together Replica): *index.Replica, or, in serve, a peer.Access, which calls
//     the replica when this process owns the data directory and the owning process over its socket otherwise.
//   - FreshGetter: the freshness policy of get_*; *Policy over a Getter and a LiveFetcher, or, in serve, the same
//     peer.Access, which asks the owner's Policy (its own, or the owning process's over the socket).
//   - LiveFetcher: one live GET to Intercom that also refreshes the replica (package sync).
//   - TokenVerifier: which workspace an Intercom access token belongs to (GET /me), for the opt-in acceptance of
//     Intercom tokens on HTTP.
//
// The serve command's wiring, in order: NewMetrics on the shared registry; NewServer(Deps, Options) for the tools;
// then ServeStdio, or NewHTTPServer and Run. The tools are given their data once: when the owner of the data
// directory exits and this process takes the replica over, the peer.Access they were given carries on from it, so
// sessions never notice.
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
