package query

import (
	"testing"
)

// tenTerms is a realistic 10-term query: keywords, an enum list, a quoted phrase, timestamps (absolute and
// relative), numbers with a duration, a bool, a custom attribute and free text.
const tenTerms = `object_type:conversations state:in:open,snoozed source_type:email ` +
	`source_author_email:ends_with:@example.com created_at:gte:2025-01-01 updated_at:gt:7d ` +
	`statistics_time_to_admin_reply:gt:4h open:true tag:vip ca."Ticket category":billing ` +
	`q:"double charged" limit:50`

// BenchmarkParse_10Terms measures Parse (lexing, catalog lookups, value conversion, conflict checks) of a 10-term
// query. The target is well under 20 µs per query.
func BenchmarkParse_10Terms(b *testing.B) {
	opts := Options{Now: fuzzNow.Now}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(tenTerms, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuery_String measures printing the same query back to DSL.
func BenchmarkQuery_String(b *testing.B) {
	q, err := Parse(tenTerms, fuzzNow)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = q.String()
	}
}
