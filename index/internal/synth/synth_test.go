package synth

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestConversation_ValidDeterministicJSON(t *testing.T) {
	g, again := New(1), New(1)
	var total int
	for i := 0; i < 500; i++ {
		rec := g.Conversation(i, nil)
		var v map[string]any
		if err := json.Unmarshal(rec.JSON, &v); err != nil {
			t.Fatalf("conversation %d: invalid JSON: %v\n%s", i, err, rec.JSON)
		}
		if v["id"] != rec.ID || int64(v["updated_at"].(float64)) != rec.UpdatedAt {
			t.Fatalf("conversation %d: id/updated_at disagree with the JSON", i)
		}
		if other := again.Conversation(i, nil); !bytes.Equal(other.JSON, rec.JSON) {
			t.Fatalf("conversation %d differs between two generators with the same seed", i)
		}
		total += len(rec.JSON)
	}
	if avg := total / 500; avg < 2000 || avg > 6000 {
		t.Errorf("average conversation is %d bytes, want a realistic 2-6 KB", avg)
	}
}

func TestContact_ValidJSON(t *testing.T) {
	g := New(1)
	seen := map[string]bool{}
	for i := 0; i < 500; i++ {
		rec := g.Contact(i, nil)
		var v map[string]any
		if err := json.Unmarshal(rec.JSON, &v); err != nil {
			t.Fatalf("contact %d: invalid JSON: %v\n%s", i, err, rec.JSON)
		}
		if seen[rec.ID] {
			t.Fatalf("contact id %s repeats", rec.ID)
		}
		seen[rec.ID] = true
	}
}

func BenchmarkConversation(b *testing.B) {
	g := New(1)
	var buf []byte
	var n int
	for i := 0; b.Loop(); i++ {
		rec := g.Conversation(i, buf)
		buf = rec.JSON
		n += len(rec.JSON)
	}
	b.ReportMetric(float64(n)/float64(b.N), "bytes/record")
}
