package fakeintercom

import "slices"

// A conversation's reporting fields (statistics, first_contact_reply, waiting_since, snoozed_until and the state)
// are derived from its opening message and parts by derive, after generation and after every mutation, so they
// always agree with the thread a client reads: no negative duration, no first_* after its last_*, every time the
// time of an actual part. Intercom's definitions (api-notes, conversation_statistics) are followed where they say
// something:
//
//   - first_contact_reply_at is the first message from a contact: the opening message when the contact wrote it,
//     else the contact's first comment. first_assignment_at, first_admin_reply_at, first_close_at,
//     last_assignment_at, count_assignments and count_reopens count only parts after it ("after
//     first_contact_reply_at"); before any contact message they are null or zero.
//   - last_contact_reply_at, last_admin_reply_at and last_close_at are the last such part anywhere in the thread.
//   - time_to_* are the differences from first_contact_reply_at (no business hours: the fake has none);
//     time_to_assignment is the last assignment before the first admin reply.
//   - median_time_to_reply is the median, over admin replies answering a contact, of the time since the first
//     contact message the reply answers.
//   - handling_time is from the first assignment before the last close (else the conversation's creation) to the
//     last close; zero when never closed. adjusted_handling_time is a fixed fraction of it, when the conversation
//     has one.
//   - A reopen is a part that leaves the conversation no longer closed (a contact's reply, an open, an
//     assign-and-reopen).
//   - waiting_since is the first contact message since the last admin reply or close, while the conversation is
//     not closed. snoozed_until is the wake-up time the last snooze set, while it is snoozed.

// isContact reports whether a is a contact (a user or a lead).
func (a author) isContact() bool { return a.typ == "user" || a.typ == "lead" || a.typ == "contact" }

// derive recomputes c's reporting fields from its source and parts.
func (ws *Workspace) derive(c *conversation) {
	divisor := c.stats.adjustedDivisor
	st := stats{
		timeToAssignment: -1, timeToAdminReply: -1, timeToFirstClose: -1, timeToLastClose: -1, medianTimeToReply: -1,
		adjustedHandlingTime: -1, adjustedDivisor: divisor,
	}
	state := "open"
	var unanswered int64 // the first contact message no admin reply or close has followed yet
	if c.source.deliveredAs == "customer_initiated" && c.source.author.isContact() {
		st.firstContactReplyAt, st.lastContactReplyAt = c.createdAt, c.createdAt
		unanswered = c.createdAt
	}
	var (
		assignBeforeReply int64 // the last assignment (after the first contact message) before the first admin reply
		firstAssignAny    int64 // the first assignment anywhere, for handling_time
		replyPending      bool  // an assignment no admin reply has followed yet
		delays            []int64
		snoozedUntil      int64
	)
	for i := range c.parts {
		p := &c.parts[i]
		afterContact := st.firstContactReplyAt != 0
		switch {
		case p.partType == "comment" && p.author.isContact():
			if st.firstContactReplyAt == 0 {
				st.firstContactReplyAt = p.createdAt
			}
			st.lastContactReplyAt = p.createdAt
			if unanswered == 0 {
				unanswered = p.createdAt
			}
		case p.partType == "comment" && p.author.typ == "admin":
			if unanswered != 0 {
				delays = append(delays, p.createdAt-unanswered)
				unanswered = 0
			}
			if afterContact && st.firstAdminReplyAt == 0 {
				st.firstAdminReplyAt = p.createdAt
			}
			if replyPending {
				st.lastAssignmentAdminReplyAt = p.createdAt
				replyPending = false
			}
			st.lastAdminReplyAt = p.createdAt
		case p.partType == "assignment" || p.partType == "assign_and_reopen":
			if firstAssignAny == 0 {
				firstAssignAny = p.createdAt
			}
			if afterContact {
				st.countAssignments++
				if st.firstAssignmentAt == 0 {
					st.firstAssignmentAt = p.createdAt
				}
				st.lastAssignmentAt = p.createdAt
				st.lastAssignmentAdminReplyAt = 0
				replyPending = true
				if st.firstAdminReplyAt == 0 {
					assignBeforeReply = p.createdAt
				}
			}
		case p.partType == "close":
			unanswered = 0
			if afterContact && st.firstCloseAt == 0 {
				st.firstCloseAt = p.createdAt
			}
			st.lastCloseAt = p.createdAt
			st.lastClosedByID = p.author.id
		case p.partType == "snoozed":
			snoozedUntil = p.snoozedUntil
		}
		if state == "closed" && p.state != "closed" && afterContact {
			st.countReopens++
		}
		state = p.state
	}
	st.countParts = int64(len(c.parts))
	if fcr := st.firstContactReplyAt; fcr != 0 {
		if assignBeforeReply != 0 {
			st.timeToAssignment = assignBeforeReply - fcr
		}
		if st.firstAdminReplyAt != 0 {
			st.timeToAdminReply = st.firstAdminReplyAt - fcr
		}
		if st.firstCloseAt != 0 {
			st.timeToFirstClose = st.firstCloseAt - fcr
			st.timeToLastClose = st.lastCloseAt - fcr
		}
	}
	if len(delays) > 0 {
		slices.Sort(delays)
		st.medianTimeToReply = delays[len(delays)/2]
	}
	if st.lastCloseAt != 0 {
		start := c.createdAt
		if firstAssignAny != 0 && firstAssignAny <= st.lastCloseAt {
			start = firstAssignAny
		}
		st.handlingTime = st.lastCloseAt - start
		if divisor > 0 {
			st.adjustedHandlingTime = st.handlingTime / divisor
		}
	}
	if c.teamAssignee != 0 && st.timeToAdminReply >= 0 {
		for i, tm := range ws.teams {
			if tm.id == c.teamAssignee {
				st.teamResponse = []teamResponse{{teamIdx: i, responseTime: st.timeToAdminReply}}
			}
		}
	}

	c.stats = st
	c.state = state
	c.firstContactReply = st.firstContactReplyAt
	c.waitingSince, c.snoozedUntil = 0, 0
	if state != "closed" {
		c.waitingSince = unanswered
	}
	if state == "snoozed" {
		c.snoozedUntil = snoozedUntil
	}
}
