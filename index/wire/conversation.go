package wire

import "encoding/json"

// Conversation is the JSON of an Intercom conversation (schema "conversation"), with the fields this module reads;
// the record itself keeps every other field. Lists and searches send it without conversation_parts.
type Conversation = ConversationOf[Part]

// ConversationOf is the conversation's shape with its parts decoded as P: [Part] for readers of whole parts (the
// client, the tools), [PartText] for readers of their text alone (the index, which extracts every record it
// stores and would otherwise decode every author of every part for nothing).
type ConversationOf[P any] struct {
	ID                  String `json:"id"`
	Title               String `json:"title"`
	CreatedAt           Int    `json:"created_at"`
	UpdatedAt           Int    `json:"updated_at"`
	WaitingSince        Int    `json:"waiting_since"`
	SnoozedUntil        Int    `json:"snoozed_until"`
	State               String `json:"state"` // open, closed or snoozed
	Open                Bool   `json:"open"`
	Read                Bool   `json:"read"`
	Priority            String `json:"priority"`
	AdminAssigneeID     Int    `json:"admin_assignee_id"` // 0 or absent when unassigned
	TeamAssigneeID      Int    `json:"team_assignee_id"`
	AIAgentParticipated Bool   `json:"ai_agent_participated"`
	Company             *Ref   `json:"company"`
	Tags                *struct {
		Tags []Ref `json:"tags"`
	} `json:"tags"`
	Source   *Source `json:"source"`
	Contacts *struct {
		Contacts []Person `json:"contacts"`
	} `json:"contacts"`
	Teammates *struct {
		Teammates []Person `json:"teammates"`
	} `json:"teammates"`
	Channel *struct {
		Initial String `json:"initial"`
	} `json:"channel"`
	LinkedObjects *LinkedObjects `json:"linked_objects"`
	Rating        *Rating        `json:"conversation_rating"`
	AIAgent       *AIAgent       `json:"ai_agent"`
	SLA           *struct {
		Name   String `json:"sla_name"`
		Status String `json:"sla_status"`
	} `json:"sla_applied"`
	// Statistics are kept raw: which are integers and which ids is the reader's business (decode with Int or
	// String).
	Statistics       map[string]json.RawMessage `json:"statistics"`
	CustomAttributes map[string]json.RawMessage `json:"custom_attributes"`
	Parts            *struct {
		Parts      []P `json:"conversation_parts"`
		TotalCount Int `json:"total_count"`
	} `json:"conversation_parts"`
}

// Ref is a reference to a tag, company or other named object: its id and, where Intercom sends it, its name.
type Ref struct {
	ID   String `json:"id"`
	Name String `json:"name"`
}

// Person is an author, a contact, a teammate or an assignee: Type is user, lead, contact, admin, bot or team.
type Person struct {
	Type  String `json:"type"`
	ID    String `json:"id"`
	Name  String `json:"name"`
	Email String `json:"email"`
}

// Attachment is a file attached to a message (schema "part_attachment").
type Attachment struct {
	Type        String `json:"type"`
	Name        String `json:"name"`
	URL         String `json:"url"`
	ContentType String `json:"content_type"`
	Filesize    Int    `json:"filesize"`
}

// Source is the message that started a conversation (schema "conversation_source").
type Source struct {
	Type        String       `json:"type"` // the channel: conversation (Messenger), email, ...
	ID          String       `json:"id"`
	DeliveredAs String       `json:"delivered_as"`
	Subject     String       `json:"subject"`
	Body        String       `json:"body"` // HTML
	URL         String       `json:"url"`
	Author      Person       `json:"author"`
	Attachments []Attachment `json:"attachments"`
	Redacted    Bool         `json:"redacted"`
}

// Part is one message or event of a conversation (schema "conversation_part"): a comment, a note, an assignment, a
// state change, ...
type Part struct {
	ID          String       `json:"id"`
	PartType    String       `json:"part_type"`
	Body        String       `json:"body"` // HTML; "" for events without a message
	CreatedAt   Int          `json:"created_at"`
	UpdatedAt   Int          `json:"updated_at"`
	NotifiedAt  Int          `json:"notified_at"`
	State       String       `json:"state"` // the conversation's state when the part was created
	Author      Person       `json:"author"`
	AssignedTo  *Person      `json:"assigned_to"`
	Attachments []Attachment `json:"attachments"`
	Redacted    Bool         `json:"redacted"`
}

// PartText is a conversation part's body alone.
type PartText struct {
	Body String `json:"body"` // HTML
}

// Rating is the rating a contact gave a conversation: created_at is when it was requested, updated_at when the
// contact answered.
type Rating struct {
	Rating    Int    `json:"rating"`
	Remark    String `json:"remark"`
	CreatedAt Int    `json:"created_at"`
	UpdatedAt Int    `json:"updated_at"`
	Contact   Person `json:"contact"`
	Teammate  Person `json:"teammate"`
}

// AIAgent is what Intercom's AI agent (Fin) did in a conversation.
type AIAgent struct {
	ResolutionState String `json:"resolution_state"`
	LastAnswerType  String `json:"last_answer_type"`
	Rating          Int    `json:"rating"`
	RatingRemark    String `json:"rating_remark"`
	SourceType      String `json:"source_type"`
	SourceTitle     String `json:"source_title"`
}

// ConversationText is the text of a conversation alone: its title, opening message and part bodies. Decoding only
// it costs about half as much as a Conversation, for readers that need nothing else (the index's snippets).
type ConversationText struct {
	Title  String `json:"title"`
	Source *struct {
		Subject String `json:"subject"`
		Body    String `json:"body"`
	} `json:"source"`
	Parts *struct {
		Parts []struct {
			Body String `json:"body"`
		} `json:"conversation_parts"`
	} `json:"conversation_parts"`
}
