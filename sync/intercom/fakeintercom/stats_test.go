package fakeintercom

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The reporting fields of a conversation (statistics, first_contact_reply, waiting_since, snoozed_until, rating)
// are checked here against the thread the same JSON shows, as a client reads it: an independent reading of
// Intercom's definitions, so that a generator or mutation that lets them drift apart fails.

// servedConversation is the part of GET /conversations/{id} the checks read.
type servedConversation struct {
	ID           string `json:"id"`
	CreatedAt    int64  `json:"created_at"`
	UpdatedAt    int64  `json:"updated_at"`
	WaitingSince *int64 `json:"waiting_since"`
	SnoozedUntil *int64 `json:"snoozed_until"`
	State        string `json:"state"`
	Open         bool   `json:"open"`
	Source       struct {
		DeliveredAs string `json:"delivered_as"`
		Body        string `json:"body"`
		Author      struct {
			Type string `json:"type"`
		} `json:"author"`
	} `json:"source"`
	FirstContactReply *struct {
		CreatedAt int64 `json:"created_at"`
	} `json:"first_contact_reply"`
	Statistics map[string]any `json:"statistics"`
	Rating     *struct {
		CreatedAt int64 `json:"created_at"`
		UpdatedAt int64 `json:"updated_at"`
	} `json:"conversation_rating"`
	Parts struct {
		Parts []struct {
			PartType   string `json:"part_type"`
			CreatedAt  int64  `json:"created_at"`
			State      string `json:"state"`
			Author     struct{ Type, ID string }
			AssignedTo *struct{ Type, ID string } `json:"assigned_to"`
		} `json:"conversation_parts"`
		TotalCount int `json:"total_count"`
	} `json:"conversation_parts"`
}

// checkReporting returns every way conversation body's reporting fields disagree with its parts.
func checkReporting(body []byte) []string {
	var c servedConversation
	if err := json.Unmarshal(body, &c); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	stat := func(k string) int64 { // -1 for null
		v, ok := c.Statistics[k]
		if !ok {
			fail("statistics.%s missing", k)
			return -1
		}
		if v == nil {
			return -1
		}
		n, isNum := v.(float64)
		if !isNum || n != float64(int64(n)) {
			fail("statistics.%s = %v is not a whole number", k, v)
		}
		return int64(n)
	}
	orNull := func(t int64) int64 { // our "no such part" (0) as the JSON's null (-1)
		if t == 0 {
			return -1
		}
		return t
	}

	// What the thread says, read the way Intercom defines each field.
	isContact := func(typ string) bool { return typ == "user" || typ == "lead" || typ == "contact" }
	var fcr, lastContact, firstAdmin, lastAdmin, firstClose, lastClose, firstAssign, lastAssign int64
	var assignBeforeReply, firstAssignAny, unanswered, lastSnooze int64
	var assignments, reopens int64
	var lastClosedBy string
	var delays []int64
	var closes []int64
	if c.Source.DeliveredAs == "customer_initiated" && isContact(c.Source.Author.Type) {
		fcr, lastContact, unanswered = c.CreatedAt, c.CreatedAt, c.CreatedAt
	}
	state, prev := "open", c.CreatedAt
	for i, p := range c.Parts.Parts {
		if p.CreatedAt < prev || p.CreatedAt > c.UpdatedAt {
			fail("part %d at %d is out of order (previous %d, created %d, updated %d)", i, p.CreatedAt, prev, c.CreatedAt, c.UpdatedAt)
		}
		prev = p.CreatedAt
		after := fcr != 0
		switch {
		case p.PartType == "comment" && isContact(p.Author.Type):
			if fcr == 0 {
				fcr = p.CreatedAt
			}
			lastContact = p.CreatedAt
			if unanswered == 0 {
				unanswered = p.CreatedAt
			}
		case p.PartType == "comment" && p.Author.Type == "admin":
			if unanswered != 0 {
				delays = append(delays, p.CreatedAt-unanswered)
				unanswered = 0
			}
			if after && firstAdmin == 0 {
				firstAdmin = p.CreatedAt
			}
			lastAdmin = p.CreatedAt
		case p.PartType == "assignment" || p.PartType == "assign_and_reopen":
			if firstAssignAny == 0 {
				firstAssignAny = p.CreatedAt
			}
			if after {
				assignments++
				if firstAssign == 0 {
					firstAssign = p.CreatedAt
				}
				lastAssign = p.CreatedAt
				if firstAdmin == 0 {
					assignBeforeReply = p.CreatedAt
				}
			}
		case p.PartType == "close":
			unanswered = 0
			closes = append(closes, p.CreatedAt)
			if after && firstClose == 0 {
				firstClose = p.CreatedAt
			}
			lastClose, lastClosedBy = p.CreatedAt, p.Author.ID
		case p.PartType == "snoozed":
			lastSnooze = p.CreatedAt
		}
		if state == "closed" && p.State != "closed" && after {
			reopens++
		}
		state = p.State
	}

	// Every duration is a duration; every first comes before its last.
	for _, k := range []string{"time_to_assignment", "time_to_admin_reply", "time_to_first_close", "time_to_last_close", "median_time_to_reply", "handling_time", "adjusted_handling_time"} {
		if v, n := stat(k), c.Statistics[k]; n != nil && v < 0 {
			fail("statistics.%s = %d is negative", k, v)
		}
	}
	for _, pair := range [][2]string{
		{"first_contact_reply_at", "last_contact_reply_at"}, {"first_admin_reply_at", "last_admin_reply_at"},
		{"first_close_at", "last_close_at"}, {"first_assignment_at", "last_assignment_at"},
	} {
		if f, l := stat(pair[0]), stat(pair[1]); f >= 0 && l >= 0 && f > l {
			fail("statistics.%s %d is after %s %d", pair[0], f, pair[1], l)
		}
	}
	// Every time is the time of the part it names.
	for k, want := range map[string]int64{
		"first_contact_reply_at": orNull(fcr), "last_contact_reply_at": orNull(lastContact),
		"first_admin_reply_at": orNull(firstAdmin), "last_admin_reply_at": orNull(lastAdmin),
		"first_close_at": orNull(firstClose), "last_close_at": orNull(lastClose),
		"first_assignment_at": orNull(firstAssign), "last_assignment_at": orNull(lastAssign),
		"count_assignments": assignments, "count_reopens": reopens, "count_conversation_parts": int64(len(c.Parts.Parts)),
	} {
		if got := stat(k); got != want {
			fail("statistics.%s = %d, the parts say %d", k, got, want)
		}
	}
	if got, _ := c.Statistics["last_closed_by_id"].(string); got != lastClosedBy {
		fail("statistics.last_closed_by_id = %q, the last close is by %q", got, lastClosedBy)
	}
	since := func(t int64) int64 {
		if t == 0 || fcr == 0 {
			return -1
		}
		return t - fcr
	}
	lastCloseSince := int64(-1)
	if firstClose != 0 {
		lastCloseSince = since(lastClose)
	}
	for k, want := range map[string]int64{
		"time_to_admin_reply": since(firstAdmin), "time_to_first_close": since(firstClose),
		"time_to_last_close": lastCloseSince, "time_to_assignment": since(assignBeforeReply),
	} {
		if got := stat(k); got != want {
			fail("statistics.%s = %d, the parts say %d", k, got, want)
		}
	}
	if m := stat("median_time_to_reply"); len(delays) == 0 && m != -1 || len(delays) > 0 && !slices.Contains(delays, m) {
		fail("statistics.median_time_to_reply = %d, reply delays %v", m, delays)
	}
	handling, adjusted := stat("handling_time"), stat("adjusted_handling_time")
	switch {
	case lastClose == 0 && handling != 0:
		fail("handling_time %d without a close", handling)
	case lastClose != 0:
		start := c.CreatedAt
		if firstAssignAny != 0 && firstAssignAny <= lastClose {
			start = firstAssignAny
		}
		if handling != lastClose-start {
			fail("handling_time = %d, from %d to the last close %d is %d", handling, start, lastClose, lastClose-start)
		}
	}
	if adjusted > handling {
		fail("adjusted_handling_time %d exceeds handling_time %d", adjusted, handling)
	}

	// The conversation's own fields.
	if len(c.Parts.Parts) > 0 && c.State != state {
		fail("state %q, the last part leaves it %q", c.State, state)
	}
	if c.Open != (c.State != "closed") {
		fail("open %v with state %q", c.Open, c.State)
	}
	switch {
	case fcr == 0 && c.FirstContactReply != nil:
		fail("first_contact_reply set with no contact message")
	case fcr != 0 && (c.FirstContactReply == nil || c.FirstContactReply.CreatedAt != fcr):
		fail("first_contact_reply = %v, the first contact message is at %d", c.FirstContactReply, fcr)
	}
	wantWaiting := unanswered
	if c.State == "closed" {
		wantWaiting = 0
	}
	if got := ptrOr(c.WaitingSince); got != wantWaiting {
		fail("waiting_since = %d, the first unanswered contact message is at %d (state %s)", got, wantWaiting, c.State)
	}
	switch until := ptrOr(c.SnoozedUntil); {
	case c.State != "snoozed" && until != 0:
		fail("snoozed_until %d on a %s conversation", until, c.State)
	case c.State == "snoozed" && until <= lastSnooze:
		fail("snoozed_until %d is not after the snooze at %d", until, lastSnooze)
	}
	if r := c.Rating; r != nil {
		if !slices.Contains(closes, r.CreatedAt) || r.UpdatedAt < r.CreatedAt || r.UpdatedAt > c.UpdatedAt {
			fail("rating requested %d, updated %d: want a close's time (%v), then at most updated_at %d", r.CreatedAt, r.UpdatedAt, closes, c.UpdatedAt)
		}
	}
	return bad
}

func ptrOr(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// checkWorkspaceReporting checks every conversation ws serves.
func checkWorkspaceReporting(t *testing.T, ws *Workspace, when string) (checked int) {
	t.Helper()
	for id, body := range ws.Conversations() {
		checked++
		for _, p := range checkReporting(body) {
			t.Errorf("%s: conversation %s: %s", when, id, p)
		}
	}
	return checked
}

func TestStatistics_AgreeWithTheThread(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2} {
		clock := NewClock(time.Unix(EpochUnix, 0))
		ws := mustWorkspace(t, WorkspaceOptions{Seed: seed, Conversations: 300, Contacts: 100, Now: clock.Now})
		if n := checkWorkspaceReporting(t, ws, fmt.Sprintf("seed %d", seed)); n < 280 {
			t.Fatalf("seed %d: checked only %d conversations", seed, n)
		}
		// Mutations keep them in step: replies, notes, state changes, new conversations.
		for range 10 {
			clock.Advance(7 * time.Minute)
			if _, err := ws.Simulate(40); err != nil {
				t.Fatal(err)
			}
		}
		checkWorkspaceReporting(t, ws, fmt.Sprintf("seed %d after activity", seed))
	}
}

func TestStatistics_FollowEachMutation(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Unix(EpochUnix, 0))
	ws := mustWorkspace(t, WorkspaceOptions{Seed: 5, Conversations: 60, Contacts: 30, Now: clock.Now})
	ch, err := ws.CreateConversation(NewConversation{})
	if err != nil {
		t.Fatal(err)
	}
	id := ch.ID
	steps := []struct {
		name string
		do   func() (Change, error)
		want map[string]any // statistics fields after the step (seconds since the conversation was created)
	}{
		{"created", nil, map[string]any{"first_contact_reply_at": 0, "count_conversation_parts": 0, "waiting_since": 0}},
		{"admin reply", func() (Change, error) { return ws.Reply(id, Reply{Author: AuthorAdmin}) },
			map[string]any{"time_to_admin_reply": 60, "median_time_to_reply": 60, "waiting_since": nil}},
		{"close", func() (Change, error) { return ws.SetState(id, "closed") },
			map[string]any{"first_close_at": 120, "time_to_first_close": 120, "handling_time": 120, "state": "closed"}},
		{"contact reopens", func() (Change, error) { return ws.Reply(id, Reply{Author: AuthorUser}) },
			map[string]any{"count_reopens": 1, "last_contact_reply_at": 180, "waiting_since": 180, "state": "open"}},
		{"snooze", func() (Change, error) { return ws.SetState(id, "snoozed") },
			map[string]any{"snoozed_until": 240 + day, "waiting_since": 180, "state": "snoozed"}},
		{"close again", func() (Change, error) { return ws.SetState(id, "closed") },
			map[string]any{"first_close_at": 120, "last_close_at": 300, "time_to_last_close": 300, "snoozed_until": nil, "waiting_since": nil}},
		{"reopen", func() (Change, error) { return ws.SetState(id, "open") },
			map[string]any{"count_reopens": 2, "count_conversation_parts": 6, "waiting_since": nil, "state": "open"}},
	}
	var created int64
	for _, s := range steps {
		if s.do != nil {
			clock.Advance(time.Minute)
			if _, err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
		}
		body, err := ws.ConversationJSON(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range checkReporting(body) {
			t.Errorf("after %s: %s", s.name, p)
		}
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		if created == 0 {
			created = int64(doc["created_at"].(float64))
		}
		stats := doc["statistics"].(map[string]any)
		for k, want := range s.want {
			got, ok := stats[k]
			if !ok {
				got = doc[k]
			}
			if n, isNum := got.(float64); isNum { // times as seconds since the conversation was created
				got = int(n)
				if strings.HasSuffix(k, "_at") || k == "waiting_since" || k == "snoozed_until" {
					got = int(n) - int(created)
				}
			}
			if got != want {
				t.Errorf("after %s: %s = %v, want %v", s.name, k, got, want)
			}
		}
	}
}

// TestGenerate_AdminInitiatedOpeningsAreNotReplies: a conversation a teammate starts opens with news or a question
// for the contact, never with a template written to answer the contact's message (which does not exist).
func TestGenerate_AdminInitiatedOpeningsAreNotReplies(t *testing.T) {
	t.Parallel()
	// The longest literal stretch of each reply template (between placeholders) identifies it in a body.
	placeholder := regexp.MustCompile(`\{[a-z0-9]+\}`)
	var replyMarks []string
	for _, tp := range topics {
		for _, tmpl := range append(slices.Clone(tp.replies), agentFollowups...) {
			longest := ""
			for _, chunk := range placeholder.Split(tmpl, -1) {
				if chunk = strings.TrimSpace(chunk); len(chunk) > len(longest) {
					longest = chunk
				}
			}
			if len(longest) >= 12 {
				replyMarks = append(replyMarks, longest)
			}
		}
	}
	ws := mustWorkspace(t, WorkspaceOptions{Seed: 1, Conversations: 600, Contacts: 150})
	byKind := map[string]int{}
	for id, body := range ws.Conversations() {
		var c servedConversation
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatal(err)
		}
		kind := c.Source.DeliveredAs
		if kind != "admin_initiated" && kind != "automated" {
			continue
		}
		byKind[kind]++
		text := unescapeHTML(htmlToText(c.Source.Body))
		for _, m := range replyMarks {
			if strings.Contains(text, m) {
				t.Errorf("conversation %s (%s) opens with a reply: %q contains %q", id, kind, text, m)
			}
		}
	}
	if byKind["admin_initiated"] < 20 || byKind["automated"] < 5 {
		t.Fatalf("too few teammate-started conversations to judge: %v", byKind)
	}
}
