package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/intercom-replica/intercom-replica/sync/intercom/fakeintercom"
)

const fakeIntercomExamples = `  intercom-replica fake-intercom
  intercom-replica fake-intercom --listen 127.0.0.1:8089 --seed 1 --conversations 2000 --contacts 1000
  intercom-replica fake-intercom --latency 50ms --jitter 50ms --rate-limit 100 --error-rate 0.02
  intercom-replica fake-intercom --reset-rate 0.01 --bad-gateway-rate 0.01 --truncate-rate 0.01   # a flaky network
  intercom-replica fake-intercom --activity 2s     # new replies, state changes and records every 2 seconds
`

// fakeIntercomFlags are fake-intercom's flags, as given.
type fakeIntercomFlags struct {
	listen, token, timezone                                string
	seed                                                   int64
	conversations, contacts, rateLimit                     int
	latency, jitter, rateWindow, slowBody, activity, delay time.Duration
	errorRate, truncateRate, resetRate, badGatewayRate     float64
	verbose                                                bool
}

// newFakeIntercomFlags returns fake-intercom's flag set on m, with the flags it fills in.
func newFakeIntercomFlags(m *Main) (*flag.FlagSet, *fakeIntercomFlags) {
	fs := m.newFlagSet("fake-intercom", "fake-intercom [--listen ADDR] [--seed N] [--conversations N] [--contacts N] [flags]", fakeIntercomExamples)
	f := &fakeIntercomFlags{}
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8089", "`address` to listen on; port 0 picks a free port")
	fs.Int64Var(&f.seed, "seed", 1, "workspace seed: the same seed and sizes always serve the same data")
	fs.IntVar(&f.conversations, "conversations", 2000, "number of conversations to generate")
	fs.IntVar(&f.contacts, "contacts", 1000, "number of contacts to generate")
	fs.StringVar(&f.token, "token", "", "access token to accept (default: one derived from the seed, printed at start)")
	fs.DurationVar(&f.latency, "latency", 0, "delay added to every response")
	fs.DurationVar(&f.jitter, "jitter", 0, "random extra delay, up to this much")
	fs.IntVar(&f.rateLimit, "rate-limit", fakeintercom.DefaultRateLimit, "requests allowed per rate-limit window (429 beyond it); 0 disables rate limiting")
	fs.DurationVar(&f.rateWindow, "rate-window", fakeintercom.DefaultRateWindow, "rate-limit window, whole seconds")
	fs.Float64Var(&f.errorRate, "error-rate", 0, "probability (0..1) that a request is answered 500")
	fs.Float64Var(&f.truncateRate, "truncate-rate", 0, "probability (0..1) that a 200 answer's body is cut in half and the connection dropped")
	fs.Float64Var(&f.resetRate, "reset-rate", 0, "probability (0..1) that a request's connection is reset (TCP RST) before any answer, "+
		"whatever the token (Go's http.Transport retries a GET on a kept-alive connection by itself)")
	fs.Float64Var(&f.badGatewayRate, "bad-gateway-rate", 0, "probability (0..1) that a request is answered by a proxy in front of Intercom: "+
		"502 with an HTML page, no X-Request-Id and no rate-limit headers")
	fs.DurationVar(&f.slowBody, "slow-body", 0, "trickle every 200 answer's body out in ten chunks over this long")
	fs.DurationVar(&f.activity, "activity", 0, "simulate workspace activity (replies, state changes, new conversations and contacts) every interval; 0 keeps the workspace still")
	fs.StringVar(&f.timezone, "timezone", "Asia/Kolkata", "workspace time zone (IANA name), which decides contact-search day boundaries")
	fs.DurationVar(&f.delay, "contact-search-delay", fakeintercom.DefaultContactSearchDelay, "how long new contacts stay out of contact search; 0 for none")
	fs.BoolVar(&f.verbose, "v", false, "log every request to stderr")
	return fs, f
}

// fakeIntercomPlan is what one run of fake-intercom serves (planFakeIntercom); runFakeIntercom carries it out.
type fakeIntercomPlan struct {
	listen    string
	workspace fakeintercom.WorkspaceOptions
	handler   fakeintercom.HandlerOptions // its Logger is the command's
	activity  time.Duration               // how often the workspace changes by itself; 0: never
	logLevel  slog.Level
}

// planFakeIntercom turns fake-intercom's flags into what it serves, with a usage error for a value out of range.
func planFakeIntercom(f fakeIntercomFlags) (fakeIntercomPlan, error) {
	switch {
	case f.rateLimit < 0:
		return fakeIntercomPlan{}, usagef("--rate-limit must not be negative, got %d", f.rateLimit)
	case f.rateWindow < time.Second:
		return fakeIntercomPlan{}, usagef("--rate-window must be at least 1s, got %v", f.rateWindow)
	case f.latency < 0 || f.jitter < 0 || f.activity < 0 || f.delay < 0 || f.slowBody < 0:
		return fakeIntercomPlan{}, usagef("durations must not be negative")
	}
	for _, p := range []struct {
		flag string
		v    float64
	}{{"error-rate", f.errorRate}, {"truncate-rate", f.truncateRate}, {"reset-rate", f.resetRate}, {"bad-gateway-rate", f.badGatewayRate}} {
		if p.v < 0 || p.v > 1 {
			return fakeIntercomPlan{}, usagef("--%s must be between 0 and 1, got %v", p.flag, p.v)
		}
	}
	loc := fakeintercom.DefaultLocation()
	if f.timezone != loc.String() {
		var err error
		if loc, err = time.LoadLocation(f.timezone); err != nil {
			return fakeIntercomPlan{}, usagef("--timezone %q: %v", f.timezone, err)
		}
	}
	delay := f.delay
	if delay == 0 {
		delay = -1 // the workspace's "no delay"
	}
	limit := f.rateLimit
	if limit == 0 {
		limit = -1 // the handler's "disabled"
	}
	level := slog.LevelInfo
	if f.verbose {
		level = slog.LevelDebug
	}
	return fakeIntercomPlan{
		listen: f.listen,
		workspace: fakeintercom.WorkspaceOptions{
			Seed: f.seed, Conversations: f.conversations, Contacts: f.contacts, Location: loc, ContactSearchDelay: delay,
		},
		handler: fakeintercom.HandlerOptions{
			Token: f.token,
			Faults: fakeintercom.Faults{
				Latency: f.latency, Jitter: f.jitter, RateLimit: limit, RateWindow: f.rateWindow, ErrorRate: f.errorRate,
				TruncateRate: f.truncateRate, ResetRate: f.resetRate, BadGatewayRate: f.badGatewayRate, SlowBody: f.slowBody,
			},
		},
		activity: f.activity,
		logLevel: level,
	}, nil
}

func runFakeIntercom(ctx context.Context, m *Main, args []string) error {
	fs, f := newFakeIntercomFlags(m)
	if err := parseFlagsOnly(fs, args, ""); err != nil {
		return err
	}
	p, err := planFakeIntercom(*f)
	if err != nil {
		return err
	}
	ws, err := fakeintercom.NewWorkspace(p.workspace)
	if err != nil {
		return usageError{err}
	}
	log := m.logger(p.logLevel)
	p.handler.Logger = log
	h := fakeintercom.NewHandler(ws, p.handler)

	ln, err := net.Listen("tcp", p.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", p.listen, err)
	}
	printFakeIntercomBanner(m.Stdout, ws, p.workspace.Seed, "http://"+ln.Addr().String(), h.Token())

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
	if p.activity > 0 {
		g.Go(func() error { return simulateActivity(gctx, ws, p.activity, log) })
	}
	return g.Wait()
}

// printFakeIntercomBanner tells a person what the fake serves at base and how to sync from it.
func printFakeIntercomBanner(w io.Writer, ws *fakeintercom.Workspace, seed int64, base, token string) {
	app := ws.App()
	counts := ws.Counts()
	fmt.Fprintf(w, "Fake Intercom serving %q (app %s, seed %d: %d conversations, %d contacts, time zone %s) at %s\n",
		app.Name, app.IDCode, seed, counts.Conversations, counts.Contacts, app.TimeZone, base)
	fmt.Fprintf(w, "Access token: %s\n\n", token)
	fmt.Fprintf(w, "Example:\n  INTERCOM_BASE_URL=%s INTERCOM_ACCESS_TOKEN=%s intercom-replica sync\n", base, token)
	fmt.Fprintf(w, "  curl -H 'Authorization: Bearer %s' -H 'Intercom-Version: 2.16' %s/conversations\n\n", token, base)
	fmt.Fprintf(w, "Serving until interrupted (Ctrl-C).\n")
}

// simulateActivity changes ws every interval, as a workspace's people do, until ctx ends.
func simulateActivity(ctx context.Context, ws *fakeintercom.Workspace, every time.Duration, log *slog.Logger) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
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
}
