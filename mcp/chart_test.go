package mcp

import (
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
)

// TestAggregateChart_SeriesCutByThePageAreLeftOut: a page of tag × month groups that ends inside a tag's months
// would draw that tag as if it stopped; while a whole series is drawn, cut ones are left out, and the title says so.
func TestAggregateChart_SeriesCutByThePageAreLeftOut(t *testing.T) {
	a, err := query.ParseAggregate(query.AggregateSpec{Query: "object_type:conversations", GroupBy: []string{"tag", "created_at:month"}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := &AggregateResult{Query: "object_type:conversations", GroupBy: []string{"tag", "created_at:month"}, OrderBy: "count"}
	add := func(tag string, months ...string) {
		for i, m := range months {
			res.Groups = append(res.Groups, AggregateRow{Keys: []string{tag, m}, Metrics: map[string]float64{"count": float64(10 + i)}})
		}
	}
	add("refundzz", "2025-01", "2025-02", "2025-03")
	add("billingzz", "2025-01", "2025-02", "2025-03")
	add("bugzz", "2025-01") // the page ends here
	svg, err := AggregateChart(a, res, "svg")
	if err != nil {
		t.Fatal(err)
	}
	text := string(svg)
	for _, want := range []string{"refundzz", "billingzz", "(1 series cut by the page left out)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
	if strings.Contains(text, "bugzz") {
		t.Errorf("the chart draws bugzz, whose months run past the page, as a series that stops")
	}

	// Only cut series (a page shorter than the months): drawn as they are, rather than an empty chart.
	res.Groups = nil
	add("refundzz", "2025-01", "2025-02")
	add("billingzz", "2025-01")
	if svg, err = AggregateChart(a, res, "svg"); err != nil || !strings.Contains(string(svg), "refundzz") {
		t.Errorf("a page of cut series only: %v, refundzz drawn %v", err, strings.Contains(string(svg), "refundzz"))
	}
}
