package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"golang.org/x/oauth2"
)

// TestServe_DemoSignInByRedirectsThenTokensRevoke is what the demo promises: a script signs in over OAuth by
// following redirects alone (no HTML), a client calls tools with the token, and `intercom-replica tokens` (another
// process) lists the sign-in and revokes it beside the running serve, with effect on the next request.
func TestServe_DemoSignInByRedirectsThenTokensRevoke(t *testing.T) {
	dir := demoCopy(t)
	s := startServe(t, &Main{}, "--demo", "--transport", "http", "--listen", "127.0.0.1:0", "--data-dir", dir)
	m := s.waitPrinted(t, regexp.MustCompile(`MCP endpoint:  (http://127\.0\.0\.1:\d+)/mcp[\s\S]*Sign-in: .* at once as ([^<]+) <([^>]+)>`))
	base, email := m[1], m[3]

	// Discovery from the 401.
	resp, err := http.Post(base+"/mcp", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if c := resp.Header.Get("WWW-Authenticate"); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(c, `resource_metadata="`+base+`/.well-known/oauth-protected-resource/mcp"`) {
		t.Fatalf("401: %d %q", resp.StatusCode, c)
	}
	// Registration.
	resp, err = http.Post(base+"/register", "application/json", strings.NewReader(`{"client_name":"script","redirect_uris":["http://127.0.0.1:9/cb"]}`))
	if err != nil {
		t.Fatal(err)
	}
	var reg struct {
		ClientID string `json:"client_id"`
	}
	json.NewDecoder(resp.Body).Decode(&reg)
	resp.Body.Close()
	// Authorization, by following redirects up to the client's redirect URI.
	cfg := &oauth2.Config{ClientID: reg.ClientID, RedirectURL: "http://127.0.0.1:9/cb",
		Endpoint: oauth2.Endpoint{AuthURL: base + "/authorize", TokenURL: base + "/token", AuthStyle: oauth2.AuthStyleInParams}}
	verifier := oauth2.GenerateVerifier()
	follow := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), "http://127.0.0.1:9/") {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err = follow.Get(cfg.AuthCodeURL("xyz", oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc == nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != "xyz" || loc.Query().Get("iss") != base {
		t.Fatalf("authorization ended at %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	tok, err := cfg.Exchange(t.Context(), loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	session, err := sdk.NewClient(&sdk.Implementation{Name: "oauth-e2e", Version: "1"}, nil).Connect(t.Context(),
		&sdk.StreamableClientTransport{Endpoint: base + "/mcp", HTTPClient: bearer(tok.AccessToken), MaxRetries: -1}, nil)
	if err != nil {
		t.Fatalf("connect with the OAuth token: %v", err)
	}
	res, err := session.CallTool(t.Context(), &sdk.CallToolParams{Name: "get_contact", Arguments: map[string]any{"id": demoContact}})
	if err != nil || res.IsError || !strings.Contains(toolText(res), "Fatima Johnson") {
		t.Errorf("get_contact over OAuth: %v %+v", err, res)
	}
	session.Close()

	// The tokens command, a process of its own, beside the running serve.
	e := newUserEnv(t)
	out, _ := e.mustRun(t, "tokens", "list", "--data-dir", dir)
	if !strings.Contains(out, email) || !strings.Contains(out, "script ("+reg.ClientID+")") || !strings.Contains(out, "live") ||
		strings.Contains(out, tok.AccessToken) || strings.Contains(out, tok.RefreshToken) {
		t.Errorf("tokens list:\n%s", out)
	}
	out, _ = e.mustRun(t, "tokens", "revoke", "--teammate", strings.ToUpper(email), "--data-dir", dir)
	if !strings.Contains(out, "Revoked sign-in g_") {
		t.Errorf("tokens revoke:\n%s", out)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/mcp", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "revoked") {
		t.Errorf("revoked token: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	var re *oauth2.RetrieveError
	tok.Expiry = tok.Expiry.AddDate(-1, 0, 0)
	if _, err := cfg.TokenSource(t.Context(), tok).Token(); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("refresh of a revoked sign-in: %v", err)
	}
	if strings.Contains(s.stderr.String(), tok.AccessToken) || strings.Contains(s.stderr.String(), tok.RefreshToken) {
		t.Errorf("a token was logged:\n%s", s.stderr)
	}
}

// TestTokens_Mistakes: the tokens command says what was wrong and what would be right.
func TestTokens_Mistakes(t *testing.T) {
	e := newUserEnv(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		args       []string
		code       int
		out, inErr string
	}{
		{[]string{"tokens"}, 2, "", "tokens needs a subcommand: tokens list, or tokens revoke"},
		{[]string{"tokens", "show"}, 2, "", `unknown tokens subcommand "show" (want list or revoke)`},
		{[]string{"tokens", "list", "--data-dir", dir}, 0, "Nobody has signed in with Intercom on this data directory", ""},
		{[]string{"tokens", "revoke", "--data-dir", dir}, 2, "", "needs exactly one of: sign-in ids (from tokens list), --teammate EMAIL, --client ID, or --all"},
		{[]string{"tokens", "revoke", "--all", "g_1", "--data-dir", dir}, 2, "", "needs exactly one of"},
		{[]string{"tokens", "revoke", "--all", "--data-dir", dir}, 1, "", "nothing to revoke: nobody has signed in"},
	} {
		code, out, stderr := e.run(t, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(stderr, tc.inErr) {
			t.Errorf("%v: exit %d\nstdout: %s\nstderr: %s", tc.args, code, out, stderr)
		}
	}
}
