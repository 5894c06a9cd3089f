package intercom

import (
	"encoding/json"
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

func TestFlex_Decoding(t *testing.T) {
	t.Parallel()
	strs := map[string]string{`"abc"`: "abc", `123`: "123", `-4`: "-4", `null`: "", `"\u00e9"`: "é", `1.5e3`: "1.5e3"}
	for in, want := range strs {
		var s flexString
		if err := json.Unmarshal([]byte(in), &s); err != nil || string(s) != want {
			t.Errorf("flexString(%s) = %q, %v; want %q", in, s, err, want)
		}
	}
	for _, in := range []string{`true`, `{}`, `[]`} {
		var s flexString
		if err := json.Unmarshal([]byte(in), &s); err == nil {
			t.Errorf("flexString(%s) accepted", in)
		}
	}
	ints := map[string]int64{`5`: 5, `"5017691"`: 5017691, `null`: 0, `""`: 0, `1.7e9`: 1700000000, `-3`: -3, `"1e3"`: 1000}
	for in, want := range ints {
		var n flexInt
		if err := json.Unmarshal([]byte(in), &n); err != nil || int64(n) != want {
			t.Errorf("flexInt(%s) = %d, %v; want %d", in, n, err, want)
		}
	}
	for _, in := range []string{`1.5`, `"x"`, `true`, `{}`, `1e300`} {
		var n flexInt
		if err := json.Unmarshal([]byte(in), &n); err == nil {
			t.Errorf("flexInt(%s) accepted as %d", in, n)
		}
	}
}
