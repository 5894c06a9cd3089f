package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/mcp/peer/peertest"
)

// A script uses serve as `printf '<requests>' | intercom-replica serve --demo` does: its input ends right after its
// requests, before any answer has come. serve must answer every one before it exits.

// scriptRequests is a script's session: initialize (id 1), the initialized notification, then tool calls and a
// ping, with ids 2 and up.
func scriptRequests(calls ...toolCall) string {
	lines := []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"sh","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
	}
	for i, c := range calls {
		params, err := json.Marshal(map[string]any{"name": c.tool, "arguments": c.args})
		if err != nil {
			panic(err)
		}
		lines = append(lines, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":%s}`, i+2, params))
	}
	lines = append(lines, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"ping"}`, len(calls)+2))
	return strings.Join(lines, "\n") + "\n"
}

// scriptAnswer is one answer serve wrote to stdout.
type scriptAnswer struct {
	Result *struct {
		IsError bool `json:"isError"`
		Content []struct {
			Text string `json:"text"`
		} `json:"content"`
	} `json:"result"`
	Error *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func (a scriptAnswer) text() string {
	if a.Error != nil {
		return "JSON-RPC error: " + a.Error.Message
	}
	var b strings.Builder
	if a.Result != nil {
		for _, c := range a.Result.Content {
			b.WriteString(c.Text)
		}
	}
	return b.String()
}

// texts returns the text of each answer.
func texts(answers []scriptAnswer) []string {
	var ts []string
	for _, a := range answers {
		ts = append(ts, a.text())
	}
	return ts
}

// scriptAnswers returns the answers on stdout by id.
func scriptAnswers(t *testing.T, stdout string) map[int][]scriptAnswer {
	t.Helper()
	answers := map[int][]scriptAnswer{}
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var id struct {
			ID *int `json:"id"`
		}
		var a scriptAnswer
		if err := json.Unmarshal(sc.Bytes(), &id); err != nil || json.Unmarshal(sc.Bytes(), &a) != nil || id.ID == nil {
			t.Fatalf("stdout line is not an answer: %.300s", sc.Text())
		}
		answers[*id.ID] = append(answers[*id.ID], a)
	}
	return answers
}

// TestServe_StdioScriptGetsEveryAnswer: the binary, its stdin piped from a script that ends right after its
// requests, answers every request with its result before it exits: on a synced demo data directory, and on a new
// one (the first run syncs the demo before serving). Many runs, as the loss was a race (2 runs in 3 lost the last
// call, or answered it "cancelled").
func TestServe_StdioScriptGetsEveryAnswer(t *testing.T) {
	t.Parallel()
	calls := []toolCall{
		{"search", map[string]any{"query": "object_type:tickets limit:1"}, "ticket_"},
		{"fetch", map[string]any{"id": demoConversation}, "Double charged this month"},
		{"aggregate", map[string]any{"query": "object_type:conversations", "group_by": []any{"state"}}, "| closed | 169 |"},
		{"get_contact", map[string]any{"id": demoContact}, "Fatima Johnson"},
	}
	script := scriptRequests(calls...)
	synced := demoCopy(t)
	for _, tc := range []struct {
		name string
		runs int
		dir  func() string
	}{
		{"a synced demo directory", 12, func() string { return synced }},
		{"a new directory", 2, func() string { return shortDir(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for run := range tc.runs {
				code, stdout, stderr := newUserEnv(t).runInput(t, 2*time.Minute, strings.NewReader(script),
					"serve", "--demo", "--config", "", "--data-dir", tc.dir())
				if code != 0 {
					t.Fatalf("run %d: exit %d; stderr:\n%s", run, code, stderr)
				}
				answers := scriptAnswers(t, stdout)
				if len(answers[1]) != 1 || answers[1][0].Result == nil {
					t.Fatalf("run %d: initialize: %+v", run, answers[1])
				}
				for i, c := range calls {
					got := answers[i+2]
					if len(got) != 1 || got[0].Result == nil || got[0].Result.IsError || !strings.Contains(got[0].text(), c.want) {
						t.Fatalf("run %d: %s (id %d): %d answers %.500q, want one result holding %q; stderr:\n%s", run, c.tool, i+2, len(got), texts(got), c.want, stderr)
					}
				}
				if ping := answers[len(calls)+2]; len(ping) != 1 || ping[0].Result == nil {
					t.Fatalf("run %d: ping: %+v", run, ping)
				}
			}
		})
	}
}

// TestServe_StdioScriptWhileTheReplicaOpens: a script's call made while serve is still opening the replica, its
// input already ended, is answered: with its result once the replica opens within the call's wait, or with the
// error saying the replica is still opening when it does not; never cancelled because the input ended.
func TestServe_StdioScriptWhileTheReplicaOpens(t *testing.T) {
	t.Parallel()
	search := toolCall{"search", map[string]any{"query": "object_type:conversations q:refund limit:2"}, ""}
	for _, tc := range []struct {
		name     string
		openWait time.Duration // how long a call waits for the replica; 0 is the default (15s)
		release  bool          // the replica opens
		want     string
		isError  bool
	}{
		{"it opens", 0, true, "30 conversations match", false},
		{"it is still opening", time.Millisecond, false, "The replica is still opening (rebuilding the full-text index of conversations: 42%", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := shortDir(t)
			seedReplica(t, dir, 30)
			held := peertest.NewHeldOpen()
			m := &Main{openReplica: held.Open, openWait: tc.openWait, Stdin: strings.NewReader(scriptRequests(search))}
			srv := startServe(t, m, "--config", offlineConfig(t), "--data-dir", dir)
			<-held.Entered
			if tc.release {
				close(held.Release)
			}
			if code := srv.wait(t, time.Minute); code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", code, srv.stderr)
			}
			got := scriptAnswers(t, srv.stdout.String())[2]
			if len(got) != 1 || got[0].Result == nil || got[0].Result.IsError != tc.isError || !strings.Contains(got[0].text(), tc.want) {
				t.Errorf("the search: %d answers %.500q, want one (error %v) holding %q; stderr:\n%s", len(got), texts(got), tc.isError, tc.want, srv.stderr)
			}
		})
	}
}
