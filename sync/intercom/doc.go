// Package intercom is a REST client for the parts of Intercom's API that a read replica needs: conversations,
// contacts, their search endpoints and deleted-conversation listing.
//
// It knows nothing about the replica. Records keep their raw JSON beside the typed fields, so no field is lost when
// a caller stores them.
//
// # Basics
//
// [New] builds a [Client] for a region (us, eu, au) or an explicit base URL (the fake Intercom in
// sync/intercom/fakeintercom, any Intercom-compatible server). Every request carries "Authorization: Bearer",
// "Intercom-Version: 2.16" (overridable) and "Accept: application/json". The methods map one to one onto endpoints:
//
//	Me                        GET  /me
//	ListConversations         GET  /conversations             (cursor pages, no parts)
//	GetConversation           GET  /conversations/{id}        (with parts)
//	SearchConversations       POST /conversations/search      (cursor in the body)
//	ListDeletedConversations  GET  /conversations/deleted     (page numbers)
//	ListContacts              GET  /contacts                  (cursor pages)
//	GetContact                GET  /contacts/{id}
//	SearchContacts            POST /contacts/search           (cursor in the body, optional sort)
//
// and the *Pages methods iterate over every page of a list or search, one call per page.
//
// A search's query is a [Filter], built with [Where], [And] and [Or], or translated from a query of the DSL by
// [TranslateQuery], which stays within Intercom's limits and lists the terms Intercom can only approximate.
//
// Typed models ([Conversation], [ConversationPart], [Contact], [Me]) hold the fields callers branch on. Conversation,
// Contact and Me also hold Raw, the exact bytes of the record as they appeared in the response. Decoding goes
// through the shared record shapes of index/wire, which tolerate unknown fields and the quirks of Intercom's
// payloads (ids as numbers or strings, nulls for integers): a field in a shape its type does not take (a fraction
// where an integer belongs, a word where a timestamp belongs) is left zero, never guessed, and Raw keeps it.
//
// # Errors
//
// A non-2xx answer is an *[APIError] (status, Intercom's code and message, request id), which matches the sentinels
// [ErrNotFound], [ErrUnauthorized], [ErrForbidden], [ErrRateLimited], [ErrInvalidParameter], [ErrServerError] and
// [ErrMerged] with [errors.Is]. A cancelled context gives an error wrapping [context.Canceled] (or
// [context.DeadlineExceeded]). The access token never appears in an error string or a log record.
//
// # Retries and rate limits
//
// All calls are idempotent reads, so the client retries 5xx answers, timeouts, connection errors and truncated or
// non-JSON 2xx bodies with exponential backoff and jitter, up to [RetryPolicy.MaxAttempts]; it never retries other
// 4xx answers. A 429 waits until X-RateLimit-Reset (bounded by [RetryPolicy.MaxRateLimitWait], with a Warn record
// when the header asks for longer) and retries. Waits end as soon as the context is done. Every retry is logged
// as a warning, but calls failing the same way at the same attempt while the first of them waits (Intercom gone
// under concurrent fetches) share its warning: once its wait is over, it logs one more line counting the others.
//
// No attempt waits unboundedly: [Timeouts] bound connecting, waiting for the response and each pause in its body,
// whatever the *http.Client, and end the attempt with a *[TimeoutError]. A call whose last attempt got no answer
// at all fails with an *[UnreachableError] (matching [ErrUnreachable]): "cannot reach https://api.intercom.io:
// connection refused (gave up after 5 attempts in 7.2s)". A context deadline that cuts an attempt short gives the
// same, matching [context.DeadlineExceeded] as well.
//
// The [Pacer] hook sees every attempt before it is sent and the rate-limit headers of every response, so a caller can
// spread calls over Intercom's 10-second windows and keep a reserve for interactive lookups; one budget can serve
// several clients through one Pacer handle each. [Client.Stats] counts calls, requests, retries, 429s and bytes.
//
// # Caveats
//
//   - Intercom returns at most the 500 most recent parts of a conversation; there is no endpoint for older ones.
//   - Lists have no documented order, and records change while a list is walked: a record may appear twice or be
//     missed, so callers that need completeness reconcile by id.
//   - Contact search compares dates by calendar day and may miss contacts created in the last few minutes.
//   - Of this module, this package imports only query (the DSL TranslateQuery reads) and index/wire (the leaf that
//     declares Intercom's record shapes).
package intercom
