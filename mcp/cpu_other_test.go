//go:build !unix

package mcp_test

import "time"

// processCPU is unknown here: the load test reports zero CPU.
func processCPU() time.Duration { return 0 }
