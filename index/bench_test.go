package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/index/internal/synth"
	"github.com/intercom-replica/intercom-replica/query"
)

// Benchmarks run on a synthetic workspace of realistic conversations (internal/synth: parts, HTML bodies, Zipfian
// vocabulary, support topics, the perf notes' distributions) and a tenth as many contacts, built once through
// Apply and cached on disk between runs:
//
//	go test -run '^$' -bench . -benchtime 200x ./index                                  # 100k conversations
//	INDEX_BENCH_SCALE=1000000 go test -run '^$' -bench . -benchtime 200x -timeout 2h ./index   # 1M
//
// INDEX_BENCH_DIR sets where datasets are cached (default: the system temp directory). Build benchmarks do their
// work once per iteration and are meant for -benchtime 1x. Latencies are reported as p50-ms/p99-ms metrics;
// throughputs per wall-clock second and per CPU second of this process (the machine is shared, so the second
// says what the design costs whatever else is running).

const benchSeed = 1

// benchSynthVersion names the dataset's shape; bump it when the generator or the replica's layout changes so
// stale caches are rebuilt.
const benchSynthVersion = "v1"

func benchScale() int {
	if s := os.Getenv("INDEX_BENCH_SCALE"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return 100_000
}

func benchRoot() string {
	if d := os.Getenv("INDEX_BENCH_DIR"); d != "" {
		return d
	}
	return os.TempDir()
}

// cpuTime returns the user+system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchBatches generates conversations 0..n-1 and then contacts 0..n/10-1 in batches of 1,000, ahead of the
// consumer (one batch is generated while the previous one is written): what every benchmark build loads.
func benchBatches(n int) <-chan []Record {
	g := synth.New(benchSeed)
	const batch = 1000
	out := make(chan []Record, 2)
	contacts := n / 10
	go func() {
		defer close(out)
		for from := 0; from < n+contacts; from += batch {
			to := min(from+batch, n+contacts)
			var recs []Record
			for i := from; i < to; i++ {
				if i < n {
					rec := g.Conversation(i, nil)
					recs = append(recs, Record{Kind: query.KindConversation, ID: rec.ID, UpdatedAt: rec.UpdatedAt, Raw: rec.JSON})
				} else {
					rec := g.Contact(i-n, nil)
					recs = append(recs, Record{Kind: query.KindContact, ID: rec.ID, UpdatedAt: rec.UpdatedAt, Raw: rec.JSON})
				}
			}
			out <- recs
		}
	}()
	return out
}

// buildReplica applies benchBatches(n) to the replica (the sync path). It returns the elapsed wall and CPU time.
func buildReplica(tb testing.TB, r *Replica, n int, logf func(string, ...any)) (time.Duration, time.Duration) {
	contacts := n / 10
	start, cpu := time.Now(), cpuTime()
	last := start
	done := 0
	for recs := range benchBatches(n) {
		done += len(recs)
		if _, err := r.Apply(context.Background(), Batch{Records: recs,
			Meta: map[string][]byte{"bench.built": []byte(strconv.Itoa(done))}}); err != nil {
			tb.Fatalf("apply: %v", err)
		}
		if logf != nil && time.Since(last) > 30*time.Second {
			last = time.Now()
			logf("built %d of %d records, %.0f/s", done, n+contacts, float64(done)/time.Since(start).Seconds())
		}
	}
	return time.Since(start), cpuTime() - cpu
}

var (
	benchOnce sync.Once
	benchRep  *Replica
	benchErr  error
)

// benchDataset returns the directory of the cached dataset called name (of benchScale() conversations) under
// benchRoot(), calling build on an empty directory first if it is missing or was left incomplete.
func benchDataset(name string, build func(dir string, n int) error) (string, error) {
	n := benchScale()
	dir := filepath.Join(benchRoot(), fmt.Sprintf("%s-%d", name, n))
	complete := filepath.Join(dir, "complete")
	if _, err := os.Stat(complete); err == nil {
		return dir, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	fmt.Fprintf(os.Stderr, "building the %d-conversation benchmark dataset in %s (once)\n", n, dir)
	if err := build(dir, n); err != nil {
		return "", err
	}
	return dir, os.WriteFile(complete, []byte(time.Now().Format(time.RFC3339)), 0o600)
}

// benchReplica returns the cached replica of benchScale() conversations, building it on first use.
func benchReplica(b *testing.B) *Replica {
	benchOnce.Do(func() {
		var dir string
		dir, benchErr = benchDataset("intercom-replica-bench-"+benchSynthVersion, func(dir string, n int) error {
			r, err := Open(context.Background(), dir, Options{})
			if err != nil {
				return err
			}
			wall, cpu := buildReplica(b, r, n, func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) })
			total := n + n/10
			fmt.Fprintf(os.Stderr, "built %d records in %v: %.0f records/s wall, %.0f records per CPU second\n",
				total, wall.Round(time.Second), float64(total)/wall.Seconds(), float64(total)/cpu.Seconds())
			return r.Close()
		})
		if benchErr != nil {
			return
		}
		start := time.Now()
		benchRep, benchErr = Open(context.Background(), dir, Options{})
		if benchErr == nil {
			fmt.Fprintf(os.Stderr, "opened the %d-conversation dataset in %v\n", benchScale(), time.Since(start).Round(time.Millisecond))
			// What Open leaves to the background (the snapshot's checksums, the segments' ordinals: about a second
			// of both cores at 1M) is not the first queries' time.
			benchRep.verifying.Wait()
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchRep
}

// latencies records durations and reports percentiles.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	b.ReportMetric(l.pct(0.50), "p50-ms")
	b.ReportMetric(l.pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op") // wall time per op is p50 here; ns/op would include the harness
}

// pct returns the p-th quantile (0..1) in milliseconds, sorting l.
func (l latencies) pct(p float64) float64 {
	if len(l) == 0 {
		return 0
	}
	slices.Sort(l)
	return float64(l[min(len(l)-1, int(p*float64(len(l))))].Microseconds()) / 1000
}

// benchNow is the instant relative times in benchmark queries are resolved against: the generator's epoch.
func benchNow() time.Time { return time.Unix(synth.Epoch, 0) }

// benchCase is one benchmark query: a name and its DSL.
type benchCase struct {
	name string
	dsl  string
}

// benchSearchCases are the query shapes of issue 4 (and a few more): BenchmarkSearch's, and the README table's.
func benchSearchCases() []benchCase {
	return []benchCase{
		{"filter-sorted", "object_type:conversations state:open source_type:email"},
		{"filter-broad", "object_type:conversations state:closed"},
		{"range-filters", "object_type:conversations created_at:gte:180d state:open"},
		{"range-only", "object_type:conversations created_at:gte:365d created_at:lt:180d"},
		{"keyword-domain", "object_type:conversations source_author_email_domain:example.com"},
		{"keyword-ends-with", "object_type:conversations source_author_email:ends_with:@example.com"},
		{"keyword-contains", "object_type:conversations source_author_email:contains:smith"},
		{"tag-and-assignee", "object_type:conversations tag:VIP admin_assignee_id:7003"},
		{"text-term", "object_type:conversations q:refund"},
		{"text-term-rare", "object_type:conversations q:webhook"},
		{"text-two-terms", "object_type:conversations q:billing q:invoice"},
		{"text-phrase", "object_type:conversations q:\"refund request\""},
		{"text-filters", "object_type:conversations q:\"billing issue\" state:open source_type:email"},
		{"contains-source-body", "object_type:conversations source_body:contains:refund"},
		{"contains-body-phrase", "object_type:conversations source_body:contains:\"refund request\""},
		{"contacts-email", "object_type:contacts email_domain:example.com"},
		{"contacts-text", "object_type:contacts q:smith"},
	}
}

// BenchmarkSearch measures the query shapes of issue 4 (and a few more) on the benchmark dataset.
func BenchmarkSearch(b *testing.B) {
	r := benchReplica(b)
	cases := benchSearchCases()
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			q, err := query.Parse(tc.dsl, query.Options{Now: benchNow})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			var res Result
			for range 3 { // warm up
				if res, err = r.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			var lat latencies
			for b.Loop() {
				t0 := time.Now()
				if _, err := r.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			lat.report(b)
			b.ReportMetric(float64(res.Total), "hits")
		})
	}
}

// BenchmarkSearchUncached measures keyword patterns that the dictionary has not seen before (BenchmarkSearch repeats
// one query, whose contains set the dictionary caches): each iteration asks for a different substring.
func BenchmarkSearchUncached(b *testing.B) {
	r := benchReplica(b)
	ctx := context.Background()
	for _, tc := range []struct{ name, format string }{
		{"keyword-contains", "object_type:conversations source_author_email:contains:%03d@"},
		{"keyword-ends-with", "object_type:conversations source_author_email:ends_with:%d.com"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var lat latencies
			i := 0
			for b.Loop() {
				q, err := query.Parse(fmt.Sprintf(tc.format, i%1000), query.Options{Now: benchNow})
				if err != nil {
					b.Fatal(err)
				}
				i++
				t0 := time.Now()
				if _, err := r.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			lat.report(b)
		})
	}
}

// BenchmarkSearchPage compares the first page of a broad filter, and of a relevance-ranked search, with page 50
// reached through cursors.
func BenchmarkSearchPage(b *testing.B) {
	r := benchReplica(b)
	for _, tc := range []struct {
		name string
		dsl  string
	}{
		{"filter", "object_type:conversations state:closed"},
		{"relevance", "object_type:conversations q:refund"},
	} {
		q, err := query.Parse(tc.dsl, query.Options{Now: benchNow})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		// Walk to page 50 once to get its cursor.
		page50 := q
		for range 49 {
			res, err := r.Search(ctx, page50)
			if err != nil {
				b.Fatal(err)
			}
			page50.StartingAfter = res.Next
		}
		for _, p := range []struct {
			name string
			q    query.Query
		}{{"page1", q}, {"page50", page50}} {
			b.Run(tc.name+"-"+p.name, func(b *testing.B) {
				var lat latencies
				for b.Loop() {
					t0 := time.Now()
					if _, err := r.Search(ctx, p.q); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t0))
				}
				lat.report(b)
			})
		}
	}
}

// BenchmarkGet measures fetching a record by id from the store.
func BenchmarkGet(b *testing.B) {
	r := benchReplica(b)
	n := benchScale()
	rng := rand.New(rand.NewPCG(1, 2))
	ctx := context.Background()
	var lat latencies
	for b.Loop() {
		id := synth.ConversationID(rng.IntN(n))
		t0 := time.Now()
		if _, err := r.Get(ctx, query.KindConversation, id); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1000, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1000, "p99-µs")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkBuild measures the sync write path on an empty replica: Apply in batches of 1,000 (store, column table
// and full-text index, every batch durable before Apply returns). Run with -benchtime 1x; INDEX_BENCH_BUILD sets
// the number of conversations (default: the benchmark scale).
func BenchmarkBuild(b *testing.B) {
	n := benchScale()
	if s := os.Getenv("INDEX_BENCH_BUILD"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	for b.Loop() {
		dir := b.TempDir()
		r, err := Open(context.Background(), dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		wall, cpu := buildReplica(b, r, n, nil)
		total := n + n/10
		b.ReportMetric(float64(total)/wall.Seconds(), "records/s")
		b.ReportMetric(float64(total)/cpu.Seconds(), "records/cpu-s")
		st, _ := r.Status(context.Background())
		b.ReportMetric(float64(st.StoreBytes)/float64(total), "store-B/record")
		b.ReportMetric(float64(st.IndexBytes)/float64(total), "index-B/record")
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReindex measures rebuilding every full-text index from the store of the benchmark dataset (what a
// mapping change or a lost index directory costs). Run with -benchtime 1x.
func BenchmarkReindex(b *testing.B) {
	r := benchReplica(b)
	st, err := r.Status(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	total := 0
	for _, k := range st.Kinds {
		total += k.Records
	}
	for b.Loop() {
		start, cpu := time.Now(), cpuTime()
		if err := r.Reindex(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
		wall, used := time.Since(start), cpuTime()-cpu
		b.ReportMetric(wall.Seconds(), "s")
		b.ReportMetric(float64(total)/wall.Seconds(), "records/s")
		b.ReportMetric(float64(total)/used.Seconds(), "records/cpu-s")
	}
}

// BenchmarkOpen measures opening the benchmark dataset (loading the column table from the stored rows) and the
// memory the open replica holds: the Go heap after a collection, and the column tables' own estimate.
func BenchmarkOpen(b *testing.B) {
	r := benchReplica(b)
	dir := r.dir
	if err := r.Close(); err != nil {
		b.Fatal(err)
	}
	benchRep = nil
	defer func() {
		benchRep, benchErr = Open(context.Background(), dir, Options{})
	}()
	for b.Loop() {
		r, err := Open(context.Background(), dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
		st, err := r.Status(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		tableBytes := 0
		for _, k := range st.Kinds {
			tableBytes += k.TableBytes
		}
		b.ReportMetric(float64(tableBytes)/(1<<20), "table-MiB")
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
		r = nil
		runtime.GC()
		b.StartTimer()
	}
}

// BenchmarkTextIndexWrite measures the full-text half of Apply alone: 5,000 conversations already extracted,
// written to a new kind index in batches of 1,000 (documents, analysis, segments, each batch durable). Short enough
// to interleave many runs of two versions on a busy machine.
func BenchmarkTextIndexWrite(b *testing.B) {
	s, err := newSchema(query.KindConversation)
	if err != nil {
		b.Fatal(err)
	}
	g := synth.New(benchSeed)
	const n, batch = 5000, 1000
	docs := make([]*doc, n)
	for i := range docs {
		rec := g.Conversation(i, nil)
		d, err := extract(query.KindConversation, rec.JSON)
		if err != nil {
			b.Fatal(err)
		}
		d.ord = uint32(i)
		docs[i] = &d
	}
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		ti, err := createTextIndex(filepath.Join(b.TempDir(), "ix"), s, false)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		used := cpuTime()
		for from := 0; from < n; from += batch {
			if err := ti.write(docs[from:from+batch], nil, uint64(from/batch+1), true, nil); err != nil {
				b.Fatal(err)
			}
		}
		cpu += cpuTime() - used
		b.StopTimer()
		if err := ti.close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "records/cpu-s")
}

// BenchmarkSnippets measures the snippets of one page of free-text hits alone (the records read, decoded and
// searched for the query's words), the part of a free-text search that grows with the hits' length.
func BenchmarkSnippets(b *testing.B) {
	r := benchReplica(b)
	for _, dsl := range []string{"object_type:conversations q:refund", `object_type:conversations q:"refund request"`} {
		b.Run(dsl, func(b *testing.B) {
			q, err := query.Parse(dsl+" limit:20", query.Options{Now: benchNow})
			if err != nil {
				b.Fatal(err)
			}
			res, err := r.Search(context.Background(), q)
			if err != nil || len(res.Hits) == 0 {
				b.Fatalf("%d hits, %v", len(res.Hits), err)
			}
			ks := r.kinds[query.KindConversation]
			text, err := ks.schema.checkQuery(q)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := r.addSnippets(ks, res.Hits, text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
