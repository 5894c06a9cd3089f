package query

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// FormatID returns the prefixed id of a record, as search results show it: "conversation_123", "contact_abc".
func FormatID(kind Kind, id string) string { return string(kind) + "_" + id }

// ParseID reads a record id in any of the forms a user or a model may paste: a prefixed id (conversation_123,
// contact_6762f0d0...), an Intercom app URL (https://app.intercom.com/a/inbox/_/inbox/conversation/123,
// https://app.intercom.com/a/apps/<app>/users/<id>/all-conversations, and the eu and au hosts), or a raw id. It
// returns the kind and the raw id; for a raw id the kind is unknown and returned as "". Surrounding white space is
// ignored. The error says which forms are accepted.
func ParseID(s string) (Kind, string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", &Error{Pos: -1, Token: s, Msg: "empty id; pass a conversation, contact or company id such as conversation_123, contact_6762f0d01bb69f9f2193bb7d or company_6762f0d41bb69f9f2193bb7e, or an Intercom URL"}
	}
	if strings.Contains(s, "://") {
		return parseIDURL(s)
	}
	if prefix, rest, ok := strings.Cut(s, "_"); ok {
		switch strings.ToLower(prefix) {
		case string(KindConversation), string(KindContact), string(KindCompany):
			kind := Kind(strings.ToLower(prefix))
			if err := checkRawID(kind, rest, s); err != nil {
				return "", "", err
			}
			return kind, rest, nil
		}
		if near := Nearest(prefix, []string{string(KindConversation), string(KindContact), string(KindCompany)}); len(near) == 1 {
			return "", "", &Error{Pos: -1, Token: s, Msg: fmt.Sprintf("%q has no kind this replica knows; did you mean %s?", clip(s), clip(near[0]+"_"+rest))}
		}
	}
	if err := checkRawID("", s, s); err != nil {
		return "", "", err
	}
	return "", s, nil
}

// KindsOf returns the kinds a record whose id was given raw (ParseID returned no kind) may be, in the order to try
// them: digits name a conversation or (rarely) a contact or company; anything else a contact or a company.
func KindsOf(rawID string) []Kind {
	if isDigits(rawID) {
		return []Kind{KindConversation, KindContact, KindCompany}
	}
	return []Kind{KindContact, KindCompany}
}

// ParseIDFor reads an id like ParseID and checks that it names a record of kind want (a raw id is taken to be
// one). It returns the raw id, or an error naming the kind the id belongs to.
func ParseIDFor(want Kind, s string) (string, error) {
	kind, id, err := ParseID(s)
	if err != nil {
		return "", err
	}
	if kind != "" && kind != want {
		return "", &Error{Pos: -1, Token: s, Msg: fmt.Sprintf("%s is a %s id, not a %s id", clip(strings.TrimSpace(s)), kind, want)}
	}
	return id, nil
}

// checkRawID rejects ids that cannot be an Intercom id: empty, or holding white space, control characters or URL
// punctuation. Conversation ids are numeric.
func checkRawID(kind Kind, id, as string) error {
	bad := id == ""
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("/?#\"\\", r) {
			bad = true
			break
		}
	}
	if !bad && kind == KindConversation && !isDigits(id) {
		bad = true
	}
	if bad {
		what := "an id"
		switch kind {
		case KindConversation:
			what = "a conversation id (digits, e.g. conversation_123)"
		case KindContact:
			what = "a contact id (e.g. contact_6762f0d01bb69f9f2193bb7d)"
		}
		return &Error{Pos: -1, Token: as, Msg: fmt.Sprintf("%q is not %s; pass a prefixed id, a raw id or an Intercom URL", clip(as), what)}
	}
	return nil
}

// parseIDURL reads an Intercom app URL. Conversations appear as .../conversation/<id> or .../conversations/<id>
// anywhere in the path (inbox views nest them under several segments); contacts as
// /a/apps/<app>/users/<id>/..., /leads/<id> or /contacts/<id>.
func parseIDURL(s string) (Kind, string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !isIntercomHost(u.Hostname()) {
		return "", "", &Error{Pos: -1, Token: s, Msg: fmt.Sprintf("%q is not an Intercom app URL (https://app.intercom.com/...); pass a prefixed id such as conversation_123 instead", clip(s))}
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		id := segs[i+1]
		switch segs[i] {
		case "conversation", "conversations":
			if isDigits(id) {
				return KindConversation, id, nil
			}
		case "users", "leads", "contacts", "user", "lead", "contact":
			if isContactID(id) {
				return KindContact, id, nil
			}
		case "companies", "company":
			if isContactID(id) {
				return KindCompany, id, nil
			}
		}
	}
	return "", "", &Error{Pos: -1, Token: s, Msg: fmt.Sprintf("%q is an Intercom URL but not one of a conversation (.../conversation/<id>), a contact (.../users/<id>) or a company (.../companies/<id>); pass a prefixed id instead", clip(s))}
}

func isIntercomHost(h string) bool {
	h = strings.ToLower(h)
	return h == "intercom.com" || strings.HasSuffix(h, ".intercom.com") || h == "intercom.io" || strings.HasSuffix(h, ".intercom.io")
}

// isContactID reports whether a URL segment can be a contact id: letters and digits only, and not one of the
// words the app uses beside ids (users/segments/..., users/new).
func isContactID(s string) bool {
	if s == "" {
		return false
	}
	switch s {
	case "segments", "segment", "all", "new", "import", "imports", "active", "list":
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}
