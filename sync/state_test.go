package sync

import "testing"

func TestCount_SingularForOne(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    int64
		noun string
		want string
	}{
		{1, "request", "1 request"},
		{0, "request", "0 requests"},
		{2, "request", "2 requests"},
		{-1, "request", "-1 request"},
		{1, "batch", "1 batch"},
		{3, "batch", "3 batches"},
		{2, "live lookup", "2 live lookups"},
		{5, "pass", "5 passes"},
	} {
		if got := Count(tc.n, tc.noun); got != tc.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tc.n, tc.noun, got, tc.want)
		}
	}
}
