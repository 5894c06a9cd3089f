package oauth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// StoreFile is the name of the OAuth store in the data directory.
const StoreFile = "oauth.db"

// The buckets of the store.
var (
	bucketClients = []byte("clients") // client id -> Client (JSON)
	bucketGrants  = []byte("grants")  // grant id -> Grant (JSON)
	bucketTokens  = []byte("tokens")  // SHA-256 of a token -> tokenRecord (JSON)
)

// Token prefixes: they tell this server's tokens from any other (a local token, an Intercom token) at a glance,
// and let secret scanners recognise them.
const (
	accessPrefix  = "irat_"
	refreshPrefix = "irrt_"
)

// Store keeps registered clients, grants and the hashes of the tokens issued under them in a bbolt file of its own
// (0600). It opens the file for each operation and closes it after, taking bbolt's file lock shared to read and
// exclusive to write: so the serving process never holds the lock between requests, and `intercom-replica tokens`
// (or a second serve on the same data directory) reads and revokes beside it, with effect on the next request.
// It is safe for concurrent use.
type Store struct {
	path    string
	timeout time.Duration
	mu      sync.RWMutex // orders this process's own operations; bbolt's lock orders processes
}

// OpenStore creates the store at path (mode 0600) if it does not exist yet and checks it can be opened.
func OpenStore(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("oauth store: %w", err)
	}
	s := &Store{path: path, timeout: 10 * time.Second}
	if err := s.update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketClients, bucketGrants, bucketTokens} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return nil, fmt.Errorf("oauth store: %w", err)
	}
	return s, nil
}

// Path returns the file of the store.
func (s *Store) Path() string { return s.path }

func (s *Store) open(readOnly bool) (*bolt.DB, error) {
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: s.timeout, ReadOnly: readOnly})
	if err != nil {
		return nil, fmt.Errorf("oauth store %s: %w", s.path, err)
	}
	return db, nil
}

func (s *Store) update(fn func(tx *bolt.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	db, err := s.open(false)
	if err != nil {
		return err
	}
	err = db.Update(fn)
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("oauth store %s: %w", s.path, cerr)
	}
	return err
}

func (s *Store) view(fn func(tx *bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	db, err := s.open(true)
	if err != nil {
		return err
	}
	err = db.View(fn)
	db.Close()
	return err
}

// Client is a client registered with dynamic client registration (RFC 7591). Clients are public: they have no
// secret, and prove themselves with PKCE.
type Client struct {
	ID           string    `json:"client_id"`
	Name         string    `json:"client_name,omitempty"`
	RedirectURIs []string  `json:"redirect_uris"`
	CreatedAt    time.Time `json:"created_at"`
}

// Teammate is the Intercom teammate (admin) a grant was issued to, as Intercom's GET /me said.
type Teammate struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	Workspace string `json:"workspace"`
	// EmailVerified is whether Intercom verified the email; it is not stored.
	EmailVerified bool `json:"-"`
}

// Grant is one sign-in: what a teammate allowed one client, and the family of tokens issued under it (the first
// pair and every pair a refresh rotated in). Revoking it kills them all.
type Grant struct {
	ID          string    `json:"id"`
	ClientID    string    `json:"client_id"`
	ClientName  string    `json:"client_name"`
	Teammate    Teammate  `json:"teammate"`
	Resource    string    `json:"resource"`
	Scope       string    `json:"scope"`
	CreatedAt   time.Time `json:"created_at"`
	RefreshedAt time.Time `json:"refreshed_at,omitzero"`
	// ExpiresAt is when the grant's current refresh token expires: nothing issued under it works after.
	ExpiresAt time.Time `json:"expires_at"`
	// Revoked says when and why the grant was revoked; zero while it is live.
	RevokedAt     time.Time `json:"revoked_at,omitzero"`
	RevokedReason string    `json:"revoked_reason,omitempty"`
}

// live reports whether tokens of g may still be used at now.
func (g Grant) live(now time.Time) bool { return g.RevokedAt.IsZero() && now.Before(g.ExpiresAt) }

// tokenRecord is what the store keeps of a token: never the token, only its SHA-256 (the key) and this.
type tokenRecord struct {
	Kind      string    `json:"kind"` // "access" or "refresh"
	Grant     string    `json:"grant"`
	Hash      string    `json:"hash"` // hex SHA-256, compared in constant time with the presented token's
	ExpiresAt time.Time `json:"expires_at"`
	// Used is set on a refresh token once it has been exchanged: presenting it again is reuse.
	Used bool `json:"used,omitempty"`
	// Access is, on a refresh token, the key (hex SHA-256) of the access token issued with it: the one a refresh
	// with it replaces. Empty on a refresh token stored before it was kept.
	Access string `json:"access,omitempty"`
	// Replaced is set on an access token once the refresh token issued with it has been exchanged: a refresh
	// rotates both, so the client holds a new access token and this one is refused from then on.
	Replaced bool `json:"replaced,omitempty"`
}

// Tokens is what IssueTokens returns: the only time the tokens themselves exist outside the client.
type Tokens struct {
	Access, Refresh string
	AccessExpiresAt time.Time
}

// Errors of the store's token operations, each matched by the server to an OAuth error.
var (
	// ErrUnknownToken is a token the store never issued (or purged after it expired).
	ErrUnknownToken = errors.New("unknown token")
	// ErrExpiredToken is a token past its expiry.
	ErrExpiredToken = errors.New("token expired")
	// ErrRevoked is a token whose grant was revoked.
	ErrRevoked = errors.New("token revoked")
	// ErrReplaced is an access token that a refresh replaced (with the refresh token issued beside it). It matches
	// ErrRevoked too.
	ErrReplaced = fmt.Errorf("%w: replaced by a refresh", ErrRevoked)
	// ErrReused is a refresh token presented after it was exchanged: the grant is revoked.
	ErrReused = errors.New("refresh token reused")
	// ErrWrongClient is a refresh token presented by a client other than the one it was issued to.
	ErrWrongClient = errors.New("token issued to another client")
)

// newSecret returns prefix followed by 32 random bytes in unpadded base64url.
func newSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// newID returns a random identifier of 16 hex digits, for grants and clients.
func newID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func tokenKey(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("oauth store: corrupt record: %w", err)
	}
	return true, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// SaveClient registers c, refusing it when max clients are registered already.
func (s *Store) SaveClient(c Client, max int) error {
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketClients)
		if max > 0 && b.Stats().KeyN >= max {
			return fmt.Errorf("%d clients are registered, the most this server keeps", max)
		}
		return putJSON(b, []byte(c.ID), c)
	})
}

// Client returns the registered client id, and false when there is none.
func (s *Store) Client(id string) (Client, bool, error) {
	var c Client
	var ok bool
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		ok, err = getJSON(tx.Bucket(bucketClients), []byte(id), &c)
		return err
	})
	return c, ok, err
}

// IssueTokens creates grant g (filling its ID and expiry) and issues its first pair of tokens.
func (s *Store) IssueTokens(g *Grant, now time.Time, accessTTL, refreshTTL time.Duration) (Tokens, error) {
	var t Tokens
	err := s.update(func(tx *bolt.Tx) error {
		purge(tx, now)
		g.ID, g.CreatedAt, g.ExpiresAt = newID("g_"), now, now.Add(refreshTTL)
		if err := putJSON(tx.Bucket(bucketGrants), []byte(g.ID), g); err != nil {
			return err
		}
		var err error
		t, err = issuePair(tx, g.ID, now, accessTTL, refreshTTL)
		return err
	})
	return t, err
}

func issuePair(tx *bolt.Tx, grant string, now time.Time, accessTTL, refreshTTL time.Duration) (Tokens, error) {
	t := Tokens{Access: newSecret(accessPrefix), Refresh: newSecret(refreshPrefix), AccessExpiresAt: now.Add(accessTTL)}
	b := tx.Bucket(bucketTokens)
	access := tokenKey(t.Access)
	for _, r := range []struct {
		token, kind string
		exp         time.Time
		access      string // the pair's access token, on the refresh token
	}{{t.Access, "access", t.AccessExpiresAt, ""}, {t.Refresh, "refresh", now.Add(refreshTTL), hex.EncodeToString(access)}} {
		key := tokenKey(r.token)
		if err := putJSON(b, key, tokenRecord{Kind: r.kind, Grant: grant, Hash: hex.EncodeToString(key), ExpiresAt: r.exp, Access: r.access}); err != nil {
			return Tokens{}, err
		}
	}
	return t, nil
}

// lookup finds the record of token, of the given kind, and its grant.
func lookup(tx *bolt.Tx, token, kind string) (tokenRecord, Grant, error) {
	key := tokenKey(token)
	var rec tokenRecord
	ok, err := getJSON(tx.Bucket(bucketTokens), key, &rec)
	if err != nil {
		return rec, Grant{}, err
	}
	// The lookup by hash reveals, by its timing, at most the hash; the comparison itself is in constant time.
	if !ok || rec.Kind != kind || subtle.ConstantTimeCompare([]byte(rec.Hash), []byte(hex.EncodeToString(key))) != 1 {
		return rec, Grant{}, ErrUnknownToken
	}
	var g Grant
	if ok, err := getJSON(tx.Bucket(bucketGrants), []byte(rec.Grant), &g); err != nil || !ok {
		if err == nil {
			err = ErrUnknownToken
		}
		return rec, Grant{}, err
	}
	return rec, g, nil
}

// CheckAccess returns the grant of a live access token. It fails with ErrUnknownToken, ErrExpiredToken,
// ErrRevoked, or ErrReplaced for an access token a refresh replaced.
func (s *Store) CheckAccess(token string, now time.Time) (Grant, error) {
	if !strings.HasPrefix(token, accessPrefix) {
		return Grant{}, ErrUnknownToken
	}
	var g Grant
	err := s.view(func(tx *bolt.Tx) error {
		rec, grant, err := lookup(tx, token, "access")
		switch {
		case err != nil:
			return err
		case !grant.RevokedAt.IsZero():
			return ErrRevoked
		case rec.Replaced:
			return ErrReplaced
		case !now.Before(rec.ExpiresAt):
			return ErrExpiredToken
		}
		g = grant
		return nil
	})
	return g, err
}

// Refresh exchanges a refresh token of clientID for a new pair, marks it used, and marks the access token issued
// with it replaced, so that only the new pair works. A refresh token presented again after that revokes its whole
// grant (the family) and fails with ErrReused: one of the two presenters is a thief, and the server cannot tell
// which.
func (s *Store) Refresh(token, clientID string, now time.Time, accessTTL, refreshTTL time.Duration) (Grant, Tokens, error) {
	var g Grant
	var t Tokens
	var reused bool
	err := s.update(func(tx *bolt.Tx) error {
		rec, grant, err := lookup(tx, token, "refresh")
		switch {
		case err != nil:
			return err
		case grant.ClientID != clientID:
			return ErrWrongClient
		case !grant.RevokedAt.IsZero():
			return ErrRevoked
		case rec.Used:
			reused = true
			grant.RevokedAt, grant.RevokedReason = now, "a used refresh token was presented again"
			return putJSON(tx.Bucket(bucketGrants), []byte(grant.ID), grant)
		case !now.Before(rec.ExpiresAt):
			return ErrExpiredToken
		}
		rec.Used = true
		if err := putJSON(tx.Bucket(bucketTokens), tokenKey(token), rec); err != nil {
			return err
		}
		if err := replaceAccess(tx, rec.Access); err != nil {
			return err
		}
		grant.RefreshedAt, grant.ExpiresAt = now, now.Add(refreshTTL)
		if err := putJSON(tx.Bucket(bucketGrants), []byte(grant.ID), grant); err != nil {
			return err
		}
		g = grant
		t, err = issuePair(tx, grant.ID, now, accessTTL, refreshTTL)
		return err
	})
	if err == nil && reused {
		err = ErrReused
	}
	return g, t, err
}

// replaceAccess marks the access token whose key is the hex SHA-256 access replaced. One already purged (it
// expired), or not recorded (access is empty), has nothing left to refuse.
func replaceAccess(tx *bolt.Tx, access string) error {
	if access == "" {
		return nil
	}
	key, err := hex.DecodeString(access)
	if err != nil {
		return fmt.Errorf("oauth store: corrupt refresh token record: %w", err)
	}
	b := tx.Bucket(bucketTokens)
	var rec tokenRecord
	ok, err := getJSON(b, key, &rec)
	if err != nil || !ok || rec.Kind != "access" {
		return err
	}
	rec.Replaced = true
	return putJSON(b, key, rec)
}

// RevokeToken revokes the grant of token (an access or a refresh token of clientID; "" for any client), as RFC
// 7009 asks: revoking either ends the whole grant. An unknown token is not an error (RFC 7009 section 2.2).
func (s *Store) RevokeToken(token, clientID string, now time.Time) error {
	return s.update(func(tx *bolt.Tx) error {
		for _, kind := range []string{"access", "refresh"} {
			_, g, err := lookup(tx, token, kind)
			if errors.Is(err, ErrUnknownToken) {
				continue
			}
			if err != nil {
				return err
			}
			if clientID != "" && g.ClientID != clientID {
				return ErrWrongClient
			}
			return revoke(tx, g, now, "revoked by its client")
		}
		return nil
	})
}

func revoke(tx *bolt.Tx, g Grant, now time.Time, why string) error {
	if !g.RevokedAt.IsZero() {
		return nil
	}
	g.RevokedAt, g.RevokedReason = now, why
	return putJSON(tx.Bucket(bucketGrants), []byte(g.ID), g)
}

// RevokeGrant revokes the grant id. It fails with ErrUnknownToken when there is none.
func (s *Store) RevokeGrant(id string, now time.Time, why string) error {
	return s.update(func(tx *bolt.Tx) error {
		var g Grant
		ok, err := getJSON(tx.Bucket(bucketGrants), []byte(id), &g)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: no grant %q", ErrUnknownToken, id)
		}
		return revoke(tx, g, now, why)
	})
}

// RevokeGrants revokes every live grant for which match is true, and returns them.
func (s *Store) RevokeGrants(match func(Grant) bool, now time.Time, why string) ([]Grant, error) {
	var revoked []Grant
	err := s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketGrants).ForEach(func(k, v []byte) error {
			var g Grant
			if err := json.Unmarshal(v, &g); err != nil {
				return fmt.Errorf("oauth store: corrupt grant: %w", err)
			}
			if !g.live(now) || !match(g) {
				return nil
			}
			revoked = append(revoked, g)
			return revoke(tx, g, now, why)
		})
	})
	return revoked, err
}

// Grants returns every grant whose tokens still work (live) or, with all, every grant the store still holds,
// oldest first.
func (s *Store) Grants(now time.Time, all bool) ([]Grant, error) {
	var gs []Grant
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketGrants).ForEach(func(k, v []byte) error {
			var g Grant
			if err := json.Unmarshal(v, &g); err != nil {
				return fmt.Errorf("oauth store: corrupt grant: %w", err)
			}
			if all || g.live(now) {
				gs = append(gs, g)
			}
			return nil
		})
	})
	slices.SortFunc(gs, func(a, b Grant) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return gs, err
}

// purgeAfter is how long an expired or revoked grant stays listed (tokens list --all) before it is deleted.
const purgeAfter = 7 * 24 * time.Hour

// purge deletes the records of tokens that have expired, and grants that ended more than purgeAfter ago. It
// costs a scan of the store, which holds a few records per signed-in client.
func purge(tx *bolt.Tx, now time.Time) {
	tokens := tx.Bucket(bucketTokens)
	var dead [][]byte
	tokens.ForEach(func(k, v []byte) error {
		var rec tokenRecord
		if json.Unmarshal(v, &rec) != nil || !now.Before(rec.ExpiresAt) {
			dead = append(dead, slices.Clone(k))
		}
		return nil
	})
	for _, k := range dead {
		tokens.Delete(k)
	}
	grants := tx.Bucket(bucketGrants)
	dead = dead[:0]
	grants.ForEach(func(k, v []byte) error {
		var g Grant
		if json.Unmarshal(v, &g) != nil {
			return nil
		}
		end := g.ExpiresAt
		if !g.RevokedAt.IsZero() && g.RevokedAt.Before(end) {
			end = g.RevokedAt
		}
		if now.Sub(end) > purgeAfter {
			dead = append(dead, slices.Clone(k))
		}
		return nil
	})
	for _, k := range dead {
		grants.Delete(k)
	}
}
