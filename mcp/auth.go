package mcp

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/intercom-replica/intercom-replica/mcp/oauth"
)

// TokenVerifier tells which Intercom workspace an Intercom access token belongs to. The implementation (in
// package sync/intercom, wired by cmd) calls GET /me with the token and must use it for nothing else.
type TokenVerifier interface {
	// TokenWorkspace returns the workspace id (/me's app.id_code) of token. It returns an error matching
	// ErrTokenRejected when Intercom refuses the token (401 or 403); any other error means the token could not be
	// checked (Intercom unreachable) and says nothing about the token.
	TokenWorkspace(ctx context.Context, token string) (string, error)
}

// ErrTokenRejected is returned by a TokenVerifier for a token Intercom does not accept.
var ErrTokenRejected = errors.New("token rejected by Intercom")

// AuthOptions configures bearer authentication on the HTTP transport.
type AuthOptions struct {
	// Tokens are the local bearer tokens accepted. They are compared in constant time.
	Tokens []string
	// NoAuth serves without authentication. NewHTTPServer refuses it on a non-loopback address.
	NoAuth bool
	// Intercom, when not nil, also accepts Intercom access tokens that it proves belong to the replicated
	// workspace. Off by default: the MCP authorization spec forbids accepting tokens issued for another audience,
	// and an Intercom token is issued for Intercom's API, not for this server. Turn it on only for drop-in set-ups
	// that already send an Intercom token (mcp-remote --header "Authorization: Bearer <Intercom token>").
	Intercom TokenVerifier
	// Workspace returns the id of the replicated workspace, or "" while it is not known yet (before the first
	// sync); an Intercom token is refused until it is known. Required when Intercom is set.
	Workspace func(ctx context.Context) string
	// CacheTTL bounds how long a verified Intercom token is trusted without asking Intercom again. Zero means 5
	// minutes. Refusals are remembered for at most a minute.
	CacheTTL time.Duration
	// CacheSize bounds how many token verdicts are remembered. Zero means 1024.
	CacheSize int
	// VerifyTimeout bounds one call to the verifier. Zero means 10 seconds.
	VerifyTimeout time.Duration
	// Now is the clock of the cache; nil means time.Now.
	Now func() time.Time
	// oauth is the server's authorization server when OAuth is on; NewHTTPServer sets it from HTTPOptions.OAuth.
	oauth *oauth.Server
	// TokenHint says where a client gets its token, completing the sentence "The token is ...", in what the
	// server answers a request without an acceptable token and on the OAuth paths (a client that gets 401 tries
	// OAuth, and prints what those answer). Empty means the local tokens of the configuration.
	TokenHint string
}

// Principal is who an authenticated HTTP request acts for. It never holds the token itself.
type Principal struct {
	Method string // "local", "intercom", "oauth" or "none"
	ID     string // for local tokens "local#<n>" (the token's position in the configuration); for Intercom tokens the first 8 hex digits of the token's SHA-256; for OAuth tokens the grant's id
	// Teammate is the email of the Intercom teammate an OAuth token was issued to; empty for other methods.
	Teammate string
}

type principalKey struct{}

// PrincipalFrom returns the principal of an authenticated request's context.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// authenticator checks bearer tokens. It is safe for concurrent use.
type authenticator struct {
	opts   AuthOptions
	local  [][sha256.Size]byte // SHA-256 of each local token: fixed-length values for constant-time comparison
	log    *slog.Logger
	counts func(reason string)
	// oauth checks the tokens of the server's own authorization server, when OAuth is on (NewHTTPServer sets it).
	oauth *oauth.Server

	mu    sync.Mutex
	cache map[[sha256.Size]byte]verdict
	group singleflight.Group
}

type verdict struct {
	ok      bool
	reason  string // why a token was refused, as a metric label
	expires time.Time
}

func newAuthenticator(opts AuthOptions, log *slog.Logger, counts func(string)) (*authenticator, error) {
	oa := opts.oauth
	if opts.Intercom != nil && opts.Workspace == nil {
		return nil, errors.New("auth: accepting Intercom tokens needs the replicated workspace (AuthOptions.Workspace)")
	}
	if !opts.NoAuth && len(opts.Tokens) == 0 && opts.Intercom == nil && oa == nil {
		return nil, errors.New("auth: no bearer token configured; set local tokens, turn on OAuth (sign-in with Intercom), accept Intercom tokens, or run with no auth on a loopback address")
	}
	if opts.CacheTTL <= 0 {
		opts.CacheTTL = 5 * time.Minute
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = 1024
	}
	if opts.VerifyTimeout <= 0 {
		opts.VerifyTimeout = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenHint == "" {
		opts.TokenHint = "one of the server's local tokens (serve.tokens, serve.tokens_file or INTERCOM_REPLICA_TOKENS)"
	}
	if opts.Intercom != nil {
		opts.TokenHint += ", or an Intercom access token of the replicated workspace"
	}
	if oa != nil {
		opts.TokenHint += ", or one this server issues when you sign in with Intercom (OAuth: an MCP client that " +
			"supports it signs in by itself on this answer; its metadata is at " + oa.ResourceMetadataURL(PathMCP) + ")"
	}
	a := &authenticator{opts: opts, oauth: oa, log: log, counts: counts, cache: make(map[[sha256.Size]byte]verdict)}
	for i, t := range opts.Tokens {
		if t == "" {
			return nil, fmt.Errorf("auth: local token %d is empty", i+1)
		}
		a.local = append(a.local, sha256.Sum256([]byte(t)))
	}
	return a, nil
}

// middleware answers 401 with WWW-Authenticate: Bearer unless the request carries an acceptable token, and puts
// the Principal in the request's context otherwise.
func (a *authenticator) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.opts.NoAuth {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, Principal{Method: "none"})))
			return
		}
		token, ok := bearerToken(r.Header.Get("Authorization"))
		if !ok {
			a.counts("missing")
			a.unauthorized(w, r, "", "this server needs a bearer token")
			return
		}
		if a.oauth != nil && oauth.IsOAuthToken(token) {
			a.checkOAuth(w, r, token, next)
			return
		}
		p, status, reason := a.check(r.Context(), token)
		switch status {
		case http.StatusOK:
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
		case http.StatusServiceUnavailable:
			a.counts("unverifiable")
			w.Header().Set("Retry-After", "5")
			writeHTTPError(w, http.StatusServiceUnavailable, reason)
		default:
			a.counts(reason)
			a.unauthorized(w, r, "invalid_token", "the bearer token sent is not one this server accepts")
		}
	})
}

// checkOAuth serves r when token is a live access token of the server's authorization server, bound to it, and
// answers 401 (or 503 when the token store cannot be read) otherwise.
func (a *authenticator) checkOAuth(w http.ResponseWriter, r *http.Request, token string, next http.Handler) {
	g, err := a.oauth.Check(token)
	var reason, what string
	switch {
	case err == nil:
		p := Principal{Method: "oauth", ID: g.ID, Teammate: g.Teammate.Email}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
		return
	case errors.Is(err, oauth.ErrExpiredToken):
		reason, what = "oauth_expired", "the access token expired: refresh it, or sign in again"
	case errors.Is(err, oauth.ErrReplaced):
		reason, what = "oauth_revoked", "the access token was replaced by a refresh: send the access token that refresh returned"
	case errors.Is(err, oauth.ErrRevoked):
		reason, what = "oauth_revoked", "the access token was revoked: sign in again"
	case errors.Is(err, oauth.ErrWrongResource):
		reason, what = "oauth_wrong_resource", err.Error()
	case errors.Is(err, oauth.ErrUnknownToken):
		reason, what = "unknown_token", "the access token is not one this server issued (or it was purged after it expired)"
	default:
		a.log.Error("oauth token check failed", "err", err)
		a.counts("unverifiable")
		w.Header().Set("Retry-After", "5")
		writeHTTPError(w, http.StatusServiceUnavailable, "the access token could not be checked right now; try again shortly")
		return
	}
	a.counts(reason)
	a.unauthorized(w, r, "invalid_token", what)
}

// check decides on token. It returns 200 and the principal, 401 and the reason as a metric label
// (unknown_token, rejected, other_workspace), or 503 and a message when an Intercom token could not be checked.
func (a *authenticator) check(ctx context.Context, token string) (Principal, int, string) {
	sum := sha256.Sum256([]byte(token))
	// Compare with every local token, without stopping at a match, so timing says nothing about which matched.
	match := -1
	for i := range a.local {
		if subtle.ConstantTimeCompare(sum[:], a.local[i][:]) == 1 {
			match = i
		}
	}
	if match >= 0 {
		return Principal{Method: "local", ID: fmt.Sprintf("local#%d", match+1)}, http.StatusOK, ""
	}
	if a.opts.Intercom == nil {
		return Principal{}, http.StatusUnauthorized, "unknown_token"
	}
	id := hex.EncodeToString(sum[:4])
	if v, ok := a.cached(sum); ok {
		if v.ok {
			return Principal{Method: "intercom", ID: id}, http.StatusOK, ""
		}
		return Principal{}, http.StatusUnauthorized, v.reason
	}
	// One verification per token at a time: concurrent requests with the same new token share it.
	res, err, _ := a.group.Do(hex.EncodeToString(sum[:]), func() (any, error) {
		return a.verify(ctx, token, sum, id)
	})
	if err != nil {
		return Principal{}, http.StatusServiceUnavailable, "the Intercom token could not be verified right now; try again shortly"
	}
	v := res.(verdict)
	if !v.ok {
		return Principal{}, http.StatusUnauthorized, v.reason
	}
	return Principal{Method: "intercom", ID: id}, http.StatusOK, ""
}

// verify asks the TokenVerifier and caches the verdict. Transient failures are returned as errors and not cached.
func (a *authenticator) verify(ctx context.Context, token string, sum [sha256.Size]byte, id string) (verdict, error) {
	// A flight that started just after another one ended finds its verdict here.
	if v, ok := a.cached(sum); ok {
		return v, nil
	}
	// The request's context may end with this request, but the verdict serves others waiting on it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.opts.VerifyTimeout)
	defer cancel()
	want := a.opts.Workspace(ctx)
	if want == "" {
		return verdict{}, errors.New("the replicated workspace is not known yet")
	}
	got, err := a.opts.Intercom.TokenWorkspace(ctx, token)
	now := a.opts.Now()
	var v verdict
	switch {
	case errors.Is(err, ErrTokenRejected):
		v = verdict{reason: "rejected", expires: now.Add(min(a.opts.CacheTTL, time.Minute))}
	case err != nil:
		// Never log the token; its hash prefix identifies it in the log.
		a.log.Warn("intercom token verification failed", "token_sha256_prefix", id, "err", err)
		return verdict{}, err
	case subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1:
		a.log.Warn("intercom token of another workspace refused", "token_sha256_prefix", id, "token_workspace", got)
		v = verdict{reason: "other_workspace", expires: now.Add(min(a.opts.CacheTTL, time.Minute))}
	default:
		v = verdict{ok: true, expires: now.Add(a.opts.CacheTTL)}
	}
	a.store(sum, v)
	return v, nil
}

func (a *authenticator) cached(sum [sha256.Size]byte) (verdict, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	v, ok := a.cache[sum]
	if !ok {
		return verdict{}, false
	}
	if !a.opts.Now().Before(v.expires) {
		delete(a.cache, sum)
		return verdict{}, false
	}
	return v, true
}

// store remembers v, keeping the cache within CacheSize: expired verdicts go first, then the one expiring soonest.
func (a *authenticator) store(sum [sha256.Size]byte, v verdict) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.cache[sum]; !ok && len(a.cache) >= a.opts.CacheSize {
		now := a.opts.Now()
		var oldest [sha256.Size]byte
		var oldestAt time.Time
		for k, e := range a.cache {
			if !now.Before(e.expires) {
				delete(a.cache, k)
				continue
			}
			if oldestAt.IsZero() || e.expires.Before(oldestAt) {
				oldest, oldestAt = k, e.expires
			}
		}
		if len(a.cache) >= a.opts.CacheSize {
			delete(a.cache, oldest)
		}
	}
	a.cache[sum] = v
}

// bearerToken extracts the token of an "Authorization: Bearer <token>" header (scheme case-insensitive).
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// unauthorized answers 401 with the challenge RFC 6750 asks for (errCode is "" when no token was sent: the
// challenge then carries no error) and a body that says how to send the token and where it comes from, which
// clients print.
func (a *authenticator) unauthorized(w http.ResponseWriter, r *http.Request, errCode, what string) {
	challenge := `Bearer realm="intercom-replica"`
	if a.oauth != nil {
		path := r.URL.Path
		if path == PathMessage {
			path = PathSSE
		}
		challenge += `, resource_metadata="` + a.oauth.ResourceMetadataURL(path) + `", scope="` + oauth.Scope + `"`
	}
	if errCode != "" {
		challenge += `, error="` + errCode + `"`
		if a.oauth != nil {
			challenge += `, error_description="` + strings.ReplaceAll(what, `"`, `'`) + `"`
		}
	}
	w.Header().Set("WWW-Authenticate", challenge)
	code := errCode
	if code == "" {
		code = "invalid_request"
	}
	writeJSON(w, http.StatusUnauthorized, oauthError{Error: code, Description: what + `: send the header ` +
		`"Authorization: Bearer <token>" (mcp-remote: --header "Authorization: Bearer <token>"). The token is ` +
		a.opts.TokenHint + "."})
}
