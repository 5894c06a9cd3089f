// Package query is the search DSL shared by every front end of intercom-replica: its lexer and parser, the field
// catalog for each object type, validation into a typed AST, and translation of that AST to the body of Intercom's
// Search API.
//
// The package is pure: text in, AST or error out. It performs no I/O and imports nothing else from this module, so
// every other package may depend on it.
package query
