package mcp_test

import (
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/intercom-replica/intercom-replica/mcp"
)

// TestArguments_ErrorsAreSentences sends each kind of argument a schema refuses through a real client and checks
// the whole message: it names the argument, what was given and what is accepted, and never dumps a Go value.
func TestArguments_ErrorsAreSentences(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	conv := "conversation_" + convRefund
	for _, tc := range []struct {
		name, tool string
		args       map[string]any
		want       string
	}{
		{"enum", "search_conversations", map[string]any{"state": "pending"},
			`state: "pending" is not one of open, closed, snoozed.`},
		{"enum of a number", "search_contacts", map[string]any{"role": 5},
			`role: 5 is not one of user, lead.`},
		{"unknown argument", "fetch", map[string]any{"id": conv, "bogus": 1},
			`unknown argument "bogus"; the arguments are id, max_parts, parts_offset.`},
		{"unknown field of an object", "search_conversations", map[string]any{"created_at": map[string]any{"from": "7d"}},
			`created_at: unknown field "from"; the fields are gt, gte, lt, lte, operator, value.`},
		{"above the maximum", "fetch", map[string]any{"id": conv, "max_parts": 501},
			`max_parts: 501 is not a whole number from 1 to 500.`},
		{"below the minimum", "get_conversation", map[string]any{"id": conv, "parts_offset": -1},
			`parts_offset: -1 is not a whole number from 0 to 100000.`},
		{"not whole", "fetch", map[string]any{"id": conv, "max_parts": 2.5},
			`max_parts: 2.5 is not a whole number from 1 to 500.`},
		{"string for an integer", "fetch", map[string]any{"id": conv, "max_parts": "ten"},
			`max_parts: "ten" is not a whole number from 1 to 500.`},
		{"string for a boolean", "search_conversations", map[string]any{"open": "yes"},
			`open: "yes" is not true or false.`},
		{"scalar for an object", "search_conversations", map[string]any{"created_at": "7d"},
			`created_at: "7d" is not an object with the fields gt, gte, lt, lte, operator, value.`},
		{"object for a string", "get_contact", map[string]any{"id": map[string]any{"id": "x"}},
			`id: an object is not a string.`},
		{"list item", "search_conversations", map[string]any{"tags": []any{"vip", true}},
			`tags[1]: true is not a string.`},
		{"null list item", "search_contacts", map[string]any{"ids": []any{"contact_" + contactJane, nil}},
			`ids[1]: null is not a string; remove it from the list.`},
		{"required", "get_conversation", map[string]any{"max_parts": 3},
			`missing argument "id" (a string). The conversation's id:`},
		{"required, null", "search", map[string]any{"query": nil},
			`missing argument "query" (a string). The search query`},
		{"id too large for a JSON number", "get_conversation", map[string]any{"id": 12345678901234567890.0},
			`id: 12345678901234567000 is too large to be read exactly as a JSON number; give it as a string.`},
		{"several at once", "search_conversations", map[string]any{"state": "pending", "nonsense": true},
			`unknown argument "nonsense"; the arguments are admin_assignee, admin_assignee_id, contact_ids, `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := mustToolError(t, s, tc.tool, tc.args, "Invalid arguments: ", tc.want)
			if strings.Contains(text, "&{") || strings.Contains(text, "Got:") || strings.Contains(text, "/") && strings.Contains(text, "schema") {
				t.Errorf("the message dumps the validator's value: %q", text)
			}
		})
	}
	text := mustToolError(t, s, "search_conversations", map[string]any{"state": "pending", "nonsense": true})
	if !strings.Contains(text, `state: "pending" is not one of open, closed, snoozed.`) {
		t.Errorf("every problem is reported at once: %q", text)
	}
}

// TestArguments_NullIsLeftOut checks that null for an optional argument is the argument left out, as clients that
// fill every field with null send it.
func TestArguments_NullIsLeftOut(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	var out mcp.SearchConversationsResult
	structured(t, mustOK(t, s, "search_conversations", map[string]any{"tags": []any{"bulk"}, "state": nil, "ids": nil, "starting_after": nil}), &out)
	if out.TotalCount != bulkCount {
		t.Errorf("total %d, want %d", out.TotalCount, bulkCount)
	}
}

// TestArguments_IDsFromResultsAreAcceptedBack feeds the ids a tool returns in structuredContent back into the tools,
// both as returned (strings) and as numbers where Intercom writes them as numbers.
func TestArguments_IDsFromResultsAreAcceptedBack(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	var fetched mcp.FetchResult
	structured(t, mustOK(t, s, "fetch", map[string]any{"id": 1001}), &fetched) // a raw id as a number
	c := fetched.Metadata.Conversation
	if c == nil || c.AdminAssigneeID == "" || c.TeamAssigneeID == "" || len(c.Contacts) == 0 {
		t.Fatalf("fetch 1001: %+v", c)
	}
	admin, err := strconv.Atoi(c.AdminAssigneeID)
	if err != nil {
		t.Fatal(err)
	}
	team, _ := strconv.Atoi(c.TeamAssigneeID)
	contact := c.Contacts[0].ID
	conversationsMatch := func(args map[string]any) {
		t.Helper()
		var out mcp.SearchConversationsResult
		structured(t, mustOK(t, s, "search_conversations", args), &out)
		if out.TotalCount != 1 || out.Conversations[0].ID != c.ID {
			t.Errorf("search_conversations %v: %d results, want %s", args, out.TotalCount, c.ID)
		}
	}
	conversationsMatch(map[string]any{"admin_assignee_id": c.AdminAssigneeID, "state": "open"})
	conversationsMatch(map[string]any{"admin_assignee_id": admin, "state": "open"})
	conversationsMatch(map[string]any{"team_assignee_id": c.TeamAssigneeID, "priority": "high"})
	conversationsMatch(map[string]any{"team_assignee_id": team, "priority": "high"})
	conversationsMatch(map[string]any{"ids": []any{c.ID}})
	conversationsMatch(map[string]any{"ids": []any{1001}})
	conversationsMatch(map[string]any{"ids": 1001}) // one id where a list is declared
	conversationsMatch(map[string]any{"contact_ids": []any{contact}, "priority": "high"})
	conversationsMatch(map[string]any{"tag_ids": []any{6012066}, "priority": "high"}) // the billing tag

	var contacts mcp.SearchContactsResult
	structured(t, mustOK(t, s, "search_contacts", map[string]any{"ids": []any{contact}}), &contacts)
	if contacts.TotalCount != 1 || contacts.Data[0].ID != contact {
		t.Errorf("search_contacts ids [%s]: %+v", contact, contacts.Data)
	}
	var got mcp.GetContactResult
	structured(t, mustOK(t, s, "get_contact", map[string]any{"id": contacts.Data[0].ID}), &got)
	if got.Contact.ID != contact {
		t.Errorf("get_contact %s: %s", contact, got.Contact.ID)
	}
	for _, r := range got.Contact.RecentConversations {
		mustOK(t, s, "get_conversation", map[string]any{"id": r.ID})
	}
	mustOK(t, s, "get_conversation", map[string]any{"id": 1001, "max_parts": "2"})
	// A value of the wrong kind for an id is still refused with a sentence.
	mustToolError(t, s, "search_conversations", map[string]any{"admin_assignee_id": "maya"}, `admin_assignee_id takes a whole number`)
}

// TestSearch_StartingAfterArgument pages search with starting_after given as its own argument, as the structured
// searches take it; a cursor in the query wins over the argument.
func TestSearch_StartingAfterArgument(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	q := `object_type:conversations tag:bulk limit:20`
	var first, second, inQuery mcp.SearchResult
	structured(t, mustOK(t, s, "search", map[string]any{"query": q}), &first)
	if first.Pages.Next == nil {
		t.Fatal("no next page")
	}
	cursor := first.Pages.Next.StartingAfter
	structured(t, mustOK(t, s, "search", map[string]any{"query": q, "starting_after": cursor}), &second)
	if len(second.Results) == 0 || second.Results[0].ID == first.Results[0].ID {
		t.Fatalf("the argument did not page on: %v", second.Results)
	}
	structured(t, mustOK(t, s, "search", map[string]any{"query": q + " starting_after:" + cursor, "starting_after": "bm90LWEtY3Vyc29y"}), &inQuery)
	if len(inQuery.Results) == 0 || inQuery.Results[0].ID != second.Results[0].ID {
		t.Errorf("the query's cursor did not win over the argument's: %v", inQuery.Results)
	}
	mustToolError(t, s, "search", map[string]any{"query": q, "starting_after": "bm90LWEtY3Vyc29y"}, "starting_after")
}

// TestArguments_EmptyIsRefused gives every string and list argument of every tool an empty value ("", a string of
// spaces, []): each is an error naming the argument and saying what to give or to leave it out, never a call that
// quietly drops the filter and answers with everything. The cases the black-box tester found are spelled out; the
// loop over the listed schemas covers every other argument, so a new one cannot slip through.
func TestArguments_EmptyIsRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	for _, tc := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"search_conversations", map[string]any{"ids": []any{}}, `ids: an empty list has no value to use; give a list of strings, or leave ids out.`},
		{"search_conversations", map[string]any{"source_author_email": ""}, `source_author_email: an empty string has no value to use; give a string, or leave source_author_email out.`},
		{"search_conversations", map[string]any{"admin_assignee": "  "}, `admin_assignee: an empty string has no value to use; give a string, or leave admin_assignee out.`},
		{"search_conversations", map[string]any{"state": ""}, `state: an empty string has no value to use; give one of open, closed, snoozed, or leave state out.`},
		{"list_companies", map[string]any{"name": ""}, `name: an empty string has no value to use; give a string, or leave name out.`},
		{"search_articles", map[string]any{"phrase": ""}, `phrase: an empty string has no value to use; give a string, or leave phrase out.`},
		{"search_tickets", map[string]any{"text": ""}, `text: an empty string has no value to use; give a string, or leave text out.`},
		{"search_conversations", map[string]any{"tags": []any{"bulk", ""}}, `tags[1]: an empty string has no value to use; give a string, or remove it from the list.`},
		{"search_contacts", map[string]any{"custom_attributes": map[string]any{}}, `custom_attributes: an empty object has no value to use; give an object, or leave custom_attributes out.`},
		{"search_conversations", map[string]any{"created_at": map[string]any{"operator": ">", "value": ""}}, `created_at.value: an empty string has no value to use; give a string, or leave value out.`},
		{"get_conversation", map[string]any{"id": ""}, `id: an empty string has no value to use; give a string.`},
	} {
		mustToolError(t, s, tc.tool, tc.args, "Invalid arguments: "+tc.want)
	}

	list, err := s.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	valid := map[string]map[string]any{ // the required arguments, valid, beside the one under test
		"search":    {"query": "object_type:conversations"},
		"aggregate": {"query": "object_type:conversations"},
	}
	checked := 0
	for _, tool := range list.Tools {
		props, _ := tool.InputSchema.(map[string]any)["properties"].(map[string]any)
		for name, p := range props {
			var empty any
			switch p.(map[string]any)["type"] {
			case "string":
				empty = ""
			case "array":
				empty = []any{}
			default:
				continue
			}
			if name == "starting_after" {
				continue // an empty cursor is the first page: TestArguments_EmptyCursorIsTheFirstPage
			}
			args := maps.Clone(valid[tool.Name])
			if args == nil {
				args = map[string]any{}
			}
			args[name] = empty
			mustToolError(t, s, tool.Name, args, "Invalid arguments: "+name+": an empty ")
			checked++
		}
	}
	if checked < 60 {
		t.Errorf("only %d string and list arguments checked; the tools' schemas were not read", checked)
	}
}

// TestArguments_EmptyCursorIsTheFirstPage checks the one argument where empty means something: a client that echoes
// an empty next cursor (there is no next page) asks for the first page, and gets the same page as without it.
func TestArguments_EmptyCursorIsTheFirstPage(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	for _, tc := range []struct {
		tool string
		args map[string]any
	}{
		{"search_conversations", map[string]any{"tags": []any{"bulk"}}},
		{"search", map[string]any{"query": "object_type:conversations tag:bulk"}},
		{"aggregate", map[string]any{"query": "object_type:conversations", "group_by": []any{"tag"}}},
	} {
		want := textOf(mustOK(t, s, tc.tool, tc.args))
		for _, cursor := range []string{"", " "} {
			args := maps.Clone(tc.args)
			args["starting_after"] = cursor
			if got := textOf(mustOK(t, s, tc.tool, args)); got != want {
				t.Errorf("%s with starting_after %q:\n%s\nwant the first page:\n%s", tc.tool, cursor, got, want)
			}
		}
	}
}

// TestArguments_EnumsIgnoreCase checks that a value of a closed set matches whatever its case, as the query language
// reads it (category:customer, state:OPEN), and that a value matching none is refused with the nearest one.
func TestArguments_EnumsIgnoreCase(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	for _, tc := range []struct {
		tool        string
		args, exact map[string]any
	}{
		{"search_tickets", map[string]any{"category": "customer"}, map[string]any{"category": "Customer"}},
		{"search_tickets", map[string]any{"category": "BACK-OFFICE"}, map[string]any{"category": "Back-office"}},
		{"search_conversations", map[string]any{"state": "OPEN"}, map[string]any{"state": "open"}},
		{"search_conversations", map[string]any{"source_type": "Email"}, map[string]any{"source_type": "email"}},
		{"search_contacts", map[string]any{"role": "User"}, map[string]any{"role": "user"}},
		{"list_articles", map[string]any{"state": "Published"}, map[string]any{"state": "published"}},
		{"search_conversations", map[string]any{"open": "TRUE"}, map[string]any{"open": true}},
	} {
		var got, want mcp.ListInfo
		structured(t, mustOK(t, s, tc.tool, tc.args), &got)
		structured(t, mustOK(t, s, tc.tool, tc.exact), &want)
		if got.TotalCount == 0 || got.TotalCount != want.TotalCount || got.Query != want.Query {
			t.Errorf("%s %v: %d matching %s; %v: %d matching %s", tc.tool, tc.args, got.TotalCount, got.Query, tc.exact, want.TotalCount, want.Query)
		}
	}
	mustToolError(t, s, "search_conversations", map[string]any{"state": "opne"},
		`Invalid arguments: state: "opne" is not one of open, closed, snoozed; did you mean "open"? Conversation state.`)
	mustToolError(t, s, "search_tickets", map[string]any{"category": "customers"},
		`Invalid arguments: category: "customers" is not one of Customer, Back-office, Tracker; did you mean "Customer"?`)
}

// TestArguments_RangeOperatorNames checks that a range's operator may be the query language's name for it (gt, the
// name the key form and the DSL use) as well as the symbol, in any case, and that a near miss is answered with the
// nearest operator.
func TestArguments_RangeOperatorNames(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := connectStreamable(t, startHTTP(t, w, mcp.HTTPOptions{}), testToken)
	total := func(r map[string]any) int {
		t.Helper()
		var out mcp.SearchConversationsResult
		structured(t, mustOK(t, s, "search_conversations", map[string]any{"statistics_time_to_admin_reply": r}), &out)
		return out.TotalCount
	}
	for _, pair := range [][2]string{{">", "gt"}, {">", "GT"}, {">=", "gte"}, {"<", "lt"}, {"<=", "lte"}, {"=", "eq"}, {"!=", "neq"}} {
		bySymbol := total(map[string]any{"operator": pair[0], "value": 60})
		byName := total(map[string]any{"operator": pair[1], "value": 60})
		if byName != bySymbol {
			t.Errorf("operator %q matches %d, %q matches %d", pair[1], byName, pair[0], bySymbol)
		}
	}
	if byKey, byName := total(map[string]any{"gt": 60}), total(map[string]any{"operator": "gt", "value": 60}); byKey != byName || byKey == 0 {
		t.Errorf("{gt: 60} matches %d, {operator: gt, value: 60} %d", byKey, byName)
	}
	mustToolError(t, s, "search_conversations", map[string]any{"statistics_time_to_admin_reply": map[string]any{"operator": "ne", "value": 60}},
		`statistics_time_to_admin_reply.operator: "ne" is not one of >, >=, <, <=, =, !=, gt, gte, lt, lte, eq, neq; did you mean "neq"?`)
}
