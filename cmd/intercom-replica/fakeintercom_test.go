package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query/testwait"
)

// syncBuffer is testwait.Buffer: output written concurrently and read by the test.
type syncBuffer = testwait.Buffer

// startFakeIntercom runs `intercom-replica fake-intercom args...` until the test ends and returns the base URL and
// token it printed.
func startFakeIntercom(t *testing.T, args ...string) (base, token string, stdout, stderr *syncBuffer) {
	t.Helper()
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	m := &Main{Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- m.Run(ctx, append([]string{"fake-intercom", "--listen", "127.0.0.1:0"}, args...)) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("fake-intercom exited %d after cancellation; stderr:\n%s", code, stderr)
			}
		case <-time.After(10 * time.Second):
			t.Error("fake-intercom did not stop after cancellation")
		}
	})
	example := regexp.MustCompile(`INTERCOM_BASE_URL=(http://\S+) INTERCOM_ACCESS_TOKEN=(\S+)`)
	testwait.For(t, "the base URL on stdout", 10*time.Second, func() bool {
		select {
		case code := <-done:
			t.Fatalf("fake-intercom exited %d early; stderr:\n%s", code, stderr)
		default:
		}
		return example.MatchString(stdout.String())
	})
	mm := example.FindStringSubmatch(stdout.String())
	return mm[1], mm[2], stdout, stderr
}

func getJSON(t *testing.T, url, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Intercom-Version", "2.16")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, b)
	}
	return resp.StatusCode, m
}

func TestFakeIntercom_ServesThePrintedURLWithThePrintedToken(t *testing.T) {
	t.Parallel()
	base, token, stdout, _ := startFakeIntercom(t, "--seed", "3", "--conversations", "60", "--contacts", "25", "--rate-limit", "500")
	if !strings.Contains(stdout.String(), "Access token: "+token) {
		t.Errorf("stdout does not name the token:\n%s", stdout)
	}
	status, list := getJSON(t, base+"/conversations?per_page=5", token)
	if status != http.StatusOK || list["type"] != "conversation.list" {
		t.Fatalf("GET /conversations: %d %v", status, list)
	}
	// The banner counts live conversations (of 60 generated, a few are already deleted), as total_count does.
	printed := regexp.MustCompile(`seed 3: (\d+) conversations, \d+ contacts`).FindStringSubmatch(stdout.String())
	if printed == nil {
		t.Fatalf("banner does not state the sizes:\n%s", stdout)
	}
	if total := strconv.Itoa(int(list["total_count"].(float64))); total != printed[1] || total == "60" || total == "0" {
		t.Errorf("total_count %s, banner says %s", total, printed[1])
	}
	if status, me := getJSON(t, base+"/me", token); status != http.StatusOK || me["type"] != "admin" {
		t.Errorf("GET /me: %d %v", status, me)
	}
	status, body := getJSON(t, base+"/contacts", "wrong")
	if status != http.StatusUnauthorized || body["type"] != "error.list" {
		t.Errorf("wrong token: %d %v", status, body)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-RateLimit-Limit"); got != "500" {
		t.Errorf("--rate-limit 500 gives X-RateLimit-Limit %q", got)
	}
}

func TestFakeIntercom_SameSeedSameToken(t *testing.T) {
	t.Parallel()
	_, a, _, _ := startFakeIntercom(t, "--seed", "5", "--conversations", "1", "--contacts", "1")
	_, b, _, _ := startFakeIntercom(t, "--seed", "5", "--conversations", "1", "--contacts", "1")
	_, c, _, _ := startFakeIntercom(t, "--seed", "5", "--conversations", "1", "--contacts", "1", "--token", "mine")
	if a != b || c != "mine" {
		t.Errorf("tokens %q %q %q", a, b, c)
	}
}

func TestFakeIntercom_ActivityChangesTheWorkspace(t *testing.T) {
	t.Parallel()
	base, token, _, stderr := startFakeIntercom(t, "--conversations", "30", "--contacts", "10", "--activity", "5ms")
	testwait.For(t, "simulated activity", 10*time.Second, func() bool {
		_, list := getJSON(t, base+"/conversations?per_page=1", token)
		first := list["conversations"].([]any)[0].(map[string]any)
		// Generated records end at 2026-01-01; activity is stamped with the real clock.
		return first["updated_at"].(float64) > 1767225600
	})
	testwait.For(t, "an activity log line", 10*time.Second, func() bool { return strings.Contains(stderr.String(), "workspace activity") })
}

// TestFakeIntercom_NetworkFaultFlags: each fault knob of the fake is reachable from the command line and does what
// its help says, at rate 1.
func TestFakeIntercom_NetworkFaultFlags(t *testing.T) {
	t.Parallel()
	get := func(base, token string) (*http.Response, []byte, error) {
		// A fresh connection per request: Go's transport would retry a GET on a reset kept-alive one by itself.
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		req, _ := http.NewRequest(http.MethodGet, base+"/conversations?per_page=5", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, body, err
	}
	small := []string{"--conversations", "20", "--contacts", "5"}

	base, token, _, _ := startFakeIntercom(t, append(small, "--reset-rate", "1")...)
	if _, _, err := get(base, token); err == nil || !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "EOF") {
		t.Errorf("--reset-rate 1: %v, want a reset connection", err)
	}

	base, token, _, _ = startFakeIntercom(t, append(small, "--bad-gateway-rate", "1")...)
	resp, body, err := get(base, token)
	if err != nil || resp.StatusCode != http.StatusBadGateway || resp.Header.Get("Content-Type") != "text/html" || !strings.Contains(string(body), "502 Bad Gateway") ||
		resp.Header.Get("X-RateLimit-Limit") != "" {
		t.Errorf("--bad-gateway-rate 1: %v %v %q", err, resp, body)
	}

	base, token, _, _ = startFakeIntercom(t, append(small, "--truncate-rate", "1")...)
	resp, body, err = get(base, token)
	if err == nil && json.Valid(body) {
		t.Errorf("--truncate-rate 1: a whole body (%d bytes, status %d)", len(body), resp.StatusCode)
	}

	base, token, _, _ = startFakeIntercom(t, append(small, "--slow-body", "50ms")...)
	resp, body, err = get(base, token)
	if err != nil || resp.StatusCode != http.StatusOK || !json.Valid(body) {
		t.Errorf("--slow-body: %v, %d bytes", err, len(body))
	}
}

func TestFakeIntercom_UsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--conversations", "-1"},
		{"--conversations", "5", "--contacts", "0"},
		{"--timezone", "Mars/Olympus_Mons"},
		{"--error-rate", "2"},
		{"--truncate-rate", "-0.1"},
		{"--reset-rate", "1.5"},
		{"--bad-gateway-rate", "2"},
		{"--slow-body", "-1s"},
		{"--rate-window", "500ms"},
		{"--no-such-flag"},
		{"extra-argument"},
	} {
		var stderr bytes.Buffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }}
		if code := m.Run(context.Background(), append([]string{"fake-intercom", "--listen", "127.0.0.1:0"}, args...)); code != exitUsage {
			t.Errorf("%v: exit %d, want %d; stderr: %s", args, code, exitUsage, stderr.String())
		}
	}
	// A listen failure is a runtime error.
	var stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if code := m.Run(context.Background(), []string{"fake-intercom", "--listen", "256.0.0.1:99999"}); code != exitRuntime {
		t.Errorf("bad listen address: exit %d, want %d", code, exitRuntime)
	}
}
