package intercom

import (
	"errors"
	"strings"
	"sync"
)

// retryLog collapses the retry warnings of calls that fail the same way at the same attempt while one of them waits
// to retry (Intercom gone, or answering 5xx, under a backfill's concurrent fetches): the first logs its warning and
// leads the round; the others only count themselves, and the leader logs how many they were once its wait is over.
// Every call still returns its own error. The zero value is ready to use.
type retryLog struct {
	mu     sync.Mutex
	rounds map[retryRound]int // open rounds: how many calls joined their leader
}

// retryRound is a set of failures that read the same: the attempt they failed at, and the failure without the
// request it was.
type retryRound struct {
	attempt int
	cause   string
}

// join adds a failed attempt to its round and reports whether it opened it (and so leads it).
func (l *retryLog) join(r retryRound) (lead bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n, open := l.rounds[r]; open {
		l.rounds[r] = n + 1
		return false
	}
	if l.rounds == nil {
		l.rounds = map[retryRound]int{}
	}
	l.rounds[r] = 0
	return true
}

// close ends the round its leader opened and returns how many other calls joined it.
func (l *retryLog) close(r retryRound) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.rounds[r]
	delete(l.rounds, r)
	return n
}

// failureCause is what a failed attempt's error says without the request it was (method, path, request id), so
// that the same failure of different requests reads the same: "cannot reach https://api.intercom.io: connection
// reset", "502 server_error: bad gateway".
func failureCause(rq request, err error) string {
	var ue *UnreachableError
	var ae *APIError
	switch {
	case errors.As(err, &ue):
		return ue.Error()
	case errors.As(err, &ae):
		bare := *ae
		bare.Method, bare.Path, bare.RequestID = "", "", ""
		return strings.TrimPrefix(bare.Error(), "intercom: ")
	}
	return strings.TrimPrefix(err.Error(), "intercom: "+rq.method+" "+rq.path+": ")
}
