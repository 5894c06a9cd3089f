package query

import (
	"sort"
	"strings"
)

// hints returns the fields a name models commonly guess means, where spelling distance would not find them.
func hints(key string) []string {
	switch key {
	case "type":
		return []string{"object_type"}
	case "object":
		return []string{"object_type"}
	case "kind":
		return []string{"object_type"}
	case "objecttype":
		return []string{"object_type"}
	case "text":
		return []string{"q"}
	case "query":
		return []string{"q"}
	case "search":
		return []string{"q"}
	case "keyword":
		return []string{"q"}
	case "keywords":
		return []string{"q"}
	case "body":
		return []string{"q", "source_body", "parts_body"}
	case "message":
		return []string{"q", "source_body", "parts_body"}
	case "content":
		return []string{"q", "source_body", "parts_body"}
	case "subject":
		return []string{"source_subject"}
	case "size":
		return []string{"limit"}
	case "page_size":
		return []string{"limit"}
	case "count":
		return []string{"limit"}
	case "cursor":
		return []string{"starting_after"}
	case "after":
		return []string{"starting_after"}
	case "page":
		return []string{"starting_after"}
	case "next":
		return []string{"starting_after"}
	case "assignee":
		return []string{"admin_assignee_id", "team_assignee_id"}
	case "assignee_id":
		return []string{"admin_assignee_id", "team_assignee_id"}
	case "admin_id":
		return []string{"admin_assignee_id"}
	case "team_id":
		return []string{"team_assignee_id"}
	case "status":
		return []string{"state", "open"}
	case "closed":
		return []string{"state", "open"}
	case "channel":
		return []string{"source_type", "channel_initiated"}
	case "author":
		return []string{"source_author_name", "source_author_email"}
	case "from":
		return []string{"source_author_email", "source_author_name"}
	case "domain":
		return []string{"email_domain", "source_author_email_domain"}
	case "user_id":
		return []string{"external_id"}
	case "created":
		return []string{"created_at"}
	case "updated":
		return []string{"updated_at"}
	case "date":
		return []string{"created_at", "updated_at"}
	case "custom":
		return []string{"custom_attributes.<name>"}
	case "attributes":
		return []string{"custom_attributes.<name>"}
	case "custom_fields":
		return []string{"custom_attributes.<name>"}
	case "company_domain":
		return []string{"company"}
	}
	return nil
}

// specialNames are the DSL's names that are not catalog fields.
func specialNames() []string { return []string{"object_type", "q", "limit", "starting_after"} }

// suggest returns up to three field names of c close to name, best first: names from hints, then names that
// contain it as a word (author_email → source_author_email), then names within a few edits (sate → state).
func suggest(c *Catalog, name string) []string {
	key := normalizeFieldName(name)
	var out []string
	add := func(s string) {
		for _, have := range out {
			if have == s {
				return
			}
		}
		out = append(out, s)
	}
	for _, h := range hints(key) {
		if h == "custom_attributes.<name>" || isSpecial(h) {
			add(h)
		} else if f, ok := c.Lookup(h); ok {
			add(f.Name)
		}
	}

	type scored struct {
		name  string
		score int
		order int
	}
	var cands []scored
	limit := 2
	if len(key) >= 9 {
		limit = 3
	}
	consider := func(candidate, canonical string, order int) {
		score := -1
		switch {
		case len(key) >= 3 && containsWord(candidate, key):
			score = 1
		default:
			if d := distance(key, candidate, limit); d <= limit {
				score = d
			}
		}
		if score >= 0 {
			cands = append(cands, scored{canonical, score, order})
		}
	}
	for i, s := range specialNames() {
		consider(s, s, i)
	}
	for i, f := range c.Fields() {
		consider(f.Name, f.Name, 4+i)
		for _, a := range f.Aliases {
			consider(normalizeFieldName(a), f.Name, 4+i)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score < cands[j].score
		}
		return cands[i].order < cands[j].order
	})
	for _, s := range cands {
		if len(out) == 3 {
			break
		}
		add(s.name)
	}
	return out
}

func isSpecial(name string) bool {
	switch name {
	case "object_type", "q", "limit", "starting_after":
		return true
	}
	return false
}

// containsWord reports whether word occurs in name on underscore boundaries (email in source_author_email).
func containsWord(name, word string) bool {
	for i := 0; ; {
		j := strings.Index(name[i:], word)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(word)
		if (j == 0 || name[j-1] == '_') && (end == len(name) || name[end] == '_') {
			return true
		}
		i = j + 1
	}
}

// distance is the optimal string alignment distance between a and b (edits: insert, delete, substitute,
// transpose adjacent), or limit+1 once it must exceed limit.
func distance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	// Three rolling rows: two back for transpositions.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// didYouMean formats suggestions as the end of an error message: `; did you mean "a", "b" or "c"?`.
func didYouMean(names []string) string {
	if len(names) == 0 {
		return ""
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = `"` + n + `"`
	}
	s := q[0]
	if len(q) > 1 {
		s = strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
	}
	return "; did you mean " + s + "?"
}
