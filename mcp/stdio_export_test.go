package mcp

// ServeStdioWithin is ServeStdio giving the requests still running when its input ends drain, not
// StdioDrainTimeout, to finish: for the tests of that bound.
var ServeStdioWithin = serveStdio
