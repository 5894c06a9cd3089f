package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"
)

// maxRegistrationBytes bounds a registration request's body.
const maxRegistrationBytes = 16 << 10

// maxRedirectURIs bounds the redirect URIs of one client.
const maxRedirectURIs = 10

// registration is the client metadata of RFC 7591 this server reads; other fields are ignored, as the RFC asks.
type registration struct {
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	ClientName              string   `json:"client_name"`
}

// serveRegister is dynamic client registration (RFC 7591) for public clients, size- and rate-limited.
func (s *Server) serveRegister(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "invalid_request", "register a client with POST and a JSON body (RFC 7591)")
		return
	}
	if !s.limits.allow(r.RemoteAddr) {
		w.Header().Set("Retry-After", "60")
		writeError(w, http.StatusTooManyRequests, "temporarily_unavailable", fmt.Sprintf("more than %d registrations "+
			"from this address in a minute; a client registers once and keeps its client_id: try again in a minute", s.opts.RegisterPerMinute))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRegistrationBytes))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "invalid_client_metadata", fmt.Sprintf("the registration is larger than %d bytes", maxRegistrationBytes))
		return
	}
	var reg registration
	if err := json.Unmarshal(body, &reg); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_client_metadata", "the body is not client metadata in JSON (RFC 7591 section 2): "+err.Error())
		return
	}
	if len(reg.RedirectURIs) == 0 || len(reg.RedirectURIs) > maxRedirectURIs {
		writeError(w, http.StatusBadRequest, "invalid_redirect_uri", fmt.Sprintf("redirect_uris must list from 1 to %d URIs, got %d", maxRedirectURIs, len(reg.RedirectURIs)))
		return
	}
	for _, u := range reg.RedirectURIs {
		if err := checkRedirectURI(u); err != nil {
			writeError(w, http.StatusBadRequest, "invalid_redirect_uri", err.Error())
			return
		}
	}
	if m := reg.TokenEndpointAuthMethod; m != "" && m != "none" {
		writeError(w, http.StatusBadRequest, "invalid_client_metadata", fmt.Sprintf("token_endpoint_auth_method %q is not supported: "+
			"clients are public (none) and prove themselves with PKCE", m))
		return
	}
	for _, g := range reg.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			writeError(w, http.StatusBadRequest, "invalid_client_metadata", fmt.Sprintf("grant type %q is not supported (authorization_code and refresh_token are)", g))
			return
		}
	}
	for _, t := range reg.ResponseTypes {
		if t != "code" {
			writeError(w, http.StatusBadRequest, "invalid_client_metadata", fmt.Sprintf("response type %q is not supported (code is)", t))
			return
		}
	}
	name := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, strings.TrimSpace(reg.ClientName))
	if n := len([]rune(name)); n > 200 {
		writeError(w, http.StatusBadRequest, "invalid_client_metadata", fmt.Sprintf("client_name is %d characters long; at most 200", n))
		return
	}
	if name == "" {
		name = "unnamed client"
	}
	now := s.opts.Now()
	c := Client{ID: newID("c_"), Name: name, RedirectURIs: reg.RedirectURIs, CreatedAt: now}
	if err := s.opts.Store.SaveClient(c, s.opts.MaxClients); err != nil {
		s.log.Error("oauth: register a client", "err", err)
		writeError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "the client could not be registered: "+err.Error())
		return
	}
	s.log.Info("oauth: client registered", "client_id", c.ID, "client_name", c.Name, "remote", r.RemoteAddr)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, map[string]any{
		"client_id": c.ID, "client_id_issued_at": now.Unix(), "client_name": c.Name, "redirect_uris": c.RedirectURIs,
		"token_endpoint_auth_method": "none", "grant_types": []string{"authorization_code", "refresh_token"},
		"response_types": []string{"code"},
	})
}

// checkRedirectURI accepts https URIs, http URIs on a loopback address (RFC 8252 section 7.3), and private-use
// schemes of native apps (section 7.1); never a fragment, credentials, or a scheme a browser would run.
func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() {
		return fmt.Errorf("redirect URI %q is not an absolute URI", raw)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return fmt.Errorf("redirect URI %q has a fragment, which RFC 6749 forbids", raw)
	}
	if u.User != nil {
		return fmt.Errorf("redirect URI %q carries credentials", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		if u.Host == "" {
			return fmt.Errorf("redirect URI %q has no host", raw)
		}
	case "http":
		if !IsLoopbackHost(u.Host) {
			return fmt.Errorf("redirect URI %q is plain http on a host that is not loopback: use https, or "+
				"http://127.0.0.1:PORT/... for a client on the user's machine (RFC 8252)", raw)
		}
	case "javascript", "data", "file", "vbscript", "about", "blob":
		return fmt.Errorf("redirect URI %q has the scheme %s, which is never a redirect URI", raw, u.Scheme)
	}
	return nil
}

// matchRedirect reports whether given is one of registered: exactly, or, for an http URI on a loopback address,
// the same but for the port (RFC 8252 section 7.3: a native client listens on whatever port is free).
func matchRedirect(registered []string, given string) bool {
	for _, reg := range registered {
		if reg == given || loopbackMatch(reg, given) {
			return true
		}
	}
	return false
}

func loopbackMatch(reg, given string) bool {
	ru, err1 := url.Parse(reg)
	gu, err2 := url.Parse(given)
	if err1 != nil || err2 != nil || ru.Scheme != "http" || gu.Scheme != "http" || !IsLoopbackHost(ru.Host) {
		return false
	}
	return ru.Hostname() == gu.Hostname() && ru.EscapedPath() == gu.EscapedPath() && ru.RawQuery == gu.RawQuery &&
		gu.User == nil && gu.Fragment == ""
}

// IsLoopbackHost reports whether a Host header or host[:port] names this machine: "localhost", an address in
// 127.0.0.0/8 or ::1, with or without a port.
func IsLoopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = strings.Trim(hostport, "[]")
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// serveAuthorize checks a client's authorization request and sends the browser to Intercom to sign in. An
// unknown client or an unregistered redirect URI gets an error here (redirecting there would make this server an
// open redirector); every other error goes back to the client's redirect URI with state and iss.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "invalid_request", "the authorization endpoint answers GET")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "unreadable request: "+err.Error())
		return
	}
	q := r.Form
	for _, p := range []string{"client_id", "redirect_uri", "response_type", "state", "code_challenge", "code_challenge_method", "scope"} {
		if len(q[p]) > 1 {
			writeError(w, http.StatusBadRequest, "invalid_request", "the parameter "+p+" is given more than once")
			return
		}
	}
	clientID := q.Get("client_id")
	client, ok, err := s.opts.Store.Client(clientID)
	switch {
	case err != nil:
		s.log.Error("oauth: read a client", "err", err)
		writeError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "the client registry could not be read; try again")
		return
	case clientID == "":
		writeError(w, http.StatusBadRequest, "invalid_request", "client_id is missing: register the client at "+s.base+PathRegister+" first")
		return
	case !ok:
		writeError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("unknown client_id %q: register the client at %s first "+
			"(a client registered with another server, or before the server's data directory was reset, must register again)", clientID, s.base+PathRegister))
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" && len(client.RedirectURIs) == 1 {
		redirect = client.RedirectURIs[0]
	}
	if redirect == "" || !matchRedirect(client.RedirectURIs, redirect) {
		writeError(w, http.StatusBadRequest, "invalid_request", fmt.Sprintf("redirect_uri %q is not registered for this "+
			"client (registered: %s); loopback http URIs may differ in port only", redirect, strings.Join(client.RedirectURIs, ", ")))
		return
	}
	req := authRequest{client: client, redirectURI: redirect, state: q.Get("state"), challenge: q.Get("code_challenge")}
	if u, err := url.Parse(redirect); err == nil {
		req.redirectHost = u.Host
		if req.redirectHost == "" {
			req.redirectHost = u.Scheme + ":"
		}
	}
	fail := func(code, description string) { s.redirectError(w, r, req, code, description) }
	if rt := q.Get("response_type"); rt != "code" {
		fail("unsupported_response_type", fmt.Sprintf("response_type %q is not supported: only the authorization code flow (code) is", rt))
		return
	}
	if m := q.Get("code_challenge_method"); m != "S256" {
		fail("invalid_request", fmt.Sprintf("PKCE with code_challenge_method S256 is required (got %q): send code_challenge=BASE64URL(SHA256(code_verifier)) and code_challenge_method=S256", m))
		return
	}
	if req.challenge == "" {
		fail("invalid_request", "code_challenge is missing: PKCE with S256 is required")
		return
	}
	if !validChallenge(req.challenge) {
		fail("invalid_request", "code_challenge must be the 43-character unpadded base64url SHA-256 of the code_verifier")
		return
	}
	resource, msg := s.resourceParam(q["resource"], s.Resource())
	if msg != "" {
		fail("invalid_target", msg)
		return
	}
	req.resource = resource
	for _, sc := range strings.Fields(q.Get("scope")) {
		if sc != Scope && sc != "offline_access" {
			fail("invalid_scope", fmt.Sprintf("unknown scope %q: this server grants %s (and offline_access)", sc, Scope))
			return
		}
	}
	req.scope = Scope
	if s.opts.Workspace(r.Context()) == "" {
		fail("temporarily_unavailable", "the replica does not know its workspace yet (its first sync has not reached Intercom): try again once it has")
		return
	}
	req.intercomState = newSecret("")
	now := s.opts.Now()
	s.mu.Lock()
	s.sweep(now)
	full := len(s.pending)+len(s.consents) >= maxInFlight
	if !full {
		s.pending[req.intercomState] = &pending{req: req, expires: now.Add(signInTTL)}
	}
	s.mu.Unlock()
	if full {
		fail("temporarily_unavailable", "too many sign-ins in progress; try again in a few minutes")
		return
	}
	s.log.Info("oauth: sign-in started", "client_id", client.ID, "client_name", client.Name, "redirect_host", req.redirectHost)
	http.Redirect(w, r, s.intercom.AuthCodeURL(req.intercomState), http.StatusFound)
}

// resourceParam checks the resource parameters of a request (RFC 8707) against this server's identifiers. It
// returns def when there is none, and a description of the problem when they are not this server.
func (s *Server) resourceParam(values []string, def string) (string, string) {
	switch len(values) {
	case 0:
		return def, ""
	case 1:
	default:
		return "", "one resource at a time: this server is the resource " + s.Resource()
	}
	res := strings.TrimRight(values[0], "/")
	if res == "" {
		res = s.base
	}
	if !slices.Contains(s.resources, res) {
		return "", fmt.Sprintf("resource %q is not this server: tokens issued here are for %s only", values[0], s.Resource())
	}
	return res, ""
}

func validChallenge(c string) bool {
	if len(c) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(c)
	return err == nil
}

// redirectError sends the browser back to the client with an error (RFC 6749 section 4.1.2.1, RFC 9207).
func (s *Server) redirectError(w http.ResponseWriter, r *http.Request, req authRequest, code, description string) {
	s.log.Info("oauth: authorization refused", "client_id", req.client.ID, "error", code, "why", description)
	s.redirect(w, r, req, url.Values{"error": {code}, "error_description": {description}})
}

func (s *Server) redirect(w http.ResponseWriter, r *http.Request, req authRequest, v url.Values) {
	u, _ := url.Parse(req.redirectURI) // checked at registration
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	if req.state != "" {
		q.Set("state", req.state)
	}
	q.Set("iss", s.base)
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// serveIntercomCallback is where Intercom sends the browser back: it exchanges Intercom's code for an Intercom
// token, asks GET /me who signed in, forgets the token, checks the teammate may sign in, and shows the consent page
// (or, with SkipConsent, issues the code at once).
func (s *Server) serveIntercomCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	now := s.opts.Now()
	s.mu.Lock()
	p := s.pending[q.Get("state")]
	delete(s.pending, q.Get("state"))
	s.mu.Unlock()
	if p == nil || !now.Before(p.expires) || q.Get("state") == "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "this sign-in is unknown, already finished, or older than "+
			"10 minutes: start again from your MCP client")
		return
	}
	req := p.req
	if e := q.Get("error"); e != "" {
		s.redirectError(w, r, req, "access_denied", "the Intercom sign-in did not complete: "+e+" "+q.Get("error_description"))
		return
	}
	code := q.Get("code")
	if code == "" {
		s.redirectError(w, r, req, "server_error", "Intercom sent the browser back without a code")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	tm, code2, desc := s.signIn(ctx, code)
	if code2 != "" {
		s.redirectError(w, r, req, code2, desc)
		return
	}
	if s.opts.SkipConsent {
		s.log.Info("oauth: consent skipped (demo)", "client_id", req.client.ID, "teammate", tm.Email)
		s.issueCode(w, r, req, tm)
		return
	}
	secret := newSecret("")
	id := newSecret("")
	s.mu.Lock()
	s.sweep(now)
	s.consents[id] = &consent{req: req, teammate: tm, csrf: sha256.Sum256([]byte(secret)), expires: now.Add(signInTTL)}
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: consentCookie, Value: secret, Path: PathConsent, HttpOnly: true,
		Secure: strings.HasPrefix(s.base, "https:"), SameSite: http.SameSiteStrictMode, MaxAge: int(signInTTL.Seconds())})
	setPageHeaders(w)
	w.WriteHeader(http.StatusOK)
	consentPage().Execute(w, consentView{
		ClientName: req.client.Name, ClientID: req.client.ID, RedirectHost: req.redirectHost,
		TeammateName: tm.Name, TeammateEmail: tm.Email, Resource: req.resource, Action: PathConsent, ID: id, CSRF: secret,
	})
}

// signIn redeems Intercom's code and asks Intercom who signed in. It returns the teammate, or an OAuth error code
// and description. The Intercom token lives only inside this function.
func (s *Server) signIn(ctx context.Context, code string) (Teammate, string, string) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.opts.Intercom.HTTPClient)
	tok, err := s.intercom.Exchange(ctx, code)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			s.log.Error("oauth: Intercom refused to redeem its code", "status", re.Response.StatusCode, "error", re.ErrorCode)
			return Teammate{}, "server_error", fmt.Sprintf("Intercom refused to redeem the sign-in code (HTTP %d %s): "+
				"the server's Intercom app settings (serve.oauth.client_id, client_secret) may be wrong", re.Response.StatusCode, re.ErrorCode)
		}
		s.log.Warn("oauth: Intercom unreachable to redeem its code", "err", redactURL(err))
		return Teammate{}, "temporarily_unavailable", "Intercom could not be reached to finish the sign-in; try again"
	}
	tm, err := s.opts.Intercom.Identify(ctx, tok.AccessToken)
	tok = nil // forgotten: never stored, logged or used again
	if err != nil {
		s.log.Warn("oauth: Intercom's GET /me failed", "err", err)
		return Teammate{}, "temporarily_unavailable", "Intercom did not say who signed in (GET /me failed); try again"
	}
	want := s.opts.Workspace(ctx)
	switch {
	case want == "":
		return Teammate{}, "temporarily_unavailable", "the replica does not know its workspace yet; try again once its first sync reached Intercom"
	case !constantEqual(tm.Workspace, want):
		s.log.Warn("oauth: teammate of another workspace refused", "teammate", tm.Email, "workspace", tm.Workspace)
		return Teammate{}, "access_denied", fmt.Sprintf("%s signed in to the Intercom workspace %s, but this server replicates "+
			"the workspace %s: sign in as a teammate of that workspace", tm.Email, tm.Workspace, want)
	case !s.allowed(tm):
		s.log.Warn("oauth: teammate not on the allow-list refused", "teammate", tm.Email)
		return Teammate{}, "access_denied", fmt.Sprintf("%s may not sign in here: the server admits only the teammates of "+
			"serve.oauth.allowed_emails and allowed_domains, with an email Intercom verified", tm.Email)
	}
	return tm, "", ""
}

// allowed applies the allow-lists.
func (s *Server) allowed(tm Teammate) bool {
	if len(s.opts.AllowedEmails) == 0 && len(s.opts.AllowedDomains) == 0 {
		return true
	}
	if !tm.EmailVerified {
		return false
	}
	email := strings.ToLower(tm.Email)
	_, domain, _ := strings.Cut(email, "@")
	return slices.ContainsFunc(s.opts.AllowedEmails, func(e string) bool { return strings.EqualFold(e, email) }) ||
		slices.ContainsFunc(s.opts.AllowedDomains, func(d string) bool { return strings.EqualFold(strings.TrimPrefix(d, "@"), domain) })
}

// redactURL returns err's message without the URL query a url.Error carries (it could hold a code).
func redactURL(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + " " + strings.SplitN(ue.URL, "?", 2)[0] + ": " + ue.Err.Error()
	}
	return err.Error()
}

// issueCode issues an authorization code for req and sends the browser back to the client with it.
func (s *Server) issueCode(w http.ResponseWriter, r *http.Request, req authRequest, tm Teammate) {
	code := newSecret("irac_")
	now := s.opts.Now()
	s.mu.Lock()
	s.sweep(now)
	s.codes[hashHex(code)] = &codeInfo{req: req, teammate: tm, expires: now.Add(s.opts.CodeTTL)}
	s.mu.Unlock()
	s.log.Info("oauth: signed in", "client_id", req.client.ID, "teammate", tm.Email)
	s.redirect(w, r, req, url.Values{"code": {code}})
}

const consentCookie = "intercom_replica_consent"

// serveConsent takes the teammate's answer on the consent page. The form must carry the consent's id and the
// secret of the cookie set with the page (both unknown to another site), so no other page can answer for the
// teammate.
func (s *Server) serveConsent(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "invalid_request", "the consent page answers with POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "unreadable form")
		return
	}
	now := s.opts.Now()
	id, csrf := r.PostForm.Get("consent"), r.PostForm.Get("csrf")
	cookie, err := r.Cookie(consentCookie)
	s.mu.Lock()
	c := s.consents[id]
	valid := c != nil && now.Before(c.expires) && err == nil && csrf != "" && constantEqual(cookie.Value, csrf)
	if valid {
		sum := sha256.Sum256([]byte(csrf))
		valid = constantEqual(string(sum[:]), string(c.csrf[:]))
	}
	if valid {
		delete(s.consents, id)
	}
	s.mu.Unlock()
	if !valid {
		writeError(w, http.StatusForbidden, "access_denied", "this consent form is unknown, expired, already answered, or "+
			"was not sent from the page this server showed (its cookie is missing): start again from your MCP client")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: consentCookie, Path: PathConsent, MaxAge: -1})
	if r.PostForm.Get("action") != "approve" {
		s.redirectError(w, r, c.req, "access_denied", c.teammate.Email+" denied the client access")
		return
	}
	s.issueCode(w, r, c.req, c.teammate)
}

// serveToken is the token endpoint: the authorization code grant (with PKCE) and the refresh token grant.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "invalid_request", "the token endpoint answers POST with an application/x-www-form-urlencoded body")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "unreadable form (want application/x-www-form-urlencoded): "+err.Error())
		return
	}
	f := r.PostForm
	for _, p := range []string{"grant_type", "code", "code_verifier", "redirect_uri", "refresh_token", "client_id"} {
		if len(f[p]) > 1 {
			writeError(w, http.StatusBadRequest, "invalid_request", "the parameter "+p+" is given more than once")
			return
		}
	}
	clientID, status, code, desc := s.tokenClient(r)
	if code != "" {
		if status == http.StatusUnauthorized && r.Header.Get("Authorization") != "" {
			w.Header().Set("WWW-Authenticate", `Basic realm="intercom-replica"`)
		}
		writeError(w, status, code, desc)
		return
	}
	switch gt := f.Get("grant_type"); gt {
	case "authorization_code":
		s.redeemCode(w, r, clientID)
	case "refresh_token":
		s.refresh(w, r, clientID)
	case "":
		writeError(w, http.StatusBadRequest, "invalid_request", "grant_type is missing (authorization_code or refresh_token)")
	default:
		writeError(w, http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("grant_type %q is not supported (authorization_code and refresh_token are)", gt))
	}
}

// tokenClient identifies the (public) client of a token request: client_id in the form, or as the user of HTTP
// Basic authentication with an empty password, as some libraries send it.
func (s *Server) tokenClient(r *http.Request) (id string, status int, code, desc string) {
	id = r.PostForm.Get("client_id")
	if user, pass, ok := r.BasicAuth(); ok {
		user, _ = url.QueryUnescape(user)
		if pass != "" {
			return "", http.StatusUnauthorized, "invalid_client", "clients of this server are public and have no secret: send client_id alone"
		}
		if id != "" && id != user {
			return "", http.StatusBadRequest, "invalid_request", "client_id differs from the client of the Authorization header"
		}
		id = user
	}
	if id == "" {
		return "", http.StatusUnauthorized, "invalid_client", "client_id is missing"
	}
	_, ok, err := s.opts.Store.Client(id)
	switch {
	case err != nil:
		s.log.Error("oauth: read a client", "err", err)
		return "", http.StatusServiceUnavailable, "temporarily_unavailable", "the client registry could not be read; try again"
	case !ok:
		return "", http.StatusUnauthorized, "invalid_client", fmt.Sprintf("unknown client_id %q: register at %s", id, s.base+PathRegister)
	}
	return id, 0, "", ""
}

// redeemCode is the authorization code grant. A code is consumed by its first presentation, whatever the
// outcome; presented again, it revokes the tokens issued with it (RFC 6749 section 4.1.2).
func (s *Server) redeemCode(w http.ResponseWriter, r *http.Request, clientID string) {
	f := r.PostForm
	code, verifier := f.Get("code"), f.Get("code_verifier")
	if code == "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "code is missing")
		return
	}
	if verifier == "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "code_verifier is missing: PKCE is required")
		return
	}
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ci := s.codes[hashHex(code)]
	switch {
	case ci == nil || !now.Before(ci.expires):
		writeError(w, http.StatusBadRequest, "invalid_grant", fmt.Sprintf("the code is unknown or expired (codes live %s): start the authorization again", s.opts.CodeTTL))
		return
	case ci.used:
		if ci.grant != "" {
			if err := s.opts.Store.RevokeGrant(ci.grant, now, "its authorization code was presented again"); err != nil {
				s.log.Error("oauth: revoke after code reuse", "err", err)
			}
		}
		s.log.Warn("oauth: authorization code presented twice; its tokens are revoked", "client_id", clientID)
		writeError(w, http.StatusBadRequest, "invalid_grant", "the code was already used; the tokens issued with it are revoked")
		return
	}
	ci.used = true
	req := ci.req
	switch {
	case req.client.ID != clientID:
		writeError(w, http.StatusBadRequest, "invalid_grant", "the code was issued to another client")
		return
	case f.Get("redirect_uri") != req.redirectURI:
		writeError(w, http.StatusBadRequest, "invalid_grant", fmt.Sprintf("redirect_uri %q is not the one of the authorization request", f.Get("redirect_uri")))
		return
	case !validVerifier(verifier):
		writeError(w, http.StatusBadRequest, "invalid_grant", "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)")
		return
	}
	sum := sha256.Sum256([]byte(verifier))
	if !constantEqual(base64.RawURLEncoding.EncodeToString(sum[:]), req.challenge) {
		writeError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code_challenge of the authorization request")
		return
	}
	if res, msg := s.resourceParam(f["resource"], req.resource); msg != "" || res != req.resource {
		if msg == "" {
			msg = fmt.Sprintf("resource %q is not the one authorized (%s)", f.Get("resource"), req.resource)
		}
		writeError(w, http.StatusBadRequest, "invalid_target", msg)
		return
	}
	g := Grant{ClientID: req.client.ID, ClientName: req.client.Name, Teammate: ci.teammate, Resource: req.resource, Scope: req.scope}
	t, err := s.opts.Store.IssueTokens(&g, now, s.opts.AccessTTL, s.opts.RefreshTTL)
	if err != nil {
		s.log.Error("oauth: issue tokens", "err", err)
		writeError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "tokens could not be stored; try again")
		return
	}
	ci.grant = g.ID
	s.log.Info("oauth: tokens issued", "grant", g.ID, "client_id", g.ClientID, "teammate", g.Teammate.Email)
	s.writeTokens(w, g, t, now)
}

func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for _, c := range v {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~", c)) {
			return false
		}
	}
	return true
}

// refresh is the refresh token grant: the presented token is used up and a new pair issued (rotation).
func (s *Server) refresh(w http.ResponseWriter, r *http.Request, clientID string) {
	f := r.PostForm
	rt := f.Get("refresh_token")
	if rt == "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "refresh_token is missing")
		return
	}
	for _, sc := range strings.Fields(f.Get("scope")) {
		if sc != Scope && sc != "offline_access" {
			writeError(w, http.StatusBadRequest, "invalid_scope", fmt.Sprintf("scope %q was not granted (%s was)", sc, Scope))
			return
		}
	}
	if _, msg := s.resourceParam(f["resource"], ""); msg != "" {
		writeError(w, http.StatusBadRequest, "invalid_target", msg)
		return
	}
	now := s.opts.Now()
	g, t, err := s.opts.Store.Refresh(rt, clientID, now, s.opts.AccessTTL, s.opts.RefreshTTL)
	var desc string
	switch {
	case err == nil:
		if res := f.Get("resource"); res != "" && strings.TrimRight(res, "/") != g.Resource {
			// Only reached for another of this server's identifiers: the token stays bound to its own.
			s.log.Info("oauth: refresh asked for another of this server's resource identifiers", "grant", g.ID)
		}
		s.log.Info("oauth: tokens refreshed", "grant", g.ID, "client_id", g.ClientID, "teammate", g.Teammate.Email)
		s.writeTokens(w, g, t, now)
		return
	case errors.Is(err, ErrReused):
		s.log.Warn("oauth: a used refresh token was presented again; its grant is revoked", "client_id", clientID)
		desc = "the refresh token was already used: every token of this sign-in is now revoked (sign in again)"
	case errors.Is(err, ErrUnknownToken):
		desc = "unknown refresh token"
	case errors.Is(err, ErrExpiredToken):
		desc = "the refresh token expired: sign in again"
	case errors.Is(err, ErrRevoked):
		desc = "the refresh token was revoked: sign in again"
	case errors.Is(err, ErrWrongClient):
		desc = "the refresh token was issued to another client"
	default:
		s.log.Error("oauth: refresh", "err", err)
		writeError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "the token store could not be read; try again")
		return
	}
	writeError(w, http.StatusBadRequest, "invalid_grant", desc)
}

func (s *Server) writeTokens(w http.ResponseWriter, g Grant, t Tokens, now time.Time) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": t.Access, "token_type": "Bearer", "expires_in": int(t.AccessExpiresAt.Sub(now).Seconds()),
		"refresh_token": t.Refresh, "scope": g.Scope,
	})
}

// serveRevoke is token revocation (RFC 7009): revoking an access or a refresh token ends its whole grant.
func (s *Server) serveRevoke(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "invalid_request", "the revocation endpoint answers POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request", "unreadable form (want application/x-www-form-urlencoded)")
		return
	}
	clientID, status, code, desc := s.tokenClient(r)
	if code != "" {
		writeError(w, status, code, desc)
		return
	}
	token := r.PostForm.Get("token")
	if token == "" {
		writeError(w, http.StatusBadRequest, "invalid_request", "token is missing")
		return
	}
	err := s.opts.Store.RevokeToken(token, clientID, s.opts.Now())
	switch {
	case errors.Is(err, ErrWrongClient):
		writeError(w, http.StatusBadRequest, "invalid_request", "the token was issued to another client")
		return
	case err != nil:
		s.log.Error("oauth: revoke", "err", err)
		writeError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "the token store could not be written; try again")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// addrLimiter bounds the rate of requests per client address.
type addrLimiter struct {
	perMinute int
	now       func() time.Time
	mu        sync.Mutex
	byAddr    map[string]*rate.Limiter
}

func newAddrLimiter(perMinute int, now func() time.Time) *addrLimiter {
	return &addrLimiter{perMinute: perMinute, now: now, byAddr: map[string]*rate.Limiter{}}
}

// allow reports whether one more request from remote (host:port) is within the rate.
func (l *addrLimiter) allow(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	lim := l.byAddr[host]
	if lim == nil {
		if len(l.byAddr) >= 10_000 {
			clear(l.byAddr) // memory stays bounded; forgetting grants at most one more burst per address
		}
		lim = rate.NewLimiter(rate.Every(time.Minute/time.Duration(l.perMinute)), l.perMinute)
		l.byAddr[host] = lim
	}
	return lim.AllowN(l.now(), 1)
}

func setPageHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// consentView is what the consent page shows.
type consentView struct {
	ClientName, ClientID, RedirectHost, TeammateName, TeammateEmail, Resource, Action, ID, CSRF string
}

func consentPage() *template.Template {
	return template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Allow access to the Intercom replica?</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;line-height:1.5}code{background:#eee;padding:0 .2em}button{font-size:1em;padding:.4em 1.2em;margin-right:1em}</style>
</head><body>
<h1>Allow access to the Intercom replica?</h1>
<p>You are signed in with Intercom as <strong>{{.TeammateName}}</strong> (<code>{{.TeammateEmail}}</code>).</p>
<p>The application that calls itself <strong>“{{.ClientName}}”</strong> (client <code>{{.ClientID}}</code>) asks to read the
replicated workspace's conversations and contacts through <code>{{.Resource}}</code>, as you.</p>
<p>If you allow it, your browser goes back to <strong><code>{{.RedirectHost}}</code></strong>. Allow it only if you
started this from an application you trust, and that is where it runs.</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="consent" value="{{.ID}}"><input type="hidden" name="csrf" value="{{.CSRF}}">
<button type="submit" name="action" value="approve">Allow</button>
<button type="submit" name="action" value="deny">Deny</button>
</form>
</body></html>
`))
}
