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
	counterVec := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	gaugeVec := func(name, help string, labels ...string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
	}
	m := &metrics{
		passes: counterVec("intercom_replica_sync_passes_total",
			"Sync passes by type (backfill, incremental, reconcile) and result (ok, error, canceled).", "pass", "result"),
		passSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "intercom_replica_sync_pass_duration_seconds",
			Help:    "Duration of sync passes, by type.",
			Buckets: prometheus.ExponentialBuckets(0.1, 4, 10),
		}, []string{"pass"}),
		pages: counterVec("intercom_replica_sync_pages_total",
			"List and search pages read from Intercom, by pass and kind.", "pass", "kind"),
		fetched: counterVec("intercom_replica_sync_fetched_total",
			"Records fetched by id (whole conversations and tickets, records checked by id), by pass and kind.", "pass", "kind"),
		records: counterVec("intercom_replica_sync_records_written_total",
			"Records written to the replica by kind and op (upsert, delete), from passes, webhooks and live lookups.", "kind", "op"),
		parts: counterVec("intercom_replica_sync_conversation_parts_total",
			"Conversation parts in the conversations fetched, by pass.", "pass"),
		requests: counterVec("intercom_replica_sync_api_requests_total",
			"Requests sent to Intercom by sync passes (retries included), by pass and kind.", "pass", "kind"),
		rateLimited: counterVec("intercom_replica_sync_rate_limited_total",
			"429 answers sync passes received, by pass and kind.", "pass", "kind"),
		retries: counterVec("intercom_replica_sync_retries_total",
			"Requests sync passes repeated after a failure, by pass and kind.", "pass", "kind"),
		skippedTicks: counterVec("intercom_replica_sync_skipped_ticks_total",
			"Scheduled passes skipped because another pass was still running, by schedule.", "schedule"),
		webhooks: counterVec("intercom_replica_sync_webhooks_total",
			"Webhook notifications by result (queued, deleted, duplicate, ignored, dropped, bad_signature, too_large, bad_request).", "result"),
		live: counterVec("intercom_replica_sync_live_fetches_total",
			"Live lookups by kind and result (ok, not_found, no_budget, error).", "kind", "result"),
		backfillDone: gaugeVec("intercom_replica_sync_backfill_done",
			"Records the backfill has listed so far, by kind.", "kind"),
		backfillAll: gaugeVec("intercom_replica_sync_backfill_total",
			"Records Intercom reported to the backfill (total_count), by kind.", "kind"),
	}
	cs := []prometheus.Collector{m.passes, m.passSeconds, m.pages, m.fetched, m.records, m.parts, m.requests,
		m.rateLimited, m.retries, m.skippedTicks, m.webhooks, m.live, m.backfillDone, m.backfillAll}
	for _, k := range query.AllKinds() {
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
			}))
		for _, r := range []struct {
			state string
			count func(KindState) int
		}{
			{"live", func(st KindState) int { return st.Live }},
			{"deleted", func(st KindState) int { return st.Deleted }},
		} {
			cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name:        "intercom_replica_sync_records",
				Help:        "Records the replica holds, by kind and state (live, deleted).",
				ConstLabels: prometheus.Labels{"kind": string(k), "state": r.state},
			}, func() float64 {
				st, _ := s.state(k)
				return float64(r.count(st))
			}))
		}
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
	m.fetched.WithLabelValues(pass, k).Add(float64(r.Fetched + r.Checked))
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
