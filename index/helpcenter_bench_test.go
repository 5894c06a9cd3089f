package index

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/intercom-replica/intercom-replica/index/internal/synth"
	"github.com/intercom-replica/intercom-replica/query"
)

// Articles and tickets (issue 14): a dataset of INDEX_BENCH_ARTICLES articles and INDEX_BENCH_TICKETS tickets
// (default 100,000 each) with the benchmark's directory plus 20 collections in two help centers and the synthetic
// ticket types, built once through Apply and cached like the other datasets:
//
//	go test -run '^$' -bench 'BenchmarkArticles|BenchmarkTickets' -benchtime 200x ./index

func benchHelpCenter(b *testing.B) *Replica {
	articles := benchScaleOf("INDEX_BENCH_ARTICLES", 100_000)
	tickets := benchScaleOf("INDEX_BENCH_TICKETS", 100_000)
	name := fmt.Sprintf("helpcenter-%s-%d-%d", benchSynthVersion, articles, tickets)
	return cachedBenchReplica(b, name, func(r *Replica) error {
		if err := r.applyNamesDirectory(); err != nil {
			return err
		}
		var dir []Record
		for i := range 2 {
			id := strconv.Itoa(90 + i)
			dir = append(dir, Record{Kind: query.KindHelpCenter, ID: id,
				Raw: fmt.Appendf(nil, `{"id":%q,"display_name":"Help Center %d","identifier":"hc%d"}`, id, i, i)})
		}
		for i := range synth.CollectionCount {
			id := strconv.Itoa(900 + i)
			dir = append(dir, Record{Kind: query.KindCollection, ID: id,
				Raw: fmt.Appendf(nil, `{"id":%q,"name":"Collection %d","help_center_id":%d}`, id, i, 90+i%2)})
		}
		for i, tt := range synth.TicketTypes() {
			id := strconv.Itoa(30 + i)
			dir = append(dir, Record{Kind: query.KindTicketType, ID: id,
				Raw: fmt.Appendf(nil, `{"type":"ticket_type","id":%q,"name":%q,"category":%q}`, id, tt[0], tt[1])})
		}
		if _, err := r.Apply(context.Background(), Batch{Records: dir}); err != nil {
			return err
		}
		g := synth.New(benchSeed)
		if err := applyGenerated(r, query.KindArticle, articles, g.Article); err != nil {
			return err
		}
		return applyGenerated(r, query.KindTicket, tickets, g.Ticket)
	})
}

// BenchmarkArticles measures searches on object_type:articles: free text over every language version of title,
// description and body (articles are about eight messages long), phrases, and filters.
func BenchmarkArticles(b *testing.B) {
	benchQueries(b, benchHelpCenter(b), query.KindArticle, []benchQuery{
		{"free-text", `q:refund`},
		{"free-text-rare", `q:webhook`},
		{"free-text-two-terms", `q:billing q:invoice`},
		{"free-text-phrase", `q:"refund request"`},
		{"free-text+filters", `q:refund state:published locale:fr`},
		{"body-contains", `body:contains:password`},
		{"title-contains", `title:contains:refund`},
		{"state", `state:draft`},
		{"help-center-by-name", `help_center:"Help Center 1" state:published`},
		{"author-by-name", `author:"Teammate 3"`},
	})
}

// BenchmarkTickets measures searches on object_type:tickets: free text over title, description and parts,
// phrases, and filters on types, states, assignees by name and ticket attributes.
func BenchmarkTickets(b *testing.B) {
	benchQueries(b, benchHelpCenter(b), query.KindTicket, []benchQuery{
		{"free-text", `q:refund`},
		{"free-text-rare", `q:webhook`},
		{"free-text-two-terms", `q:billing q:invoice`},
		{"free-text-phrase", `q:"refund request"`},
		{"free-text+filters", `q:refund state:submitted ticket_type:"Refund request"`},
		{"parts-contains", `parts_body:contains:timeout`},
		{"type+state", `ticket_type:"Bug report" state:in_progress`},
		{"assignee-by-name", `admin_assignee:"Teammate 3" open:true`},
		{"attribute", `ticket_attributes.Severity:Critical`},
		{"linked", `linked_conversation_ids:exists`},
	})
}
