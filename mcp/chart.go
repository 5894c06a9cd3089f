package mcp

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/intercom-replica/intercom-replica/query"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Charts of aggregates are drawn with gonum.org/v1/plot: pure Go (no cgo, no browser), maintained by the gonum
// project, and it writes PNG and SVG from one description. A chart shows the page's groups by the order metric
// (count unless order_by says otherwise): a line per key of the other dimension over time buckets when there is a
// time dimension, bars otherwise.

// ChartFormats are the formats AggregateChart draws.
var ChartFormats = []string{"png", "svg"}

// maxChartLines bounds the lines of a time chart (the keys of the other dimension with the most records).
const maxChartLines = 8

// AggregateChart draws res, the result of a, as a chart in format (png or svg).
func AggregateChart(a query.Aggregate, res *AggregateResult, format string) ([]byte, error) {
	if format != "png" && format != "svg" {
		return nil, fmt.Errorf("chart format %q: use png or svg", format)
	}
	if len(res.GroupBy) == 0 {
		return nil, fmt.Errorf("a chart needs group_by: the totals alone are one number per metric")
	}
	metric := res.OrderBy
	p := plot.New()
	p.Title.Text = res.Query
	p.Y.Label.Text = metric
	p.Y.Min = 0
	timeDim := -1
	for i, d := range a.GroupBy {
		if d.Bucket != "" && timeDim < 0 {
			timeDim = i
		}
	}
	value := func(r AggregateRow) float64 {
		v, ok := r.Metrics[metric]
		if !ok || math.IsNaN(v) {
			return 0
		}
		return v
	}
	switch {
	case timeDim >= 0:
		p.X.Label.Text = res.GroupBy[timeDim]
		var buckets []string
		at := map[string]int{}
		series := map[string]plotter.XYs{}
		var order []string
		for _, g := range res.Groups {
			b := g.Keys[timeDim]
			if _, ok := at[b]; !ok {
				at[b] = len(buckets)
				buckets = append(buckets, b)
			}
			name := ""
			if len(g.Keys) == 2 {
				name = g.Keys[1-timeDim]
			}
			if _, ok := series[name]; !ok {
				order = append(order, name)
			}
			series[name] = append(series[name], plotter.XY{X: float64(at[b]), Y: value(g)})
		}
		// A page of groups may cut a series (its first or last buckets on another page): every whole series has a
		// point in every bucket, empty ones at 0. Cut ones are left out while a whole one is drawn, not drawn as if
		// the series stopped.
		whole := slices.DeleteFunc(slices.Clone(order), func(name string) bool { return len(series[name]) < len(buckets) })
		if len(whole) > 0 && len(whole) < len(order) {
			p.Title.Text += fmt.Sprintf(" (%d series cut by the page left out)", len(order)-len(whole))
			order = whole
		}
		if len(order) > maxChartLines {
			order = order[:maxChartLines]
		}
		top := 0.0
		for _, name := range order {
			for _, xy := range series[name] {
				top = max(top, xy.Y)
			}
		}
		if top > 0 && len(order) > 1 {
			// Room above the lines for the legend, a line of text per series, so it covers none of them.
			p.Y.Max = top * (1.1 + 0.08*float64(len(order)))
		}
		for i, name := range order {
			l, err := plotter.NewLine(series[name])
			if err != nil {
				return nil, fmt.Errorf("chart: %w", err)
			}
			l.Color = plotutil.Color(i)
			l.Width = vg.Points(1.5)
			p.Add(l)
			if name != "" {
				p.Legend.Add(name, l)
			}
		}
		p.Legend.Top = true
		p.NominalX(thinLabels(buckets, 12)...)
	default:
		p.X.Label.Text = strings.Join(res.GroupBy, " × ")
		vals := make(plotter.Values, len(res.Groups))
		labels := make([]string, len(res.Groups))
		for i, g := range res.Groups {
			vals[i] = value(g)
			labels[i] = truncateRunes(strings.Join(g.Keys, " / "), 18)
		}
		if len(vals) == 0 {
			return nil, fmt.Errorf("no groups to chart")
		}
		bars, err := plotter.NewBarChart(vals, vg.Points(14))
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		bars.Color = plotutil.Color(0)
		bars.LineStyle.Width = 0
		p.Add(bars)
		p.NominalX(labels...)
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = -1
	}
	w, err := p.WriterTo(8*vg.Inch, 4.5*vg.Inch, format)
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	return buf.Bytes(), nil
}

// thinLabels keeps at most about n of labels, blanking the others, so tick labels do not overlap.
func thinLabels(labels []string, n int) []string {
	step := (len(labels) + n - 1) / n
	if step <= 1 {
		return labels
	}
	out := make([]string, len(labels))
	for i, l := range labels {
		if i%step == 0 {
			out[i] = l
		}
	}
	return out
}
