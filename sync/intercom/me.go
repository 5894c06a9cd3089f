package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/intercom-replica/intercom-replica/index/wire"
)

// Me is the admin an access token belongs to, with the workspace ("app") it works in (GET /me, schema
// "admin_with_app").
type Me struct {
	Type          string // "admin"
	ID            string
	Name          string
	Email         string
	EmailVerified bool
	App           App

	// Raw is the exact bytes of the response.
	Raw json.RawMessage
}

// App is an Intercom workspace (schema "app").
type App struct {
	// IDCode is the workspace id: the app id in app URLs, contact.workspace_id and webhook app_id.
	IDCode    string
	Name      string
	Region    string // "US", "EU" or "AU"
	Timezone  string // IANA name, e.g. "America/Los_Angeles"
	CreatedAt int64  // Unix seconds
}

// Me returns the admin and workspace the client's token belongs to (GET /me). It is the cheapest way to check that a
// token works: a bad one gives an error matching [ErrUnauthorized].
func (c *Client) Me(ctx context.Context) (*Me, error) {
	me, err := call[Me](ctx, c, request{method: http.MethodGet, path: "/me"})
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
		// Every Intercom API answers GET /me: a 404 says the address is not one (a wrong base URL, a proxy's path).
		return nil, fmt.Errorf("%w: %s does not look like Intercom's API (it has no /me); check the base URL (--base-url, "+
			"intercom.base_url) or the region", err, c.base)
	}
	return me, err
}

// UnmarshalJSON decodes a /me response and keeps a copy of data in Raw.
func (m *Me) UnmarshalJSON(data []byte) error {
	var w struct {
		Type          string      `json:"type"`
		ID            wire.String `json:"id"`
		Name          string      `json:"name"`
		Email         string      `json:"email"`
		EmailVerified bool        `json:"email_verified"`
		App           *struct {
			IDCode    wire.String `json:"id_code"`
			Name      string      `json:"name"`
			Region    string      `json:"region"`
			Timezone  string      `json:"timezone"`
			CreatedAt wire.Int    `json:"created_at"`
		} `json:"app"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if w.ID == "" {
		return errors.New("intercom: /me names no admin id") // what identifies the token's admin is missing
	}
	*m = Me{Type: w.Type, ID: string(w.ID), Name: w.Name, Email: w.Email, EmailVerified: w.EmailVerified, Raw: bytes.Clone(data)}
	if a := w.App; a != nil {
		m.App = App{IDCode: string(a.IDCode), Name: a.Name, Region: a.Region, Timezone: a.Timezone, CreatedAt: a.CreatedAt.V}
	}
	return nil
}
