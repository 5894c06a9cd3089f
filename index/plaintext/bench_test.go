package plaintext

import (
	"encoding/json"
	"testing"

	"github.com/intercom-replica/intercom-replica/index/internal/synth"
)

// benchBodies returns the message bodies (opening messages and parts) of the first n synthetic conversations: the
// HTML the index build feeds FromHTML, and their total size.
func benchBodies(b *testing.B, n int) ([]string, int64) {
	b.Helper()
	g := synth.New(1)
	var bodies []string
	var size int64
	for i := 0; i < n; i++ {
		var c struct {
			Source struct {
				Body string `json:"body"`
			} `json:"source"`
			Parts struct {
				Parts []struct {
					Body *string `json:"body"`
				} `json:"conversation_parts"`
			} `json:"conversation_parts"`
		}
		if err := json.Unmarshal(g.Conversation(i, nil).JSON, &c); err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, c.Source.Body)
		for _, p := range c.Parts.Parts {
			if p.Body != nil {
				bodies = append(bodies, *p.Body)
			}
		}
	}
	for _, s := range bodies {
		size += int64(len(s))
	}
	return bodies, size
}

// BenchmarkFromHTML is the words rendering over the bodies of 2,000 synthetic conversations (what the index build
// does for every part): go test -run '^$' -bench . ./index/plaintext
func BenchmarkFromHTML(b *testing.B) {
	bodies, size := benchBodies(b, 2000)
	b.SetBytes(size)
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		for _, s := range bodies {
			buf = FromHTML(buf[:0], s)
		}
	}
}

// BenchmarkReadable is the readable rendering over the same bodies (what get_conversation and fetch do per part).
func BenchmarkReadable(b *testing.B) {
	bodies, size := benchBodies(b, 2000)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range bodies {
			_ = Readable(s)
		}
	}
}
