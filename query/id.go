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
		return "", "", &Error{Pos: -1, Token: s, Msg: "empty id; pass a conversation, contact, company, article or ticket id such as conversation_123, contact_6762f0d01bb69f9f2193bb7d, company_6762f0d41bb69f9f2193bb7e, article_39 or ticket_7583, or an Intercom URL"}
	}
	if strings.Contains(s, "://") {
		return parseIDURL(s)
	}
	if prefix, rest, ok := strings.Cut(s, "_"); ok {
		if kind := Kind(strings.ToLower(prefix)); kind.Valid() {
			if err := checkRawID(kind, rest, s); err != nil {
				return "", "", err
			}
			return kind, rest, nil
		}
		kinds := make([]string, 0, len(Kinds()))
		for _, k := range Kinds() {
			kinds = append(kinds, string(k))
		}
		if near := Nearest(prefix, kinds); len(near) == 1 {
			return "", "", &Error{Pos: -1, Token: s, Msg: fmt.Sprintf("%q has no kind this replica knows; did you mean %s?", clip(s), clip(near[0]+"_"+rest))}
		}
	}
	if err := checkRawID("", s, s); err != nil {
		return "", "", err
	}
	return "", s, nil
}

// aOrAn puts the indefinite article before a kind's name: "a ticket", "an article".
func aOrAn(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// KindsOf returns the kinds a record whose id was given raw (ParseID returned no kind) may be, in the order to try
// them: digits name a conversation, a ticket or an article, or (rarely) a contact or company; anything else a
// contact or a company.
func KindsOf(rawID string) []Kind {
	if isDigits(rawID) {
		return []Kind{KindConversation, KindTicket, KindArticle, KindContact, KindCompany}
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
		return "", &Error{Pos: -1, Token: s, Msg: fmt.Sprintf("%s is %s id, not %s id", clip(strings.TrimSpace(s)), aOrAn(string(kind)), aOrAn(string(want)))}
	}
	return id, nil
}

// maxIDLen bounds an id: Intercom's are a few dozen characters (24 hex digits, a number), and a company's own
// company_id is a short string of its owner's choosing.
const maxIDLen = 256

// checkRawID rejects ids that cannot be an Intercom id: empty, longer than maxIDLen, or holding white space, control
// characters or URL punctuation. Conversation ids are numeric.
func checkRawID(kind Kind, id, as string) error {
	if len(id) > maxIDLen {
		return &Error{Pos: -1, Token: clip(as), Msg: fmt.Sprintf("%q is %d bytes long: no Intercom id is longer than %d; pass a prefixed id, a raw id or an Intercom URL", clip(as), len(id), maxIDLen)}
	}
	bad := id == ""
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("/?#\"\\", r) {
			bad = true
			break
		}
	}
	if !bad && (kind == KindConversation || kind == KindTicket || kind == KindArticle) && !isDigits(id) {
		bad = true
	}
	if bad {
		what := "an id"
		switch kind {
		case KindConversation:
			what = "a conversation id (digits, e.g. conversation_123)"
		case KindContact:
			what = "a contact id (e.g. contact_6762f0d01bb69f9f2193bb7d)"
		case KindTicket:
			what = "a ticket id (digits, e.g. ticket_7583)"
		case KindArticle:
			what = "an article id (digits, e.g. article_39)"
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
	if err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		// A Help Center's article pages live on its own domain as often as on intercom.help:
		// .../articles/<id>-<slug>.
		if id, ok := articleURLID(u.Path); ok {
			return KindArticle, id, nil
		}
	}
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !isIntercomHost(u.Hostname()) {
		return "", "", &Error{Pos: -1, Token: s, Msg: fmt.Sprintf("%q is neither an Intercom app URL (https://app.intercom.com/...) nor a Help Center article page (.../articles/<id>-<title>); pass a prefixed id such as conversation_123 or article_39 instead", clip(s))}
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		id := segs[i+1]
		switch segs[i] {
		case "conversation", "conversations":
			if isDigits(id) {
				return KindConversation, id, nil
			}
		case "ticket", "tickets":
			if isDigits(id) {
				return KindTicket, id, nil
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
	return "", "", &Error{Pos: -1, Token: s, Msg: fmt.Sprintf("%q is an Intercom URL but not one of a conversation (.../conversation/<id>), a ticket (.../ticket/<id>), a contact (.../users/<id>), a company (.../companies/<id>) or an article (.../articles/<id>-<title>); pass a prefixed id instead", clip(s))}
}

// articleURLID finds an article id in a Help Center page's path: the digits of the segment after "articles",
// before the slug ("/en/articles/39-refunds" → 39).
func articleURLID(path string) (string, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if segs[i] != "articles" {
			continue
		}
		id, _, _ := strings.Cut(segs[i+1], "-")
		if isDigits(id) {
			return id, true
		}
	}
	return "", false
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
