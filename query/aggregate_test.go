package query

import (
	"strings"
	"testing"
	"time"
)

func TestParseAggregate_Accepts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		spec AggregateSpec
		want AggregateSpec // canonical form
	}{
		{"count by default", AggregateSpec{Query: "object_type:conversations"},
			AggregateSpec{Query: "object_type:conversations", Metrics: []string{"count"}, OrderBy: "count", Limit: DefaultGroups}},
		{"tag by month with a median", AggregateSpec{Query: "object_type:conversations state:open",
			GroupBy: []string{"tags", "Created_At:Month"}, Metrics: []string{"count", "median:statistics.time_to_admin_reply"}},
			AggregateSpec{Query: "object_type:conversations state:open", GroupBy: []string{"tag", "created_at:month"},
				Metrics: []string{"count", "median:statistics_time_to_admin_reply"}, OrderBy: "count", Limit: DefaultGroups}},
		{"duration width and order by a metric", AggregateSpec{Query: "object_type:conversations",
			GroupBy: []string{"statistics_time_to_admin_reply:1h"}, Metrics: []string{"p90:parts_count", "count"},
			OrderBy: "p90:parts_count", Limit: 5, TimeZone: "Asia/Kolkata"},
			AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"statistics_time_to_admin_reply:3600"},
				Metrics: []string{"p90:parts_count", "count"}, OrderBy: "p90:parts_count", Limit: 5, TimeZone: "Asia/Kolkata"}},
		{"custom attribute with a space", AggregateSpec{Query: "object_type:contacts", GroupBy: []string{`ca."Ticket category"`, "role"}},
			AggregateSpec{Query: "object_type:contacts", GroupBy: []string{`custom_attributes."Ticket category"`, "role"},
				Metrics: []string{"count"}, OrderBy: "count", Limit: DefaultGroups}},
		{"ticket attribute", AggregateSpec{Query: "object_type:tickets", GroupBy: []string{`attr."Order ID"`, "ticket_type"}},
			AggregateSpec{Query: "object_type:tickets", GroupBy: []string{`ticket_attributes."Order ID"`, "ticket_type"},
				Metrics: []string{"count"}, OrderBy: "count", Limit: DefaultGroups}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseAggregate(tc.spec, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := a.Spec()
			if !equalSpec(got, tc.want) {
				t.Fatalf("spec = %+v, want %+v", got, tc.want)
			}
			again, err := ParseAggregate(got, Options{})
			if err != nil || !equalSpec(again.Spec(), got) {
				t.Fatalf("canonical form does not read back: %+v, %v", again.Spec(), err)
			}
		})
	}
}

func equalSpec(a, b AggregateSpec) bool {
	return a.Query == b.Query && strings.Join(a.GroupBy, "|") == strings.Join(b.GroupBy, "|") &&
		strings.Join(a.Metrics, "|") == strings.Join(b.Metrics, "|") && a.OrderBy == b.OrderBy && a.Limit == b.Limit &&
		a.StartingAfter == b.StartingAfter && a.TimeZone == b.TimeZone
}

func TestParseAggregate_Errors(t *testing.T) {
	t.Parallel()
	conv := func(s AggregateSpec) AggregateSpec { s.Query = "object_type:conversations " + s.Query; return s }
	for _, tc := range []struct {
		name string
		spec AggregateSpec
		want []string // substrings of the message
	}{
		{"query error as the DSL says it", conv(AggregateSpec{Query: "sate:open"}), []string{`unknown field "sate"`, `did you mean "state"`}},
		{"unknown dimension", conv(AggregateSpec{GroupBy: []string{"stat"}}), []string{"group_by[0]", `unknown field "stat"`, `"state"`}},
		{"three dimensions", conv(AggregateSpec{GroupBy: []string{"state", "tag", "priority"}}), []string{"at most 2"}},
		{"same field twice", conv(AggregateSpec{GroupBy: []string{"tag", "tags"}}), []string{"twice"}},
		{"time without bucket", conv(AggregateSpec{GroupBy: []string{"created_at"}}), []string{"created_at:month", "hour, day, week, month, quarter, year"}},
		{"misspelled bucket", conv(AggregateSpec{GroupBy: []string{"created_at:mnth"}}), []string{`"mnth" is not a time bucket`, `did you mean "month"`}},
		{"text field", conv(AggregateSpec{GroupBy: []string{"source_body"}}), []string{"is text", "q:"}},
		{"bucket on a keyword", conv(AggregateSpec{GroupBy: []string{"state:month"}}), []string{"groups by its values"}},
		{"bad width", conv(AggregateSpec{GroupBy: []string{"parts_count:0"}}), []string{"not a bucket width", "parts_count:10"}},
		{"fractional width of a whole-number field", conv(AggregateSpec{GroupBy: []string{"parts_count:0.5"}}), []string{`"0.5" is not a bucket width`, "positive whole number"}},
		{"misspelled metric", conv(AggregateSpec{Metrics: []string{"medain:parts_count"}}), []string{`"medain" is not a metric`, `did you mean "median"`}},
		{"field as metric", conv(AggregateSpec{Metrics: []string{"parts_count"}}), []string{"is a field, not a metric", "median:parts_count"}},
		{"metric on keyword", conv(AggregateSpec{Metrics: []string{"avg:state"}}), []string{"state is a keyword field", "group_by"}},
		{"metric without field", conv(AggregateSpec{Metrics: []string{"p90"}}), []string{"p90 needs a field"}},
		{"count with field", conv(AggregateSpec{Metrics: []string{"count:state"}}), []string{"state:exists"}},
		{"metric field misspelled", conv(AggregateSpec{Metrics: []string{"avg:parts_cont"}}), []string{`did you mean "parts_count"`}},
		{"order by a metric not asked", conv(AggregateSpec{OrderBy: "max:parts_count"}), []string{"not one of the metrics"}},
		{"limit in the query", conv(AggregateSpec{Query: "limit:50"}), []string{"remove them from the query"}},
		{"limit out of range", conv(AggregateSpec{Limit: 5000}), []string{"outside 1 to 1000"}},
		{"unknown time zone", conv(AggregateSpec{TimeZone: "Mars/Olympus"}), []string{"IANA"}},
		{"segment not held", AggregateSpec{Query: "object_type:contacts", GroupBy: []string{"segment_id"}}, []string{"not held by the replica"}},
		{"no width on teammate ids", conv(AggregateSpec{GroupBy: []string{"admin_assignee:10"}}), []string{"admin_assignee holds teammate ids", `remove ":10"`}},
		{"no bucket on team ids", conv(AggregateSpec{GroupBy: []string{"team_assignee_id:month"}}), []string{"team_assignee_id holds team ids", `remove ":month"`}},
		{"help center, held through collections", AggregateSpec{Query: "object_type:articles", GroupBy: []string{"help_center"}}, []string{"help_center cannot be grouped by", "group by collection"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAggregate(tc.spec, Options{})
			if err == nil {
				t.Fatalf("no error for %+v", tc.spec)
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestTimeBucket_StartNextLabel(t *testing.T) {
	t.Parallel()
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	// 2025-03-31T20:00:00Z is 2025-04-01T01:30 in Kolkata: a new month, quarter and week there, not in UTC.
	at := time.Date(2025, 3, 31, 20, 0, 0, 0, time.UTC).Unix()
	for _, tc := range []struct {
		b          TimeBucket
		loc        *time.Location
		start, nxt string
		label      string
	}{
		{BucketHour, kolkata, "2025-04-01T01:00:00+05:30", "2025-04-01T02:00:00+05:30", "2025-04-01T01:00"},
		{BucketDay, time.UTC, "2025-03-31T00:00:00Z", "2025-04-01T00:00:00Z", "2025-03-31"},
		{BucketWeek, time.UTC, "2025-03-31T00:00:00Z", "2025-04-07T00:00:00Z", "2025-W14"},
		{BucketMonth, kolkata, "2025-04-01T00:00:00+05:30", "2025-05-01T00:00:00+05:30", "2025-04"},
		{BucketMonth, time.UTC, "2025-03-01T00:00:00Z", "2025-04-01T00:00:00Z", "2025-03"},
		{BucketQuarter, kolkata, "2025-04-01T00:00:00+05:30", "2025-07-01T00:00:00+05:30", "2025-Q2"},
		{BucketYear, time.UTC, "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2025"},
	} {
		s := tc.b.Start(at, tc.loc)
		if got := time.Unix(s, 0).In(tc.loc).Format(time.RFC3339); got != tc.start {
			t.Errorf("%s in %s: start %s, want %s", tc.b, tc.loc, got, tc.start)
		}
		if got := time.Unix(tc.b.Next(s, tc.loc), 0).In(tc.loc).Format(time.RFC3339); got != tc.nxt {
			t.Errorf("%s in %s: next %s, want %s", tc.b, tc.loc, got, tc.nxt)
		}
		if got := tc.b.Label(s, tc.loc); got != tc.label {
			t.Errorf("%s in %s: label %s, want %s", tc.b, tc.loc, got, tc.label)
		}
	}
}
