package query

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

var roundTripSeed = flag.Uint64("roundtrip.seed", 1, "seed of TestRoundTrip_RandomQueries (the failure message prints it)")

// TestRoundTrip_RandomQueries is the round-trip property over random valid ASTs: queries built term by term through
// the builder (so every AST is one Parse could return, but its values are not limited to what a lexer test would
// think of: quotes, backslashes, commas, colons, operator names, Unicode spaces), printed with String and parsed
// back, must come back equal.
func TestRoundTrip_RandomQueries(t *testing.T) {
	seed := *roundTripSeed
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for i := 0; i < 3000; i++ {
		q := randomQuery(r)
		if err := q.Validate(); err != nil {
			t.Fatalf("seed %d, query %d: random query %s is invalid: %v", seed, i, q, err)
		}
		s := q.String()
		got, err := Parse(s, fuzzNow)
		if err != nil {
			t.Fatalf("seed %d, query %d: %q does not parse: %v", seed, i, s, err)
		}
		q.Note = "" // not part of the DSL
		if !reflect.DeepEqual(got, q) {
			t.Fatalf("seed %d, query %d: round trip of %s changed the AST\nbefore %#v\nafter  %#v", seed, i, s, q, got)
		}
	}
}

func randomQuery(r *rand.Rand) Query {
	kind := Kinds()[r.IntN(2)]
	b := newBuilder(kind, fuzzNow)
	fields := b.cat.Fields()
	nowhere := site{pos: -1}
	for n := r.IntN(7); n > 0; n-- {
		var f *Field
		if r.IntN(5) == 0 {
			f = b.cat.CustomField(randomText(r))
		} else {
			f = fields[r.IntN(len(fields))]
		}
		op := f.Ops[r.IntN(len(f.Ops))]
		count := 1
		switch op.Arity() {
		case 0:
			count = 0
		case -1:
			count = 1 + r.IntN(4)
		}
		vals := make([]valueInput, count)
		for i := range vals {
			vals[i] = valueInput{text: randomValue(r, f), site: nowhere}
		}
		_ = b.term(nowhere, nowhere, f, op, false, vals) // invalid values and conflicts are skipped
	}
	for n := r.IntN(3); n > 0; n-- {
		text := randomText(r)
		phrase := r.IntN(2) == 0 || needsQuoteText(text)
		_ = b.text(nowhere, text, phrase)
	}
	if r.IntN(2) == 0 {
		n := 1 + r.IntN(2*MaxLimit) // above MaxLimit: capped, with a note
		_ = b.limit(nowhere, "limit", n, strconv.Itoa(n))
	}
	if r.IntN(3) == 0 {
		_ = b.cursor(nowhere, randomText(r))
	}
	if err := b.finish(-1); err != nil {
		return Query{Kind: kind, Limit: DefaultLimit}
	}
	return b.q
}

// randomValue returns a value for f: usually one its type accepts, sometimes arbitrary text.
func randomValue(r *rand.Rand, f *Field) string {
	if r.IntN(8) == 0 {
		return randomText(r)
	}
	switch {
	case f.Enum != nil:
		v := f.Enum[r.IntN(len(f.Enum))]
		if r.IntN(2) == 0 {
			v = strings.ToUpper(v)
		}
		return v
	case f.IDOf != "":
		id := fmt.Sprint(r.IntN(100000))
		switch r.IntN(3) {
		case 0:
			return FormatID(f.IDOf, id)
		case 1:
			if f.IDOf == KindConversation {
				return "https://app.intercom.com/a/inbox/_/inbox/conversation/" + id
			}
			return "https://app.intercom.com/a/apps/x/users/" + id + "/all"
		}
		return id
	}
	switch f.Type {
	case TypeInt:
		if f.Unit != "" && r.IntN(2) == 0 {
			return fmt.Sprintf("%d%c", r.IntN(100), "smhdw"[r.IntN(5)])
		}
		return fmt.Sprint(r.Int64N(1<<40) - 1<<39)
	case TypeTimestamp, TypeAny:
		t := time.Unix(r.Int64N(2e9), 0).UTC()
		switch r.IntN(6) {
		case 0:
			return fmt.Sprint(t.Unix())
		case 1:
			return t.Format("2006-01-02")
		case 2:
			return t.Format(time.RFC3339)
		case 3:
			return t.In(time.FixedZone("x", -5*3600)).Format(time.RFC3339)
		case 4:
			return fmt.Sprintf("%d%c", 1+r.IntN(50), "mhdw"[r.IntN(4)])
		}
		if f.Type == TypeAny {
			return []string{"true", "FALSE", "4.5", "-3", "pro"}[r.IntN(5)]
		}
		return "today"
	case TypeBool:
		return []string{"true", "false", "True", "FALSE"}[r.IntN(4)]
	}
	return randomText(r)
}

// randomText returns a short string biased towards the characters the DSL gives meaning to.
func randomText(r *rand.Rand) string {
	pieces := []string{"a", "Z", "0", "9", " ", "\t", "\u00a0", `"`, `\`, `\"`, ",", ":", "_", ".", "-", "é", "日",
		"exists", "gt:", "in", "not_exists", "q:", "AND", "OR", "ca.", "\x00", "\xff", "http://x", "(", "'", "=", ">"}
	var b strings.Builder
	for n := 1 + r.IntN(5); n > 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}
