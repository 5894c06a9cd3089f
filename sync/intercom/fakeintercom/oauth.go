package fakeintercom

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Paths of Intercom's OAuth side. Intercom serves the authorize page on its app host (app.intercom.com/oauth) and
// the token endpoint on its API host; the fake serves both on its one base URL.
const (
	PathOAuthAuthorize = "/oauth"
	PathOAuthApprove   = "/oauth/approve"
	PathOAuthToken     = "/auth/eagle/token"
)

// OAuthApp is an Intercom app whose OAuth flow the fake plays: the app's client id and secret (Developer Hub: your
// app, Basic information) and its redirect URLs (Authentication).
type OAuthApp struct {
	ClientID, ClientSecret string
	// RedirectURLs are the app's redirect URLs. A redirect_uri must be one of them exactly; without one, the
	// first is used, as Intercom does.
	RedirectURLs []string
	// AutoApprove signs in as the workspace's first teammate at once, without the teammate picker: the demo's
	// sign-in, which a script follows by redirects alone. The redirect's body says so.
	AutoApprove bool
}

// oauthCodeTTL is how long a code of the fake's authorize page lives; Intercom's expire "after about 5 minutes".
const oauthCodeTTL = 5 * time.Minute

// oauthState is the fake's OAuth side: the app, the codes it issued, and the tokens they were redeemed for.
type oauthState struct {
	app    *OAuthApp
	codes  map[string]oauthCode // by code
	tokens map[string]int       // token -> index of the admin it belongs to
}

type oauthCode struct {
	admin       int
	redirectURI string
	expires     time.Time
}

// SetOAuthApp makes the fake play the OAuth flow of app (nil: no app, every OAuth request is refused). Tokens
// issued before stay valid, as Intercom's do until the app is uninstalled.
func (h *Handler) SetOAuthApp(app *OAuthApp) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if app != nil {
		c := *app
		app = &c
	}
	h.oauth.app = app
}

// serveOAuth answers the OAuth paths and reports whether r was one of them. They are not part of the REST API:
// no bearer token, no rate limit, no faults.
func (h *Handler) serveOAuth(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case PathOAuthAuthorize:
		h.serveOAuthAuthorize(w, r)
	case PathOAuthApprove:
		h.serveOAuthApprove(w, r)
	case PathOAuthToken:
		h.serveOAuthToken(w, r)
	default:
		return false
	}
	return true
}

// oauthRequest checks the authorize page's parameters (from the query or the picker's form) and returns the
// app and the redirect URI, or writes Intercom's error page.
func (h *Handler) oauthRequest(w http.ResponseWriter, v url.Values) (OAuthApp, string, bool) {
	h.mu.Lock()
	app := h.oauth.app
	h.mu.Unlock()
	if app == nil || v.Get("client_id") != app.ClientID {
		http.Error(w, "Intercom: unknown client_id "+v.Get("client_id")+" (no app with OAuth uses it)", http.StatusBadRequest)
		return OAuthApp{}, "", false
	}
	redirect := v.Get("redirect_uri")
	if redirect == "" && len(app.RedirectURLs) > 0 {
		redirect = app.RedirectURLs[0]
	}
	if !slices.Contains(app.RedirectURLs, redirect) {
		http.Error(w, "Intercom: redirect_uri "+redirect+" is not one of the app's redirect URLs", http.StatusBadRequest)
		return OAuthApp{}, "", false
	}
	return *app, redirect, true
}

// serveOAuthAuthorize is Intercom's authorize page: a picker of the workspace's teammates to sign in as, or with
// AutoApprove a redirect back at once, signed in as the first teammate.
func (h *Handler) serveOAuthAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	app, redirect, ok := h.oauthRequest(w, q)
	if !ok {
		return
	}
	if app.AutoApprove {
		a := h.ws.admins[0]
		h.redirectWithCode(w, r, redirect, q.Get("state"), 0,
			"Signed in to the demo workspace as its first teammate, "+a.name+" <"+a.email+">, at once (the demo's Intercom approves without asking).")
		return
	}
	type teammate struct {
		Index       int
		Name, Email string
	}
	var ts []teammate
	for i, a := range h.ws.admins {
		ts = append(ts, teammate{i, a.name, a.email})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	pickerPage.Execute(w, map[string]any{
		"App": h.ws.appName, "ClientID": app.ClientID, "RedirectURI": redirect, "State": q.Get("state"),
		"Action": PathOAuthApprove, "Teammates": ts,
	})
}

var pickerPage = template.Must(template.New("picker").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Intercom (fake): sign in</title></head><body>
<h1>Sign in to {{.App}} (the fake Intercom)</h1>
<p>Choose the teammate to sign in as, and allow the app to read the workspace.</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="client_id" value="{{.ClientID}}"><input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="state" value="{{.State}}">
{{range .Teammates}}<label><input type="radio" name="teammate" value="{{.Index}}"{{if eq .Index 0}} checked{{end}}> {{.Name}} &lt;{{.Email}}&gt;</label><br>
{{end}}<button type="submit" name="action" value="authorize">Authorize access</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form></body></html>
`))

// serveOAuthApprove takes the picker's answer.
func (h *Handler) serveOAuthApprove(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "Intercom: the sign-in form is posted", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Intercom: unreadable form", http.StatusBadRequest)
		return
	}
	_, redirect, ok := h.oauthRequest(w, r.PostForm)
	if !ok {
		return
	}
	state := r.PostForm.Get("state")
	if r.PostForm.Get("action") != "authorize" {
		u, _ := url.Parse(redirect)
		q := u.Query()
		q.Set("error", "access_denied")
		q.Set("error_description", "The teammate cancelled the sign-in")
		if state != "" {
			q.Set("state", state)
		}
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
		return
	}
	i := -1
	for n := range h.ws.admins {
		if r.PostForm.Get("teammate") == strconv.Itoa(n) {
			i = n
		}
	}
	if i < 0 {
		http.Error(w, "Intercom: choose a teammate", http.StatusBadRequest)
		return
	}
	h.redirectWithCode(w, r, redirect, state, i, "Signed in as "+h.ws.admins[i].email+".")
}

// redirectWithCode issues a code for admin i and sends the browser to redirect with it and state; note is the
// body of the redirect, which says what happened.
func (h *Handler) redirectWithCode(w http.ResponseWriter, r *http.Request, redirect, state string, i int, note string) {
	code := randomToken()
	h.mu.Lock()
	now := h.now()
	if h.oauth.codes == nil {
		h.oauth.codes = map[string]oauthCode{}
	}
	for c, oc := range h.oauth.codes {
		if !now.Before(oc.expires) {
			delete(h.oauth.codes, c)
		}
	}
	h.oauth.codes[code] = oauthCode{admin: i, redirectURI: redirect, expires: now.Add(oauthCodeTTL)}
	h.mu.Unlock()
	u, _ := url.Parse(redirect)
	q := u.Query()
	q.Set("code", code)
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Location", u.String())
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
	w.Write([]byte(note + "\n"))
}

// serveOAuthToken is POST /auth/eagle/token: code, client_id and client_secret for the token of the teammate who
// signed in ({"token_type":"Bearer","token":…,"access_token":…}); Intercom's error list otherwise. Codes are
// single-use.
func (h *Handler) serveOAuthToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		h.oauthError(w, http.StatusMethodNotAllowed, "method_not_allowed", "Use POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		h.oauthError(w, http.StatusBadRequest, "parameter_invalid", "Unreadable form")
		return
	}
	f := r.PostForm
	h.mu.Lock()
	app := h.oauth.app
	oc, found := h.oauth.codes[f.Get("code")]
	appOK := app != nil && f.Get("client_id") == app.ClientID &&
		subtle.ConstantTimeCompare([]byte(f.Get("client_secret")), []byte(app.ClientSecret)) == 1
	if appOK && found {
		delete(h.oauth.codes, f.Get("code"))
	}
	now := h.now()
	h.mu.Unlock()
	switch {
	case f.Get("code") == "" || f.Get("client_id") == "" || f.Get("client_secret") == "":
		h.oauthError(w, http.StatusBadRequest, "parameter_not_found", "code, client_id and client_secret are required")
		return
	case !appOK:
		h.oauthError(w, http.StatusUnauthorized, "unauthorized", "Invalid client_id or client_secret")
		return
	case !found || !now.Before(oc.expires):
		h.oauthError(w, http.StatusBadRequest, "invalid_grant", "The authorization code is invalid, expired or already used")
		return
	}
	token := randomToken()
	h.mu.Lock()
	if h.oauth.tokens == nil {
		h.oauth.tokens = map[string]int{}
	}
	h.oauth.tokens[token] = oc.admin
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(`{"token_type":"Bearer","token":"` + token + `","access_token":"` + token + `"}`))
}

func (h *Handler) oauthError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(errorBody(randomToken()[:16], code, msg))
}

// oauthAdmin returns the index of the admin an OAuth token of the fake belongs to, and false for any other token.
func (h *Handler) oauthAdmin(token string) (int, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	i, ok := h.oauth.tokens[token]
	return i, ok
}

// meAdmin returns the admin GET /me describes: the one an OAuth token was issued for, the first for the
// workspace's own token.
func (h *Handler) meAdmin(r *http.Request) *admin {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if i, ok := h.oauthAdmin(tok); ok {
		return &h.ws.admins[i]
	}
	return &h.ws.admins[0]
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
