package wire

import "encoding/json"

// Company is the JSON of an Intercom company (schema "company"), with the fields this module reads; the record
// itself keeps every other field. MonthlySpend is a number Intercom documents as an integer and sends as a float
// in places, so it is kept as JSON.
type Company struct {
	ID              String          `json:"id"`
	CompanyID       String          `json:"company_id"`
	Name            String          `json:"name"`
	Website         String          `json:"website"`
	Industry        String          `json:"industry"`
	Plan            *Ref            `json:"plan"`
	Size            Int             `json:"size"`
	MonthlySpend    json.RawMessage `json:"monthly_spend"`
	UserCount       Int             `json:"user_count"`
	SessionCount    Int             `json:"session_count"`
	CreatedAt       Int             `json:"created_at"`
	UpdatedAt       Int             `json:"updated_at"`
	RemoteCreatedAt Int             `json:"remote_created_at"`
	LastRequestAt   Int             `json:"last_request_at"`
	Tags            *struct {
		Tags []Ref `json:"tags"`
	} `json:"tags"`
	Segments *struct {
		Segments []Ref `json:"segments"`
	} `json:"segments"`
	CustomAttributes map[string]json.RawMessage `json:"custom_attributes"`
}

// Named is the JSON of a record of Intercom's small lists that give ids their names: a teammate (schema "admin",
// with an email), a team, a tag or a segment.
type Named struct {
	ID    String `json:"id"`
	Name  String `json:"name"`
	Email String `json:"email"`
}
