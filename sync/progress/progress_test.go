package progress

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/intercom-replica/intercom-replica/query"
	replsync "github.com/intercom-replica/intercom-replica/sync"
)

func TestBars_DrawsABarPerKind(t *testing.T) {
	var out bytes.Buffer
	b := NewBars(&out)
	b.Event(replsync.ProgressEvent{Pass: replsync.PassBackfill, Kind: query.KindContact, Done: 15, Total: 40})
	b.Event(replsync.ProgressEvent{Pass: replsync.PassBackfill, Kind: query.KindContact, Done: 40, Total: 40, Finished: true})
	b.Event(replsync.ProgressEvent{Pass: replsync.PassBackfill, Kind: query.KindConversation, Done: 10, Total: 58})
	b.Event(replsync.ProgressEvent{Pass: replsync.PassBackfill, Kind: query.KindConversation, Done: 30, Total: 60})
	b.Close()
	got := out.String()
	for _, want := range []string{"contacts", "40 / 40", "done", "conversations", "30 / 60"} {
		if !strings.Contains(got, want) {
			t.Errorf("bars output lacks %q:\n%s", want, got)
		}
	}
}

func TestLog_ThrottlesAndReportsCompletion(t *testing.T) {
	var out bytes.Buffer
	l := NewLog(slog.New(slog.NewTextHandler(&out, nil)), time.Hour)
	l.Event(replsync.ProgressEvent{Pass: replsync.PassBackfill, Kind: query.KindConversation, Done: 150, Total: 600})
	l.Event(replsync.ProgressEvent{Pass: replsync.PassBackfill, Kind: query.KindConversation, Done: 300, Total: 600})
	l.Event(replsync.ProgressEvent{Pass: replsync.PassBackfill, Kind: query.KindContact, Done: 50, Total: 50, Finished: true})
	l.Event(replsync.ProgressEvent{Pass: replsync.PassBackfill, Kind: query.KindConversation, Done: 600, Total: 600, Finished: true})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3 (the second conversation event is within the interval):\n%s", len(lines), out.String())
	}
	for i, want := range []string{
		`msg="backfill progress" kind=conversation done=150 total=600 percent=25`,
		`msg="backfill complete" kind=contact done=50 total=50 percent=100`,
		`msg="backfill complete" kind=conversation done=600 total=600 percent=100`,
	} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d = %s, want it to contain %s", i, lines[i], want)
		}
	}
}
