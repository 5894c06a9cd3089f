// Package wire declares the shape of Intercom's JSON records, once: the conversation and the contact as the REST
// API sends them (API 2.16), and the tolerant scalar types their fields decode through. The Intercom client
// (sync/intercom) decodes its responses with it, the index extracts a record's fields with it, and the MCP tools
// render records with it, so a field Intercom sends in an odd shape reads the same everywhere.
//
// # Where it sits
//
// The package imports only the standard library. It lives under index, beside index/plaintext, because the
// records the replica stores are exactly this JSON, and because a leaf there may be imported by every package that
// needs it (sync/intercom, index, mcp) without the client depending on the replica: the layering test
// (cmd/intercom-replica/imports_test.go) allows sync/intercom this one package of index and nothing else. The fake
// Intercom (sync/intercom/fakeintercom) does not use it: it is an independent implementation of the API.
//
// # The decoding rule
//
// Intercom's payloads do not always match its own schema: ids are strings in one place and numbers in another,
// team_assignee_id arrives as an integer, null or a string, timestamps as integers, integral floats (1.7e9) or
// null. Every scalar field therefore decodes through [String], [Int] or [Bool], which follow one rule:
//
//   - A value spelled in any of the ways Intercom spells that type decodes to it: a string or a number (its own
//     spelling) or a boolean for a String; an integer, an integral float (1.7e9, 5.0), or a string holding one
//     ("5017691") for an Int; true, false, "true" or "false" for a Bool.
//   - Anything else is absent: null, a missing field, an object or a list where a scalar belongs, a word where a
//     number belongs, a number beyond int64, and a fraction (1.5) in an integer field. A fraction is neither
//     truncated (that would store a value Intercom did not send) nor an error (one odd field must not make a whole
//     record unreadable, unsearchable, or a sync page that fails forever).
//
// Decoding a scalar never fails, so a record decodes unless its JSON is malformed or a container has the wrong
// kind (a string where an object or list belongs). Nothing is lost by an absent field: the replica keeps every
// record's JSON exactly as Intercom sent it.
package wire
