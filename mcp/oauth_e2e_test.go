package mcp_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"

	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/mcp/oauth"
	"github.com/intercom-replica/intercom-replica/sync/intercom"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// oauthRedirect is the MCP client's redirect URI in these tests: a loopback URI, on which nothing listens (the
// browser stops at the redirect to it and hands its query to the client, as a native client's listener would).
const oauthRedirect = "http://127.0.0.1:9/callback"

// oauthWorld is the replica's real HTTP server with OAuth on, signing people in with the fake Intercom over HTTP.
type oauthWorld struct {
	hs        *httpServer
	fake      *fakeintercom.Handler
	intercom  string // the fake's base URL
	store     *oauth.Store
	clock     *fakeintercom.Clock
	workspace atomic.Value // string: the replicated workspace, as the server knows it
	logs      *syncBuffer

	mu             sync.Mutex
	intercomTokens []string // every Intercom token the server asked GET /me about
}

// startOAuth starts an oauthWorld. By default the fake Intercom approves at once as the first teammate and the
// consent page is skipped (the demo's set-up); change opts and app to test the rest.
func startOAuth(t *testing.T, change func(opts *oauth.Options, app *fakeintercom.OAuthApp)) *oauthWorld {
	t.Helper()
	w := newWorld(t)
	ow := &oauthWorld{clock: newClock(), logs: &syncBuffer{}}
	w.log = slog.New(slog.NewTextHandler(ow.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ws, err := fakeintercom.NewWorkspace(fakeintercom.WorkspaceOptions{Seed: 11, Conversations: 2, Contacts: 2})
	if err != nil {
		t.Fatal(err)
	}
	ow.fake = fakeintercom.NewHandler(ws, fakeintercom.HandlerOptions{})
	isrv := httptest.NewServer(ow.fake)
	t.Cleanup(isrv.Close)
	ow.intercom = isrv.URL
	ow.workspace.Store(ws.App().IDCode)
	if ow.store, err = oauth.OpenStore(filepath.Join(t.TempDir(), oauth.StoreFile)); err != nil {
		t.Fatal(err)
	}
	opts := oauth.Options{
		Store: ow.store,
		Intercom: oauth.IntercomApp{ClientID: "ic-client", ClientSecret: "ic-secret", AuthorizeURL: isrv.URL + fakeintercom.PathOAuthAuthorize,
			TokenURL: isrv.URL + fakeintercom.PathOAuthToken, Identify: ow.identify},
		Workspace:   func(context.Context) string { return ow.workspace.Load().(string) },
		Now:         ow.clock.Now,
		SkipConsent: true,
	}
	app := fakeintercom.OAuthApp{ClientID: "ic-client", ClientSecret: "ic-secret", AutoApprove: true}
	if change != nil {
		change(&opts, &app)
	}
	ow.hs = startHTTP(t, w, mcp.HTTPOptions{OAuth: &opts})
	app.RedirectURLs = []string{ow.hs.url + oauth.PathIntercomCallback}
	ow.fake.SetOAuthApp(&app)
	return ow
}

// identify is GET /me with the Intercom client, as serve wires it; it remembers the token to check the logs.
func (ow *oauthWorld) identify(ctx context.Context, token string) (oauth.Teammate, error) {
	ow.mu.Lock()
	ow.intercomTokens = append(ow.intercomTokens, token)
	ow.mu.Unlock()
	c, err := intercom.New(intercom.Options{Token: intercom.Token(token), BaseURL: ow.intercom})
	if err != nil {
		return oauth.Teammate{}, err
	}
	me, err := c.Me(ctx)
	if err != nil {
		return oauth.Teammate{}, err
	}
	return oauth.Teammate{ID: me.ID, Email: me.Email, Name: me.Name, EmailVerified: me.EmailVerified, Workspace: me.App.IDCode}, nil
}

// browser is a browser: cookies, redirects followed, up to the client's redirect URI, where it stops.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), "http://127.0.0.1:9/") {
			return http.ErrUseLastResponse
		}
		if len(via) > 10 {
			return errors.New("too many redirects")
		}
		return nil
	}}
}

// clientRedirect reads the redirect to the client's redirect URI that resp is, or fails the test.
func clientRedirect(t *testing.T, resp *http.Response) url.Values {
	t.Helper()
	defer resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "http://127.0.0.1:9/callback") {
		body := make([]byte, 2048)
		n, _ := resp.Body.Read(body)
		t.Fatalf("not a redirect to the client: %d %s: %s", resp.StatusCode, loc, body[:n])
	}
	u, _ := url.Parse(loc)
	return u.Query()
}

// signIn follows an authorization URL in a fresh browser to the client's redirect URI, and returns its query.
func signIn(t *testing.T, authURL string) url.Values {
	t.Helper()
	resp, err := browser().Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	return clientRedirect(t, resp)
}

// register registers a public client with the given redirect URIs and returns its id.
func (ow *oauthWorld) register(t *testing.T, redirects ...string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"client_name": "test client", "redirect_uris": redirects, "token_endpoint_auth_method": "none"})
	resp, text := httpDo(t, http.MethodPost, ow.hs.url+oauth.PathRegister, http.Header{"Content-Type": {"application/json"}}, string(body))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("register: %d %s", resp.StatusCode, text)
	}
	var c struct {
		ClientID string `json:"client_id"`
	}
	json.Unmarshal([]byte(text), &c)
	return c.ClientID
}

// config is the golang.org/x/oauth2 configuration of a client of the replica.
func (ow *oauthWorld) config(clientID string) *oauth2.Config {
	return &oauth2.Config{ClientID: clientID, RedirectURL: oauthRedirect, Scopes: []string{oauth.Scope},
		Endpoint: oauth2.Endpoint{AuthURL: ow.hs.url + oauth.PathAuthorize, TokenURL: ow.hs.url + oauth.PathToken, AuthStyle: oauth2.AuthStyleInParams}}
}

// authorize walks the authorization of a new client with PKCE and returns its config, code and verifier.
func (ow *oauthWorld) authorize(t *testing.T) (*oauth2.Config, string, string) {
	t.Helper()
	cfg := ow.config(ow.register(t, oauthRedirect))
	verifier := oauth2.GenerateVerifier()
	q := signIn(t, cfg.AuthCodeURL("st-1", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("resource", ow.hs.url+"/mcp")))
	if q.Get("code") == "" || q.Get("state") != "st-1" || q.Get("iss") != ow.hs.url {
		t.Fatalf("authorization response %v: want a code, state st-1 and iss %s", q, ow.hs.url)
	}
	return cfg, q.Get("code"), verifier
}

// tokens walks a whole sign-in and returns the client's config and tokens.
func (ow *oauthWorld) tokens(t *testing.T) (*oauth2.Config, *oauth2.Token) {
	t.Helper()
	cfg, code, verifier := ow.authorize(t)
	tok, err := cfg.Exchange(t.Context(), code, oauth2.VerifierOption(verifier), oauth2.SetAuthURLParam("resource", ow.hs.url+"/mcp"))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	return cfg, tok
}

// mcpStatus is the status of an MCP initialize request with token, and its WWW-Authenticate.
func (ow *oauthWorld) mcpStatus(t *testing.T, token string) (int, string) {
	t.Helper()
	resp := postInitialize(t, ow.hs, http.Header{"Authorization": {"Bearer " + token}}, nil)
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
}

// liveGrants returns the grants whose tokens still work.
func (ow *oauthWorld) liveGrants(t *testing.T) []oauth.Grant {
	t.Helper()
	gs, err := ow.store.Grants(ow.clock.Now(), false)
	if err != nil {
		t.Fatal(err)
	}
	return gs
}

// TestOAuth_GoSDKClientSignsInFromA401 is the whole flow as an MCP client lives it: the go-sdk client, given no
// token, gets 401, discovers the server's metadata from it, registers, sends the browser to sign in with (the
// fake) Intercom, redeems the code with PKCE, and calls tools with the token.
func TestOAuth_GoSDKClientSignsInFromA401(t *testing.T) {
	ow := startOAuth(t, nil)
	var fetched []string
	h, err := auth.NewAuthorizationCodeHandler(&auth.AuthorizationCodeHandlerConfig{
		DynamicClientRegistrationConfig: &auth.DynamicClientRegistrationConfig{Metadata: &oauthex.ClientRegistrationMetadata{
			RedirectURIs: []string{oauthRedirect}, ClientName: "go-sdk e2e", GrantTypes: []string{"authorization_code", "refresh_token"},
		}},
		RedirectURL: oauthRedirect,
		AuthorizationCodeFetcher: func(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
			fetched = append(fetched, args.URL)
			q := signIn(t, args.URL)
			return &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := connect(t, &sdk.StreamableClientTransport{Endpoint: ow.hs.url + mcp.PathMCP, OAuthHandler: h, MaxRetries: -1})
	res := mustOK(t, s, "search", map[string]any{"query": "object_type:conversations q:refund"})
	if !strings.Contains(textOf(res), "conversation_"+convRefund) {
		t.Errorf("search over OAuth: %s", textOf(res))
	}
	if len(fetched) != 1 || !strings.HasPrefix(fetched[0], ow.hs.url+oauth.PathAuthorize+"?") || !strings.Contains(fetched[0], "code_challenge_method=S256") {
		t.Errorf("authorization URLs: %v", fetched)
	}
	gs := ow.liveGrants(t)
	if len(gs) != 1 || gs[0].ClientName != "go-sdk e2e" || gs[0].Teammate.Email == "" || gs[0].Resource != ow.hs.url+"/mcp" {
		t.Fatalf("grants: %+v", gs)
	}
	// Static tokens keep working beside OAuth.
	mustOK(t, connectStreamable(t, ow.hs, testToken), "search", map[string]any{"query": "object_type:contacts"})
}

// TestOAuth_401NamesTheMetadata checks what a client discovers from: the challenge, RFC 9728 and RFC 8414.
func TestOAuth_401NamesTheMetadata(t *testing.T) {
	ow := startOAuth(t, nil)
	base := ow.hs.url
	status, _ := ow.mcpStatus(t, "")
	resp := postInitialize(t, ow.hs, nil, nil)
	challenge := resp.Header.Get("WWW-Authenticate")
	want := `Bearer realm="intercom-replica", resource_metadata="` + base + `/.well-known/oauth-protected-resource/mcp", scope="` + oauth.Scope + `"`
	if resp.StatusCode != http.StatusUnauthorized || challenge != want {
		t.Errorf("no token: %d %q, want 401 %q (status with an empty bearer: %d)", resp.StatusCode, challenge, want, status)
	}
	_, prm := httpGet(t, base+"/.well-known/oauth-protected-resource/mcp", nil)
	var pr struct {
		Resource string   `json:"resource"`
		AS       []string `json:"authorization_servers"`
	}
	json.Unmarshal([]byte(prm), &pr)
	if pr.Resource != base+"/mcp" || len(pr.AS) != 1 || pr.AS[0] != base {
		t.Errorf("protected resource metadata: %s", prm)
	}
	_, asm := httpGet(t, base+"/.well-known/oauth-authorization-server", nil)
	var am map[string]any
	json.Unmarshal([]byte(asm), &am)
	for k, v := range map[string]any{"issuer": base, "token_endpoint": base + "/token", "registration_endpoint": base + "/register",
		"authorization_endpoint": base + "/authorize", "authorization_response_iss_parameter_supported": true} {
		if am[k] != v {
			t.Errorf("metadata %s = %v, want %v", k, am[k], v)
		}
	}
	if fmt.Sprint(am["code_challenge_methods_supported"]) != "[S256]" || fmt.Sprint(am["token_endpoint_auth_methods_supported"]) != "[none]" {
		t.Errorf("metadata: %s", asm)
	}
}

// TestOAuth_RefreshRotationReuseExpiry: an access token dies at its expiry; a refresh rotates both tokens; the
// used refresh token, presented again, revokes every token of the sign-in.
func TestOAuth_RefreshRotationReuseExpiry(t *testing.T) {
	ow := startOAuth(t, nil)
	cfg, tok := ow.tokens(t)
	if status, _ := ow.mcpStatus(t, tok.AccessToken); status != http.StatusOK {
		t.Fatalf("fresh access token: %d", status)
	}
	if tok.RefreshToken == "" || tok.Expiry.IsZero() {
		t.Fatalf("token response lacks a refresh token or expiry: %+v", tok)
	}

	ow.clock.Advance(time.Hour + time.Second)
	status, challenge := ow.mcpStatus(t, tok.AccessToken)
	if status != http.StatusUnauthorized || !strings.Contains(challenge, `error="invalid_token"`) || !strings.Contains(challenge, "expired") {
		t.Errorf("expired access token: %d %q", status, challenge)
	}

	// Refresh, as x/oauth2 does for an expired token.
	old := *tok
	old.Expiry = time.Now().Add(-time.Minute)
	tok2, err := cfg.TokenSource(t.Context(), &old).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if tok2.AccessToken == tok.AccessToken || tok2.RefreshToken == tok.RefreshToken || tok2.RefreshToken == "" {
		t.Fatalf("refresh did not rotate both tokens")
	}
	mustOK(t, connectStreamable(t, ow.hs, tok2.AccessToken), "search", map[string]any{"query": "object_type:contacts"})

	// The used refresh token again: refused, and the whole family with it.
	_, err = cfg.TokenSource(t.Context(), &old).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || !strings.Contains(re.ErrorDescription, "already used") {
		t.Fatalf("reused refresh token: %v", err)
	}
	if status, _ := ow.mcpStatus(t, tok2.AccessToken); status != http.StatusUnauthorized {
		t.Errorf("access token of a family revoked by reuse: %d", status)
	}
	tok2.Expiry = time.Now().Add(-time.Minute)
	if _, err := cfg.TokenSource(t.Context(), tok2).Token(); err == nil {
		t.Error("the newest refresh token of a revoked family still works")
	}
	if gs := ow.liveGrants(t); len(gs) != 0 {
		t.Errorf("live grants after reuse: %+v", gs)
	}

	// A refresh token expires too.
	_, tok3 := ow.tokens(t)
	ow.clock.Advance(31 * 24 * time.Hour)
	tok3.Expiry = time.Now().Add(-time.Minute)
	if _, err := cfg.TokenSource(t.Context(), tok3).Token(); err == nil {
		t.Error("refresh token past 30 days still works")
	}
}

// TestOAuth_RefreshRevokesTheAccessTokenItReplaces: a refresh rotates both tokens, so the access token issued with
// the refresh token used stops working at once (401 saying it was replaced), not at its expiry; the new one works,
// and so does an access token of another sign-in.
func TestOAuth_RefreshRevokesTheAccessTokenItReplaces(t *testing.T) {
	ow := startOAuth(t, nil)
	cfg, tok := ow.tokens(t)
	_, other := ow.tokens(t)
	if status, _ := ow.mcpStatus(t, tok.AccessToken); status != http.StatusOK {
		t.Fatalf("fresh access token: %d", status)
	}
	stale := *tok
	stale.Expiry = time.Now().Add(-time.Minute) // x/oauth2 refreshes a token it holds for expired
	tok2, err := cfg.TokenSource(t.Context(), &stale).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	status, challenge := ow.mcpStatus(t, tok.AccessToken)
	if status != http.StatusUnauthorized || !strings.Contains(challenge, `error="invalid_token"`) || !strings.Contains(challenge, "replaced") {
		t.Errorf("the access token a refresh replaced, within its hour: %d %q", status, challenge)
	}
	if status, _ := ow.mcpStatus(t, tok2.AccessToken); status != http.StatusOK {
		t.Errorf("the new access token: %d", status)
	}
	if status, _ := ow.mcpStatus(t, other.AccessToken); status != http.StatusOK {
		t.Errorf("another sign-in's access token: %d", status)
	}
	// The sign-in itself is live and listed once, as tokens list shows it.
	if gs := ow.liveGrants(t); len(gs) != 2 || gs[0].RefreshedAt.IsZero() == gs[1].RefreshedAt.IsZero() {
		t.Errorf("live grants after one refresh: %+v", gs)
	}
	// A second refresh replaces the second access token in turn.
	tok2.Expiry = time.Now().Add(-time.Minute)
	tok3, err := cfg.TokenSource(t.Context(), tok2).Token()
	if err != nil {
		t.Fatalf("second refresh: %v", err)
	}
	for _, c := range []struct {
		name  string
		token string
		want  int
	}{{"first", tok.AccessToken, http.StatusUnauthorized}, {"second", tok2.AccessToken, http.StatusUnauthorized}, {"third", tok3.AccessToken, http.StatusOK}} {
		if status, _ := ow.mcpStatus(t, c.token); status != c.want {
			t.Errorf("%s access token after two refreshes: %d, want %d", c.name, status, c.want)
		}
	}
}

// TestOAuth_RevocationBesideTheServer revokes a grant through a second handle on the store file, as
// `intercom-replica tokens revoke` does from another process: the next request is refused.
func TestOAuth_RevocationBesideTheServer(t *testing.T) {
	ow := startOAuth(t, nil)
	_, tok := ow.tokens(t)
	ow.clock.Advance(time.Second) // grants list oldest first
	_, other := ow.tokens(t)
	other2, err := oauth.OpenStore(ow.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	gs, err := other2.Grants(ow.clock.Now(), false)
	if err != nil || len(gs) != 2 {
		t.Fatalf("grants: %v %+v", err, gs)
	}
	if err := other2.RevokeGrant(gs[0].ID, ow.clock.Now(), "revoked by the operator"); err != nil {
		t.Fatal(err)
	}
	if status, challenge := ow.mcpStatus(t, tok.AccessToken); status != http.StatusUnauthorized || !strings.Contains(challenge, "revoked") {
		t.Errorf("revoked token: %d %q", status, challenge)
	}
	if status, _ := ow.mcpStatus(t, other.AccessToken); status != http.StatusOK {
		t.Errorf("the other sign-in's token: %d", status)
	}
	// RFC 7009 revocation by the client itself.
	resp, body := postForm(t, ow.hs.url+oauth.PathRevoke, url.Values{"token": {other.RefreshToken}, "client_id": {gs[1].ClientID}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %d %s", resp.StatusCode, body)
	}
	if status, _ := ow.mcpStatus(t, other.AccessToken); status != http.StatusUnauthorized {
		t.Errorf("access token after its refresh token was revoked: %d", status)
	}
}

// TestOAuth_ConsentPageAndTeammatePicker walks the sign-in a person sees: Intercom's teammate picker, then the
// replica's consent page; approving issues a code for the chosen teammate, denying sends access_denied, and a
// form without the page's cookie is refused.
func TestOAuth_ConsentPageAndTeammatePicker(t *testing.T) {
	ow := startOAuth(t, func(opts *oauth.Options, app *fakeintercom.OAuthApp) {
		opts.SkipConsent, app.AutoApprove = false, false
	})
	hidden := regexp.MustCompile(`name="(\w+)" value="([^"]*)"`)
	formOf := func(page string) url.Values {
		v := url.Values{}
		for _, m := range hidden.FindAllStringSubmatch(page, -1) {
			v.Set(m[1], m[2])
		}
		return v
	}
	// start returns a browser showing the consent page, after picking the second teammate at Intercom.
	start := func(t *testing.T) (*http.Client, *oauth2.Config, string, url.Values, string) {
		cfg := ow.config(ow.register(t, oauthRedirect))
		verifier := oauth2.GenerateVerifier()
		b := browser()
		resp, err := b.Get(cfg.AuthCodeURL("st-2", oauth2.S256ChallengeOption(verifier)))
		if err != nil {
			t.Fatal(err)
		}
		picker := readAll(resp)
		if !strings.Contains(picker, "Sign in to") {
			t.Fatalf("not the picker: %s", picker)
		}
		form := formOf(picker)
		form.Set("teammate", "1")
		form.Set("action", "authorize")
		resp, err = b.PostForm(ow.intercom+fakeintercom.PathOAuthApprove, form)
		if err != nil {
			t.Fatal(err)
		}
		page := readAll(resp)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Allow access") || !strings.Contains(page, "test client") ||
			!strings.Contains(page, "127.0.0.1:9") {
			t.Fatalf("consent page: %d %s", resp.StatusCode, page)
		}
		return b, cfg, verifier, formOf(page), page
	}

	// answer posts the consent page's form with action and returns the redirect to the client.
	answer := func(t *testing.T, b *http.Client, form url.Values, action string) url.Values {
		form.Set("action", action)
		resp, err := b.PostForm(ow.hs.url+oauth.PathConsent, form)
		if err != nil {
			t.Fatal(err)
		}
		return clientRedirect(t, resp)
	}
	t.Run("approve", func(t *testing.T) {
		b, cfg, verifier, form, _ := start(t)
		q := answer(t, b, form, "approve")
		tok, err := cfg.Exchange(t.Context(), q.Get("code"), oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatal(err)
		}
		if status, _ := ow.mcpStatus(t, tok.AccessToken); status != http.StatusOK {
			t.Errorf("token after consent: %d", status)
		}
		gs := ow.liveGrants(t)
		if len(gs) != 1 || gs[0].Teammate.ID == "" {
			t.Fatalf("grants: %+v", gs)
		}
		first, err := ow.identify(t.Context(), ow.fake.Token()) // the workspace token's /me: the first teammate
		if err != nil {
			t.Fatal(err)
		}
		if got := gs[0].Teammate; got.Email == "" || got.Email == first.Email || got.Workspace != first.Workspace {
			t.Errorf("grant teammate %+v: want the second teammate picked at Intercom, not %s", got, first.Email)
		}
	})
	t.Run("deny", func(t *testing.T) {
		b, _, _, form, _ := start(t)
		q := answer(t, b, form, "deny")
		if q.Get("error") != "access_denied" || q.Get("state") != "st-2" || q.Get("iss") != ow.hs.url || q.Get("code") != "" {
			t.Errorf("deny: %v", q)
		}
	})
	t.Run("cancelled at Intercom", func(t *testing.T) {
		cfg := ow.config(ow.register(t, oauthRedirect))
		b := browser()
		resp, err := b.Get(cfg.AuthCodeURL("st-3", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
		if err != nil {
			t.Fatal(err)
		}
		form := formOf(readAll(resp))
		form.Set("action", "cancel")
		resp, err = b.PostForm(ow.intercom+fakeintercom.PathOAuthApprove, form)
		if err != nil {
			t.Fatal(err)
		}
		q := clientRedirect(t, resp)
		if q.Get("error") != "access_denied" || !strings.Contains(q.Get("error_description"), "did not complete") || q.Get("state") != "st-3" {
			t.Errorf("cancelled sign-in: %v", q)
		}
	})
	t.Run("a form without the page's cookie", func(t *testing.T) {
		_, _, _, form, _ := start(t)
		form.Set("action", "approve")
		resp, err := browser().PostForm(ow.hs.url+oauth.PathConsent, form) // another browser: no cookie
		if err != nil {
			t.Fatal(err)
		}
		if body := readAll(resp); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "access_denied") {
			t.Errorf("forged consent: %d %s", resp.StatusCode, body)
		}
	})
	if gs := ow.liveGrants(t); len(gs) != 1 {
		t.Errorf("only the approved sign-in has tokens: %+v", gs)
	}
}

// postForm posts values as a form and returns the response with its body.
func postForm(t *testing.T, u string, values url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := http.PostForm(u, values)
	if err != nil {
		t.Fatal(err)
	}
	return resp, readAll(resp)
}

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}
