package mcp

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/intercom-replica/intercom-replica/mcp/oauth"
)

// originPolicy decides, for every path of the HTTP listener, whether a request may be served from what it says about
// where it comes from: the Host it is addressed to and the Origin of the browser page that sent it. It is what stops
// a hostile web page from using the visitor's browser to reach the server: directly (its Origin is foreign) or by
// DNS rebinding (its own name made to resolve to 127.0.0.1, so its requests carry a foreign Host).
type originPolicy struct {
	// allowed are the origins of serve.allowed_origins, normalised by normalizeOrigin.
	allowed map[string]bool
	// loopbackListener tells whether the server listens on a loopback address; used for a request whose
	// connection's local address is unknown (a handler called in-process).
	loopbackListener bool
	// signed are the ServeMux patterns of the paths whose every request carries its own proof (the webhook's
	// signature, made with a secret only Intercom holds), exempt from the Host rule: a rebound page cannot sign, and
	// the tunnel or reverse proxy that Intercom's HTTPS needs in front of a loopback listener passes on the public
	// Host.
	signed map[string]bool
	// publicHost is the host[:port] of the server's public URL (lower case), when one is configured: the name a
	// TLS-terminating proxy in front of a loopback listener passes on, accepted by the Host rule.
	publicHost string
}

func newOriginPolicy(allowed []string, listen string, signed []string) originPolicy {
	p := originPolicy{allowed: make(map[string]bool, len(allowed)), signed: make(map[string]bool, len(signed))}
	for _, o := range allowed {
		p.allowed[normalizeOrigin(o)] = true
	}
	for _, pattern := range signed {
		p.signed[pattern] = true
	}
	p.loopbackListener, _ = isLoopbackAddr(listen)
	return p
}

// originRequest is what the policy looks at in a request.
type originRequest struct {
	loopback bool     // it reached the server on a loopback address
	signed   bool     // its path is one whose requests carry their own proof (originPolicy.signed)
	host     string   // its Host header
	origins  []string // its Origin headers
}

// check returns "" when a request may be served, and otherwise why it may not, for the 403 answer. The rules:
//   - On loopback, the Host must name this machine (localhost, 127.0.0.0/8 or [::1], any port): any other name
//     is a page's own domain rebound to 127.0.0.1. Signed paths are exempt.
//   - A request without an Origin header does not come from a web page (MCP clients, curl): it is served.
//   - Every Origin must be listed in allowed or, on loopback, be a page of this machine (http or https, on
//     localhost, 127.0.0.0/8 or [::1], any port): a page served from the same loopback origin may call the
//     server. Anything else ("null" included) is refused.
func (p originPolicy) check(r originRequest) string {
	loopback, host, origins := r.loopback, r.host, r.origins
	if loopback && !r.signed && !isLoopbackHost(host) && (p.publicHost == "" || !strings.EqualFold(host, p.publicHost)) {
		return fmt.Sprintf("Host %q does not name this machine: a server listening on a loopback address answers "+
			"only requests addressed to localhost, 127.0.0.1 or [::1] (another name is how a web page reaches it by "+
			"DNS rebinding)", host)
	}
	for _, o := range origins {
		n := normalizeOrigin(o)
		if p.allowed[n] || loopback && isLoopbackOrigin(n) {
			continue
		}
		return fmt.Sprintf("requests from web pages at origin %q are not allowed: add the origin to "+
			"serve.allowed_origins to serve it (pages on localhost, 127.0.0.1 or [::1] are allowed when the server "+
			"listens on a loopback address)", o)
	}
	return ""
}

// middleware answers 403 to a request the policy refuses, on every path of mux, and hands the others to mux.
func (p originPolicy) middleware(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := mux.Handler(r)
		req := originRequest{loopback: p.arrivedOnLoopback(r.Context()), signed: p.signed[pattern], host: r.Host, origins: r.Header.Values("Origin")}
		if reason := p.check(req); reason != "" {
			writeHTTPError(w, http.StatusForbidden, reason)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// arrivedOnLoopback tells whether a request reached the server on a loopback address: the local address of its
// connection (a server listening on every interface is reached on loopback by the pages of this machine too), or,
// for a request that came through no connection, the address the server listens on.
func (p originPolicy) arrivedOnLoopback(ctx context.Context) bool {
	if a, ok := ctx.Value(http.LocalAddrContextKey).(net.Addr); ok && a != nil {
		return isLoopbackHost(a.String())
	}
	return p.loopbackListener
}

// normalizeOrigin lower-cases an origin and drops a trailing slash, as serve.allowed_origins is normalised.
func normalizeOrigin(o string) string {
	return strings.TrimRight(strings.ToLower(strings.TrimSpace(o)), "/")
}

// isLoopbackOrigin reports whether a normalised origin is a web page of this machine: http or https on localhost
// or a loopback address, with any port and nothing else.
func isLoopbackOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	return isLoopbackHost(u.Host)
}

// isLoopbackHost reports whether a Host header (or host:port address) names this machine: "localhost", an address
// in 127.0.0.0/8 or ::1, with or without a port. It accepts what mcp-go's own DNS rebinding check accepts.
func isLoopbackHost(hostport string) bool { return oauth.IsLoopbackHost(hostport) }
