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

// Articles and tickets are valid JSON, deterministic, and shaped as Intercom's (the fields the index reads).
func TestArticleAndTicket_ValidDeterministicJSON(t *testing.T) {
	g := New(1)
	for i := range 200 {
		for _, rec := range []struct {
			kind string
			a, b Record
		}{{"article", g.Article(i, nil), New(1).Article(i, nil)}, {"ticket", g.Ticket(i, nil), New(1).Ticket(i, nil)}} {
			if !bytes.Equal(rec.a.JSON, rec.b.JSON) {
				t.Fatalf("%s %d differs between two generators of one seed", rec.kind, i)
			}
			var v map[string]any
			if err := json.Unmarshal(rec.a.JSON, &v); err != nil {
				t.Fatalf("%s %d: %v\n%s", rec.kind, i, err, rec.a.JSON)
			}
			if v["id"] != rec.a.ID || int64(v["updated_at"].(float64)) != rec.a.UpdatedAt || v["type"] != rec.kind {
				t.Fatalf("%s %d: id/updated_at/type %v %v %v", rec.kind, i, v["id"], v["updated_at"], v["type"])
			}
		}
	}
}
