// Package query is the search DSL shared by every front end of intercom-replica: its lexer and parser, the field
// catalog for each object type, and validation into a typed AST. The translation of a Query to the body of
// Intercom's Search API lives with the client that sends it (sync/intercom's TranslateQuery), so Intercom's search
// grammar has one home; the catalog names each field's Intercom search field (Field.Intercom) for it.
//
// The package is pure: text in, AST or error out. It performs no I/O and imports nothing else from this module, so
// every other package may depend on it.
//
// # Parts
//
//   - Parse reads the DSL (object_type:conversations state:open q:"double charged" limit:50) into a Query;
//     Query.String prints it back as canonical DSL, and Parse(q.String()) gives back q.
//   - ConversationFilter and ContactFilter are the structured arguments of the search_conversations and
//     search_contacts tools; their Query methods go through the same builder as Parse, so both share every check
//     and every error message.
//   - CatalogFor returns the field table of a Kind: names and aliases, types, operators, the local index field
//     (Field.Index, CustomIndexField for custom attributes), the Intercom Search API field, where the value sits in
//     Intercom's JSON (Field.Path), and a description. Reference, Syntax, Catalog.Text and Catalog.Markdown render
//     it as documentation.
//   - ParseID and FormatID handle record ids: raw, prefixed (conversation_123, contact_abc) and app URLs.
//
// # Caveats
//
// Errors are *Error values written for the language model or person who wrote the query: they carry a byte offset
// and the offending token, and say how to fix the query. A Query built by hand should pass Validate before use.
// Relative timestamps (7d, today) are resolved against Options.Now when parsing and printed as written, so a
// reparse at a later time moves the window. Catalogs and their Fields are shared and must not be modified.
package query
