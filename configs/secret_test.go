package configs

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The secrets used below; a test fails if any of them (or its hex form) shows up in a rendering.
const (
	accessToken  = "dG9rOmFjY2Vzcy10b2tlbi12YWx1ZQ=="
	clientSecret = "client-secret-value-0123"
	localToken1  = "local-token-one-0123456789abcdef"
	localToken2  = "local-token-two-fedcba9876543210"
)

func assertNoSecret(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range []string{accessToken, clientSecret, localToken1, localToken2} {
		if strings.Contains(out, s) || strings.Contains(out, hex.EncodeToString([]byte(s))) {
			t.Errorf("%s reveals a secret:\n%s", what, out)
		}
	}
}

// mustLoadWithSecrets loads a configuration whose secrets come from every kind of source: the environment, a file
// and a tokens file.
func mustLoadWithSecrets(t *testing.T) *Config {
	t.Helper()
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "client_secret")
	mustWriteFile(t, secretFile, clientSecret+"\n", 0o600)
	tokensFile := filepath.Join(dir, "tokens")
	mustWriteFile(t, tokensFile, "# local tokens\n"+localToken1+"\n\n"+localToken2+"\n", 0o600)
	cfg, err := Load(envOf(map[string]string{
		"HOME":                         dir,
		"INTERCOM_ACCESS_TOKEN":        accessToken,
		"INTERCOM_CLIENT_SECRET_FILE":  secretFile,
		"INTERCOM_REPLICA_TOKENS_FILE": tokensFile,
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Intercom.AccessToken.Reveal() != accessToken || cfg.Sync.Webhooks.ClientSecret.Reveal() != clientSecret ||
		len(cfg.Serve.Tokens) != 2 || cfg.Serve.Tokens[1].Reveal() != localToken2 {
		t.Fatal("the secrets were not loaded, so this test would prove nothing")
	}
	return cfg
}

func TestSecret_NeverRendered(t *testing.T) {
	cfg := mustLoadWithSecrets(t)
	s := cfg.Intercom.AccessToken

	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-40v", "%T"} {
		for name, v := range map[string]any{"secret": s, "pointer": &s, "config": *cfg, "config pointer": cfg,
			"serve section": cfg.Serve, "token list": cfg.Serve.Tokens, "in a map": map[string]Secret{"k": s}} {
			assertNoSecret(t, fmt.Sprintf("fmt %s of the %s", verb, name), fmt.Sprintf(verb, v))
		}
	}
	// Each method on its own too: fmt prefers Format, so a leaking String would otherwise go unnoticed by a caller
	// that calls it directly (errors.New("token " + s.String())).
	yv, _ := s.MarshalYAML()
	for name, got := range map[string]string{
		"String": s.String(), "GoString": s.GoString(), "LogValue": s.LogValue().String(), "MarshalYAML": yv.(string),
	} {
		if !strings.Contains(got, Redacted) {
			t.Errorf("%s() = %q, want it redacted", name, got)
		}
		assertNoSecret(t, name, got)
	}
	if got := fmt.Sprint(s); got != Redacted {
		t.Errorf("fmt.Sprint(secret) = %q, want %q", got, Redacted)
	}
	if got := fmt.Sprintf("%#v", s); got != `configs.Secret("REDACTED")` {
		t.Errorf("%%#v = %q", got)
	}
	if got := fmt.Sprint(Secret{}); got != "" {
		t.Errorf("an empty secret prints as %q, want an empty string", got)
	}

	for name, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		log := slog.New(newHandler(&buf))
		log.Info("loaded", "token", s, "config", cfg, "tokens", cfg.Serve.Tokens, slog.Any("intercom", cfg.Intercom))
		assertNoSecret(t, "slog "+name, buf.String())
		if !strings.Contains(buf.String(), Redacted) {
			t.Errorf("slog %s shows no %s, so the secret was dropped rather than redacted:\n%s", name, Redacted, buf.String())
		}
	}

	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "json.Marshal", string(js))
	js, err = json.Marshal(cfg.EffectiveMap())
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "EffectiveMap as JSON", string(js))
	if !strings.Contains(string(js), `"access_token":"REDACTED"`) || !strings.Contains(string(js), `"tokens":["REDACTED","REDACTED"]`) {
		t.Errorf("EffectiveMap as JSON does not show the redacted secrets: %s", js)
	}

	y, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "yaml.Marshal", string(y))
	text, err := s.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "MarshalText", string(text))

	eff := cfg.EffectiveYAML()
	assertNoSecret(t, "EffectiveYAML", eff)
	for _, want := range []string{
		"  access_token: REDACTED  # env INTERCOM_ACCESS_TOKEN\n",
		"    client_secret: REDACTED  # file ",
		"  tokens: [REDACTED, REDACTED]  # file ",
	} {
		if !strings.Contains(eff, want) {
			t.Errorf("EffectiveYAML lacks %q:\n%s", want, eff)
		}
	}

	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := *cfg
	bad.Serve.Tokens = []Secret{NewSecret("short" + localToken1[:3])}
	bad.Serve.Listen = "not an address"
	assertNoSecret(t, "a validation error", fmt.Sprint(bad.Validate()))
}

func TestSecret_Reveal(t *testing.T) {
	if got := NewSecret(accessToken).Reveal(); got != accessToken {
		t.Errorf("Reveal() = %q, want the value", got)
	}
	if !(Secret{}).IsZero() || NewSecret("x").IsZero() {
		t.Error("IsZero is wrong")
	}
}

func mustWriteFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // WriteFile's mode is filtered by the umask
		t.Fatal(err)
	}
}

// envOf returns a getenv over a fixed map.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}
