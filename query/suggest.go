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

// suggestOp returns the operator a word written where an operator goes (between the field's colon and the next
// one) was meant to be, if it is close to one:
//
//   - an operator's name spelled another way: in any case, with hyphens or without underscores (starts-with,
//     StartsWith, notcontains);
//   - a word or symbol other query languages use for it (greater_than, not_eq, like, missing; Intercom's own ~, !~,
//     ^, $, >, <=, !=);
//   - a typo of one of the long operators (containz, exsits, starts_wiht): within one edit of exists, two of the
//     others. The short ones (eq, gt, in, ...) take no typos: they are one edit from ordinary words (id, on, at)
//     that may well start a value holding a colon.
//
// Anything else is not close, and stays the start of the value (https://..., 2025-01-31T10:00:00Z, user:42).
func suggestOp(word string) (Op, bool) {
	if word == "" || len(word) > 32 {
		return "", false
	}
	key := opKey(word)
	if op, ok := opSynonym(key); ok {
		return op, true
	}
	var best Op
	bestD := 3
	for _, op := range AllOps() {
		name := opKey(string(op))
		if key == name {
			return op, true
		}
		if len(name) < 6 || len(key) < 4 {
			continue
		}
		limit := 1
		if len(name) >= 8 {
			limit = 2
		}
		if d := distance(key, name, limit); d <= limit && d < bestD {
			best, bestD = op, d
		}
	}
	return best, best != ""
}

// opKey folds an operator as written for comparison: lower case, without underscores, hyphens or spaces.
func opKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || c == '-' || c == ' ':
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// opSynonym returns the operator another query language writes as key (folded by opKey).
func opSynonym(key string) (Op, bool) {
	switch key {
	case "=", "==", "equals", "equal", "equalto", "eql":
		return OpEq, true
	case "!=", "<>", "ne", "noteq", "notequal", "notequals", "notequalto":
		return OpNeq, true
	case ">", "greaterthan", "after":
		return OpGt, true
	case ">=", "ge", "greaterthanorequal", "greaterthanorequalto", "greaterorequal", "atleast":
		return OpGte, true
	case "<", "lessthan", "before":
		return OpLt, true
	case "<=", "le", "lessthanorequal", "lessthanorequalto", "lessorequal", "atmost":
		return OpLte, true
	case "~", "like", "includes", "include":
		return OpContains, true
	case "!~", "notlike", "doesnotcontain", "doesntcontain", "excludes", "notinclude", "notincludes":
		return OpNotContains, true
	case "^", "beginswith", "beginwith", "prefix":
		return OpStartsWith, true
	case "$", "suffix":
		return OpEndsWith, true
	case "anyof", "oneof":
		return OpIn, true
	case "notin", "noneof":
		return OpNin, true
	case "present", "notnull", "isnotnull", "notempty", "isset":
		return OpExists, true
	case "missing", "isnull", "absent", "notset", "isempty":
		return OpNotExists, true
	}
	return "", false
}

// Nearest returns the candidates closest to word, best first: those within a third of its length in edits (at
// least one, at most three), for "did you mean" in front ends that have names of their own (commands, flags).
func Nearest(word string, candidates []string) []string {
	return nearest(word, candidates, min(max(len(word)/3, 1), 3))
}

// nearest returns the candidates at the least distance from word, ignoring case, if it is at most limit; ties in
// the candidates' order.
func nearest(word string, candidates []string, limit int) []string {
	best, out := limit+1, []string(nil)
	word = strings.ToLower(word)
	for _, c := range candidates {
		switch d := distance(word, strings.ToLower(c), limit); {
		case d < best:
			best, out = d, []string{c}
		case d == best && d <= limit:
			out = append(out, c)
		}
	}
	return out
}
