package mcp

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
)

// Small formatting helpers shared by the renderers.

// appURL returns the link into the Intercom app for a record. appID is the workspace id; "_" works for
// conversations when it is unknown (the app then resolves the workspace from the session).
func appURL(appID string, kind query.Kind, id string) string {
	if appID == "" {
		appID = "_"
	}
	switch kind {
	case query.KindConversation:
		return "https://app.intercom.com/a/inbox/" + url.PathEscape(appID) + "/inbox/conversation/" + url.PathEscape(id)
	case query.KindContact:
		return "https://app.intercom.com/a/apps/" + url.PathEscape(appID) + "/users/" + url.PathEscape(id) + "/all-conversations"
	case query.KindCompany:
		return "https://app.intercom.com/a/apps/" + url.PathEscape(appID) + "/companies/" + url.PathEscape(id)
	case query.KindArticle:
		return "https://app.intercom.com/a/apps/" + url.PathEscape(appID) + "/articles/articles/" + url.PathEscape(id) + "/show"
	case query.KindTicket:
		return "https://app.intercom.com/a/inbox/" + url.PathEscape(appID) + "/inbox/ticket/" + url.PathEscape(id)
	}
	return ""
}

// rfc3339 formats Unix seconds as RFC 3339 in UTC, or "" for 0 (absent).
func rfc3339(unix int64) string {
	if unix == 0 {
		return ""
	}
	return time.Unix(unix, 0).UTC().Format(time.RFC3339)
}

// humanTime formats Unix seconds for the model: "2025-01-31 14:05 UTC".
func humanTime(unix int64) string {
	if unix == 0 {
		return ""
	}
	return time.Unix(unix, 0).UTC().Format("2006-01-02 15:04 UTC")
}

// humanDuration formats a number of seconds compactly: "45s", "12m", "1h 5m", "3d 2h".
func humanDuration(sec int64) string {
	if sec < 0 {
		return "-" + humanDuration(-sec)
	}
	d, h, m, s := sec/86400, sec%86400/3600, sec%3600/60, sec%60
	switch {
	case d > 0 && h > 0:
		return fmt.Sprintf("%dd %dh", d, h)
	case d > 0:
		return fmt.Sprintf("%dd", d)
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh %dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	case m > 0:
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%ds", s)
}

// personLabel formats a person for a line of text a model reads, the name marked as data: "\"Jane Doe\"
// <jane@example.com>", "<jane@example.com>", falling back to the type and id.
func personLabel(name, email, typ, id string) string {
	return formatPerson(quotedLine(name), email, "<%s>", typ, id)
}

// personTitle formats a person as a plain title for structured results: "Jane Doe <jane@example.com>".
func personTitle(name, email, typ, id string) string {
	return formatPerson(sanitizeLine(name), email, "%s", typ, id)
}

// formatPerson writes a person from name (already shown as it should be), email (shown alone with emailAlone),
// then the type and id.
func formatPerson(name, email, emailAlone, typ, id string) string {
	email = sanitizeLine(email)
	switch {
	case name != "" && email != "":
		return name + " <" + email + ">"
	case name != "":
		return name
	case email != "":
		return fmt.Sprintf(emailAlone, email)
	case typ != "" && id != "":
		return typ + " " + id
	case typ != "":
		return typ
	}
	return "unknown"
}

// quotedList joins names for a line of text, each marked as data ("billing", "refund"); an entry standing for an
// item without a name (unnamedRef) or the "(N in all)" of a cut list is the tools' own text and stays unquoted.
func quotedList(names []string) string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if isUnnamedRef(n) {
			out = append(out, n)
			continue
		}
		if q := quotedLine(n); q != "" {
			out = append(out, q)
		}
	}
	return strings.Join(out, ", ")
}

// unnamedRef stands for a tag or company known only by its id (Intercom's contact lists carry only ids): "tag
// 6012000". An entry in a view's list is a name unless it is one of these or a count.
func unnamedRef(what, id string) string { return what + " id " + id }

func isUnnamedRef(s string) bool {
	if what, id, ok := strings.Cut(s, " id "); ok && (what == "tag" || what == "company" || what == "collection") {
		return id != "" && !strings.ContainsAny(id, " \"")
	}
	n, ok := strings.CutPrefix(s, "(")
	n, ok2 := strings.CutSuffix(n, " in all)")
	return ok && ok2 && isDigits(n)
}

// listCount is the entry ending a list cut short: "(12 in all)".
func listCount(total int) string { return fmt.Sprintf("(%d in all)", total) }

// joinNonEmpty joins the non-empty elements of parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// truncateRunes cuts s to at most n runes, adding "…" when cut.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}

// formatCount writes n with thousands separators: 12345 → "12,345".
func formatCount(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + formatCount(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func parseRFC3339(s string) (int64, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, err
	}
	return t.Unix(), nil
}
