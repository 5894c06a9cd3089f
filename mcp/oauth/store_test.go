package oauth

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func newTestStore(t testing.TB) *Store {
	t.Helper()
	s, err := OpenStore(filepath.Join(t.TempDir(), "sub", StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStore_FileIsPrivateAndHoldsNoToken: the store is 0600 in a 0700 directory, and its bytes hold no token.
func TestStore_FileIsPrivateAndHoldsNoToken(t *testing.T) {
	s := newTestStore(t)
	g := Grant{ClientID: "c_1", Teammate: Teammate{Email: "ann@example.com"}, Resource: "http://127.0.0.1:1/mcp"}
	tok, err := s.IssueTokens(&g, t0, time.Hour, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{s.Path(): 0o600, filepath.Dir(s.Path()): 0o700} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want %v", path, fi.Mode().Perm(), err, want)
		}
	}
	raw, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{tok.Access, tok.Refresh, tok.Access[len(accessPrefix):], tok.Refresh[len(refreshPrefix):]} {
		if containsBytes(raw, secret) {
			t.Errorf("the store's file holds a token")
		}
	}
}

func containsBytes(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}

// TestStore_PurgesWhatEnded: expired token records go at the next issuance; ended grants stay listed (--all) for
// a week, then go too.
func TestStore_PurgesWhatEnded(t *testing.T) {
	s := newTestStore(t)
	old := Grant{ClientID: "c_1"}
	tok, err := s.IssueTokens(&old, t0, time.Hour, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	later := t0.Add(2 * 24 * time.Hour)
	if _, err := s.IssueTokens(&Grant{ClientID: "c_2"}, later, time.Hour, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckAccess(tok.Access, later); !errors.Is(err, ErrUnknownToken) {
		t.Errorf("purged access token: %v", err)
	}
	if gs, _ := s.Grants(later, true); len(gs) != 2 {
		t.Errorf("ended grants listed with all: %d", len(gs))
	}
	if gs, _ := s.Grants(later, false); len(gs) != 1 || gs[0].ClientID != "c_2" {
		t.Errorf("live grants: %+v", gs)
	}
	muchLater := later.Add(purgeAfter + 2*24*time.Hour)
	if _, err := s.IssueTokens(&Grant{ClientID: "c_3"}, muchLater, time.Hour, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if gs, _ := s.Grants(muchLater, true); len(gs) != 1 || gs[0].ClientID != "c_3" {
		t.Errorf("after a week: %+v", gs)
	}
}

// TestStore_RefreshReplacesItsAccessToken: exchanging a refresh token refuses the access token issued with it
// (ErrReplaced, which is also ErrRevoked) and no other; presenting the used refresh token again still revokes the
// whole grant.
func TestStore_RefreshReplacesItsAccessToken(t *testing.T) {
	s := newTestStore(t)
	g := Grant{ClientID: "c_1"}
	first, err := s.IssueTokens(&g, t0, time.Hour, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.IssueTokens(&Grant{ClientID: "c_1"}, t0, time.Hour, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Minute)
	_, second, err := s.Refresh(first.Refresh, "c_1", now, time.Hour, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckAccess(first.Access, now); !errors.Is(err, ErrReplaced) || !errors.Is(err, ErrRevoked) {
		t.Errorf("the replaced access token: %v, want ErrReplaced", err)
	}
	for name, tok := range map[string]string{"the new access token": second.Access, "another grant's": other.Access} {
		if _, err := s.CheckAccess(tok, now); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, _, err := s.Refresh(first.Refresh, "c_1", now, time.Hour, 24*time.Hour); !errors.Is(err, ErrReused) {
		t.Fatalf("reused refresh token: %v", err)
	}
	if _, err := s.CheckAccess(second.Access, now); !errors.Is(err, ErrRevoked) || errors.Is(err, ErrReplaced) {
		t.Errorf("an access token of a grant revoked for reuse: %v, want ErrRevoked", err)
	}
}

// BenchmarkStore_CheckAccess measures the per-request cost of opening the store to check a token.
func BenchmarkStore_CheckAccess(b *testing.B) {
	s := newTestStore(b)
	for range 100 {
		if _, err := s.IssueTokens(&Grant{ClientID: "c"}, t0, time.Hour, 24*time.Hour); err != nil {
			b.Fatal(err)
		}
	}
	tok, err := s.IssueTokens(&Grant{ClientID: "c"}, t0, time.Hour, 24*time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.CheckAccess(tok.Access, t0); err != nil {
			b.Fatal(err)
		}
	}
}
