package mcp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	mcpgo "github.com/mark3labs/mcp-go/mcp"
)

// JSON-RPC batches (an array of requests in one message) were part of MCP protocol version 2025-03-26 only; 2025-06-18
// removed them, and mcp-go answers one with a parse error ("not valid json", "Failed to parse message"), which
// sends a client looking for a bug in its JSON. Both transports answer a batch with this error instead.

// isBatch reports whether a JSON-RPC message is a batch: a JSON array.
func isBatch(msg []byte) bool {
	msg = bytes.TrimLeft(msg, " \t\r\n")
	return len(msg) > 0 && msg[0] == '['
}

// batchRefusal is the JSON-RPC error answering a batch.
func batchRefusal() mcpgo.JSONRPCError {
	return mcpgo.NewJSONRPCError(mcpgo.NewRequestId(nil), mcpgo.INVALID_REQUEST,
		"JSON-RPC batches are not supported: MCP protocol version 2025-06-18 removed them; send each request as its own message", nil)
}

// badIDRefusal is the JSON-RPC error answering a request whose id badRequestID refused, for the reason why.
func badIDRefusal(why string) mcpgo.JSONRPCError {
	return mcpgo.NewJSONRPCError(mcpgo.NewRequestId(nil), mcpgo.INVALID_REQUEST, why, nil)
}

// batchFilter is stdio's input with batches and requests of invalid ids taken out: it answers each such line on
// out itself and passes every other line on. out must be the writer the stdio server writes to, so that the answers and the server's own
// messages are written whole, one at a time.
type batchFilter struct {
	in      *bufio.Reader
	out     io.Writer
	pending []byte // the rest of the line being passed on
	err     error  // the error that ended in
	// passed, when set, is given each line passed on, before any of it is read.
	passed func(line []byte)
}

func newBatchFilter(in io.Reader, out io.Writer) *batchFilter {
	return &batchFilter{in: bufio.NewReader(in), out: out}
}

func (f *batchFilter) Read(p []byte) (int, error) {
	for len(f.pending) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		line, err := f.in.ReadBytes('\n')
		f.err = err
		var refusal *mcpgo.JSONRPCError
		if isBatch(line) {
			r := batchRefusal()
			refusal = &r
		} else if why := badRequestID(line); why != "" { // as the HTTP transport refuses it (requestid.go)
			r := badIDRefusal(why)
			refusal = &r
		}
		if refusal != nil {
			msg, merr := json.Marshal(refusal)
			if merr != nil {
				return 0, merr
			}
			if _, werr := f.out.Write(append(msg, '\n')); werr != nil {
				return 0, werr
			}
			continue
		}
		if err != nil && len(line) > 0 && line[len(line)-1] != '\n' {
			// The last line, without its newline: mcp-go reaches the end of its input before acting on such a line,
			// and drops it.
			line = append(line, '\n')
		}
		if f.passed != nil && len(line) > 0 {
			f.passed(line)
		}
		f.pending = line
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}
