package mcp

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// The shapes below decode what the tools render from a record's raw JSON (exactly as Intercom returned it).
// Intercom is loose with JSON types (ids are strings or numbers, timestamps numbers or null), so the flex types
// accept any of them: one odd field must not make a record unreadable.

// flexString decodes a JSON string, number or boolean as its text; null and objects decode as "".
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0:
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case b[0] == '-' || b[0] >= '0' && b[0] <= '9' || bytes.Equal(b, []byte("true")) || bytes.Equal(b, []byte("false")):
		*s = flexString(b)
	default:
		*s = ""
	}
	return nil
}

// flexInt decodes a JSON number (a fraction is truncated) or a string holding one; anything else is absent (0).
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	*n = 0
	if len(b) > 1 && b[0] == '"' {
		b = b[1 : len(b)-1]
	}
	if len(b) == 0 || !(b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
		return nil
	}
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*n = flexInt(v)
		return nil
	}
	if f, err := strconv.ParseFloat(string(b), 64); err == nil && !math.IsNaN(f) && math.Abs(f) < 1<<62 {
		*n = flexInt(f)
	}
	return nil
}

// flexBool decodes a JSON boolean or the strings "true"/"false"; anything else is false.
type flexBool bool

func (v *flexBool) UnmarshalJSON(b []byte) error {
	*v = flexBool(string(b) == "true" || string(b) == `"true"`)
	return nil
}

type jsonPerson struct {
	Type  string     `json:"type"`
	ID    flexString `json:"id"`
	Name  string     `json:"name"`
	Email string     `json:"email"`
}

type jsonAttachment struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
}

type jsonConversation struct {
	ID              flexString `json:"id"`
	Title           string     `json:"title"`
	CreatedAt       flexInt    `json:"created_at"`
	UpdatedAt       flexInt    `json:"updated_at"`
	WaitingSince    flexInt    `json:"waiting_since"`
	SnoozedUntil    flexInt    `json:"snoozed_until"`
	Open            flexBool   `json:"open"`
	State           string     `json:"state"`
	Read            flexBool   `json:"read"`
	Priority        string     `json:"priority"`
	AdminAssigneeID flexString `json:"admin_assignee_id"`
	TeamAssigneeID  flexString `json:"team_assignee_id"`
	Company         *struct {
		ID   flexString `json:"id"`
		Name string     `json:"name"`
	} `json:"company"`
	Tags *struct {
		Tags []struct {
			ID   flexString `json:"id"`
			Name string     `json:"name"`
		} `json:"tags"`
	} `json:"tags"`
	Source *struct {
		Type        string           `json:"type"`
		ID          flexString       `json:"id"`
		DeliveredAs string           `json:"delivered_as"`
		Subject     string           `json:"subject"`
		Body        string           `json:"body"`
		URL         string           `json:"url"`
		Author      jsonPerson       `json:"author"`
		Attachments []jsonAttachment `json:"attachments"`
		Redacted    flexBool         `json:"redacted"`
	} `json:"source"`
	Contacts *struct {
		Contacts []struct {
			ID         flexString `json:"id"`
			ExternalID flexString `json:"external_id"`
			Name       string     `json:"name"`
			Email      string     `json:"email"`
		} `json:"contacts"`
	} `json:"contacts"`
	Teammates *struct {
		Teammates []jsonPerson `json:"teammates"`
	} `json:"teammates"`
	ConversationRating *struct {
		Rating   flexInt    `json:"rating"`
		Remark   string     `json:"remark"`
		Contact  jsonPerson `json:"contact"`
		Teammate jsonPerson `json:"teammate"`
	} `json:"conversation_rating"`
	Statistics          map[string]json.RawMessage `json:"statistics"`
	CustomAttributes    map[string]json.RawMessage `json:"custom_attributes"`
	AIAgentParticipated flexBool                   `json:"ai_agent_participated"`
	AIAgent             *struct {
		ResolutionState string `json:"resolution_state"`
		LastAnswerType  string `json:"last_answer_type"`
	} `json:"ai_agent"`
	SLAApplied *struct {
		SLAName   string `json:"sla_name"`
		SLAStatus string `json:"sla_status"`
	} `json:"sla_applied"`
	ConversationParts *struct {
		Parts      []jsonPart `json:"conversation_parts"`
		TotalCount flexInt    `json:"total_count"`
	} `json:"conversation_parts"`
}

type jsonPart struct {
	ID          flexString       `json:"id"`
	PartType    string           `json:"part_type"`
	Body        *string          `json:"body"`
	CreatedAt   flexInt          `json:"created_at"`
	Author      jsonPerson       `json:"author"`
	AssignedTo  *jsonPerson      `json:"assigned_to"`
	Attachments []jsonAttachment `json:"attachments"`
	Redacted    flexBool         `json:"redacted"`
	State       string           `json:"state"`
}

type jsonListRef struct {
	Data []struct {
		ID   flexString `json:"id"`
		Name string     `json:"name"`
	} `json:"data"`
	TotalCount flexInt  `json:"total_count"`
	HasMore    flexBool `json:"has_more"`
}

type jsonContact struct {
	ID                     flexString                 `json:"id"`
	WorkspaceID            flexString                 `json:"workspace_id"`
	ExternalID             flexString                 `json:"external_id"`
	Role                   string                     `json:"role"`
	Email                  string                     `json:"email"`
	EmailDomain            string                     `json:"email_domain"`
	Phone                  string                     `json:"phone"`
	FormattedPhone         string                     `json:"formatted_phone"`
	Name                   string                     `json:"name"`
	OwnerID                flexString                 `json:"owner_id"`
	HasHardBounced         flexBool                   `json:"has_hard_bounced"`
	MarkedEmailAsSpam      flexBool                   `json:"marked_email_as_spam"`
	UnsubscribedFromEmails flexBool                   `json:"unsubscribed_from_emails"`
	CreatedAt              flexInt                    `json:"created_at"`
	UpdatedAt              flexInt                    `json:"updated_at"`
	SignedUpAt             flexInt                    `json:"signed_up_at"`
	LastSeenAt             flexInt                    `json:"last_seen_at"`
	LastRepliedAt          flexInt                    `json:"last_replied_at"`
	LastContactedAt        flexInt                    `json:"last_contacted_at"`
	LastEmailOpenedAt      flexInt                    `json:"last_email_opened_at"`
	LastEmailClickedAt     flexInt                    `json:"last_email_clicked_at"`
	LanguageOverride       string                     `json:"language_override"`
	Browser                string                     `json:"browser"`
	BrowserVersion         string                     `json:"browser_version"`
	BrowserLanguage        string                     `json:"browser_language"`
	OS                     string                     `json:"os"`
	CustomAttributes       map[string]json.RawMessage `json:"custom_attributes"`
	Location               *struct {
		Country     string `json:"country"`
		Region      string `json:"region"`
		City        string `json:"city"`
		CountryCode string `json:"country_code"`
	} `json:"location"`
	Tags           *jsonListRef `json:"tags"`
	Companies      *jsonListRef `json:"companies"`
	SocialProfiles *struct {
		Data []struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"data"`
	} `json:"social_profiles"`
}

// attributeValue decodes a custom attribute's raw JSON for output: numbers keep their exact digits (json.Number),
// strings (also inside lists and objects, such as custom object references) are sanitized.
func attributeValue(raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	return sanitizeValue(v)
}

func sanitizeValue(v any) any {
	switch t := v.(type) {
	case string:
		return Sanitize(t)
	case []any:
		for i := range t {
			t[i] = sanitizeValue(t[i])
		}
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[Sanitize(k)] = sanitizeValue(e)
		}
		return out
	}
	return v
}
