package intercom

import (
	"testing"
	"time"
)

// TestRetryPolicy_BackoffIsBounded checks that every delay, for any attempt number and any jitter draw, lies in
// [d/2, d] with d = min(BaseDelay·2^(n-1), MaxDelay), so no retry ever waits longer than MaxDelay however many come.
func TestRetryPolicy_BackoffIsBounded(t *testing.T) {
	t.Parallel()
	p, err := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: 5 * time.Second}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []float64{0, 0.25, 0.5, 0.999999} {
		prev := time.Duration(0)
		for n := 1; n <= 200; n++ {
			d := p.BaseDelay
			for i := 1; i < n && d < p.MaxDelay; i++ {
				d *= 2
			}
			d = min(d, p.MaxDelay)
			got := p.backoff(n, func() float64 { return r })
			if got < d/2 || got > d {
				t.Fatalf("rand %v: backoff(%d) = %v, want in [%v, %v]", r, n, got, d/2, d)
			}
			if got < prev {
				t.Fatalf("rand %v: backoff(%d) = %v shrank from %v", r, n, got, prev)
			}
			prev = got
		}
	}
}

func TestRetryPolicy_Defaults(t *testing.T) {
	t.Parallel()
	p, err := RetryPolicy{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := RetryPolicy{MaxAttempts: DefaultMaxAttempts, BaseDelay: DefaultBaseDelay, MaxDelay: DefaultMaxDelay, MaxRateLimitWait: DefaultMaxRateLimitWait}
	if p != want {
		t.Errorf("defaults = %+v, want %+v", p, want)
	}
}
