package intercom

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentinels that [APIError] matches with [errors.Is]. Callers branch on these; the *APIError behind them carries the
// detail (status, Intercom's code and message, request id).
var (
	// ErrNotFound matches an HTTP 404: the conversation or contact does not exist (or was deleted).
	ErrNotFound = errors.New("intercom: not found")

	// ErrUnauthorized matches an HTTP 401: the access token is missing, invalid or revoked.
	ErrUnauthorized = errors.New("intercom: unauthorized")

	// ErrForbidden matches an HTTP 403: the token is valid but may not use this endpoint (for example
	// api_plan_restricted).
	ErrForbidden = errors.New("intercom: forbidden")

	// ErrRateLimited matches an HTTP 429: the workspace's or app's rate limit is exhausted for the current window.
	// The client only returns it once its own waits for X-RateLimit-Reset are used up.
	ErrRateLimited = errors.New("intercom: rate limited")

	// ErrInvalidParameter matches an HTTP 400 or 422: Intercom rejected the request's parameters or body (bad search
	// operator for a field's type, invalid sort order, a version that lacks the endpoint, ...).
	ErrInvalidParameter = errors.New("intercom: invalid parameter")

	// ErrServerError matches any HTTP 5xx. The client retries these; it returns one only when its attempts are used
	// up.
	ErrServerError = errors.New("intercom: server error")

	// ErrMerged matches an HTTP 410 for a contact that was merged into another one; [APIError.CanonicalID] names the
	// contact it lives on now.
	ErrMerged = errors.New("intercom: contact merged")

	// ErrMalformedResponse is wrapped into the error a call returns when a successful (2xx) response body was not the
	// JSON the endpoint promises: truncated, cut off, or not JSON at all. The client retries such responses first.
	ErrMalformedResponse = errors.New("intercom: malformed response")

	// ErrInvalidSearch is wrapped into the error a search returns, before any request is sent, when its
	// [SearchRequest] is not one Intercom accepts: a malformed [Filter] (see [Filter.Validate]), a page size out of
	// range, a bad sort.
	ErrInvalidSearch = errors.New("intercom: invalid search")
)

// APIError is an HTTP error answer from Intercom (any status outside 2xx). Intercom sends an "error.list" body
// whose first error fills Code, Message and Field; a body that is not an error list (a proxy's HTML page, plain text)
// still gives an APIError with StatusCode set, Code empty and a short, sanitised Message.
//
// Use [errors.Is] with the package's sentinels ([ErrNotFound], [ErrUnauthorized], [ErrForbidden], [ErrRateLimited],
// [ErrInvalidParameter], [ErrServerError], [ErrMerged]) to branch on the kind of failure, and [errors.As] to read the
// fields. The error never contains the access token or response headers other than the ones named here.
type APIError struct {
	// Method and Path name the request (for example "GET" and "/conversations/123"); Path has no query string.
	Method string
	Path   string

	// StatusCode is the HTTP status of the response.
	StatusCode int

	// Code is Intercom's machine-readable error code ("not_found", "unauthorized", "rate_limit_exceeded",
	// "parameter_invalid", "contact_merged", ...), or "" when the body was not an error list.
	Code string

	// Message is Intercom's human-readable message, or a trimmed excerpt of a non-JSON body.
	Message string

	// Field names the offending parameter when Intercom says which one, else "".
	Field string

	// RequestID is Intercom's request id (from the body, else the X-Request-Id header): quote it to Intercom support.
	RequestID string

	// Errors holds every entry of the error list; the first one is copied into Code, Message and Field.
	Errors []ErrorDetail

	// CanonicalID is, for a 410 contact_merged answer, the id of the contact the requested one was merged into
	// (parsed from the Link header's rel="canonical" target). It is "" otherwise.
	CanonicalID string

	// RateLimit holds the response's X-RateLimit-* headers (zero when absent). On a 429 its Reset says when the
	// window reopens.
	RateLimit RateLimit
}

// ErrorDetail is one entry of an Intercom "error.list" body.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

// Error formats the error as "intercom: GET /path: 404 not_found: Resource Not Found (request id ...)".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("intercom: ")
	if e.Method != "" || e.Path != "" {
		b.WriteString(e.Method)
		b.WriteString(" ")
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	} else if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " (field %s)", e.Field)
	}
	if e.CanonicalID != "" {
		fmt.Fprintf(&b, " (canonical contact %s)", e.CanonicalID)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// Is reports whether the error is of the kind target names, so that errors.Is(err, intercom.ErrNotFound) works
// through any wrapping. The match is by HTTP status: 404 [ErrNotFound], 401 [ErrUnauthorized], 403 [ErrForbidden],
// 429 [ErrRateLimited], 400 and 422 [ErrInvalidParameter], 5xx [ErrServerError], 410 [ErrMerged].
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrInvalidParameter:
		return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity
	case ErrServerError:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	case ErrMerged:
		return e.StatusCode == http.StatusGone
	}
	return false
}

// errorList is Intercom's error body (schema "error").
type errorList struct {
	Type      string        `json:"type"`
	RequestID string        `json:"request_id"`
	Errors    []ErrorDetail `json:"errors"`
}

// maxErrorExcerpt bounds how much of a non-JSON error body goes into APIError.Message.
const maxErrorExcerpt = 200

// newAPIError builds the typed error for a non-2xx response. redact is removed from any text copied out of the body,
// so that a proxy echoing the request back cannot leak the token into an error string.
func newAPIError(method, p string, resp *http.Response, body []byte, rl RateLimit, redact string) *APIError {
	e := &APIError{Method: method, Path: p, StatusCode: resp.StatusCode, RateLimit: rl}
	var list errorList
	if json.Unmarshal(body, &list) == nil && len(list.Errors) > 0 {
		e.Errors = list.Errors
		e.Code = list.Errors[0].Code
		e.Message = list.Errors[0].Message
		e.Field = list.Errors[0].Field
		e.RequestID = list.RequestID
	} else {
		e.Message = bodyExcerpt(resp.Header.Get("Content-Type"), body)
	}
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get("X-Request-Id")
	}
	if resp.StatusCode == http.StatusGone {
		e.CanonicalID = canonicalID(resp.Header.Values("Link"))
	}
	e.Message = scrub(e.Message, redact)
	e.Field = scrub(e.Field, redact)
	e.RequestID = scrub(e.RequestID, redact)
	e.CanonicalID = scrub(e.CanonicalID, redact)
	for i := range e.Errors {
		e.Errors[i].Message = scrub(e.Errors[i].Message, redact)
		e.Errors[i].Field = scrub(e.Errors[i].Field, redact)
	}
	return e
}

// bodyExcerpt returns a short single-line excerpt of a non-JSON error body, or "" for HTML pages (which say nothing
// useful in 200 bytes) and empty bodies.
func bodyExcerpt(contentType string, body []byte) string {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return ""
	}
	if len(body) > maxErrorExcerpt {
		body = body[:maxErrorExcerpt]
		for len(body) > 0 && !utf8.Valid(body) { // don't cut a rune in half
			body = body[:len(body)-1]
		}
	}
	s := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, string(body))
	return strings.Join(strings.Fields(s), " ")
}

// minRedactLen is the shortest secret scrub removes. Intercom's access tokens are some sixty characters; a shorter
// "token" (a placeholder such as "x") is no secret, and removing it would garble every message ("e[REDACTED]ceeded").
const minRedactLen = 8

// scrub removes every occurrence of secret from s.
func scrub(s, secret string) string {
	if len(secret) < minRedactLen || !strings.Contains(s, secret) {
		return s
	}
	return strings.ReplaceAll(s, secret, "[REDACTED]")
}

// canonicalID extracts the contact id from a `Link: </contacts/{id}>; rel="canonical"` header (the target may also be
// an absolute URL). It returns "" when there is no canonical link.
func canonicalID(links []string) string {
	for _, header := range links {
		for link := range strings.SplitSeq(header, ",") {
			target, params, ok := strings.Cut(strings.TrimSpace(link), ";")
			if !ok {
				continue
			}
			target = strings.TrimSpace(target)
			if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			if !hasRel(params, "canonical") {
				continue
			}
			u, err := url.Parse(target[1 : len(target)-1])
			if err != nil || u.Path == "" {
				continue
			}
			id := path.Base(strings.TrimSuffix(u.Path, "/"))
			if id == "." || id == "/" {
				continue
			}
			return id
		}
	}
	return ""
}

// hasRel reports whether a Link parameter list (`rel="canonical"; title=x`) has rel equal to want; rel may list
// several space-separated relations.
func hasRel(params, want string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		for r := range strings.FieldsSeq(strings.Trim(strings.TrimSpace(v), `"`)) {
			if strings.EqualFold(r, want) {
				return true
			}
		}
	}
	return false
}
