package index

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
)

// The crash test runs the test binary itself as a writer process (TestMain sees crashHelperEnv and becomes the
// writer), kills it with SIGKILL at a random moment, and checks what a restart finds: every batch the writer saw
// acknowledged is durable, the store and both derived structures agree exactly, and the next writer carries on.

const crashHelperEnv = "INDEX_CRASH_HELPER_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashHelperEnv); dir != "" {
		os.Exit(crashHelper(dir))
	}
	os.Exit(m.Run())
}

// crashBatch is batch n of the writer: three new conversations, an update to an older one, a new contact, every
// fifth batch a tombstone, and the batch number in meta, so the checker can tell which batches landed.
func crashBatch(n int) Batch {
	var b Batch
	conv := func(k, updated int) Record {
		id := strconv.Itoa(2000000 + k)
		raw := fmt.Sprintf(`{"type":"conversation","id":%q,"created_at":%d,"updated_at":%d,"state":%q,`+
			`"source":{"type":"email","body":"<p>crash word%d batch%d</p>"},"tags":{"tags":[{"id":"t%d","name":"T%d"}]}}`,
			id, 1_000_000_000+k, 1_000_000_000+updated, []string{"open", "closed", "snoozed"}[updated%3], k, n, n%4, n%4)
		return Record{Kind: query.KindConversation, ID: id, Raw: []byte(raw)}
	}
	for j := 0; j < 3; j++ {
		b.Records = append(b.Records, conv(3*n+j, n))
	}
	if n > 0 {
		b.Records = append(b.Records, conv((n*7)%(3*n), n+1))
	}
	if n > 0 && n%5 == 0 {
		b.Records = append(b.Records, Record{Kind: query.KindConversation, ID: strconv.Itoa(2000000 + (n*11)%(3*n)), Deleted: true})
	}
	b.Records = append(b.Records, Record{Kind: query.KindContact, ID: fmt.Sprintf("crash%d", n), Raw: []byte(fmt.Sprintf(
		`{"type":"contact","id":"crash%d","updated_at":%d,"role":"user","email":"c%d@crash.example.com"}`, n, 1_000_000_000+n, n))})
	b.Meta = map[string][]byte{"crash.batch": []byte(strconv.Itoa(n))}
	return b
}

// crashHelper is the writer: it opens the replica, announces itself, and applies batches after the last one the
// store holds until it is killed, printing the number of each batch Apply acknowledged.
func crashHelper(dir string) int {
	ctx := context.Background()
	r, err := Open(ctx, dir, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		return 2
	}
	next := 0
	if v, _ := r.Meta("crash.batch"); v != nil {
		n, _ := strconv.Atoi(string(v))
		next = n + 1
	}
	fmt.Println("ready")
	for ; ; next++ {
		if _, err := r.Apply(ctx, crashBatch(next)); err != nil {
			fmt.Fprintln(os.Stderr, "apply:", err)
			return 2
		}
		fmt.Println("applied", next)
	}
}

func TestCrash_KillDuringWrites(t *testing.T) {
	// Not parallel: the kill delays are counted from the writer's start, and they assume it gets a core.
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	const runs = 20
	acked := -1
	for run := 0; run < runs; run++ {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), crashHelperEnv+"="+dir)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Read acknowledgements as they come; kill at a random moment, sometimes before the writer has even
		// finished opening (catching up), mostly in the middle of its writes.
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Every fifth run counts its delay from the writer's start, the others from "ready": on a loaded machine a
		// race-enabled writer can take longer to open than any delay counted from its start.
		delay, from := time.Duration(rng.IntN(400))*time.Millisecond, "it said ready"
		var deadline <-chan time.Time
		if run%5 == 0 {
			delay, from = time.Duration(rng.IntN(60))*time.Millisecond, "its start"
			deadline = time.After(delay)
		}
		notReady := time.After(time.Minute)
		var killed bool
		ready := false
	read:
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					break read
				}
				if line == "ready" {
					ready, notReady = true, nil
					if from == "it said ready" {
						deadline = time.After(delay)
					}
				} else if n, ok := strings.CutPrefix(line, "applied "); ok {
					acked, _ = strconv.Atoi(n)
				}
			case <-notReady:
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("run %d: the writer did not open the replica within a minute: %s", run, stderr.String())
			case <-deadline:
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				killed, notReady = true, nil
				deadline = nil
			}
		}
		werr := cmd.Wait()
		var exit *exec.ExitError
		if !killed || !errors.As(werr, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("run %d: writer ended on its own (%v): %s", run, werr, stderr.String())
		}

		// Restart: acknowledged batches are durable, and store, table and index agree exactly.
		r, err := Open(context.Background(), dir, Options{})
		if err != nil {
			t.Fatalf("run %d: reopen after kill: %v", run, err)
		}
		if err := r.Check(context.Background()); err != nil {
			t.Fatalf("run %d (killed after %v, ready %v, batch %d acknowledged): %v", run, delay, ready, acked, err)
		}
		stored := -1
		if v, _ := r.Meta("crash.batch"); v != nil {
			stored, _ = strconv.Atoi(string(v))
		}
		if stored < acked || stored > acked+1 {
			t.Fatalf("run %d: store holds batches up to %d, writer saw %d acknowledged", run, stored, acked)
		}
		if stored >= 0 {
			// The newest batch's records are searchable, through free text too (the full-text index).
			res := mustSearch(t, r, mustParse(t, fmt.Sprintf("object_type:conversations q:batch%d", stored)))
			if res.Total < 3 {
				t.Fatalf("run %d: batch %d has %d searchable conversations", run, stored, res.Total)
			}
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("run %d: killed %v after %s (ready %v), %d batches stored", run, delay, from, ready, stored+1)
		if stored < 0 && run == runs-1 {
			t.Fatal("no run got a batch written: the kill window is too short for this machine")
		}
		acked = stored
	}
}
