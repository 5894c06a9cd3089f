// Package index owns the local replica: a bbolt store that is the source of truth for every record, and a bleve
// index derived from it that answers searches. Nothing outside this package touches a bucket or a bleve index.
//
// The package imports query (for the AST it executes) and nothing else from this module.
package index
