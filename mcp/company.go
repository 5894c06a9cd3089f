package mcp

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/index/wire"
	"github.com/intercom-replica/intercom-replica/query"
)

// CompanyView is a company as the tools return it in structuredContent: every attribute, sanitized, with its
// tags and segments by name.
type CompanyView struct {
	ID               string         `json:"id"` // prefixed: company_abc
	URL              string         `json:"url"`
	Name             string         `json:"name,omitempty"`
	CompanyID        string         `json:"company_id,omitempty"` // the workspace's own id for the company
	Website          string         `json:"website,omitempty"`
	Industry         string         `json:"industry,omitempty"`
	Plan             string         `json:"plan,omitempty"`
	Size             *int64         `json:"size,omitempty"` // employees
	MonthlySpend     *float64       `json:"monthly_spend,omitempty"`
	UserCount        *int64         `json:"user_count,omitempty"`
	SessionCount     *int64         `json:"session_count,omitempty"`
	CreatedAt        string         `json:"created_at,omitempty"` // RFC 3339, UTC
	UpdatedAt        string         `json:"updated_at,omitempty"`
	RemoteCreatedAt  string         `json:"remote_created_at,omitempty"`
	LastRequestAt    string         `json:"last_request_at,omitempty"`
	Tags             []string       `json:"tags,omitempty"`     // names ("tag id 6012000" when the replica has none)
	Segments         []string       `json:"segments,omitempty"` // names, as Tags
	CustomAttributes map[string]any `json:"custom_attributes,omitempty"`
}

// CompanySummary is one company of a list (list_companies).
type CompanySummary struct {
	ID        string   `json:"id"` // prefixed: company_abc
	Name      string   `json:"name,omitempty"`
	CompanyID string   `json:"company_id,omitempty"`
	Summary   string   `json:"summary,omitempty"` // plan, size, spend, users, industry, website on one line
	Tags      []string `json:"tags,omitempty"`
	CreatedAt string   `json:"created_at,omitempty"`
	UpdatedAt string   `json:"updated_at,omitempty"`
	URL       string   `json:"url"`
}

// newCompanyView decodes a company's raw JSON and builds its view; tags and segments Intercom sent without a
// name are named from names (nil names none).
func newCompanyView(raw []byte, appID string, names NameLookup) (*CompanyView, error) {
	var c wire.Company
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("decode company: %w", err)
	}
	id := string(c.ID)
	v := &CompanyView{
		ID:              query.FormatID(query.KindCompany, id),
		URL:             appURL(appID, query.KindCompany, id),
		Name:            sanitizeLine(string(c.Name)),
		CompanyID:       sanitizeLine(string(c.CompanyID)),
		Website:         sanitizeLine(string(c.Website)),
		Industry:        sanitizeLine(string(c.Industry)),
		Size:            intOrNil(c.Size),
		UserCount:       intOrNil(c.UserCount),
		SessionCount:    intOrNil(c.SessionCount),
		CreatedAt:       rfc3339(c.CreatedAt.V),
		UpdatedAt:       rfc3339(c.UpdatedAt.V),
		RemoteCreatedAt: rfc3339(c.RemoteCreatedAt.V),
		LastRequestAt:   rfc3339(c.LastRequestAt.V),
	}
	if c.Plan != nil {
		v.Plan = sanitizeLine(string(c.Plan.Name))
	}
	var spend struct {
		V *float64 `json:"v"`
	}
	if len(c.MonthlySpend) > 0 && json.Unmarshal([]byte(`{"v":`+string(c.MonthlySpend)+`}`), &spend) == nil {
		v.MonthlySpend = spend.V // a number; null, or a string Intercom should not send, is left out
	}
	if c.Tags != nil {
		for _, t := range c.Tags.Tags {
			v.Tags = append(v.Tags, refName(t, query.KindTag, names))
		}
	}
	if c.Segments != nil {
		for _, s := range c.Segments.Segments {
			v.Segments = append(v.Segments, refName(s, query.KindSegment, names))
		}
	}
	v.CustomAttributes = customAttributeValues(c.CustomAttributes)
	return v, nil
}

func intOrNil(i wire.Int) *int64 {
	if !i.Valid {
		return nil
	}
	n := i.V
	return &n
}

// companyTitle is what a company is called in a title: its name, else its own id, else its Intercom id.
func companyTitle(name, companyID, id string) string {
	switch {
	case name != "":
		return name
	case companyID != "":
		return companyID
	}
	return id
}

// RenderCompany renders a company card for reading, by a model or a person: the data notice, then every
// attribute, customer-written strings (name, website, industry, plan, tags, custom attributes) quoted. It reads
// nothing: v and fresh hold everything shown.
func RenderCompany(v *CompanyView, fresh Freshness) string {
	var b strings.Builder
	writeCardHead(&b, v.ID, v.Name, v.URL)
	writeField(&b, "Company id", quotedLine(v.CompanyID))
	writeField(&b, "Website", quotedLine(v.Website))
	writeField(&b, "Industry", quotedLine(v.Industry))
	writeField(&b, "Plan", quotedLine(v.Plan))
	var size []string
	if v.Size != nil {
		size = append(size, countNoun(int(*v.Size), "employee", "employees"))
	}
	if v.MonthlySpend != nil {
		size = append(size, strconv.FormatFloat(*v.MonthlySpend, 'f', -1, 64)+" monthly spend")
	}
	if v.UserCount != nil {
		size = append(size, countNoun(int(*v.UserCount), "user", "users"))
	}
	if v.SessionCount != nil {
		size = append(size, countNoun(int(*v.SessionCount), "session", "sessions"))
	}
	writeField(&b, "Size", strings.Join(size, " · "))
	writeField(&b, "Activity", joinNonEmpty(" · ", prefixed("created ", humanTimeRFC(v.CreatedAt)),
		prefixed("created (your records) ", humanTimeRFC(v.RemoteCreatedAt)),
		prefixed("last request ", humanTimeRFC(v.LastRequestAt)), prefixed("updated ", humanTimeRFC(v.UpdatedAt))))
	writeField(&b, "Tags", quotedList(v.Tags))
	writeField(&b, "Segments", quotedList(v.Segments))
	writeField(&b, "Custom attributes", attributesLine(v.CustomAttributes))
	writeField(&b, "Freshness", fresh.line())
	b.WriteString("Contacts: search with object_type:contacts company_id:" + strings.TrimPrefix(v.ID, string(query.KindCompany)+"_") + "\n")
	return strings.TrimRight(b.String(), "\n")
}

// companySummary shapes a hit as a company summary.
func companySummary(h index.Hit, env rowEnv) CompanySummary {
	return CompanySummary{
		ID: query.FormatID(query.KindCompany, h.ID), Name: sanitizeLine(h.Name), CompanyID: sanitizeLine(h.ExternalID),
		Summary: sanitizeLine(h.Preview), Tags: sanitizeList(h.Tags), CreatedAt: rfc3339(h.CreatedAt),
		UpdatedAt: rfc3339(h.UpdatedAt), URL: appURL(env.appID, query.KindCompany, h.ID),
	}
}

// line renders a company summary on one line.
func (c CompanySummary) line() string {
	return joinNonEmpty(" · ", c.ID+" "+quotedLine(companyTitle(c.Name, c.CompanyID, c.ID)),
		prefixed("company_id ", quotedLine(c.CompanyID)), prefixed("tags ", quotedList(c.Tags)),
		prefixed("updated ", humanTimeRFC(c.UpdatedAt)))
}

// below quotes the company's summary (plan, size, spend, ...) under its entry.
func (c CompanySummary) below() []string { return quoted(c.Summary) }

// companyHitLine is the key fields of a company in a search result (its summary follows after "> ").
func companyHitLine(h index.Hit) string {
	return joinNonEmpty(" · ", prefixed("company_id ", quotedLine(h.ExternalID)),
		prefixed("tags ", quotedList(h.Tags)), prefixed("created ", humanTime(h.CreatedAt)),
		prefixed("updated ", humanTime(h.UpdatedAt)))
}

// customAttributeValues are a record's custom attributes as a view holds them: names sanitized, values decoded,
// nulls left out; nil when there are none.
func customAttributeValues(attrs map[string]json.RawMessage) map[string]any {
	if len(attrs) == 0 {
		return nil
	}
	out := make(map[string]any, len(attrs))
	for k, raw := range attrs {
		if val := attributeValue(raw); val != nil {
			out[sanitizeLine(k)] = val
		}
	}
	return out
}
