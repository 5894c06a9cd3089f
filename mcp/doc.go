// Package mcp serves the replica to AI agents over the Model Context Protocol: the six read tools of Intercom's
// hosted server, their rendering, the stdio and HTTP transports, bearer authentication, health and metrics.
//
// It declares the small interfaces it consumes (searching, fetching, live lookups) and knows nothing of how the
// replica stores data or how sync works.
package mcp
