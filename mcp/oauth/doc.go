// Package oauth is the replica's OAuth 2.1 authorization server, as the MCP authorization specification
// (2025-06-18, and its 2025-11-25 revision) describes it, with sign-in delegated to Intercom.
//
// The flow: an MCP client gets 401 from /mcp with WWW-Authenticate: Bearer resource_metadata=…, reads the protected
// resource metadata (RFC 9728, served with mark3labs/mcp-go's handler) and this server's metadata (RFC 8414),
// registers itself (RFC 7591, public clients only, size- and rate-limited per address), and sends the browser to
// /authorize with a PKCE S256 challenge. The server checks the request and sends the browser on to Intercom's own
// OAuth page (the operator's Intercom app); Intercom sends it back to /oauth/intercom/callback with a code, which
// the server redeems at Intercom's /auth/eagle/token (golang.org/x/oauth2), asks GET /me who signed in and in which
// workspace, and forgets the Intercom token: it is never stored, logged, or accepted as a bearer token. A teammate
// of the replicated workspace (and of the allow-lists, when set) sees the consent page, and approving it sends the
// browser back to the client with a single-use code, state and iss (RFC 9207). The client redeems the code with its
// verifier at /token and gets an access token bound to this server's URL (RFC 8707) and a refresh token.
//
// Why by hand: no maintained Go library implements the server side of OAuth 2.1 with these parts (mcp-go offers the
// protected resource metadata handler, used here; golang.org/x/oauth2 is a client, used toward Intercom). The
// server keeps to the small subset the MCP specification needs: the authorization code grant with PKCE S256 only,
// public clients, opaque tokens.
//
// Tokens are 32 random bytes (crypto/rand) behind a prefix (irat_ access, irrt_ refresh, irac_ code). The store
// keeps only their SHA-256. Access tokens live an hour by default, refresh tokens 30 days; a refresh token is used
// up by its exchange, which also ends the access token issued with it (rotation: only the new pair works), and
// presented again it revokes its whole grant (the family), since either presenter may be a thief. Codes live a minute, in memory, and presented twice revoke what the first redemption
// issued.
//
// Where the grants live: a bbolt file of its own, oauth.db in the data directory (0600), not a bucket of the
// replica's store. The replica's store belongs to whichever process owns the data directory, which changes hands
// (mcp/peer) and need not be the process serving HTTP; the token check runs on every request and must not hop to
// another process. So the Store opens oauth.db for each operation and closes it after, under bbolt's file lock
// (shared to read, exclusive to write): no process holds it between requests, and `intercom-replica tokens
// list|revoke` works beside a running serve, its revocation seen by the very next request. The price is an open
// (mmap) and close (munmap) per request: BenchmarkStore_CheckAccess measures about 0.2 ms of CPU, 0.75 ms of wall
// time on a busy 2-core VM, against the milliseconds of the tool call the request carries. Caching verdicts would
// delay revocation, which the tokens command promises is immediate.
package oauth
