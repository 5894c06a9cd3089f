package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index/internal/synth"
	"github.com/intercom-replica/intercom-replica/query"
)

// Companies and names (issue 13): a dataset of INDEX_BENCH_COMPANIES companies (default 100,000) with a directory
// of 40 teammates, 10 teams, 50 tags and 5 segments, built once through Apply and cached like the conversation
// dataset:
//
//	go test -run '^$' -bench 'BenchmarkCompanies|BenchmarkResolveNames' -benchtime 200x ./index

var companyScale int

func benchCompanies(b *testing.B) *Replica {
	companyScale = benchScaleOf("INDEX_BENCH_COMPANIES", 100_000)
	return cachedBenchReplica(b, fmt.Sprintf("companies-%s-%d", benchSynthVersion, companyScale), func(r *Replica) error {
		if err := r.applyNamesDirectory(); err != nil {
			return err
		}
		g := synth.New(benchSeed)
		return applyGenerated(r, query.KindCompany, companyScale, g.Company)
	})
}

// benchScaleOf reads a dataset size from the environment variable env, def when unset or not a positive number.
func benchScaleOf(env string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	return def
}

// cachedBench holds the benchmark replicas opened by cachedBenchReplica, one per name, for the process.
var cachedBench sync.Map // name → *cachedBenchEntry

type cachedBenchEntry struct {
	once sync.Once
	r    *Replica
	err  error
}

// cachedBenchReplica opens the benchmark dataset called name under benchRoot, building it once with build (timed,
// with records per CPU second on stderr) when no complete copy is cached there.
func cachedBenchReplica(b *testing.B, name string, build func(*Replica) error) *Replica {
	v, _ := cachedBench.LoadOrStore(name, &cachedBenchEntry{})
	e := v.(*cachedBenchEntry)
	e.once.Do(func() {
		dir := filepath.Join(benchRoot(), "intercom-replica-bench-"+name)
		complete := filepath.Join(dir, "complete")
		if _, err := os.Stat(complete); err != nil {
			_ = os.RemoveAll(dir)
			r, err := Open(context.Background(), dir, Options{})
			if err != nil {
				e.err = err
				return
			}
			fmt.Fprintf(os.Stderr, "building the benchmark dataset %s in %s (once)\n", name, dir)
			start, cpu0 := time.Now(), cpuTime()
			if e.err = build(r); e.err != nil {
				return
			}
			st, err := r.Status(context.Background())
			if err != nil {
				e.err = err
				return
			}
			n := 0
			for _, k := range query.Kinds() {
				n += st.Kinds[k].Records
			}
			wall, cpu := time.Since(start), cpuTime()-cpu0
			fmt.Fprintf(os.Stderr, "built %d records in %v: %.0f records/s wall, %.0f per CPU second\n",
				n, wall.Round(time.Second), float64(n)/wall.Seconds(), float64(n)/cpu.Seconds())
			if e.err = r.Close(); e.err != nil {
				return
			}
			if e.err = os.WriteFile(complete, []byte(time.Now().Format(time.RFC3339)), 0o600); e.err != nil {
				return
			}
		}
		e.r, e.err = Open(context.Background(), dir, Options{})
	})
	if e.err != nil {
		b.Fatal(e.err)
	}
	return e.r
}

// applyGenerated applies records 0..n-1 of kind made by gen, a thousand per batch.
func applyGenerated(r *Replica, kind query.Kind, n int, gen func(int, []byte) synth.Record) error {
	for from := 0; from < n; from += 1000 {
		recs := make([]Record, 0, 1000)
		for i := from; i < min(from+1000, n); i++ {
			c := gen(i, nil)
			recs = append(recs, Record{Kind: kind, ID: c.ID, UpdatedAt: c.UpdatedAt, Raw: c.JSON})
		}
		if _, err := r.Apply(context.Background(), Batch{Records: recs}); err != nil {
			return err
		}
	}
	return nil
}

// applyNamesDirectory writes the benchmark's directory: teammates 7000–7039 (as the synthetic contacts' owners),
// teams, the synthetic tags (ids 5000+) and segments.
func (r *Replica) applyNamesDirectory() error {
	var recs []Record
	add := func(kind query.Kind, id, raw string) {
		recs = append(recs, Record{Kind: kind, ID: id, Raw: []byte(raw)})
	}
	for i := range 40 {
		id := strconv.Itoa(7000 + i)
		add(query.KindAdmin, id, fmt.Sprintf(`{"type":"admin","id":%q,"name":"Teammate %d","email":"teammate%d@example.com"}`, id, i, i))
	}
	for i := range 10 {
		id := strconv.Itoa(100 + i)
		add(query.KindTeam, id, fmt.Sprintf(`{"type":"team","id":%q,"name":"Team %d"}`, id, i))
	}
	for i, name := range synth.Tags() {
		id := strconv.Itoa(5000 + i)
		add(query.KindTag, id, fmt.Sprintf(`{"type":"tag","id":%q,"name":%q}`, id, name))
	}
	for i, name := range synth.SegmentNames() {
		id := "seg" + strconv.Itoa(i)
		add(query.KindSegment, id, fmt.Sprintf(`{"type":"segment","id":%q,"name":%q}`, id, name))
	}
	_, err := r.Apply(context.Background(), Batch{Records: recs})
	return err
}

// BenchmarkCompanies measures searches on object_type:companies.
func BenchmarkCompanies(b *testing.B) {
	benchQueries(b, benchCompanies(b), query.KindCompany, []benchQuery{
		{"plan", `plan:Pro`},
		{"industry+size", `industry:Software size:gt:100`},
		{"spend+users", `monthly_spend:gte:1000 user_count:gt:100`},
		{"name-contains", `name:contains:robot`},
		{"tag-by-name", `tag:VIP`},
		{"segment-by-name", `segment:"Churn risk" plan:Enterprise`},
		{"custom-attribute", `ca.tier:enterprise`},
		{"free-text", `q:acme`},
		{"free-text-phrase", `q:"acme labs"`},
		{"free-text+filter", `q:acme plan:Pro`},
		{"company_id", `company_id:cmp-1234`},
	})
}

// benchQuery is one query of a benchmark table: its name and its DSL after object_type.
type benchQuery struct{ name, dsl string }

// benchQueries runs each query of kind on r as a sub-benchmark, reporting its hits and latency percentiles.
func benchQueries(b *testing.B, r *Replica, kind query.Kind, qs []benchQuery) {
	for _, tc := range qs {
		q, err := query.Parse("object_type:"+kind.Plural()+" "+tc.dsl, query.Options{Now: benchNow})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			var lat latencies
			total := -1
			for range b.N {
				start := time.Now()
				res, err := r.Search(context.Background(), q)
				lat = append(lat, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				total = res.Total
			}
			b.ReportMetric(float64(total), "hits")
			lat.report(b)
		})
	}
}

// BenchmarkResolveNames measures turning names into ids: directory names (in memory) and a company name (the
// company table), each per query.
func BenchmarkResolveNames(b *testing.B) {
	r := benchCompanies(b)
	for _, tc := range []struct{ name, dsl string }{
		{"teammate", `object_type:conversations admin_assignee:"Teammate 17" team_assignee:"Team 3"`},
		{"tag", `object_type:contacts tag:VIP`},
		{"company", `object_type:contacts company:"` + companyName(r) + `"`},
	} {
		q, err := query.Parse(tc.dsl, query.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			names := r.Names()
			b.ReportAllocs()
			for range b.N {
				if _, err := query.ResolveNames(q, names); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// companyName returns the name of one company of the dataset.
func companyName(r *Replica) string {
	n, _ := r.Names().Name(query.KindCompany, synth.CompanyID(companyScale/2))
	return n
}
