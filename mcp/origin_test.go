package mcp

import (
	"strings"
	"testing"
)

func TestOriginPolicy(t *testing.T) {
	t.Parallel()
	p := newOriginPolicy([]string{"https://agents.example.com", "HTTP://Tools.Example.org:8443/"}, "127.0.0.1:8080", []string{"/webhooks/intercom"})
	tests := []struct {
		name     string
		loopback bool
		host     string
		origins  []string
		want     string // "" for served, else a word of the refusal
		signed   bool   // the path is signed: exempt from the Host rule
	}{
		// Host, on loopback: this machine's names only, with or without a port.
		{"loopback, localhost", true, "localhost:8080", nil, "", false},
		{"loopback, LOCALHOST", true, "LOCALHOST", nil, "", false},
		{"loopback, 127.0.0.1", true, "127.0.0.1:8080", nil, "", false},
		{"loopback, 127.0.0.2", true, "127.0.0.2", nil, "", false},
		{"loopback, [::1]", true, "[::1]:8080", nil, "", false},
		{"loopback, foreign host (DNS rebinding)", true, "evil.example.com:8080", nil, "Host", false},
		{"loopback, foreign host without port", true, "evil.example.com", nil, "Host", false},
		{"loopback, localhost.evil.com", true, "localhost.evil.com", nil, "Host", false},
		{"loopback, private address", true, "192.168.1.10:8080", nil, "Host", false},
		{"loopback, empty Host", true, "", nil, "Host", false},
		{"loopback, foreign host with a loopback origin", true, "evil.example.com", []string{"http://localhost:8080"}, "Host", false},
		// Host, elsewhere: any (a proxy or a name in DNS).
		{"network, any host", false, "replica.internal:8080", nil, "", false},
		// Host, on a signed path: any (the tunnel in front of the webhook passes the public Host).
		{"loopback, signed path, public host", true, "hooks.example.com", nil, "", true},
		{"loopback, signed path, foreign page", true, "hooks.example.com", []string{"https://evil.example.net"}, "origin", true},

		// Origin, on loopback: this machine's pages, any port, http or https.
		{"loopback, page on localhost, same port", true, "localhost:8080", []string{"http://localhost:8080"}, "", false},
		{"loopback, page on 127.0.0.1", true, "127.0.0.1:8080", []string{"http://127.0.0.1:8080"}, "", false},
		{"loopback, page on [::1]", true, "[::1]:8080", []string{"http://[::1]:8080"}, "", false},
		{"loopback, page on localhost, other port", true, "127.0.0.1:8080", []string{"http://localhost:5173"}, "", false},
		{"loopback, https page on localhost", true, "127.0.0.1:8080", []string{"https://localhost"}, "", false},
		{"loopback, page origin in capitals", true, "127.0.0.1:8080", []string{"HTTP://LOCALHOST:8080"}, "", false},
		{"loopback, foreign page", true, "127.0.0.1:8080", []string{"http://evil.example.com"}, "origin", false},
		{"loopback, foreign page named like localhost", true, "127.0.0.1:8080", []string{"http://localhost.evil.com"}, "origin", false},
		{"loopback, null origin", true, "127.0.0.1:8080", []string{"null"}, "origin", false},
		{"loopback, file origin", true, "127.0.0.1:8080", []string{"file://localhost"}, "origin", false},
		{"loopback, origin with a path", true, "127.0.0.1:8080", []string{"http://localhost:8080/page"}, "origin", false},
		{"loopback, one good one foreign", true, "127.0.0.1:8080", []string{"http://localhost:8080", "http://evil.example.com"}, "origin", false},
		{"loopback, listed origin", true, "127.0.0.1:8080", []string{"https://agents.example.com"}, "", false},

		// Origin, elsewhere: only the listed ones, even this machine's.
		{"network, no origin", false, "replica.internal", nil, "", false},
		{"network, listed origin", false, "replica.internal", []string{"https://agents.example.com"}, "", false},
		{"network, listed origin, normalised", false, "replica.internal", []string{"http://tools.example.org:8443"}, "", false},
		{"network, listed origin in capitals", false, "replica.internal", []string{"HTTPS://AGENTS.EXAMPLE.COM"}, "", false},
		{"network, page on localhost", false, "replica.internal", []string{"http://localhost:8080"}, "origin", false},
		{"network, foreign page", false, "replica.internal", []string{"https://evil.example.net"}, "origin", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := p.check(originRequest{loopback: tc.loopback, signed: tc.signed, host: tc.host, origins: tc.origins})
			switch {
			case tc.want == "" && got != "":
				t.Errorf("refused: %s", got)
			case tc.want != "" && got == "":
				t.Errorf("served, want refused (%s)", tc.want)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Errorf("refused for %q, want a refusal about %s", got, tc.want)
			}
		})
	}
}

func TestOriginPolicy_ListenAddress(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:8080": true, "[::1]:0": true,
		"0.0.0.0:8080": false, ":8080": false, "192.0.2.10:8080": false, "replica.internal:8080": false,
	} {
		if got := newOriginPolicy(nil, addr, nil).loopbackListener; got != want {
			t.Errorf("listening on %s: loopback %v, want %v", addr, got, want)
		}
	}
}
