package intercom_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/sync/intercom"
)

// recordingPacer records what the client tells it. It is the shape of the syncer's budget handle, minus the budget.
type recordingPacer struct {
	mu        sync.Mutex
	events    []string
	observed  []intercom.RateLimit
	throttled []intercom.RateLimit
	waitErr   error
}

func (p *recordingPacer) Wait(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events = append(p.events, "wait")
	return p.waitErr
}

func (p *recordingPacer) Observe(rl intercom.RateLimit) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events = append(p.events, "observe")
	p.observed = append(p.observed, rl)
}

func (p *recordingPacer) Throttled(rl intercom.RateLimit) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events = append(p.events, "throttled")
	p.throttled = append(p.throttled, rl)
}

func (p *recordingPacer) Unanswered() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events = append(p.events, "unanswered")
}

// withRateLimit adds X-RateLimit-* headers before h answers.
func withRateLimit(limit, remaining int, reset int64, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
		h(w, r)
	}
}

func TestPacer_SeesEveryAttemptAndHeader(t *testing.T) {
	t.Parallel()
	const reset = 1_700_000_010
	seq := &sequence{steps: []http.HandlerFunc{
		withRateLimit(167, 3, reset, serveJSON(http.StatusServiceUnavailable, nil)),
		withRateLimit(167, 0, reset, serveJSON(http.StatusTooManyRequests, errorBody("rate_limit_exceeded", "Exceeded rate limit of 167 in 10_seconds"))),
		withRateLimit(167, 166, reset+10, serveJSON(http.StatusOK, meJSON)),
		serveJSON(http.StatusUnauthorized, errorBody("unauthorized", "Access Token Invalid")), // no headers, like Intercom
	}}
	srv := newServer(t, seq)
	pacer := &recordingPacer{}
	c, _, _ := newClient(t, srv, func(o *intercom.Options) {
		o.Pacer = pacer
		o.Now = func() time.Time { return time.Unix(reset-5, 0) }
	})

	if _, err := c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Me(context.Background()); !errors.Is(err, intercom.ErrUnauthorized) {
		t.Fatalf("second call: err = %v, want 401", err)
	}

	pacer.mu.Lock()
	defer pacer.mu.Unlock()
	wantEvents := []string{"wait", "observe", "wait", "observe", "throttled", "wait", "observe", "wait", "observe"}
	if !reflect.DeepEqual(pacer.events, wantEvents) {
		t.Errorf("events = %v\nwant     %v", pacer.events, wantEvents)
	}
	wantObserved := []intercom.RateLimit{
		{Limit: 167, Remaining: 3, HasRemaining: true, Reset: time.Unix(reset, 0)},
		{Limit: 167, Remaining: 0, HasRemaining: true, Reset: time.Unix(reset, 0)},
		{Limit: 167, Remaining: 166, HasRemaining: true, Reset: time.Unix(reset+10, 0)},
		{},
	}
	if !reflect.DeepEqual(pacer.observed, wantObserved) {
		t.Errorf("observed = %+v\nwant       %+v", pacer.observed, wantObserved)
	}
	if !reflect.DeepEqual(pacer.throttled, wantObserved[1:2]) {
		t.Errorf("throttled = %+v", pacer.throttled)
	}
	if pacer.observed[3].Known() || !pacer.observed[1].Known() {
		t.Error("Known() does not tell a response without headers from one with Remaining 0")
	}
	// The 401 had no headers, so the last known rate limit is still the 200's.
	if got := c.LastRateLimit(); !reflect.DeepEqual(got, wantObserved[2]) {
		t.Errorf("LastRateLimit = %+v", got)
	}
}

// An attempt that gets no answer is reported as such, so that a pacer counting requests in flight lets the retry go.
func TestPacer_ToldOfAttemptsWithoutAnAnswer(t *testing.T) {
	t.Parallel()
	pacer := &recordingPacer{}
	srv := newServer(t, serveJSON(http.StatusOK, meJSON))
	srv.Close() // nothing listens on its port any more
	c, _, _ := newClient(t, srv, func(o *intercom.Options) {
		o.Pacer = pacer
		o.Retry.MaxAttempts = 2
	})
	if _, err := c.Me(context.Background()); err == nil {
		t.Fatal("Me succeeded against a closed port")
	}
	pacer.mu.Lock()
	defer pacer.mu.Unlock()
	if want := []string{"wait", "unanswered", "wait", "unanswered"}; !reflect.DeepEqual(pacer.events, want) {
		t.Errorf("events = %v, want %v", pacer.events, want)
	}
}

func TestPacer_ErrorEndsTheCall(t *testing.T) {
	t.Parallel()
	seq := &sequence{steps: []http.HandlerFunc{serveJSON(http.StatusOK, meJSON)}}
	srv := newServer(t, seq)
	budgetSpent := errors.New("live reserve exhausted")
	c, _, _ := newClient(t, srv, func(o *intercom.Options) { o.Pacer = &recordingPacer{waitErr: budgetSpent} })
	_, err := c.Me(context.Background())
	if !errors.Is(err, budgetSpent) || seq.count() != 0 {
		t.Errorf("err = %v after %d requests; want the pacer's error and no request", err, seq.count())
	}
}

func TestRateLimit_UnparseableHeadersAreAbsent(t *testing.T) {
	t.Parallel()
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "lots")
		w.Header().Set("X-RateLimit-Remaining", "-1")
		w.Header().Set("X-RateLimit-Reset", "tomorrow")
		w.Write(meJSON)
	}))
	pacer := &recordingPacer{}
	c, _, _ := newClient(t, srv, func(o *intercom.Options) { o.Pacer = pacer })
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := pacer.observed[0]; got.Known() || got != (intercom.RateLimit{}) {
		t.Errorf("observed %+v, want the zero RateLimit", got)
	}
}

func TestStats_CountsAndSub(t *testing.T) {
	t.Parallel()
	list := []byte(`{"type":"list","data":[{"id":"a"}],"total_count":1,"pages":{"type":"pages","page":1,"per_page":1,"total_pages":1}}`)
	seq := &sequence{steps: []http.HandlerFunc{serveJSON(http.StatusOK, list)}}
	srv := newServer(t, seq)
	c, _, _ := newClient(t, srv, nil)
	ctx := context.Background()

	if _, err := c.ListContacts(ctx, intercom.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	before := c.Stats()
	req := intercom.SearchRequest{Query: intercom.Where("email_domain", intercom.OpEq, "example.com")}
	for range 2 {
		if _, err := c.SearchContacts(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	body, _ := req.MarshalJSON()
	got := c.Stats().Sub(before)
	want := intercom.Stats{Calls: 2, Requests: 2, BytesSent: 2 * int64(len(body)), BytesReceived: 2 * int64(len(list))}
	if got != want {
		t.Errorf("Stats().Sub = %+v\nwant           %+v", got, want)
	}
	if total := c.Stats(); total.Calls != 3 || total.BytesSent != want.BytesSent {
		t.Errorf("Stats = %+v", total)
	}
}
