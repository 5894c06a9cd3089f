package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/intercom-replica/intercom-replica/mcp/oauth"
)

const tokensExamples = `  intercom-replica tokens list                          # who signed in with Intercom, with which client
  intercom-replica tokens list --all --json             # revoked and expired sign-ins too, as JSON
  intercom-replica tokens revoke g_1a2b3c4d5e6f7a8b     # one sign-in (its id from tokens list)
  intercom-replica tokens revoke --teammate ann@example.com
  intercom-replica tokens revoke --all

These are the tokens serve issues to the people who sign in with Intercom (serve.oauth); the local tokens of
serve.tokens are not among them. Revoking a sign-in ends its access and refresh tokens at once, beside a running
serve too: its next request is refused, and the client must sign in again. Tokens themselves are never shown: the
server keeps only their SHA-256.
`

// runTokens is `intercom-replica tokens list|revoke`.
func runTokens(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" {
		return usagef("tokens needs a subcommand: tokens list, or tokens revoke (see intercom-replica tokens --help)")
	}
	switch args[0] {
	case "list":
		return runTokensList(m, args[1:])
	case "revoke":
		return runTokensRevoke(m, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintf(m.Stderr, "Usage: intercom-replica tokens list|revoke [flags]\n\nExamples:\n%s", tokensExamples)
		return nil
	}
	return usagef("unknown tokens subcommand %q (want list or revoke)", args[0])
}

// tokensStore opens the OAuth store of the configured data directory; it returns nil and no error when nobody has
// ever signed in (there is no store), without creating one.
func tokensStore(m *Main, rf *replicaFlags) (*oauth.Store, string, error) {
	_, dir, _, err := rf.load(m)
	if err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, oauth.StoreFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, path, nil
	}
	s, err := oauth.OpenStore(path)
	return s, path, err
}

func runTokensList(m *Main, args []string) error {
	fs := m.newFlagSet("tokens list", "tokens list [--all] [--json] [flags]", tokensExamples)
	rf := addReplicaFlags(fs)
	all := fs.Bool("all", false, "also list sign-ins that were revoked or expired (kept for a week)")
	asJSON := fs.Bool("json", false, "print the sign-ins as a JSON array")
	if err := parseFlagsOnly(fs, args, ""); err != nil {
		return err
	}
	store, path, err := tokensStore(m, rf)
	if err != nil {
		return err
	}
	now := time.Now()
	var grants []oauth.Grant
	if store != nil {
		if grants, err = store.Grants(now, *all); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		if grants == nil {
			grants = []oauth.Grant{}
		}
		return enc.Encode(grants)
	}
	if len(grants) == 0 {
		switch {
		case store == nil:
			fmt.Fprintf(m.Stdout, "Nobody has signed in with Intercom on this data directory (there is no %s).\n", path)
		case *all:
			fmt.Fprintln(m.Stdout, "No sign-ins with Intercom are recorded.")
		default:
			fmt.Fprintln(m.Stdout, "No sign-in with Intercom is live (tokens list --all shows revoked and expired ones).")
		}
		return nil
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SIGN-IN\tTEAMMATE\tCLIENT\tSIGNED IN\tLAST REFRESH\tUNTIL\tSTATE")
	for _, g := range grants {
		state := "live"
		switch {
		case !g.RevokedAt.IsZero():
			state = "revoked " + g.RevokedAt.Local().Format(time.DateTime) + ": " + g.RevokedReason
		case !now.Before(g.ExpiresAt):
			state = "expired"
		}
		refreshed := "-"
		if !g.RefreshedAt.IsZero() {
			refreshed = g.RefreshedAt.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s (%s)\t%s\t%s\t%s\t%s\n", g.ID, g.Teammate.Email, g.ClientName, g.ClientID,
			g.CreatedAt.Local().Format(time.DateTime), refreshed, g.ExpiresAt.Local().Format(time.DateTime), state)
	}
	return tw.Flush()
}

func runTokensRevoke(m *Main, args []string) error {
	fs := m.newFlagSet("tokens revoke", "tokens revoke SIGN-IN... | --teammate EMAIL | --client ID | --all [flags]", tokensExamples)
	rf := addReplicaFlags(fs)
	teammate := fs.String("teammate", "", "revoke every sign-in of the teammate with this `email`")
	client := fs.String("client", "", "revoke every sign-in of the client with this `id`")
	all := fs.Bool("all", false, "revoke every sign-in")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ids := fs.Args()
	selectors := 0
	for _, on := range []bool{len(ids) > 0, *teammate != "", *client != "", *all} {
		if on {
			selectors++
		}
	}
	if selectors != 1 {
		return usagef("tokens revoke needs exactly one of: sign-in ids (from tokens list), --teammate EMAIL, --client ID, or --all")
	}
	store, path, err := tokensStore(m, rf)
	if err != nil {
		return err
	}
	if store == nil {
		return fmt.Errorf("nothing to revoke: nobody has signed in with Intercom on this data directory (there is no %s)", path)
	}
	now := time.Now()
	const why = "revoked with intercom-replica tokens revoke"
	if len(ids) > 0 {
		for _, id := range ids {
			if err := store.RevokeGrant(id, now, why); err != nil {
				if errors.Is(err, oauth.ErrUnknownToken) {
					return fmt.Errorf("no sign-in %q: intercom-replica tokens list --all shows their ids", id)
				}
				return err
			}
			fmt.Fprintf(m.Stdout, "Revoked sign-in %s.\n", id)
		}
		return nil
	}
	revoked, err := store.RevokeGrants(func(g oauth.Grant) bool {
		return *all || *teammate != "" && strings.EqualFold(g.Teammate.Email, *teammate) || *client != "" && g.ClientID == *client
	}, now, why)
	if err != nil {
		return err
	}
	if len(revoked) == 0 {
		return errors.New("no live sign-in matches: intercom-replica tokens list shows them")
	}
	for _, g := range revoked {
		fmt.Fprintf(m.Stdout, "Revoked sign-in %s (%s, %s).\n", g.ID, g.Teammate.Email, g.ClientName)
	}
	return nil
}
