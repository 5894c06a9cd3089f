package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/intercom-replica/intercom-replica/sync/intercom/intercomtest"
)

const fakeIntercomExamples = `  intercom-replica fake-intercom
  intercom-replica fake-intercom --listen 127.0.0.1:8089 --seed 1 --conversations 2000 --contacts 1000
  intercom-replica fake-intercom --latency 50ms --jitter 50ms --rate-limit 100 --error-rate 0.02
  intercom-replica fake-intercom --reset-rate 0.01 --bad-gateway-rate 0.01 --truncate-rate 0.01   # a flaky network
  intercom-replica fake-intercom --activity 2s     # new replies, state changes and records every 2 seconds
`

func runFakeIntercom(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("fake-intercom", "fake-intercom [--listen ADDR] [--seed N] [--conversations N] [--contacts N] [flags]", fakeIntercomExamples)
	listen := fs.String("listen", "127.0.0.1:8089", "`address` to listen on; port 0 picks a free port")
	seed := fs.Int64("seed", 1, "workspace seed: the same seed and sizes always serve the same data")
	conversations := fs.Int("conversations", 2000, "number of conversations to generate")
	contacts := fs.Int("contacts", 1000, "number of contacts to generate")
	token := fs.String("token", "", "access token to accept (default: one derived from the seed, printed at start)")
	latency := fs.Duration("latency", 0, "delay added to every response")
	jitter := fs.Duration("jitter", 0, "random extra delay, up to this much")
	rateLimit := fs.Int("rate-limit", intercomtest.DefaultRateLimit, "requests allowed per rate-limit window (429 beyond it); 0 disables rate limiting")
	rateWindow := fs.Duration("rate-window", intercomtest.DefaultRateWindow, "rate-limit window, whole seconds")
	errorRate := fs.Float64("error-rate", 0, "probability (0..1) that a request is answered 500")
	truncateRate := fs.Float64("truncate-rate", 0, "probability (0..1) that a 200 answer's body is cut in half and the connection dropped")
	resetRate := fs.Float64("reset-rate", 0, "probability (0..1) that a request's connection is reset (TCP RST) before any answer, "+
		"whatever the token (Go's http.Transport retries a GET on a kept-alive connection by itself)")
	badGatewayRate := fs.Float64("bad-gateway-rate", 0, "probability (0..1) that a request is answered by a proxy in front of Intercom: "+
		"502 with an HTML page, no X-Request-Id and no rate-limit headers")
	slowBody := fs.Duration("slow-body", 0, "trickle every 200 answer's body out in ten chunks over this long")
	activity := fs.Duration("activity", 0, "simulate workspace activity (replies, state changes, new conversations and contacts) every interval; 0 keeps the workspace still")
	timezone := fs.String("timezone", "Asia/Kolkata", "workspace time zone (IANA name), which decides contact-search day boundaries")
	searchDelay := fs.Duration("contact-search-delay", intercomtest.DefaultContactSearchDelay, "how long new contacts stay out of contact search; 0 for none")
	verbose := fs.Bool("v", false, "log every request to stderr")
	if err := parseFlagsOnly(fs, args, ""); err != nil {
		return err
	}
	switch {
	case *rateLimit < 0:
		return usagef("--rate-limit must not be negative, got %d", *rateLimit)
	case *rateWindow < time.Second:
		return usagef("--rate-window must be at least 1s, got %v", *rateWindow)
	case *latency < 0 || *jitter < 0 || *activity < 0 || *searchDelay < 0 || *slowBody < 0:
		return usagef("durations must not be negative")
	}
	for _, p := range []struct {
		flag string
		v    float64
	}{{"error-rate", *errorRate}, {"truncate-rate", *truncateRate}, {"reset-rate", *resetRate}, {"bad-gateway-rate", *badGatewayRate}} {
		if p.v < 0 || p.v > 1 {
			return usagef("--%s must be between 0 and 1, got %v", p.flag, p.v)
		}
	}
	loc := intercomtest.DefaultLocation()
	if *timezone != loc.String() {
		var err error
		if loc, err = time.LoadLocation(*timezone); err != nil {
			return usagef("--timezone %q: %v", *timezone, err)
		}
	}
	delay := *searchDelay
	if delay == 0 {
		delay = -1 // the workspace's "no delay"
	}
	ws, err := intercomtest.NewWorkspace(intercomtest.WorkspaceOptions{
		Seed: *seed, Conversations: *conversations, Contacts: *contacts, Location: loc, ContactSearchDelay: delay,
	})
	if err != nil {
		return usageError{err}
	}
	limit := *rateLimit
	if limit == 0 {
		limit = -1 // the handler's "disabled"
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := m.logger(level)
	h := intercomtest.NewHandler(ws, intercomtest.HandlerOptions{
		Token: *token,
		Faults: intercomtest.Faults{
			Latency: *latency, Jitter: *jitter, RateLimit: limit, RateWindow: *rateWindow, ErrorRate: *errorRate,
			TruncateRate: *truncateRate, ResetRate: *resetRate, BadGatewayRate: *badGatewayRate, SlowBody: *slowBody,
		},
		Logger: log,
	})

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *listen, err)
	}
	base := "http://" + ln.Addr().String()
	app := ws.App()
	counts := ws.Counts()
	fmt.Fprintf(m.Stdout, "Fake Intercom serving %q (app %s, seed %d: %d conversations, %d contacts, time zone %s) at %s\n",
		app.Name, app.IDCode, *seed, counts.Conversations, counts.Contacts, app.TimeZone, base)
	fmt.Fprintf(m.Stdout, "Access token: %s\n\n", h.Token())
	fmt.Fprintf(m.Stdout, "Example:\n  INTERCOM_BASE_URL=%s INTERCOM_ACCESS_TOKEN=%s intercom-replica sync\n", base, h.Token())
	fmt.Fprintf(m.Stdout, "  curl -H 'Authorization: Bearer %s' -H 'Intercom-Version: 2.16' %s/conversations\n\n", h.Token(), base)
	fmt.Fprintf(m.Stdout, "Serving until interrupted (Ctrl-C).\n")

	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve fake intercom: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		// A bounded shutdown: in-flight requests (possibly slowed by --latency) get a few seconds to finish.
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			return fmt.Errorf("shut down fake intercom: %w", err)
		}
		return nil
	})
	if *activity > 0 {
		g.Go(func() error {
			t := time.NewTicker(*activity)
			defer t.Stop()
			for {
				select {
				case <-gctx.Done():
					return nil
				case <-t.C:
					changes, err := ws.Simulate(1)
					if err != nil {
						return fmt.Errorf("simulate activity: %w", err)
					}
					for _, c := range changes {
						log.Info("workspace activity", "topic", c.Topic, "kind", c.Kind, "id", c.ID)
					}
				}
			}
		})
	}
	return g.Wait()
}
