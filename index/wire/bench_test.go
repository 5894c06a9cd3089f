package wire

import (
	"encoding/json"
	"testing"

	"github.com/intercom-replica/intercom-replica/index/internal/synth"
)

// BenchmarkDecodeConversation decodes the benchmark's synthetic conversations (HTML bodies, 1 to 50 parts) as
// fetch and the snippets do: go test -run '^$' -bench DecodeConversation ./index/wire
func BenchmarkDecodeConversation(b *testing.B) {
	g := synth.New(1)
	var raws [][]byte
	for i := range 200 {
		raws = append(raws, g.Conversation(i, nil).JSON)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		var c Conversation
		if err := json.Unmarshal(raws[i%len(raws)], &c); err != nil {
			b.Fatal(err)
		}
	}
}
