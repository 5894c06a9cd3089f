package mcp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/intercom-replica/intercom-replica/mcp/oauth"
	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// oauthErrorOf decodes an OAuth error response.
func oauthErr(t *testing.T, body string) (code, description string) {
	t.Helper()
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not an OAuth error: %s", body)
	}
	if e.Description == "" {
		t.Errorf("error %q without a description", e.Error)
	}
	return e.Error, e.Description
}

// TestOAuth_AuthorizationRequestRefused: every bad authorization request gets the RFC's error, and nothing is
// issued. An unknown client or an unregistered redirect URI is answered here, never redirected (that would make the
// server an open redirector); every other error goes back to the client with state and iss.
func TestOAuth_AuthorizationRequestRefused(t *testing.T) {
	ow := startOAuth(t, nil)
	client := ow.register(t, oauthRedirect, "https://app.example.com/cb")
	verifier := oauth2.GenerateVerifier()
	challenge := oauth2.S256ChallengeFromVerifier(verifier)
	good := url.Values{"response_type": {"code"}, "client_id": {client}, "redirect_uri": {oauthRedirect}, "state": {"s"},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for k, vs := range good {
			q[k] = vs
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	tests := []struct {
		name       string
		query      url.Values
		redirected bool
		code, why  string
	}{
		{"unknown client", with("client_id", "c_nope"), false, "invalid_request", "unknown client_id"},
		{"no client", with("client_id", ""), false, "invalid_request", "client_id is missing"},
		{"redirect URI not registered", with("redirect_uri", "https://evil.example/cb"), false, "invalid_request", "not registered"},
		{"registered https URI on another path", with("redirect_uri", "https://app.example.com/cb2"), false, "invalid_request", "not registered"},
		{"loopback URI on another host name", with("redirect_uri", "http://localhost:9/callback"), false, "invalid_request", "not registered"},
		{"implicit flow", with("response_type", "token"), true, "unsupported_response_type", "only the authorization code flow"},
		{"no PKCE", with("code_challenge", ""), true, "invalid_request", "PKCE"},
		{"PKCE plain", with("code_challenge_method", "plain"), true, "invalid_request", "S256 is required"},
		{"malformed challenge", with("code_challenge", "short"), true, "invalid_request", "code_challenge"},
		{"another resource", with("resource", "https://other.example.com/mcp"), true, "invalid_target", "not this server"},
		{"unknown scope", with("scope", "admin"), true, "invalid_scope", "unknown scope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := browser().Get(ow.hs.url + oauth.PathAuthorize + "?" + tc.query.Encode())
			if err != nil {
				t.Fatal(err)
			}
			if !tc.redirected {
				body := readAll(resp)
				if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
					t.Fatalf("%d %s: want 400 without a redirect", resp.StatusCode, resp.Header.Get("Location"))
				}
				if code, why := oauthErr(t, body); code != tc.code || !strings.Contains(why, tc.why) {
					t.Errorf("%s: %s, want %s: …%s…", code, why, tc.code, tc.why)
				}
				return
			}
			q := clientRedirect(t, resp)
			if q.Get("error") != tc.code || !strings.Contains(q.Get("error_description"), tc.why) || q.Get("state") != "s" ||
				q.Get("iss") != ow.hs.url || q.Get("code") != "" {
				t.Errorf("redirect %v, want error %s (…%s…) with state and iss", q, tc.code, tc.why)
			}
		})
	}
	// A loopback redirect URI on another port is the registered one (RFC 8252).
	q := signIn(t, ow.hs.url+oauth.PathAuthorize+"?"+with("redirect_uri", "http://127.0.0.1:9/callback").Encode())
	if q.Get("code") == "" {
		t.Errorf("loopback redirect: %v", q)
	}
	if gs := ow.liveGrants(t); len(gs) != 0 {
		t.Errorf("grants issued: %+v", gs)
	}
}

// TestOAuth_SignInRefused: a sign-in that Intercom refuses, cannot finish, or finishes as somebody this server does
// not admit goes back to the client as an error, and nothing is issued.
func TestOAuth_SignInRefused(t *testing.T) {
	// An Intercom that never answers. It reads the body first: net/http notices the client hanging up only then.
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	t.Cleanup(hang.Close)
	tests := []struct {
		name   string
		change func(*oauth.Options, *fakeintercom.OAuthApp)
		before func(*oauthWorld)
		code   string
		why    string
	}{
		{"teammate of another workspace", nil, func(ow *oauthWorld) { ow.workspace.Store("other1") }, "access_denied", "replicates the workspace other1"},
		{"workspace not known yet", nil, func(ow *oauthWorld) { ow.workspace.Store("") }, "temporarily_unavailable", "does not know its workspace"},
		{"not on the allow-list", func(o *oauth.Options, _ *fakeintercom.OAuthApp) { o.AllowedDomains = []string{"elsewhere.example"} }, nil,
			"access_denied", "may not sign in here"},
		{"Intercom refuses the app's secret", func(o *oauth.Options, _ *fakeintercom.OAuthApp) { o.Intercom.ClientSecret = "wrong" }, nil,
			"server_error", "Intercom refused to redeem"},
		{"Intercom times out", func(o *oauth.Options, _ *fakeintercom.OAuthApp) {
			o.Intercom.TokenURL = hang.URL
			o.Intercom.HTTPClient = &http.Client{Timeout: 200 * time.Millisecond}
		}, nil, "temporarily_unavailable", "could not be reached"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ow := startOAuth(t, tc.change)
			if tc.before != nil {
				tc.before(ow)
			}
			cfg := ow.config(ow.register(t, oauthRedirect))
			q := signIn(t, cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
			if q.Get("error") != tc.code || !strings.Contains(q.Get("error_description"), tc.why) || q.Get("code") != "" || q.Get("state") != "s" {
				t.Errorf("redirect %v, want %s: …%s…", q, tc.code, tc.why)
			}
			if gs := ow.liveGrants(t); len(gs) != 0 {
				t.Errorf("grants issued: %+v", gs)
			}
		})
	}
}

// TestOAuth_TokenRequestRefused: every bad token request gets the RFC's error, and nothing is issued.
func TestOAuth_TokenRequestRefused(t *testing.T) {
	type authz struct {
		cfg            *oauth2.Config
		code, verifier string
	}
	tests := []struct {
		name   string
		form   func(t *testing.T, ow *oauthWorld, a authz) url.Values
		status int
		code   string
		why    string
	}{
		{"no verifier", func(t *testing.T, ow *oauthWorld, a authz) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {a.code}, "client_id": {a.cfg.ClientID}, "redirect_uri": {oauthRedirect}}
		}, 400, "invalid_request", "code_verifier is missing"},
		{"wrong verifier", func(t *testing.T, ow *oauthWorld, a authz) url.Values {
			return codeForm(a.cfg.ClientID, a.code, oauth2.GenerateVerifier())
		}, 400, "invalid_grant", "does not match the code_challenge"},
		{"code of another client", func(t *testing.T, ow *oauthWorld, a authz) url.Values {
			return codeForm(ow.register(t, oauthRedirect), a.code, a.verifier)
		}, 400, "invalid_grant", "another client"},
		{"expired code", func(t *testing.T, ow *oauthWorld, a authz) url.Values {
			ow.clock.Advance(time.Minute + time.Second)
			return codeForm(a.cfg.ClientID, a.code, a.verifier)
		}, 400, "invalid_grant", "unknown or expired"},
		{"unknown code", func(t *testing.T, ow *oauthWorld, a authz) url.Values {
			return codeForm(a.cfg.ClientID, "irac_nope", a.verifier)
		}, 400, "invalid_grant", "unknown or expired"},
		{"another redirect URI", func(t *testing.T, ow *oauthWorld, a authz) url.Values {
			f := codeForm(a.cfg.ClientID, a.code, a.verifier)
			f.Set("redirect_uri", "http://127.0.0.1:10/callback")
			return f
		}, 400, "invalid_grant", "redirect_uri"},
		{"another resource", func(t *testing.T, ow *oauthWorld, a authz) url.Values {
			f := codeForm(a.cfg.ClientID, a.code, a.verifier)
			f.Set("resource", "https://other.example.com/mcp")
			return f
		}, 400, "invalid_target", "not this server"},
		{"unknown client", func(t *testing.T, ow *oauthWorld, a authz) url.Values {
			return codeForm("c_nope", a.code, a.verifier)
		}, 401, "invalid_client", "unknown client_id"},
		{"unsupported grant type", func(t *testing.T, ow *oauthWorld, a authz) url.Values {
			return url.Values{"grant_type": {"password"}, "client_id": {a.cfg.ClientID}, "username": {"x"}, "password": {"y"}}
		}, 400, "unsupported_grant_type", "password"},
		{"client credentials", func(t *testing.T, ow *oauthWorld, a authz) url.Values {
			return url.Values{"grant_type": {"client_credentials"}, "client_id": {a.cfg.ClientID}}
		}, 400, "unsupported_grant_type", "client_credentials"},
		{"unknown refresh token", func(t *testing.T, ow *oauthWorld, a authz) url.Values {
			return url.Values{"grant_type": {"refresh_token"}, "client_id": {a.cfg.ClientID}, "refresh_token": {"irrt_nope"}}
		}, 400, "invalid_grant", "unknown refresh token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ow := startOAuth(t, nil)
			cfg, code, verifier := ow.authorize(t)
			resp, body := postForm(t, ow.hs.url+oauth.PathToken, tc.form(t, ow, authz{cfg, code, verifier}))
			if got, why := oauthErr(t, body); resp.StatusCode != tc.status || got != tc.code || !strings.Contains(why, tc.why) {
				t.Errorf("%d %s: %s, want %d %s: …%s…", resp.StatusCode, got, why, tc.status, tc.code, tc.why)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
			}
			if gs := ow.liveGrants(t); len(gs) != 0 {
				t.Errorf("grants issued: %+v", gs)
			}
		})
	}
}

func codeForm(clientID, code, verifier string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "client_id": {clientID}, "code": {code}, "code_verifier": {verifier}, "redirect_uri": {oauthRedirect}}
}

// TestOAuth_CodeUsedTwiceRevokesItsTokens: a code presented a second time is refused, and the tokens the first
// presentation got stop working (RFC 6749 section 4.1.2: the code was intercepted, or the client is confused).
func TestOAuth_CodeUsedTwiceRevokesItsTokens(t *testing.T) {
	ow := startOAuth(t, nil)
	cfg, code, verifier := ow.authorize(t)
	tok, err := cfg.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	resp, body := postForm(t, ow.hs.url+oauth.PathToken, codeForm(cfg.ClientID, code, verifier))
	if got, why := oauthErr(t, body); resp.StatusCode != 400 || got != "invalid_grant" || !strings.Contains(why, "already used") {
		t.Errorf("second use: %d %s %s", resp.StatusCode, got, why)
	}
	if status, _ := ow.mcpStatus(t, tok.AccessToken); status != http.StatusUnauthorized {
		t.Errorf("token of a code used twice: %d", status)
	}
	if gs := ow.liveGrants(t); len(gs) != 0 {
		t.Errorf("live grants: %+v", gs)
	}
}

// TestOAuth_TokenOfAnotherResourceRefused: a token issued by another server (here one on another port sharing
// the store, as two deployments restored from one backup would) is refused: it is bound to that server's URL.
func TestOAuth_TokenOfAnotherResourceRefused(t *testing.T) {
	ow := startOAuth(t, nil)
	other2 := startOAuth(t, func(o *oauth.Options, _ *fakeintercom.OAuthApp) { o.Store = ow.store })
	_, tok := other2.tokens(t)
	status, challenge := ow.mcpStatus(t, tok.AccessToken)
	if status != http.StatusUnauthorized || !strings.Contains(challenge, "issued for "+other2.hs.url+"/mcp, not this server") {
		t.Errorf("token of another resource: %d %q", status, challenge)
	}
	if status, _ := other2.mcpStatus(t, tok.AccessToken); status != http.StatusOK {
		t.Errorf("on its own server: %d", status)
	}
}

// TestOAuth_RegistrationRefused: registration takes public clients with safe redirect URIs, within limits.
func TestOAuth_RegistrationRefused(t *testing.T) {
	ow := startOAuth(t, func(o *oauth.Options, _ *fakeintercom.OAuthApp) { o.RegisterPerMinute = 100 })
	tests := []struct {
		name   string
		body   string
		status int
		code   string
		why    string
	}{
		{"not JSON", `redirect_uris=x`, 400, "invalid_client_metadata", "not client metadata"},
		{"no redirect URI", `{"client_name":"x"}`, 400, "invalid_redirect_uri", "from 1 to 10"},
		{"plain http elsewhere", `{"redirect_uris":["http://evil.example/cb"]}`, 400, "invalid_redirect_uri", "not loopback"},
		{"javascript", `{"redirect_uris":["javascript:alert(1)"]}`, 400, "invalid_redirect_uri", "never a redirect URI"},
		{"fragment", `{"redirect_uris":["https://app.example.com/cb#x"]}`, 400, "invalid_redirect_uri", "fragment"},
		{"relative", `{"redirect_uris":["/cb"]}`, 400, "invalid_redirect_uri", "absolute"},
		{"confidential client", `{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"client_secret_basic"}`, 400, "invalid_client_metadata", "public"},
		{"implicit grant", `{"redirect_uris":["https://a.example/cb"],"grant_types":["implicit"]}`, 400, "invalid_client_metadata", "implicit"},
		{"token response type", `{"redirect_uris":["https://a.example/cb"],"response_types":["token"]}`, 400, "invalid_client_metadata", "token"},
		{"too large", `{"redirect_uris":["https://a.example/cb"],"client_name":"` + strings.Repeat("x", 20000) + `"}`, 413, "invalid_client_metadata", "larger than"},
		{"name too long", `{"redirect_uris":["https://a.example/cb"],"client_name":"` + strings.Repeat("x", 201) + `"}`, 400, "invalid_client_metadata", "at most 200"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Post(ow.hs.url+oauth.PathRegister, "application/json", bytes.NewBufferString(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if got, why := oauthErr(t, readAll(resp)); resp.StatusCode != tc.status || got != tc.code || !strings.Contains(why, tc.why) {
				t.Errorf("%d %s: %s, want %d %s: …%s…", resp.StatusCode, got, why, tc.status, tc.code, tc.why)
			}
		})
	}
	for _, ok := range []string{`{"redirect_uris":["http://[::1]:1234/cb"]}`, `{"redirect_uris":["com.example.app:/oauth"]}`} {
		if resp, err := http.Post(ow.hs.url+oauth.PathRegister, "application/json", bytes.NewBufferString(ok)); err != nil || resp.StatusCode != http.StatusCreated {
			t.Errorf("register %s: %v %v", ok, resp.StatusCode, err)
		}
	}
}

// TestOAuth_RegistrationRateLimitedPerAddress: past the rate, registrations from one address get 429 until the
// minute has passed.
func TestOAuth_RegistrationRateLimitedPerAddress(t *testing.T) {
	ow := startOAuth(t, func(o *oauth.Options, _ *fakeintercom.OAuthApp) { o.RegisterPerMinute = 3 })
	post := func() int {
		resp, err := http.Post(ow.hs.url+oauth.PathRegister, "application/json", strings.NewReader(`{"redirect_uris":["http://127.0.0.1/cb"]}`))
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(resp)
		if resp.StatusCode == http.StatusTooManyRequests {
			if code, _ := oauthErr(t, body); code != "temporarily_unavailable" || resp.Header.Get("Retry-After") == "" {
				t.Errorf("429: %s %q", body, resp.Header.Get("Retry-After"))
			}
		}
		return resp.StatusCode
	}
	for i := range 3 {
		if got := post(); got != http.StatusCreated {
			t.Fatalf("registration %d: %d", i+1, got)
		}
	}
	if got := post(); got != http.StatusTooManyRequests {
		t.Errorf("registration 4 within the minute: %d", got)
	}
	ow.clock.Advance(time.Minute)
	if got := post(); got != http.StatusCreated {
		t.Errorf("registration a minute later: %d", got)
	}
}

// TestOAuth_TokensNeverLogged: a whole sign-in, refresh and revocation at debug level leaves no token, code or
// Intercom token in the log.
func TestOAuth_TokensNeverLogged(t *testing.T) {
	ow := startOAuth(t, nil)
	cfg, code, verifier := ow.authorize(t)
	tok, err := cfg.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	ow.mcpStatus(t, tok.AccessToken)
	old := *tok
	old.Expiry = time.Now().Add(-time.Minute)
	tok2, err := cfg.TokenSource(t.Context(), &old).Token()
	if err != nil {
		t.Fatal(err)
	}
	cfg.TokenSource(t.Context(), &old).Token() // reuse: logged as a warning
	postForm(t, ow.hs.url+oauth.PathToken, codeForm(cfg.ClientID, code, verifier))
	ow.mcpStatus(t, tok2.AccessToken)
	logs := ow.logs.String()
	if !strings.Contains(logs, "oauth: tokens issued") || !strings.Contains(logs, "reused") && !strings.Contains(logs, "presented again") {
		t.Fatalf("the log lacks the flow (is it captured?):\n%s", logs)
	}
	ow.mu.Lock()
	secrets := append([]string{tok.AccessToken, tok.RefreshToken, tok2.AccessToken, tok2.RefreshToken, code, verifier}, ow.intercomTokens...)
	ow.mu.Unlock()
	if len(secrets) < 7 {
		t.Fatalf("the server never asked GET /me: %d secrets", len(secrets))
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds a secret %.8s…", s)
		}
	}
}
