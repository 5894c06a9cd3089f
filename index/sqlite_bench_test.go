//go:build sqlitebench

package index

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"modernc.org/libc"
	_ "modernc.org/sqlite" // pure-Go SQLite with FTS5, behind the sqlitebench tag so CI does not compile it

	"github.com/intercom-replica/intercom-replica/index/plaintext"
	"github.com/intercom-replica/intercom-replica/query"
)

// BenchmarkSQLite runs the replica and SQLite FTS5 side by side on the same generated records, the way a Python
// cache such as fast-intercom-mcp would hold them: a table with the raw JSON and typed columns for the filtered
// fields (each indexed), a table of tag names, and an FTS5 table over the text (title, subject, opening message and
// parts as plain text, through the replica's own index/plaintext, so both see the same words). Every measurement
// alternates the two engines in the same process, and every query fails the benchmark unless both report the same
// total. Run it with (the datasets are built once and cached beside the other benchmarks'):
//
//	go test -tags 'sqlitebench memory.counters' -run '^$' -bench BenchmarkSQLite -benchtime 200x -timeout 1h ./index
//
// (memory.counters makes modernc's C allocator count SQLite's heap.)
//
// Sub-benchmarks: open (five opens each, each answering the first query; memory and disk), build
// (INDEX_BENCH_BUILD conversations into empty directories, default 20,000; one build each, whatever -benchtime
// says), and one per query with p50/p99 for each engine over -benchtime runs.
func BenchmarkSQLite(b *testing.B) {
	b.Run("open", onceMetrics(benchSQLiteOpen)) // first: SQLite's allocator keeps what an earlier build mapped
	b.Run("build", onceMetrics(benchSQLiteBuild))
	r := benchReplica(b)
	db := benchSQLiteDB(b)
	ctx := context.Background()
	for _, tc := range sqliteBenchCases(b) {
		b.Run(tc.name, func(b *testing.B) {
			q, err := query.Parse(tc.dsl, query.Options{Now: benchNow})
			if err != nil {
				b.Fatal(err)
			}
			sq, err := prepareSQLiteSearch(ctx, db, q)
			if err != nil {
				b.Fatal(err)
			}
			defer sq.close()
			var res Result
			var total int
			for range 3 { // warm up both, and compare their totals
				if res, err = r.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
				if total, err = sq.run(ctx); err != nil {
					b.Fatal(err)
				}
			}
			if res.Total != total {
				b.Fatalf("%s: the replica counts %d, SQLite %d (SQL: %s)", tc.dsl, res.Total, total, sq.countSQL)
			}
			var rep, lite latencies
			for b.Loop() {
				t0 := time.Now()
				if _, err := r.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if _, err := sq.run(ctx); err != nil {
					b.Fatal(err)
				}
				rep, lite = append(rep, t1.Sub(t0)), append(lite, time.Since(t1))
			}
			b.ReportMetric(rep.pct(0.50), "replica-p50-ms")
			b.ReportMetric(rep.pct(0.99), "replica-p99-ms")
			b.ReportMetric(lite.pct(0.50), "sqlite-p50-ms")
			b.ReportMetric(lite.pct(0.99), "sqlite-p99-ms")
			b.ReportMetric(float64(total), "hits")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// onceMetrics runs measure on the first call only and reports its metrics on every call: testing runs each
// benchmark once with b.N = 1 before the run -benchtime asks for, and the open and build measurements do a fixed
// amount of work whatever b.N is (SQLite's allocator, which keeps what it mapped, would also hide a second open).
func onceMetrics(measure func(*testing.B) map[string]float64) func(*testing.B) {
	var metrics map[string]float64
	return func(b *testing.B) {
		if metrics == nil {
			metrics = measure(b)
		}
		for unit, v := range metrics {
			b.ReportMetric(v, unit)
		}
	}
}

// sqliteBenchCases are the ten conversation queries of the comparison: one of each kind in the README's table.
func sqliteBenchCases(tb testing.TB) []benchCase {
	want := []string{"filter-sorted", "filter-broad", "range-filters", "keyword-domain", "keyword-ends-with",
		"keyword-contains", "tag-and-assignee", "text-term", "text-phrase", "text-filters"}
	byName := map[string]benchCase{}
	for _, c := range benchSearchCases() {
		byName[c.name] = c
	}
	out := make([]benchCase, 0, len(want))
	for _, name := range want {
		c, ok := byName[name]
		if !ok {
			tb.Fatalf("benchSearchCases has no case %q", name)
		}
		out = append(out, c)
	}
	return out
}

// benchSQLiteBuild builds both stores from nothing, alternately, and reports records per wall and CPU second and
// disk bytes per record.
func benchSQLiteBuild(b *testing.B) map[string]float64 {
	n := 20_000
	if s := os.Getenv("INDEX_BENCH_BUILD"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			b.Fatalf("INDEX_BENCH_BUILD=%q: want a positive number of conversations", s)
		}
	}
	total := float64(n + n/10)
	m := map[string]float64{"ns/op": 0}
	dir := b.TempDir()
	r, err := Open(context.Background(), filepath.Join(dir, "replica"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	wall, cpu := buildReplica(b, r, n, nil)
	if err := r.Close(); err != nil {
		b.Fatal(err)
	}
	m["replica-records/s"] = total / wall.Seconds()
	m["replica-records/cpu-s"] = total / cpu.Seconds()
	m["replica-B/record"] = float64(benchDirBytes(b, filepath.Join(dir, "replica"))) / total

	path := filepath.Join(dir, "sqlite", "intercom.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		b.Fatal(err)
	}
	wall, cpu, err = buildSQLite(path, n)
	if err != nil {
		b.Fatal(err)
	}
	m["sqlite-records/s"] = total / wall.Seconds()
	m["sqlite-records/cpu-s"] = total / cpu.Seconds()
	m["sqlite-B/record"] = float64(benchDirBytes(b, filepath.Dir(path))) / total
	return m
}

// benchSQLiteOpen opens each cached dataset and answers the first query (filter-sorted), alternately, and reports
// the median time that took, the largest growth of the Go heap that an open left, of the process's resident memory
// (the replica) and of what SQLite's C allocator mapped (outside the Go heap; see sqliteMemoryUsed), and the
// dataset's bytes on disk per record. The replica's cached instance is closed for the measurement and reopened after.
func benchSQLiteOpen(b *testing.B) map[string]float64 {
	r := benchReplica(b)
	dir := r.dir
	litePath, built := benchSQLitePath(b)
	liteDir := filepath.Dir(litePath)
	if err := r.Close(); err != nil {
		b.Fatal(err)
	}
	benchRep = nil
	defer func() {
		benchRep, benchErr = Open(context.Background(), dir, Options{})
	}()
	ctx := context.Background()
	first := sqliteBenchCases(b)[0]
	q, err := query.Parse(first.dsl, query.Options{Now: benchNow})
	if err != nil {
		b.Fatal(err)
	}
	records := float64(benchScale() + benchScale()/10)
	m := map[string]float64{"ns/op": 0}
	m["replica-B/record"] = float64(benchDirBytes(b, dir)) / records
	m["sqlite-B/record"] = float64(benchDirBytes(b, liteDir)) / records
	var repOpen, liteOpen latencies
	most := map[string]float64{} // memory metrics: the largest growth of any round (the first, in practice)
	for range 5 {
		heap0, rss0 := benchMemory()
		t0 := time.Now()
		r, err := Open(ctx, dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		res, err := r.Search(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		repOpen = append(repOpen, time.Since(t0))
		heap1, rss1 := benchMemory()
		most["replica-heap-MiB"] = max(most["replica-heap-MiB"], float64(heap1-heap0)/(1<<20))
		most["replica-rss-MiB"] = max(most["replica-rss-MiB"], float64(rss1-rss0)/(1<<20))
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
		r = nil

		heap0, _ = benchMemory()
		lite0 := sqliteMemoryUsed(b)
		t0 = time.Now()
		db, err := sql.Open("sqlite", sqliteDSN(litePath))
		if err != nil {
			b.Fatal(err)
		}
		sq, err := prepareSQLiteSearch(ctx, db, q)
		if err != nil {
			b.Fatal(err)
		}
		total, err := sq.run(ctx)
		if err != nil {
			b.Fatal(err)
		}
		liteOpen = append(liteOpen, time.Since(t0))
		lite1 := sqliteMemoryUsed(b)
		heap1, _ = benchMemory()
		most["sqlite-heap-MiB"] = max(most["sqlite-heap-MiB"], float64(heap1-heap0)/(1<<20))
		most["sqlite-mem-MiB"] = max(most["sqlite-mem-MiB"], float64(lite1-lite0)/(1<<20))
		sq.close()
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		if total != res.Total {
			b.Fatalf("%s: the replica counts %d, SQLite %d", first.dsl, res.Total, total)
		}
	}
	if built {
		// modernc's allocator keeps what it mapped, so the build's memory would hide the open's.
		b.Log("SQLite's heap is not reported: its dataset was built in this process (run again to measure it)")
		delete(most, "sqlite-mem-MiB")
	}
	maps.Copy(m, most)
	m["replica-open-ms"] = repOpen.pct(0.5)
	m["sqlite-open-ms"] = liteOpen.pct(0.5)
	return m
}

// benchMemory collects garbage, returns freed memory to the system, and reports the Go heap in use and the
// process's resident set (0 where /proc is missing).
func benchMemory() (heap, rss int64) {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	status, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for line := range strings.Lines(string(status)) {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				rss = kb << 10
			}
		}
	}
	return int64(ms.HeapAlloc), rss
}

// sqliteMemoryUsed is the memory modernc's C allocator has mapped in this process: SQLite's heap, outside the Go
// heap. The allocator keeps what it mapped, so only growth says something. The allocator counts only
// when built with the memory.counters tag, so it fails without it rather than report nothing as zero.
func sqliteMemoryUsed(tb testing.TB) int64 {
	st := libc.MemStat()
	if st.Allocs == 0 {
		tb.Fatal("SQLite's heap is counted only with the memory.counters build tag: run with -tags 'sqlitebench memory.counters'")
	}
	return int64(st.Bytes)
}

// benchDirBytes is the size of the files under dir.
func benchDirBytes(tb testing.TB, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// sqliteBenchVersion names the SQLite dataset's schema; bump it when sqliteSchema changes.
const sqliteBenchVersion = "v1"

// benchSQLitePath returns the cached SQLite database of benchScale() conversations, building it on first use, and
// whether it was built by this process.
func benchSQLitePath(tb testing.TB) (path string, built bool) {
	dir, err := benchDataset("intercom-replica-bench-sqlite-"+benchSynthVersion+sqliteBenchVersion, func(dir string, n int) error {
		built = true
		wall, cpu, err := buildSQLite(filepath.Join(dir, "intercom.db"), n)
		if err == nil {
			total := n + n/10
			fmt.Fprintf(os.Stderr, "built %d SQLite records in %v: %.0f records/s wall, %.0f records per CPU second\n",
				total, wall.Round(time.Second), float64(total)/wall.Seconds(), float64(total)/cpu.Seconds())
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return filepath.Join(dir, "intercom.db"), built
}

// benchSQLiteDB opens the cached SQLite dataset for the length of the benchmark.
func benchSQLiteDB(b *testing.B) *sql.DB {
	path, _ := benchSQLitePath(b)
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return db
}

// sqliteDSN opens path in WAL mode with every commit durable (synchronous=FULL), as the replica's Apply is.
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)"
}

// sqliteSchema is the cache's layout. Keyword columns compare case-insensitively (NOCASE, ASCII only; the
// replica lower-cases Unicode), as the replica's keywords do. conv_fts keeps its text (snippets need it); the
// parts are joined with a "¶" token between them, so that a phrase cannot run from one part into the next (the
// replica indexes each part in its own slot).
const sqliteSchema = `
CREATE TABLE conversations (
	rowid INTEGER PRIMARY KEY,
	id TEXT NOT NULL UNIQUE,
	created_at INTEGER,
	updated_at INTEGER,
	state TEXT COLLATE NOCASE,
	source_type TEXT COLLATE NOCASE,
	source_author_email TEXT COLLATE NOCASE,
	source_author_email_domain TEXT COLLATE NOCASE,
	admin_assignee_id INTEGER,
	raw TEXT NOT NULL
);
CREATE INDEX conversations_created_at ON conversations(created_at);
CREATE INDEX conversations_updated_at ON conversations(updated_at);
CREATE INDEX conversations_state ON conversations(state);
CREATE INDEX conversations_source_type ON conversations(source_type);
CREATE INDEX conversations_author_email ON conversations(source_author_email);
CREATE INDEX conversations_author_email_domain ON conversations(source_author_email_domain);
CREATE INDEX conversations_admin_assignee_id ON conversations(admin_assignee_id);
CREATE TABLE conversation_tags (
	tag TEXT NOT NULL COLLATE NOCASE,
	conversation INTEGER NOT NULL,
	PRIMARY KEY (tag, conversation)
) WITHOUT ROWID;
CREATE INDEX conversation_tags_conversation ON conversation_tags(conversation);
CREATE VIRTUAL TABLE conv_fts USING fts5(title, subject, body, parts,
	tokenize = "porter unicode61 remove_diacritics 0 tokenchars '¶'");
CREATE TABLE contacts (
	id TEXT PRIMARY KEY,
	updated_at INTEGER,
	email TEXT COLLATE NOCASE,
	email_domain TEXT COLLATE NOCASE,
	raw TEXT NOT NULL
);
CREATE INDEX contacts_email_domain ON contacts(email_domain);
`

// sqliteConversation is the part of a conversation's JSON the cache keeps in columns.
type sqliteConversation struct {
	CreatedAt       int64  `json:"created_at"`
	UpdatedAt       int64  `json:"updated_at"`
	State           string `json:"state"`
	AdminAssigneeID *int64 `json:"admin_assignee_id"`
	Title           string `json:"title"`
	Source          struct {
		Type    string `json:"type"`
		Subject string `json:"subject"`
		Body    string `json:"body"`
		Author  struct {
			Email string `json:"email"`
		} `json:"author"`
	} `json:"source"`
	Tags struct {
		Tags []struct {
			Name string `json:"name"`
		} `json:"tags"`
	} `json:"tags"`
	Parts struct {
		Parts []struct {
			Body string `json:"body"`
		} `json:"conversation_parts"`
	} `json:"conversation_parts"`
}

// sqliteContact is the part of a contact's JSON the cache keeps in columns.
type sqliteContact struct {
	UpdatedAt   int64  `json:"updated_at"`
	Email       string `json:"email"`
	EmailDomain string `json:"email_domain"`
}

// buildSQLite creates the database at path and upserts benchBatches(n) into it, a transaction per batch. It
// returns the elapsed wall and CPU time (generating the records included, as for buildReplica).
func buildSQLite(path string, n int) (time.Duration, time.Duration, error) {
	ctx := context.Background()
	// SQLite would create the file 0644 (and its -wal and -shm files with the same mode).
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		return 0, 0, err
	}
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, sqliteSchema); err != nil {
		return 0, 0, fmt.Errorf("schema: %w", err)
	}
	start, cpu := time.Now(), cpuTime()
	for recs := range benchBatches(n) {
		if err := upsertSQLite(ctx, db, recs); err != nil {
			return 0, 0, err
		}
	}
	return time.Since(start), cpuTime() - cpu, nil
}

// upsertSQLite writes one batch in one transaction: each conversation's row (replaced if present), its tags and
// its text; each contact's row.
func upsertSQLite(ctx context.Context, db *sql.DB, recs []Record) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmts := map[string]*sql.Stmt{}
	exec := func(query string, args ...any) error {
		st := stmts[query]
		if st == nil {
			if st, err = tx.PrepareContext(ctx, query); err != nil {
				return fmt.Errorf("prepare %s: %w", query, err)
			}
			stmts[query] = st
		}
		_, err := st.ExecContext(ctx, args...)
		return err
	}
	for _, rec := range recs {
		if rec.Kind == query.KindContact {
			var c sqliteContact
			if err := json.Unmarshal(rec.Raw, &c); err != nil {
				return fmt.Errorf("contact %s: %w", rec.ID, err)
			}
			if err := exec(`INSERT OR REPLACE INTO contacts(id, updated_at, email, email_domain, raw) VALUES (?, ?, ?, ?, ?)`,
				rec.ID, c.UpdatedAt, c.Email, c.EmailDomain, string(rec.Raw)); err != nil {
				return err
			}
			continue
		}
		var c sqliteConversation
		if err := json.Unmarshal(rec.Raw, &c); err != nil {
			return fmt.Errorf("conversation %s: %w", rec.ID, err)
		}
		email := c.Source.Author.Email
		var domain string
		if at := strings.LastIndexByte(email, '@'); at >= 0 {
			domain = email[at+1:]
		}
		var rowid int64
		err := tx.QueryRowContext(ctx, `INSERT INTO conversations(id, created_at, updated_at, state, source_type,
			source_author_email, source_author_email_domain, admin_assignee_id, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at,
			state = excluded.state, source_type = excluded.source_type, source_author_email = excluded.source_author_email,
			source_author_email_domain = excluded.source_author_email_domain,
			admin_assignee_id = excluded.admin_assignee_id, raw = excluded.raw
			RETURNING rowid`, rec.ID, c.CreatedAt, c.UpdatedAt, c.State, c.Source.Type, email, domain,
			c.AdminAssigneeID, string(rec.Raw)).Scan(&rowid)
		if err != nil {
			return fmt.Errorf("conversation %s: %w", rec.ID, err)
		}
		if err := exec(`DELETE FROM conversation_tags WHERE conversation = ?`, rowid); err != nil {
			return err
		}
		for _, t := range c.Tags.Tags {
			if err := exec(`INSERT OR IGNORE INTO conversation_tags(tag, conversation) VALUES (?, ?)`, t.Name, rowid); err != nil {
				return err
			}
		}
		var parts []string
		for _, p := range c.Parts.Parts {
			if t := plaintext.String(p.Body); t != "" {
				parts = append(parts, t)
			}
		}
		if err := exec(`DELETE FROM conv_fts WHERE rowid = ?`, rowid); err != nil {
			return err
		}
		if err := exec(`INSERT INTO conv_fts(rowid, title, subject, body, parts) VALUES (?, ?, ?, ?, ?)`, rowid,
			plaintext.String(c.Title), plaintext.String(c.Source.Subject), plaintext.String(c.Source.Body),
			strings.Join(parts, "\n¶\n")); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// sqliteSearch is one query of the DSL as the cache would run it: a count for the total and a page of 20 (most
// recently updated first; with free text, by FTS5's bm25 rank with a snippet of each hit).
type sqliteSearch struct {
	count, page *sql.Stmt
	args        []any
	countSQL    string
}

// sqliteColumns are the filtered fields the cache keeps in columns of conversations.
var sqliteColumns = map[string]bool{"created_at": true, "updated_at": true, "state": true, "source_type": true,
	"source_author_email": true, "source_author_email_domain": true, "admin_assignee_id": true}

// prepareSQLiteSearch translates q into SQL and prepares it. It fails for anything the translation does not cover,
// rather than run something with other semantics.
func prepareSQLiteSearch(ctx context.Context, db *sql.DB, q query.Query) (*sqliteSearch, error) {
	if q.Kind != query.KindConversation {
		return nil, fmt.Errorf("the SQLite comparison covers conversations only, not %s", q.Kind)
	}
	var where []string
	var args []any
	if len(q.Text) > 0 {
		words := make([]string, len(q.Text))
		for i, t := range q.Text {
			// A quoted string is one word or, with several, a phrase; FTS5 stems and case-folds it like the text.
			words[i] = `"` + strings.ReplaceAll(t.Text, `"`, `""`) + `"`
		}
		where = append(where, "conv_fts MATCH ?")
		args = append(args, strings.Join(words, " AND "))
	}
	for _, t := range q.Terms {
		name := t.Field.Name
		if len(t.Values) != 1 {
			return nil, fmt.Errorf("%s:%s: not translated to SQL", name, t.Op)
		}
		v := t.Values[0]
		var arg any = v.Str
		switch t.Field.Type {
		case query.TypeInt, query.TypeTimestamp:
			arg = v.Int
		}
		if name == "tag" && t.Op == query.OpEq {
			where = append(where, "c.rowid IN (SELECT conversation FROM conversation_tags WHERE tag = ?)")
			args = append(args, arg)
			continue
		}
		if !sqliteColumns[name] {
			return nil, fmt.Errorf("%s: not a column of the SQLite cache", name)
		}
		switch t.Op {
		case query.OpEq:
			if t.Field.Type == query.TypeTimestamp {
				return nil, fmt.Errorf("%s:eq (a whole day): not translated to SQL", name)
			}
			where = append(where, "c."+name+" = ?")
		case query.OpGt, query.OpGte, query.OpLt, query.OpLte:
			where = append(where, "c."+name+" "+map[query.Op]string{query.OpGt: ">", query.OpGte: ">=",
				query.OpLt: "<", query.OpLte: "<="}[t.Op]+" ?")
		case query.OpEndsWith, query.OpStartsWith, query.OpContains:
			// LIKE is case-insensitive for ASCII, as NOCASE is.
			pat := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(v.Str)
			switch t.Op {
			case query.OpEndsWith:
				pat = "%" + pat
			case query.OpStartsWith:
				pat += "%"
			default:
				pat = "%" + pat + "%"
			}
			where = append(where, "c."+name+` LIKE ? ESCAPE '\'`)
			arg = pat
		default:
			return nil, fmt.Errorf("%s:%s: not translated to SQL", name, t.Op)
		}
		args = append(args, arg)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var countSQL, pageSQL string
	if len(q.Text) > 0 {
		from := " FROM conv_fts JOIN conversations c ON c.rowid = conv_fts.rowid"
		countSQL = "SELECT count(*)" + from + cond
		if len(q.Terms) == 0 {
			countSQL = "SELECT count(*) FROM conv_fts" + cond
		}
		pageSQL = "SELECT c.id, c.updated_at, c.state, snippet(conv_fts, -1, '**', '**', '…', 12)" + from + cond +
			" ORDER BY rank LIMIT 20"
	} else {
		from := " FROM conversations c"
		countSQL = "SELECT count(*)" + from + cond
		pageSQL = "SELECT c.id, c.updated_at, c.state, c.source_author_email" + from + cond +
			" ORDER BY c.updated_at DESC, c.id DESC LIMIT 20"
	}
	s := &sqliteSearch{args: args, countSQL: countSQL}
	var err error
	if s.count, err = db.PrepareContext(ctx, countSQL); err != nil {
		return nil, fmt.Errorf("%s: %w", countSQL, err)
	}
	if s.page, err = db.PrepareContext(ctx, pageSQL); err != nil {
		s.count.Close()
		return nil, fmt.Errorf("%s: %w", pageSQL, err)
	}
	return s, nil
}

// run returns the total and reads the page.
func (s *sqliteSearch) run(ctx context.Context) (int, error) {
	var total int
	if err := s.count.QueryRowContext(ctx, s.args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("%s: %w", s.countSQL, err)
	}
	rows, err := s.page.QueryContext(ctx, s.args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var id, a, c string
	var updated int64
	for rows.Next() {
		if err := rows.Scan(&id, &updated, &a, &c); err != nil {
			return 0, err
		}
	}
	return total, rows.Err()
}

func (s *sqliteSearch) close() {
	s.count.Close()
	s.page.Close()
}
