package oauth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
	"golang.org/x/oauth2"
)

// Paths of the authorization server, below the public URL.
const (
	PathProtectedResource   = "/.well-known/oauth-protected-resource"
	PathAuthorizationServer = "/.well-known/oauth-authorization-server"
	PathOpenIDConfiguration = "/.well-known/openid-configuration"
	PathRegister            = "/register"
	PathAuthorize           = "/authorize"
	PathToken               = "/token"
	PathRevoke              = "/revoke"
	PathIntercomCallback    = "/oauth/intercom/callback" // where Intercom sends the browser back: the app's redirect URL
	PathConsent             = "/oauth/consent"
)

// Scope is the one scope this server grants: reading the replica through the MCP tools. A client may also ask for
// offline_access (refresh tokens are always issued) and gets it without it being named in the token response.
const Scope = "replica:read"

// IntercomApp is the Intercom app the replica signs people in with (Developer Hub: your app, Authentication).
type IntercomApp struct {
	ClientID, ClientSecret string
	// AuthorizeURL is Intercom's authorize page: https://app.intercom.com/oauth, or the EU or AU app host's.
	AuthorizeURL string
	// TokenURL is Intercom's token endpoint: <API base URL>/auth/eagle/token.
	TokenURL string
	// Identify returns the teammate and workspace of an Intercom access token (GET /me). The token is used for
	// that one call and then forgotten. An error means the sign-in fails.
	Identify func(ctx context.Context, intercomToken string) (Teammate, error)
	// HTTPClient makes the calls to Intercom; it must have a timeout. Nil means a client with a 15s timeout.
	HTTPClient *http.Client
}

// Options configures a Server.
type Options struct {
	// PublicURL is the URL clients reach the server at, scheme://host[:port] without a path: the issuer, and the
	// base of every endpoint and of the protected resource (PublicURL + "/mcp").
	PublicURL string
	// Store keeps clients, grants and token hashes.
	Store *Store
	// Intercom is the app people sign in with.
	Intercom IntercomApp
	// Workspace returns the replicated workspace's id, or "" before the first sync: a teammate of any other
	// workspace is refused, and nobody can sign in while it is not known.
	Workspace func(ctx context.Context) string
	// AllowedEmails and AllowedDomains, when either is set, restrict sign-in to teammates with one of these
	// (verified) email addresses or email domains. Compared case-insensitively.
	AllowedEmails, AllowedDomains []string
	// AccessTTL and RefreshTTL are the lifetimes of tokens; zero means 1h and 30 days.
	AccessTTL, RefreshTTL time.Duration
	// CodeTTL is the lifetime of an authorization code; zero means one minute.
	CodeTTL time.Duration
	// SkipConsent issues the code as soon as Intercom says who signed in, without the consent page: for the
	// demo, whose sign-in a script walks by following redirects.
	SkipConsent bool
	// RegisterPerMinute bounds registrations per client address per minute; zero means 10.
	RegisterPerMinute int
	// MaxClients bounds the registered clients; zero means 10,000.
	MaxClients int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives what happens (sign-ins, refusals); tokens and codes never appear in it.
	Logger *slog.Logger
}

// Server is the replica's OAuth 2.1 authorization server, which signs people in with Intercom, and the checker
// of the tokens it issues. It is safe for concurrent use.
type Server struct {
	opts      Options
	base      string // PublicURL without a trailing slash: the issuer
	resources []string
	log       *slog.Logger
	intercom  *oauth2.Config
	limits    *addrLimiter

	mu       sync.Mutex
	pending  map[string]*pending  // by the state sent to Intercom
	consents map[string]*consent  // by consent id
	codes    map[string]*codeInfo // by SHA-256 of the code (hex)
}

// authRequest is a client's authorization request once checked.
type authRequest struct {
	client        Client
	redirectURI   string
	state         string
	challenge     string
	resource      string
	scope         string
	redirectHost  string
	intercomState string
}

// pending is an authorization request waiting for Intercom's sign-in.
type pending struct {
	req     authRequest
	expires time.Time
}

// consent is an authorization waiting for the teammate's approval on the consent page.
type consent struct {
	req      authRequest
	teammate Teammate
	csrf     [sha256.Size]byte // SHA-256 of the secret in the consent cookie
	expires  time.Time
}

// codeInfo is an issued authorization code.
type codeInfo struct {
	req      authRequest
	teammate Teammate
	expires  time.Time
	used     bool
	grant    string // the grant its redemption created, revoked if it is presented again
}

// NewServer returns the authorization server described by opts.
func NewServer(opts Options) (*Server, error) {
	base, err := CheckPublicURL(opts.PublicURL)
	if err != nil {
		return nil, fmt.Errorf("oauth: public URL: %w", err)
	}
	switch {
	case opts.Store == nil:
		return nil, errors.New("oauth: no store")
	case opts.Workspace == nil:
		return nil, errors.New("oauth: no replicated workspace (Options.Workspace)")
	case opts.Intercom.ClientID == "" || opts.Intercom.ClientSecret == "":
		return nil, errors.New("oauth: the Intercom app's client id and secret are needed to sign people in")
	case opts.Intercom.AuthorizeURL == "" || opts.Intercom.TokenURL == "" || opts.Intercom.Identify == nil:
		return nil, errors.New("oauth: Intercom's authorize URL, token URL and GET /me are needed to sign people in")
	}
	if opts.AccessTTL <= 0 {
		opts.AccessTTL = time.Hour
	}
	if opts.RefreshTTL <= 0 {
		opts.RefreshTTL = 30 * 24 * time.Hour
	}
	if opts.CodeTTL <= 0 {
		opts.CodeTTL = time.Minute
	}
	if opts.RegisterPerMinute <= 0 {
		opts.RegisterPerMinute = 10
	}
	if opts.MaxClients <= 0 {
		opts.MaxClients = 10_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Intercom.HTTPClient == nil {
		opts.Intercom.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	s := &Server{
		opts: opts, base: base, log: opts.Logger,
		resources: []string{base, base + "/mcp", base + "/sse"},
		intercom: &oauth2.Config{
			ClientID: opts.Intercom.ClientID, ClientSecret: opts.Intercom.ClientSecret,
			Endpoint:    oauth2.Endpoint{AuthURL: opts.Intercom.AuthorizeURL, TokenURL: opts.Intercom.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
			RedirectURL: base + PathIntercomCallback,
		},
		limits:   newAddrLimiter(opts.RegisterPerMinute, opts.Now),
		pending:  map[string]*pending{},
		consents: map[string]*consent{},
		codes:    map[string]*codeInfo{},
	}
	return s, nil
}

// CheckPublicURL checks a public URL (scheme://host[:port], https, or http on a loopback host) and returns it
// without a trailing slash.
func CheckPublicURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return "", fmt.Errorf("%q is not an http(s) URL (want e.g. https://replica.example.com)", raw)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Trim(u.Path, "/") != "":
		return "", fmt.Errorf("%q must be scheme://host[:port] alone, without a path, query, fragment or credentials: "+
			"the server's endpoints (/mcp, /authorize, ...) sit at the root of it", raw)
	case u.Scheme == "http" && !IsLoopbackHost(u.Host):
		return "", fmt.Errorf("%q is plain http on a host that is not loopback: tokens would cross the network in "+
			"clear; put a TLS-terminating proxy in front and give its https:// URL", raw)
	}
	return strings.TrimRight(raw, "/"), nil
}

// Issuer returns the issuer identifier: the public URL.
func (s *Server) Issuer() string { return s.base }

// Resource returns the protected resource's identifier: the Streamable HTTP endpoint's URL.
func (s *Server) Resource() string { return s.base + "/mcp" }

// ResourceMetadataURL returns where the protected resource metadata of the resource at path lives (RFC 9728
// section 3.1), for the WWW-Authenticate challenge.
func (s *Server) ResourceMetadataURL(path string) string {
	return s.base + server.ProtectedResourceMetadataPath(s.base+path)
}

// Routes returns the ServeMux patterns of the authorization server and their handlers.
func (s *Server) Routes() map[string]http.Handler {
	prm := server.NewProtectedResourceMetadataHandler(server.ProtectedResourceMetadataConfig{
		Resource: s.Resource(), AuthorizationServers: []string{s.base}, ScopesSupported: []string{Scope},
		BearerMethodsSupported: []string{"header"}, ResourceName: "intercom-replica",
	})
	asm := http.HandlerFunc(s.serveMetadata)
	noOIDC := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "invalid_request", "this server is an OAuth 2.1 authorization server, not an "+
			"OpenID provider: its metadata is at "+s.base+PathAuthorizationServer)
	})
	return map[string]http.Handler{
		PathProtectedResource:            prm,
		PathProtectedResource + "/":      s.resourceMetadata(prm),
		PathAuthorizationServer:          asm,
		PathAuthorizationServer + "/":    asm, // clients that derive the issuer from the resource's path
		PathOpenIDConfiguration:          noOIDC,
		PathOpenIDConfiguration + "/":    noOIDC,
		"/mcp" + PathOpenIDConfiguration: noOIDC,
		PathRegister:                     http.HandlerFunc(s.serveRegister),
		PathAuthorize:                    http.HandlerFunc(s.serveAuthorize),
		PathIntercomCallback:             http.HandlerFunc(s.serveIntercomCallback),
		PathConsent:                      http.HandlerFunc(s.serveConsent),
		PathToken:                        http.HandlerFunc(s.serveToken),
		PathRevoke:                       http.HandlerFunc(s.serveRevoke),
	}
}

// resourceMetadata serves the metadata of the resources below the well-known path (…/mcp, …/sse), each naming
// itself, and 404 for any other.
func (s *Server) resourceMetadata(prm http.Handler) http.Handler {
	sse := server.NewProtectedResourceMetadataHandler(server.ProtectedResourceMetadataConfig{
		Resource: s.base + "/sse", AuthorizationServers: []string{s.base}, ScopesSupported: []string{Scope},
		BearerMethodsSupported: []string{"header"}, ResourceName: "intercom-replica",
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch strings.TrimPrefix(r.URL.Path, PathProtectedResource) {
		case "/mcp":
			prm.ServeHTTP(w, r)
		case "/sse":
			sse.ServeHTTP(w, r)
		default:
			writeError(w, http.StatusNotFound, "invalid_request", "no protected resource here: the resource is "+s.Resource()+
				", described at "+s.ResourceMetadataURL("/mcp"))
		}
	})
}

// serveMetadata answers the authorization server metadata (RFC 8414).
func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, http.StatusMethodNotAllowed, "invalid_request", "metadata is read with GET")
		return
	}
	w.Header().Set("Cache-Control", "max-age=300")
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                         s.base,
		"authorization_endpoint":                         s.base + PathAuthorize,
		"token_endpoint":                                 s.base + PathToken,
		"registration_endpoint":                          s.base + PathRegister,
		"revocation_endpoint":                            s.base + PathRevoke,
		"scopes_supported":                               []string{Scope, "offline_access"},
		"response_types_supported":                       []string{"code"},
		"response_modes_supported":                       []string{"query"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token"},
		"token_endpoint_auth_methods_supported":          []string{"none"},
		"revocation_endpoint_auth_methods_supported":     []string{"none"},
		"code_challenge_methods_supported":               []string{"S256"},
		"authorization_response_iss_parameter_supported": true,
		"service_documentation":                          "https://github.com/intercom-replica/intercom-replica#sign-in-with-intercom-oauth",
	})
}

// Check returns the grant of an access token this server issued, live and bound to this server. It fails with
// ErrUnknownToken, ErrExpiredToken, ErrRevoked, or an error saying the token is for another resource.
func (s *Server) Check(token string) (Grant, error) {
	g, err := s.opts.Store.CheckAccess(token, s.opts.Now())
	if err != nil {
		return Grant{}, err
	}
	if !slices.Contains(s.resources, g.Resource) {
		return Grant{}, fmt.Errorf("%w: the token was issued for %s, not this server (%s)", ErrWrongResource, g.Resource, s.Resource())
	}
	return g, nil
}

// ErrWrongResource is an access token issued for another resource (RFC 8707).
var ErrWrongResource = errors.New("token issued for another resource")

// IsOAuthToken reports whether token looks like one of this server's access tokens (by its prefix).
func IsOAuthToken(token string) bool { return strings.HasPrefix(token, accessPrefix) }

// oauthError is the error response of OAuth (RFC 6749 section 5.2).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func writeError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, oauthError{Error: code, Description: description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// sweep drops expired pending requests, consents and codes. Called with s.mu held, on every insertion: the maps
// stay as small as the sign-ins of the last few minutes.
func (s *Server) sweep(now time.Time) {
	for k, p := range s.pending {
		if !now.Before(p.expires) {
			delete(s.pending, k)
		}
	}
	for k, c := range s.consents {
		if !now.Before(c.expires) {
			delete(s.consents, k)
		}
	}
	for k, c := range s.codes {
		if !now.Before(c.expires) {
			delete(s.codes, k)
		}
	}
}

// maxInFlight bounds the sign-ins in progress (pending and awaiting consent): beyond it, /authorize answers
// temporarily_unavailable rather than letting memory grow.
const maxInFlight = 10_000

// signInTTL is how long a person has to sign in with Intercom and to approve the consent page.
const signInTTL = 10 * time.Minute

func hashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%x", sum)
}

func constantEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
