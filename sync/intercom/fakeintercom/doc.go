// Package fakeintercom is a fake Intercom: an http.Handler that serves a deterministic synthetic workspace the way
// Intercom's REST API 2.16 does, for the endpoints a read replica uses (GET /me, GET /conversations,
// GET /conversations/{id}, POST /conversations/search, GET /conversations/deleted, GET /contacts,
// GET /contacts/{id}, POST /contacts/search, and the workspace around them: GET /admins, /teams, /tags, /segments,
// /companies, /companies/scroll and their single-record and per-company endpoints; see README.md for the company
// list's 10,000 limit and the scroll rules it mimics), the Help Center (GET /articles, /articles/{id},
// /articles/search, /help_center/collections, /help_center/help_centers and their single-record endpoints) and
// tickets (GET /ticket_types, /ticket_types/{id}, /tickets/{id}, POST /tickets/search; README.md has the rules).
//
// It is an independent implementation of the API, written from Intercom's OpenAPI description and endpoint
// documentation, so that a client tested against it catches drift: it imports nothing of ours (in particular not
// the client in sync/intercom) and not package testing, because the production binary links it for
// `intercom-replica fake-intercom` and `serve --demo`.
//
// # Use
//
//	ws, _ := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 1, Conversations: 200, Contacts: 100})
//	fake := fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{})
//	srv := httptest.NewServer(fake) // in a test; the token is fake.Token()
//	fake.FailNext(2, 503)           // faults, while serving
//	ws.Reply(id, fakeintercom.Reply{Author: fakeintercom.AuthorUser}) // mutations, while serving
//	want, _ := ws.ConversationJSON(id) // the exact bytes GET /conversations/{id} answers
//
// # The workspace
//
// Records are generated from the seed one at a time (each from random streams keyed by seed and index), so the same
// seed and sizes always give byte-identical responses, generation never reads the clock, and a workspace of a
// million conversations costs nothing until it is read. Conversations have 1..50 parts of English support text
// (billing, refunds, login problems, bugs, feature requests, shipping, account and pricing questions) with HTML
// bodies, typos, links, order ids and recurring phrases such as "double charged", "refund request" and
// "credit card"; every source type; admin, user, lead and bot authors; tags, custom attributes (names with
// spaces; string, number and boolean values), ratings, statistics, SLAs and attachments. Timestamps span the three
// years before EpochUnix (2026-01-01). Contacts are users and leads with emails across free-mail and company
// domains (a few company domains dominate), names, phones, external ids, locations, devices, custom attributes,
// tags and companies. About 2% of conversations are already deleted and about 1% of leads already merged.
//
// Mutations (Workspace.CreateConversation, Reply, SetState, DeleteConversation, CreateContact, UpdateContact,
// DeleteContact, ArchiveContact, MergeContact, Simulate, RenameAdmin, CreateTag, TagContact, CreateCompany,
// SetCompanyPlan, DeleteCompany, CreateArticle, UpdateArticle, DeleteArticle, CreateTicket, SetTicketState,
// AddTicketPart, DeleteTicket) are stamped with the workspace clock and are visible to
// every endpoint at once (except contact search, see below). A Clock, moved by hand, makes that clock (and the
// rate-limit windows') a test's to drive.
//
// # Faults
//
// Handler.SetFaults (or HandlerOptions.Faults) sets knobs that make the fake misbehave the ways the real API and the
// network between do; Handler.FailNext, TruncateNext, ResetNext, BadGatewayNext and ExhaustRateLimit inject bursts:
//
//   - Latency and Jitter delay every answer, once the request body has been read; a client that cancels during
//     the delay frees the handler at once.
//   - RateLimit and RateWindow set the budget behind the X-RateLimit-* headers and 429 rate_limit_exceeded.
//   - ErrorRate and FailNext answer 5xx with Intercom's error.list body.
//   - TruncateRate and TruncateNext cut a 200 body short and drop the connection; SlowBody trickles it out.
//   - ResetRate and ResetNext reset the connection before any response (TCP RST over HTTP/1, a stream reset over
//     HTTP/2). Go's http.Transport retries a GET by itself when a kept-alive connection is reset, so a client sees
//     the error only for a POST or on a fresh connection.
//   - BadGatewayRate and BadGatewayNext answer as a proxy in front of Intercom: 502 with an HTML page, no
//     X-Request-Id and no rate-limit headers.
//
// Resets and proxy 502s happen in front of the API: they strike whatever the token and count against no rate limit.
// Randomised faults draw from a generator seeded by the workspace seed, so a run is repeatable for a given order of
// requests.
//
// # Documented choices
//
// Where Intercom's documentation is silent the fake picks one behaviour and states it here:
//
//   - Order. GET /conversations, GET /contacts and conversation search return records by updated_at descending
//     (ties by id descending); contact search sorts by its sort field (default updated_at, descending), nulls last.
//     Cursors (pages.next.starting_after, base64) hold the position of the last record returned, so a record updated
//     during a walk moves to the front and is not seen again by that walk, as with Intercom: a syncer must pick such
//     records up with an updated_at search afterwards.
//   - Page sizes. per_page defaults to 20 (conversations, conversation search), 10 (GET /contacts), 50 (contact
//     search) and 20 (GET /conversations/deleted). A per_page above the maximum (150; 60 for deleted conversations)
//     is clamped to the maximum and pages.per_page reports the size used; zero, negative or non-numeric values get
//     400 parameter_invalid. A cursor from another list or another query gets 400 parameter_invalid.
//   - Timestamps in search. Conversation search compares seconds, and > and < mean "greater (or equal)" and
//     "lower (or equal)" as its operator table says; it does not accept >= and <= (not in its table). Contact
//     search compares dates by calendar day in the workspace time zone: = matches the whole day, > matches from the
//     start of the next day, < everything before the start of the day, and !=, >=, <=, IN and NIN are refused on
//     dates. Integer and date values may be sent as numbers or numeric strings.
//   - Time zone. The workspace time zone defaults to Asia/Kolkata (UTC+05:30, no daylight saving), not UTC, so
//     code that assumes UTC day boundaries fails; WorkspaceOptions.Location changes it.
//   - Strings. String operators compare case-insensitively. source.body is matched word by word (plain text,
//     lower-cased): = "support" matches a body containing the word, = "need support" matches nothing.
//   - Strictness. Search bodies with unknown keys (including sort on conversation search), unknown fields,
//     operators outside a field's table, values of the wrong type, more than 2 nesting levels or more than 15
//     filters in a group get 400 with a message naming the problem. A request body over 1 MiB gets 413
//     request_too_large.
//   - Contacts. Contacts created by a mutation are missing from contact search for ContactSearchDelay (default two
//     minutes; Intercom: "a few minutes"). Merged contacts answer 410 contact_merged with a Link header to the
//     canonical contact and are excluded from lists and search (include_merge_history=true shows them in the
//     user's merge_history); deleted and archived contacts answer 404 and are excluded.
//   - History. A conversation's content is fixed when it is generated or created: renaming a contact, changing its
//     email or merging a lead into it changes the contact, never what its existing conversations serve (source and
//     part authors, names in bodies, search on source.author.*), because Intercom does not rewrite a conversation's
//     past and a syncer could not see it if it did (updated_at would not move). Parts added later (Reply, AddParts)
//     and new conversations show the contact as it is at that moment.
//   - Statistics. statistics, first_contact_reply, waiting_since, snoozed_until and conversation_rating are derived
//     from the conversation's own parts, after generation and after every mutation: the first_* fields after
//     first_contact_reply_at count only later parts (as Intercom's definitions say), every time is the time of a
//     part, durations are never negative, time_to_* have no business hours, handling_time runs from the first
//     assignment (else creation) to the last close, and a rating is requested at a close. A conversation a teammate
//     starts (admin_initiated, automated) opens with news or a question, not a reply.
//   - Parts. GET /conversations/{id} returns at most the 500 most recent parts; conversation_parts.total_count is
//     the number returned and statistics.count_conversation_parts the full count.
//   - Versions. Any Intercom-Version is accepted; a request without one gets DefaultVersion (2.11), and
//     GET /conversations/deleted answers 400 intercom_version_invalid below 2.16.
//
// # Caveats
//
// Search scans every record (generating it), so it costs time proportional to the workspace: fine for thousands,
// seconds per page at a million. Writes other than through the Workspace mutation methods are not implemented
// (405). Webhook payloads are built by Workspace.Notification, not sent.
package fakeintercom
