package wire

import "encoding/json"

// Contact is the JSON of an Intercom contact, a user or a lead (schema "contact"), with the fields this module
// reads; the record itself keeps every other field.
type Contact struct {
	ID                     String `json:"id"`
	WorkspaceID            String `json:"workspace_id"`
	ExternalID             String `json:"external_id"`
	Role                   String `json:"role"` // user or lead
	Name                   String `json:"name"`
	Email                  String `json:"email"`
	EmailDomain            String `json:"email_domain"`
	Phone                  String `json:"phone"`
	FormattedPhone         String `json:"formatted_phone"`
	OwnerID                String `json:"owner_id"` // admin id; a number, a string or null
	Avatar                 Avatar `json:"avatar"`
	CreatedAt              Int    `json:"created_at"`
	UpdatedAt              Int    `json:"updated_at"`
	SignedUpAt             Int    `json:"signed_up_at"`
	LastSeenAt             Int    `json:"last_seen_at"`
	LastRepliedAt          Int    `json:"last_replied_at"`
	LastContactedAt        Int    `json:"last_contacted_at"`
	LastEmailOpenedAt      Int    `json:"last_email_opened_at"`
	LastEmailClickedAt     Int    `json:"last_email_clicked_at"`
	LanguageOverride       String `json:"language_override"`
	Browser                String `json:"browser"`
	BrowserVersion         String `json:"browser_version"`
	BrowserLanguage        String `json:"browser_language"`
	OS                     String `json:"os"`
	UnsubscribedFromEmails Bool   `json:"unsubscribed_from_emails"`
	MarkedEmailAsSpam      Bool   `json:"marked_email_as_spam"`
	HasHardBounced         Bool   `json:"has_hard_bounced"`
	IOSLastSeenAt          Int    `json:"ios_last_seen_at"`
	IOSAppName             String `json:"ios_app_name"`
	IOSAppVersion          String `json:"ios_app_version"`
	IOSDevice              String `json:"ios_device"`
	IOSAppDevice           String `json:"ios_app_device"`
	IOSOSVersion           String `json:"ios_os_version"`
	IOSSDKVersion          String `json:"ios_sdk_version"`
	AndroidLastSeenAt      Int    `json:"android_last_seen_at"`
	AndroidAppName         String `json:"android_app_name"`
	AndroidAppVersion      String `json:"android_app_version"`
	AndroidDevice          String `json:"android_device"`
	AndroidSDKVersion      String `json:"android_sdk_version"`
	Location               *struct {
		Country     String `json:"country"`
		Region      String `json:"region"`
		City        String `json:"city"`
		CountryCode String `json:"country_code"`
	} `json:"location"`
	Tags           *RefList `json:"tags"`
	Companies      *RefList `json:"companies"`
	SocialProfiles *struct {
		Data []struct {
			Name String `json:"name"`
			URL  String `json:"url"`
		} `json:"data"`
	} `json:"social_profiles"`
	CustomAttributes map[string]json.RawMessage `json:"custom_attributes"`
}

// RefList is a contact's list of tags or companies (schema "contact_tags", "contact_companies"): the first items,
// often ids only, and how many there are.
type RefList struct {
	Data       []Ref `json:"data"`
	TotalCount Int   `json:"total_count"`
	HasMore    Bool  `json:"has_more"`
}
