package main

import (
	"cmp"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

// TestPlanFakeIntercom covers every decision fake-intercom makes from its flags, and every value it refuses (each
// a usage error, exit 2, naming the flag).
func TestPlanFakeIntercom(t *testing.T) {
	t.Parallel()
	defaults := func() fakeIntercomPlan {
		return fakeIntercomPlan{
			listen: "127.0.0.1:8089",
			workspace: fakeintercom.WorkspaceOptions{Seed: 1, Conversations: 2000, Contacts: 1000,
				ContactSearchDelay: fakeintercom.DefaultContactSearchDelay},
			handler:  fakeintercom.HandlerOptions{Faults: fakeintercom.Faults{RateLimit: fakeintercom.DefaultRateLimit, RateWindow: fakeintercom.DefaultRateWindow}},
			logLevel: slog.LevelInfo,
		}
	}
	tests := []struct {
		name     string
		args     []string
		want     func(p *fakeIntercomPlan) // applied to defaults()
		location string                    // the workspace's time zone; "" means the default
		wantErr  string                    // a usage error containing this
	}{
		{name: "defaults", want: func(*fakeIntercomPlan) {}},
		{name: "the workspace", args: []string{"--listen", "127.0.0.1:0", "--seed", "7", "--conversations", "60", "--contacts", "25", "--token", "mine"},
			want: func(p *fakeIntercomPlan) {
				p.listen, p.handler.Token = "127.0.0.1:0", "mine"
				p.workspace.Seed, p.workspace.Conversations, p.workspace.Contacts = 7, 60, 25
			}},
		{name: "every fault", args: []string{"--latency", "50ms", "--jitter", "20ms", "--rate-limit", "100", "--rate-window", "2s",
			"--error-rate", "0.1", "--truncate-rate", "0.2", "--reset-rate", "0.3", "--bad-gateway-rate", "0.4", "--slow-body", "1s"},
			want: func(p *fakeIntercomPlan) {
				p.handler.Faults = fakeintercom.Faults{Latency: 50 * time.Millisecond, Jitter: 20 * time.Millisecond, RateLimit: 100,
					RateWindow: 2 * time.Second, ErrorRate: 0.1, TruncateRate: 0.2, ResetRate: 0.3, BadGatewayRate: 0.4, SlowBody: time.Second}
			}},
		{name: "rate limit 0 disables it", args: []string{"--rate-limit", "0"}, want: func(p *fakeIntercomPlan) { p.handler.Faults.RateLimit = -1 }},
		{name: "contact search delay 0 is none", args: []string{"--contact-search-delay", "0"},
			want: func(p *fakeIntercomPlan) { p.workspace.ContactSearchDelay = -1 }},
		{name: "contact search delay", args: []string{"--contact-search-delay", "3s"},
			want: func(p *fakeIntercomPlan) { p.workspace.ContactSearchDelay = 3 * time.Second }},
		{name: "activity", args: []string{"--activity", "2s"}, want: func(p *fakeIntercomPlan) { p.activity = 2 * time.Second }},
		{name: "verbose logs every request", args: []string{"-v"}, want: func(p *fakeIntercomPlan) { p.logLevel = slog.LevelDebug }},
		{name: "time zone", args: []string{"--timezone", "Europe/Dublin"}, location: "Europe/Dublin", want: func(*fakeIntercomPlan) {}},

		{name: "negative rate limit", args: []string{"--rate-limit", "-1"}, wantErr: "--rate-limit must not be negative, got -1"},
		{name: "window under a second", args: []string{"--rate-window", "500ms"}, wantErr: "--rate-window must be at least 1s, got 500ms"},
		{name: "negative latency", args: []string{"--latency", "-1s"}, wantErr: "durations must not be negative"},
		{name: "negative jitter", args: []string{"--jitter", "-1s"}, wantErr: "durations must not be negative"},
		{name: "negative activity", args: []string{"--activity", "-1s"}, wantErr: "durations must not be negative"},
		{name: "negative search delay", args: []string{"--contact-search-delay", "-1s"}, wantErr: "durations must not be negative"},
		{name: "negative slow body", args: []string{"--slow-body", "-1s"}, wantErr: "durations must not be negative"},
		{name: "error rate above 1", args: []string{"--error-rate", "2"}, wantErr: "--error-rate must be between 0 and 1, got 2"},
		{name: "negative truncate rate", args: []string{"--truncate-rate", "-0.1"}, wantErr: "--truncate-rate must be between 0 and 1, got -0.1"},
		{name: "reset rate above 1", args: []string{"--reset-rate", "1.5"}, wantErr: "--reset-rate must be between 0 and 1, got 1.5"},
		{name: "bad gateway rate above 1", args: []string{"--bad-gateway-rate", "2"}, wantErr: "--bad-gateway-rate must be between 0 and 1, got 2"},
		{name: "unknown time zone", args: []string{"--timezone", "Mars/Olympus_Mons"}, wantErr: `--timezone "Mars/Olympus_Mons": `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, f := newFakeIntercomFlags(&Main{Stderr: io.Discard})
			if err := parseFlagsOnly(fs, tt.args, ""); err != nil {
				t.Fatalf("fake-intercom %q: %v", tt.args, err)
			}
			got, err := planFakeIntercom(*f)
			if tt.wantErr != "" {
				if !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want a usage error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := defaults()
			tt.want(&want)
			if loc := cmp.Or(tt.location, fakeintercom.DefaultLocation().String()); got.workspace.Location == nil || got.workspace.Location.String() != loc {
				t.Errorf("time zone %v, want %s", got.workspace.Location, loc)
			}
			got.workspace.Location = nil // compared by name above
			if !reflect.DeepEqual(got, want) {
				t.Errorf("plan:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}
