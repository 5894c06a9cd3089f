package mcp

import (
	"slices"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/query"
)

// The descriptions are generated from the catalog; these tests catch a featured name or an example that the
// catalog or the parser no longer accepts.

func TestDescriptions_FeaturedFieldsExist(t *testing.T) {
	t.Parallel()
	for kind, names := range featuredFields {
		for _, name := range names {
			f, ok := query.CatalogFor(kind).Lookup(name)
			if !ok {
				t.Errorf("featured %s field %q is not in the catalog", kind, name)
				continue
			}
			if f.Name != name {
				t.Errorf("featured %s field %q is an alias of %q; feature the canonical name", kind, name, f.Name)
			}
			if !searchable(f) {
				t.Errorf("featured %s field %q cannot be searched in the replica", kind, name)
			}
		}
	}
}

func TestDescriptions_ExamplesParse(t *testing.T) {
	t.Parallel()
	for _, e := range dslExamples {
		if _, err := query.Parse(e, query.Options{}); err != nil {
			t.Errorf("example %q: %v", e, err)
		}
	}
}

func TestDescriptions_SearchListsEveryReplicaField(t *testing.T) {
	t.Parallel()
	d := searchDescription()
	for _, k := range query.Kinds() {
		for _, f := range query.CatalogFor(k).Fields() {
			if searchable(f) && !strings.Contains(d, f.Name) {
				t.Errorf("the search description does not mention %s field %s", k, f.Name)
			}
			if !searchable(f) && strings.Contains(fieldGuide(k), " "+f.Name+",") { // each kind's own list
				t.Errorf("the search description offers %s field %s, which the replica cannot search", k, f.Name)
			}
		}
	}
}

func TestFilterSchemas_EnumsComeFromTheCatalog(t *testing.T) {
	t.Parallel()
	for kind, schema := range map[query.Kind]map[string]any{
		query.KindConversation: filterSchema[query.ConversationFilter](query.KindConversation),
		query.KindContact:      filterSchema[query.ContactFilter](query.KindContact),
		query.KindCompany:      filterSchema[query.CompanyFilter](query.KindCompany),
		query.KindArticle:      filterSchema[query.ArticleFilter](query.KindArticle),
		query.KindTicket:       filterSchema[query.TicketFilter](query.KindTicket),
	} {
		props := schema["properties"].(map[string]any)
		for name, p := range props {
			f, ok := query.CatalogFor(kind).Lookup(name)
			if !ok || len(f.Enum) == 0 {
				continue
			}
			got, _ := p.(map[string]any)["enum"].([]string)
			if len(got) < len(f.Enum) || !slices.Equal(got[:len(f.Enum)], f.Enum) {
				t.Errorf("%s %s enum %v, catalog %v", kind, name, got, f.Enum)
			}
		}
		pp := props["per_page"].(map[string]any)
		// No maximum: mcp-go would refuse per_page 500 before the handler caps it to a page.
		if _, bounded := pp["maximum"]; bounded || pp["minimum"] != 1 {
			t.Errorf("%s per_page bounds %v..%v; want 1.. (capped by the handler)", kind, pp["minimum"], pp["maximum"])
		}
	}
}
