package mcp

import (
	"net/http"
	"slices"
)

// This file is the server's answer to OAuth when OAuth is off (HTTPOptions.OAuth nil, serve.oauth.enabled false):
// with it on, package mcp/oauth serves these paths.
//
// An MCP client that gets 401 from /mcp starts the OAuth flow of the MCP authorization spec: it looks for the
// protected resource's metadata (RFC 9728) and the authorization server's (RFC 8414, OpenID Connect discovery), and
// finding none, registers itself at /register (RFC 7591), then sends the user to /authorize and redeems the code at
// /token. Each of those paths answers with an OAuth error whose description says how to connect instead: clients
// print that body when their OAuth attempt fails ("Dynamic Client Registration rejected (HTTP 400): {...}" from
// mcp-remote; the error_description alone from the TypeScript SDK), so it is where the user reads about the token.
// The metadata paths answer 404, which every client takes for "no metadata" and moves on to /register; the
// endpoints answer 400, as RFC 6749 and RFC 7591 answer a request they refuse.

// oauthMetadataPaths are the well-known documents an OAuth client looks for, as ServeMux patterns: each with any
// path suffix (a client asks for /.well-known/oauth-protected-resource/mcp for the resource /mcp).
func oauthMetadataPaths() []string {
	return []string{
		"/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/",
		"/.well-known/oauth-authorization-server", "/.well-known/oauth-authorization-server/",
		"/.well-known/openid-configuration", "/.well-known/openid-configuration/",
		PathMCP + "/.well-known/openid-configuration",
	}
}

// oauthEndpointPaths are the endpoints an OAuth client falls back to when it finds no metadata.
func oauthEndpointPaths() []string { return []string{"/register", "/authorize", "/token"} }

// noOAuth answers the OAuth paths when OAuth is off: the server authenticates with bearer tokens only.
type noOAuth struct {
	// hint says where the token comes from, ending a sentence that starts "The token is ".
	hint string
}

func (n noOAuth) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	status := http.StatusNotFound // no metadata
	if slices.Contains(oauthEndpointPaths(), r.URL.Path) {
		status = http.StatusBadRequest // a refused request
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	endpoint := scheme + "://" + r.Host + PathMCP
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, oauthError{
		Error: "access_denied",
		Description: "OAuth (sign-in with Intercom) is not turned on on this server (serve.oauth.enabled): connect " +
			"with a bearer token instead, sent as the " +
			`header "Authorization: Bearer <token>" (mcp-remote: npx -y mcp-remote ` + endpoint +
			` --header "Authorization: Bearer <token>"; Claude Code: claude mcp add --transport http --header ` +
			`"Authorization: Bearer <token>" <name> ` + endpoint + "). The token is " + n.hint + ".",
	})
}

// oauthError is the error response of OAuth (RFC 6749 section 5.2), which clients parse and print.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}
