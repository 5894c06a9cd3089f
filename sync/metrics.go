package sync

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/intercom-replica/intercom-replica/query"
)

// metrics are the syncer's Prometheus instruments, all named intercom_replica_sync_*.
type metrics struct {
	passes       *prometheus.CounterVec
	passSeconds  *prometheus.HistogramVec
	pages        *prometheus.CounterVec
	fetched      *prometheus.CounterVec
	records      *prometheus.CounterVec
	parts        *prometheus.CounterVec
	requests     *prometheus.CounterVec
	rateLimited  *prometheus.CounterVec
	retries      *prometheus.CounterVec
	skippedTicks *prometheus.CounterVec
	webhooks     *prometheus.CounterVec
	live         *prometheus.CounterVec
	backfillDone *prometheus.GaugeVec
	backfillAll  *prometheus.GaugeVec
}

// newMetrics creates the instruments and registers them on reg, with gauges that read the syncer's state (lag,
// counts) and the budget's window at scrape time.
func newMetrics(reg prometheus.Registerer, s *Syncer, b *Budget) (*metrics, error) {
	kindPass := []string{"pass", "kind"}
	m := &metrics{
		passes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_sync_passes_total",
			Help: "Sync passes by type (backfill, incremental, reconcile) and result (ok, error, canceled).",
		}, []string{"pass", "result"}),
		passSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "intercom_replica_sync_pass_duration_seconds",
			Help:    "Duration of sync passes, by type.",
			Buckets: prometheus.ExponentialBuckets(0.1, 4, 10),
		}, []string{"pass"}),
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_sync_pages_total",
			Help: "List and search pages read from Intercom, by pass and kind.",
		}, kindPass),
		fetched: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_sync_fetched_total",
			Help: "Records fetched by id (whole conversations, contacts checked by id), by pass and kind.",
		}, kindPass),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_sync_records_written_total",
			Help: "Records written to the replica by kind and op (upsert, delete), from passes, webhooks and live lookups.",
		}, []string{"kind", "op"}),
		parts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_sync_conversation_parts_total",
			Help: "Conversation parts in the conversations fetched, by pass.",
		}, []string{"pass"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_sync_api_requests_total",
			Help: "Requests sent to Intercom by sync passes (retries included), by pass and kind.",
		}, kindPass),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_sync_rate_limited_total",
			Help: "429 answers sync passes received, by pass and kind.",
		}, kindPass),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_sync_retries_total",
			Help: "Requests sync passes repeated after a failure, by pass and kind.",
		}, kindPass),
		skippedTicks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_sync_skipped_ticks_total",
			Help: "Scheduled passes skipped because another pass was still running, by schedule.",
		}, []string{"schedule"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_sync_webhooks_total",
			Help: "Webhook notifications by result (queued, deleted, duplicate, ignored, dropped, bad_signature, too_large, bad_request).",
		}, []string{"result"}),
		live: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "intercom_replica_sync_live_fetches_total",
			Help: "Live lookups by kind and result (ok, not_found, no_budget, error).",
		}, []string{"kind", "result"}),
		backfillDone: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "intercom_replica_sync_backfill_done",
			Help: "Records the backfill has listed so far, by kind.",
		}, []string{"kind"}),
		backfillAll: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "intercom_replica_sync_backfill_total",
			Help: "Records Intercom reported to the backfill (total_count), by kind.",
		}, []string{"kind"}),
	}
	cs := []prometheus.Collector{m.passes, m.passSeconds, m.pages, m.fetched, m.records, m.parts, m.requests,
		m.rateLimited, m.retries, m.skippedTicks, m.webhooks, m.live, m.backfillDone, m.backfillAll}
	for _, k := range query.Kinds() {
		cs = append(cs,
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name:        "intercom_replica_sync_lag_seconds",
				Help:        "Seconds between now and the kind's watermark (the start of its last completed pass); -1 before the backfill completes.",
				ConstLabels: prometheus.Labels{"kind": string(k)},
			}, func() float64 {
				st, err := s.state(k)
				if err != nil || st.Watermark == 0 {
					return -1
				}
				return s.now().Sub(time.Unix(st.Watermark, 0)).Seconds()
			}),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name:        "intercom_replica_sync_records",
				Help:        "Records the replica holds, by kind and state (live, deleted).",
				ConstLabels: prometheus.Labels{"kind": string(k), "state": "live"},
			}, func() float64 {
				st, _ := s.state(k)
				return float64(st.Live)
			}),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name:        "intercom_replica_sync_records",
				Help:        "Records the replica holds, by kind and state (live, deleted).",
				ConstLabels: prometheus.Labels{"kind": string(k), "state": "deleted"},
			}, func() float64 {
				st, _ := s.state(k)
				return float64(st.Deleted)
			}),
		)
	}
	if b != nil {
		gauge := func(name, help string, f func(BudgetState) float64) prometheus.Collector {
			return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(b.State()) })
		}
		counter := func(name, help string, labels prometheus.Labels, f func(BudgetState) float64) prometheus.Collector {
			return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels}, func() float64 { return f(b.State()) })
		}
		cs = append(cs,
			gauge("intercom_replica_sync_budget_limit", "X-RateLimit-Limit of the current rate-limit window (0 when unknown).",
				func(st BudgetState) float64 { return float64(st.Limit) }),
			gauge("intercom_replica_sync_budget_used", "Requests counted in the current rate-limit window (ours, and others' per the headers).",
				func(st BudgetState) float64 { return float64(st.Used) }),
			gauge("intercom_replica_sync_budget_sync_cap", "Requests the syncer may send per window (the limit minus the reserve).",
				func(st BudgetState) float64 { return float64(st.SyncCap) }),
			counter("intercom_replica_sync_budget_granted_total", "Requests the rate budget let through, by priority.", prometheus.Labels{"priority": "sync"},
				func(st BudgetState) float64 { return float64(st.Stats.Granted[PrioritySync]) }),
			counter("intercom_replica_sync_budget_granted_total", "Requests the rate budget let through, by priority.", prometheus.Labels{"priority": "live"},
				func(st BudgetState) float64 { return float64(st.Stats.Granted[PriorityLive]) }),
			counter("intercom_replica_sync_budget_denied_total", "Live requests refused for lack of room in the window.", nil,
				func(st BudgetState) float64 { return float64(st.Stats.Denied) }),
			counter("intercom_replica_sync_budget_wait_seconds_total", "Time sync requests waited for the rate budget.", nil,
				func(st BudgetState) float64 { return st.Stats.Waited.Seconds() }),
			counter("intercom_replica_sync_budget_throttled_total", "429 answers the rate budget was told about.", nil,
				func(st BudgetState) float64 { return float64(st.Stats.Throttled) }),
		)
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("sync: register metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) passDone(pass, result string, seconds float64) {
	m.passes.WithLabelValues(pass, result).Inc()
	m.passSeconds.WithLabelValues(pass).Observe(seconds)
}

func (m *metrics) kindDone(pass string, r KindReport) {
	k := string(r.Kind)
	m.pages.WithLabelValues(pass, k).Add(float64(r.Pages))
	m.fetched.WithLabelValues(pass, k).Add(float64(r.Fetched))
	m.requests.WithLabelValues(pass, k).Add(float64(r.Requests))
	m.rateLimited.WithLabelValues(pass, k).Add(float64(r.RateLimited))
	m.retries.WithLabelValues(pass, k).Add(float64(r.Retries))
	if r.Parts > 0 {
		m.parts.WithLabelValues(pass).Add(float64(r.Parts))
	}
}

func (m *metrics) written(kind query.Kind, written, deleted int) {
	if n := written - deleted; n > 0 {
		m.records.WithLabelValues(string(kind), "upsert").Add(float64(n))
	}
	if deleted > 0 {
		m.records.WithLabelValues(string(kind), "delete").Add(float64(deleted))
	}
}

func (m *metrics) backfill(kind query.Kind, b Backfill) {
	m.backfillDone.WithLabelValues(string(kind)).Set(float64(b.Done))
	m.backfillAll.WithLabelValues(string(kind)).Set(float64(b.Total))
}
