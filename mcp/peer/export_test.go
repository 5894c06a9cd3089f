package peer

// CallsWaiting is how many calls wait for the replica that StartAccess is still acquiring, so that a test can
// release the replica once a call waits for it.
func (a *Access) CallsWaiting() int64 {
	if op := a.cur.Load().opening; op != nil {
		return op.waiting.Load()
	}
	return 0
}
