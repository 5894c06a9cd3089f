package peer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/intercom-replica/intercom-replica/index"
	"github.com/intercom-replica/intercom-replica/mcp"
	"github.com/intercom-replica/intercom-replica/query"
)

// Client calls the owner of a replica over its socket. It implements mcp.Replica and mcp.FreshGetter, Scan and
// ScanQuery for export, and asks the owner to sync, reindex and report its rate budget. It is safe for concurrent
// use.
type Client struct {
	path string
	http *http.Client
	now  func() time.Time
}

var (
	_ mcp.Replica     = (*Client)(nil)
	_ mcp.FreshGetter = (*Client)(nil)
	_ Backend         = (*Client)(nil)
	_ Reindexer       = (*Client)(nil)
)

// Dial connects to the owner serving the socket at path and checks that it speaks this protocol. It returns an
// error matching ErrOwnerGone when nothing serves the socket (no owner, or a stale socket file).
func Dial(ctx context.Context, path string) (*Client, error) {
	if err := checkSocketPath(path); err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: 2 * time.Second}
	c := &Client{
		path: path,
		now:  time.Now,
		http: &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, "unix", path)
			},
			MaxIdleConnsPerHost:   64,
			IdleConnTimeout:       time.Minute,
			ResponseHeaderTimeout: 0, // a search or a live get may take a while; callers' contexts bound them
		}},
	}
	hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	h, err := c.Hello(hctx)
	if err != nil {
		c.Close()
		return nil, err
	}
	if h.Protocol != ProtocolVersion {
		c.Close()
		return nil, fmt.Errorf("owner (pid %d, version %s) speaks protocol %d, this process %d: run the same version", h.PID, h.Version, h.Protocol, ProtocolVersion)
	}
	return c, nil
}

// Close releases the client's idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Hello asks the owner who it is.
func (c *Client) Hello(ctx context.Context) (Hello, error) {
	var h Hello
	err := c.call(ctx, http.MethodGet, pathHello, nil, &h)
	return h, err
}

// Search implements mcp.Searcher. The query travels as canonical DSL with this process's clock.
func (c *Client) Search(ctx context.Context, q query.Query) (index.Result, error) {
	var res index.Result
	err := c.call(ctx, http.MethodPost, pathSearch, searchRequest{DSL: q.String(), Now: c.now()}, &res)
	return res, err
}

// Aggregate implements mcp.Aggregator. The aggregate travels in canonical form with this process's clock.
func (c *Client) Aggregate(ctx context.Context, a query.Aggregate) (index.AggregateResult, error) {
	var res index.AggregateResult
	err := c.call(ctx, http.MethodPost, pathAggr, aggregateRequest{Spec: a.Spec(), Now: c.now()}, &res)
	return res, err
}

// Get implements mcp.Getter.
func (c *Client) Get(ctx context.Context, kind query.Kind, id string) (index.Record, error) {
	var w wireRecord
	if err := c.call(ctx, http.MethodPost, pathGet, recordRequest{Kind: kind, ID: id}, &w); err != nil {
		return index.Record{}, err
	}
	return w.record(), nil
}

// GetFresh implements mcp.FreshGetter with the owner's freshness policy (its live fetcher and rate budget).
func (c *Client) GetFresh(ctx context.Context, kind query.Kind, id string) (mcp.Fresh, error) {
	var f freshResponse
	if err := c.call(ctx, http.MethodPost, pathGetFresh, recordRequest{Kind: kind, ID: id}, &f); err != nil {
		return mcp.Fresh{}, err
	}
	return mcp.Fresh{Record: f.Record.record(), Source: f.Source, Stale: f.Stale, Reason: f.Reason}, nil
}

// names asks the owner for the names of ids of kind; an owner of an older release, which cannot name them,
// answers none.
func (c *Client) names(ctx context.Context, kind query.Kind, ids []string) (map[string]string, error) {
	var res namesResponse
	if err := c.call(ctx, http.MethodPost, pathNames, namesRequest{Kind: kind, IDs: ids}, &res); err != nil {
		return nil, err
	}
	return res.Names, nil
}

// NameLookup implements mcp.Namer: names asked of the owner one id at a time as a renderer needs them, and kept
// for the lookup's life (one tool call or command). A failed request names nothing: the ids are shown as they are.
func (c *Client) NameLookup(ctx context.Context) mcp.NameLookup {
	return &remoteNames{ctx: ctx, c: c, known: map[query.Kind]map[string]string{}}
}

type remoteNames struct {
	ctx   context.Context
	c     *Client
	mu    sync.Mutex
	known map[query.Kind]map[string]string // kind → id → name ("" when the owner cannot name it)
}

func (n *remoteNames) Name(kind query.Kind, id string) (string, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	byID := n.known[kind]
	if byID == nil {
		byID = map[string]string{}
		n.known[kind] = byID
	}
	if name, ok := byID[id]; ok {
		return name, name != ""
	}
	got, err := n.c.names(n.ctx, kind, []string{id})
	if err != nil {
		return "", false
	}
	byID[id] = got[id]
	return got[id], got[id] != ""
}

// Status implements mcp.StatusSource.
func (c *Client) Status(ctx context.Context) (index.Status, error) {
	var st index.Status
	err := c.call(ctx, http.MethodGet, pathStatus, nil, &st)
	return st, err
}

// Scan calls fn with every record of kind the owner holds, tombstones included, as it streams them, until fn
// returns an error (which Scan returns). A stream the owner did not finish is an error matching ErrOwnerGone.
func (c *Client) Scan(ctx context.Context, kind query.Kind, fn func(index.Record) error) error {
	what := "scan " + kind.Plural()
	_, err := c.stream(ctx, pathRecords, scanRequest{Kind: kind}, what, records(fn))
	if errors.Is(err, errors.ErrUnsupported) { // an owner of the first release: JSON lines
		_, err = c.stream(ctx, pathScan, scanRequest{Kind: kind}, what, records(fn))
	}
	return err
}

// ScanQuery calls fn with every live record matching q, in q's order, as the owner streams them (it pages
// through its search q.Limit hits at a time, see EachMatch), until fn returns an error (which ScanQuery returns).
// One request carries the whole result, however many pages it has.
func (c *Client) ScanQuery(ctx context.Context, q query.Query, fn func(index.Record) error) error {
	_, err := c.stream(ctx, pathRecords, scanRequest{Kind: q.Kind, DSL: q.String(), Now: c.now()}, "scan "+string(q.Kind)+"s matching the query", records(fn))
	return err
}

// records adapts fn to the lines of a scan.
func records(fn func(index.Record) error) func(streamLine) error {
	return func(l streamLine) error {
		if l.Record == nil {
			return nil
		}
		return fn(l.Record.record())
	}
}

// Sync asks the owner's syncer to run one pass of mode (after a pass it is running, if any), calls progress with
// its progress as it goes, and returns the pass reports as the syncer writes them (JSON), with the pass's error
// if it failed. It returns an error matching ErrUnavailable when the owner does not sync.
func (c *Client) Sync(ctx context.Context, mode SyncMode, progress func(Progress)) (json.RawMessage, error) {
	return c.stream(ctx, pathSync, syncRequest{Mode: mode}, "sync", func(l streamLine) error {
		if l.Progress != nil && progress != nil {
			progress(*l.Progress)
		}
		return nil
	})
}

// Reindex asks the owner to rebuild its full-text index (searches go on meanwhile), calling progress with the
// records done and the total as it goes (the last call has done equal to total). It returns an error matching
// ErrUnavailable when the owner's replica cannot rebuild.
func (c *Client) Reindex(ctx context.Context, progress func(done, total int)) error {
	_, err := c.stream(ctx, pathReindex, struct{}{}, "reindex", func(l streamLine) error {
		if l.Progress != nil && progress != nil {
			progress(l.Progress.Done, l.Progress.Total)
		}
		return nil
	})
	return err
}

// Budget returns the owner's rate budget as it is now. It returns an error matching ErrUnavailable when the
// owner makes no requests to Intercom (it does not sync).
func (c *Client) Budget(ctx context.Context) (Budget, error) {
	var b Budget
	err := c.call(ctx, http.MethodGet, pathBudget, nil, &b)
	return b, err
}

// stream makes a request whose answer is streamed, calls fn with each line before the last, and returns the
// result the last line carries, with the error that ended the operation if one did. A stream that ends without
// its last line was cut off: an error matching ErrOwnerGone.
func (c *Client) stream(ctx context.Context, path string, in any, what string, fn func(streamLine) error) (json.RawMessage, error) {
	resp, err := c.do(ctx, http.MethodPost, path, in)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, decodeError(resp)
	}
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	for {
		line, err := readStreamLine(br)
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return nil, cerr
			}
			if errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("%s: the stream ended before the owner finished it: %w", what, ErrOwnerGone)
			}
			return nil, fmt.Errorf("%s: %w: %w", what, ErrOwnerGone, err)
		}
		switch {
		case line.Error != nil && line.Error.Code == codeFailed:
			return line.Result, line.Error.err() // the operation's own failure, which says what failed
		case line.Error != nil:
			return line.Result, fmt.Errorf("%s: %w", what, line.Error.err())
		case line.End:
			return line.Result, nil
		}
		if err := fn(line); err != nil {
			return nil, err
		}
	}
}

// readStreamLine reads one line of a stream, and the raw JSON that follows it when it is a framed record.
func readStreamLine(br *bufio.Reader) (streamLine, error) {
	var line streamLine
	b, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) { // a record as a JSON line: longer than the buffer
		long := append([]byte(nil), b...)
		for errors.Is(err, bufio.ErrBufferFull) && len(long) <= maxFrame {
			b, err = br.ReadSlice('\n')
			long = append(long, b...)
		}
		b = long
	}
	if err != nil {
		if errors.Is(err, io.EOF) && len(b) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return line, err
	}
	if err := json.Unmarshal(b, &line); err != nil {
		return line, fmt.Errorf("malformed line from the owner: %w", err)
	}
	if r := line.Record; r != nil && r.RawBytes > 0 {
		if r.RawBytes > maxFrame {
			return line, fmt.Errorf("a record of %d bytes from the owner: more than %d", r.RawBytes, maxFrame)
		}
		raw := make([]byte, r.RawBytes+1)
		if _, err := io.ReadFull(br, raw); err != nil {
			return line, fmt.Errorf("a record cut short: %w", err)
		}
		if raw[r.RawBytes] != '\n' {
			return line, fmt.Errorf("a record of %s not followed by a newline: the stream is out of step", r.ID)
		}
		r.Raw, r.RawBytes = raw[:r.RawBytes], 0
	}
	return line, nil
}

// call makes one request and decodes a successful answer into out.
func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	resp, err := c.do(ctx, method, path, in)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return decodeError(resp)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s: reading the owner's answer: %w: %w", path, ErrOwnerGone, err)
	}
	return nil
}

func (c *Client) do(ctx context.Context, method, path string, in any) (*http.Response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("%s: encode request: %w", path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://owner"+path, body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s via %s: %w: %w", path, c.path, ErrOwnerGone, err)
	}
	return resp, nil
}

// decodeError reads an error answer and maps it back to the errors callers branch on. A path the owner does not
// serve (an owner of an older version, for a call added since) is an error matching errors.ErrUnsupported.
func decodeError(resp *http.Response) error {
	var body errorBody
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil || body.Error.Code == "" {
		if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
			return fmt.Errorf("the process owning the replica does not know %s %s (an older version? restart it): %w",
				resp.Request.Method, resp.Request.URL.Path, errors.ErrUnsupported)
		}
		return fmt.Errorf("owner answered %s without an error body: %w", resp.Status, ErrOwnerGone)
	}
	return body.Error.err()
}

// err maps a wire error to the error the owner's side had.
func (e *wireError) err() error {
	switch e.Code {
	case codeNotFound:
		return &mcp.PublicError{Msg: e.Message, Err: index.ErrNotFound}
	case codeInvalidCursor:
		return &index.CursorError{Msg: e.Message}
	case codeQuery:
		return &query.Error{Pos: e.Pos, Token: e.Token, Msg: e.Message, Suggestions: e.Suggestions}
	case codePublic:
		return &mcp.PublicError{Msg: e.Message}
	case codeClosing:
		return fmt.Errorf("%s: %w", e.Message, ErrOwnerGone)
	case codeUnavailable:
		return fmt.Errorf("%s: %w", e.Message, ErrUnavailable)
	case codeInternal:
		return fmt.Errorf("%s (reference %s in its log)", e.Message, e.Ref)
	}
	return errors.New(e.Message)
}
