package query

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's DSL reference from the catalog")

const (
	readmeBegin = "<!-- BEGIN dsl-reference (owned by package query) -->\n"
	readmeEnd   = "<!-- END dsl-reference -->"
)

// TestReadme_DSLReference fails when the README's query language section differs from Reference(), which is
// generated from the catalog. go test ./query -update rewrites the section (and nothing else of the README).
func TestReadme_DSLReference(t *testing.T) {
	const path = "../README.md"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read README: %v", err)
	}
	start := bytes.Index(readme, []byte(readmeBegin))
	end := bytes.Index(readme, []byte(readmeEnd))
	if start < 0 || end < start {
		t.Fatalf("README lacks the markers %q ... %q", readmeBegin, readmeEnd)
	}
	start += len(readmeBegin)
	want := Reference()
	if got := string(readme[start:end]); got != want {
		if !*update {
			t.Fatalf("README's DSL reference is out of date with the catalog; run go test ./query -update\n--- README\n%s\n--- Reference()\n%s", got, want)
		}
		out := append(append(append([]byte(nil), readme[:start]...), want...), readme[end:]...)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCatalog_Text(t *testing.T) {
	text := CatalogFor(KindConversation).Text()
	for _, want := range []string{
		"Fields of object_type:conversations (name: type. description):\n",
		"  state: keyword: open|closed|snoozed. Conversation state.\n",
		"  statistics_time_to_admin_reply: int, seconds. Seconds until the first admin reply (office hours only).\n",
		"  tag: keyword list. Names of the conversation's tags.\n",
		"  custom_attributes.<name> (also ca.<name>): any type",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("conversation catalog text lacks %q", want)
		}
	}
	if c := CatalogFor(KindContact).Text(); !strings.Contains(c, "  tag_id: keyword list; ops eq neq in nin exists not_exists. Ids of the contact's tags.\n") {
		t.Errorf("contact catalog text does not list tag_id's own operators:\n%s", c)
	}
	// Every field appears in every rendering.
	for _, k := range Kinds() {
		c := CatalogFor(k)
		md, txt := c.Markdown(), c.Text()
		for _, f := range c.Fields() {
			if !strings.Contains(md, "| `"+f.Name+"`") || !strings.Contains(txt, "  "+f.Name+": ") {
				t.Errorf("%s: field %s missing from a rendering", k, f.Name)
			}
		}
	}
	if s := Syntax(); !strings.Contains(s, "object_type:tickets is required") {
		t.Errorf("Syntax() lacks the object_type rule")
	}
	for _, k := range Kinds() {
		if !strings.Contains(Syntax(), "object_type:"+k.Plural()) {
			t.Errorf("Syntax() does not name object_type:%s", k.Plural())
		}
	}
}
