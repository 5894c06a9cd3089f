package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

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

// scriptAnswers are the responses serve wrote to stdout, by id.
type scriptAnswers map[int64][]*jsonrpc.Response

// readScriptAnswers reads the responses on stdout, which holds JSON-RPC messages only.
func readScriptAnswers(t *testing.T, stdout string) scriptAnswers {
	t.Helper()
	answers := scriptAnswers{}
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		msg, err := jsonrpc.DecodeMessage(sc.Bytes())
		if err != nil {
			t.Fatalf("stdout line is not JSON-RPC: %v: %.300s", err, sc.Text())
		}
		if r, ok := msg.(*jsonrpc.Response); ok {
			id, _ := r.ID.Raw().(int64)
			answers[id] = append(answers[id], r)
		}
	}
	return answers
}

// result returns the one answer to id as a tool result (initialize's and ping's read as results without
// content), or what came instead: no answer, several, or a JSON-RPC error.
func (a scriptAnswers) result(t *testing.T, id int64) (*sdk.CallToolResult, string) {
	t.Helper()
	switch got := a[id]; {
	case len(got) != 1:
		return nil, fmt.Sprintf("%d answers", len(got))
	case got[0].Error != nil:
		return nil, "JSON-RPC error: " + got[0].Error.Error()
	}
	var res sdk.CallToolResult
	if err := json.Unmarshal(a[id][0].Result, &res); err != nil {
		t.Fatalf("answer to %d: %v: %.300s", id, err, a[id][0].Result)
	}
	return &res, ""
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
				answers := readScriptAnswers(t, stdout)
				for _, id := range []int64{1, int64(len(calls) + 2)} { // initialize, ping
					if _, failed := answers.result(t, id); failed != "" {
						t.Fatalf("run %d: id %d: %s; stderr:\n%s", run, id, failed, stderr)
					}
				}
				for i, c := range calls {
					res, failed := answers.result(t, int64(i+2))
					if failed == "" && (res.IsError || !strings.Contains(toolText(res), c.want)) {
						failed = fmt.Sprintf("error %v: %.500q", res.IsError, toolText(res))
					}
					if failed != "" {
						t.Fatalf("run %d: %s (id %d): %s, want one result holding %q; stderr:\n%s", run, c.tool, i+2, failed, c.want, stderr)
					}
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
			res, failed := readScriptAnswers(t, srv.stdout.String()).result(t, 2)
			if failed == "" && (res.IsError != tc.isError || !strings.Contains(toolText(res), tc.want)) {
				failed = fmt.Sprintf("error %v: %.500q", res.IsError, toolText(res))
			}
			if failed != "" {
				t.Errorf("the search: %s, want one result (error %v) holding %q; stderr:\n%s", failed, tc.isError, tc.want, srv.stderr)
			}
		})
	}
}
