package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/util/wait"
)

// LogFunc receives one entry per API request. It must not block.
type LogFunc func(ctx context.Context, msg string, fields map[string]any)

const (
	// breakerThreshold consecutive attempts that found the API server
	// unavailable open the breaker: later calls fail at once with the first
	// error of the streak instead of waiting out their own timeouts.
	breakerThreshold = 8
	// breakerOpen is how long the breaker stays open before one probe may
	// pass (an API server that comes back is used again).
	breakerOpen = 10 * time.Second
)

// UnavailableError is returned without calling the API server once it failed
// breakerThreshold attempts in a row.
type UnavailableError struct {
	Host     string
	Failures uint32
	First    error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("the API server at %s failed %d attempts in a row, so it is not called again for %s; the first failure was: %v",
		e.Host, e.Failures, breakerOpen, e.First)
}

func (e *UnavailableError) Unwrap() error { return e.First }

// transport retries what is safe to retry and keeps the breaker. Every
// request the provider sends is idempotent (reads, server-side apply,
// deletes), so a retried attempt can never create an object twice.
type transport struct {
	next    http.RoundTripper
	host    string
	opts    Options
	breaker *gobreaker.TwoStepCircuitBreaker[struct{}]

	mu       sync.Mutex
	first    error     // first failure since the last success
	since    time.Time // when it happened
	failures uint32
}

func newTransport(next http.RoundTripper, host string, opts Options) *transport {
	t := &transport{next: next, host: host, opts: opts}
	t.breaker = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:    host,
		Timeout: breakerOpen,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			// Many quick failures (refused connections), or failures that
			// have gone on for longer than one request may take (a server
			// that never answers, hit one request at a time).
			if c.ConsecutiveFailures >= breakerThreshold {
				return true
			}
			t.mu.Lock()
			defer t.mu.Unlock()
			return c.ConsecutiveFailures >= 2 && opts.RequestTimeout > 0 && time.Since(t.since) >= opts.RequestTimeout
		},
	})
	return t
}

var errUnavailable = errors.New("API server unavailable")

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	backoff := wait.Backoff{Duration: 250 * time.Millisecond, Factor: 2, Jitter: 0.5, Steps: 1 << 20, Cap: 8 * time.Second}
	for attempt := 1; ; attempt++ {
		done, err := t.breaker.Allow()
		if err != nil {
			t.mu.Lock()
			open := &UnavailableError{Host: t.host, Failures: t.failures, First: t.first}
			t.mu.Unlock()
			t.log(req, nil, open, attempt, start)
			return nil, open
		}
		resp, err := t.once(req)
		t.record(done, req, resp, err)

		delay, retry := t.retryable(req, resp, err)
		if !retry || attempt > t.opts.MaxRetries {
			t.log(req, resp, err, attempt, start)
			if resp != nil {
				// client-go would retry a Retry-After response again by itself.
				resp.Header.Del("Retry-After")
			}
			return resp, err
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			_ = resp.Body.Close()
		}
		if step := backoff.Step(); delay < step {
			delay = step
		}
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(delay):
		}
		if req.Body != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
	}
}

// once sends one attempt, bounded by the request timeout unless it is a
// watch (which is meant to stay open).
func (t *transport) once(req *http.Request) (*http.Response, error) {
	if t.opts.RequestTimeout <= 0 || isWatch(req) {
		return t.next.RoundTrip(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), t.opts.RequestTimeout)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		timedOut := ctx.Err() != nil && req.Context().Err() == nil
		cancel()
		if timedOut {
			err = fmt.Errorf("no answer within the request timeout of %s: %w", t.opts.RequestTimeout, err)
		}
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

func isWatch(req *http.Request) bool {
	return req.URL.Query().Get("watch") == "true" || strings.Contains(req.URL.Path, "/watch/")
}

// record tells the breaker whether the API server answered at all.
func (t *transport) record(done func(error), req *http.Request, resp *http.Response, err error) {
	unavailable := false
	switch {
	case err != nil:
		unavailable = req.Context().Err() == nil
	case resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusServiceUnavailable,
		resp.StatusCode == http.StatusGatewayTimeout:
		unavailable = true
		err = fmt.Errorf("HTTP %d from %s", resp.StatusCode, t.host)
	}
	t.mu.Lock()
	if unavailable {
		if t.first == nil {
			t.first, t.since = err, time.Now()
		}
		t.failures++
	} else {
		t.first, t.failures = nil, 0
	}
	t.mu.Unlock()
	if unavailable {
		done(errUnavailable)
	} else {
		done(nil)
	}
}

// retryable says whether an attempt may be repeated, and the least delay the
// server asked for. 429 and 5xx answers and connection failures are retried;
// every other answer (400, 401, 403, 404, 409, 422 …) is final.
func (t *transport) retryable(req *http.Request, resp *http.Response, err error) (time.Duration, bool) {
	if req.Context().Err() != nil {
		return 0, false
	}
	if req.Body != nil && req.GetBody == nil {
		return 0, false
	}
	if err != nil {
		var netErr net.Error
		return 0, utilnet.IsConnectionRefused(err) || utilnet.IsConnectionReset(err) || utilnet.IsProbableEOF(err) ||
			errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
			errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) ||
			strings.Contains(err.Error(), "http2: server sent GOAWAY") || strings.Contains(err.Error(), "stream error")
	}
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests, code >= 500 && code != http.StatusNotImplemented:
		return retryAfter(resp.Header.Get("Retry-After")), true
	}
	return 0, false
}

func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		d := time.Duration(s) * time.Second
		return min(d, time.Minute)
	}
	if at, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(at), 0), time.Minute)
	}
	return 0
}

func (t *transport) log(req *http.Request, resp *http.Response, err error, attempts int, start time.Time) {
	if t.opts.Log == nil {
		return
	}
	fields := map[string]any{
		"method":      req.Method,
		"path":        req.URL.Path,
		"attempts":    attempts,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if q := req.URL.RawQuery; q != "" {
		fields["query"] = q
	}
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	if err != nil {
		fields["error"] = err.Error()
	}
	t.opts.Log(req.Context(), "Kubernetes API request", fields)
}
