package mcp

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the server's Prometheus instruments. They are registered on a registry the caller owns (the syncer
// registers its own counters on the same one), and /metrics serves that registry. A nil *Metrics records nothing.
type Metrics struct {
	toolCalls    *prometheus.CounterVec
	toolDuration *prometheus.HistogramVec
	authFailures *prometheus.CounterVec
	liveLookups  *prometheus.CounterVec
}

// Tool call outcomes, the "outcome" label of intercom_replica_mcp_tool_calls_total.
const (
	outcomeOK       = "ok"
	outcomeBadInput = "tool_error"     // the model's arguments were refused, or the record does not exist
	outcomeInternal = "internal_error" // something failed on our side
)

// NewMetrics creates the server's instruments and registers them on reg, together with a gauge of the replica's
// lag (seconds since the last completed sync, read from status at scrape time with o.SyncState). It fails if reg
// already holds instruments of the same names.
func NewMetrics(reg prometheus.Registerer, status StatusSource, o ToolOptions) (*Metrics, error) {
	o = o.withDefaults()
	now := o.Now
	m := &Metrics{
		toolCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_mcp_tool_calls_total",
			Help: "MCP tool calls by tool and outcome (ok, tool_error, internal_error).",
		}, []string{"tool", "outcome"}),
		toolDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "intercom_replica_mcp_tool_call_duration_seconds",
			Help:    "Latency of MCP tool calls, by tool.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"tool"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_http_auth_failures_total",
			Help: "HTTP requests refused by authentication, by reason (missing, unknown_token, rejected, other_workspace, unverifiable, oauth_expired, oauth_revoked, oauth_wrong_resource).",
		}, []string{"reason"}),
		liveLookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_live_lookups_total",
			Help: "get_conversation/get_contact answers by source: replica (fresh enough), live (refreshed from Intercom), stale (live failed, cached copy served), not_found.",
		}, []string{"kind", "result"}),
	}
	lag := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "intercom_replica_replica_lag_seconds",
		Help: "Seconds since the replica last completed a sync; -1 before the first sync.",
	}, func() float64 {
		if status == nil {
			return -1
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		st, err := status.Status(ctx)
		if err != nil {
			return -1
		}
		last := replicaSyncedAt(st, o.SyncState)
		if last.IsZero() {
			return -1
		}
		return now().Sub(last).Seconds()
	})
	for _, c := range []prometheus.Collector{m.toolCalls, m.toolDuration, m.authFailures, m.liveLookups, lag} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register mcp metrics: %w", err)
		}
	}
	return m, nil
}

func (m *Metrics) observeCall(tool, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.toolCalls.WithLabelValues(tool, outcome).Inc()
	m.toolDuration.WithLabelValues(tool).Observe(d.Seconds())
}

func (m *Metrics) authFailure(reason string) {
	if m == nil {
		return
	}
	m.authFailures.WithLabelValues(reason).Inc()
}

func (m *Metrics) liveLookup(kind, result string) {
	if m == nil {
		return
	}
	m.liveLookups.WithLabelValues(kind, result).Inc()
}
