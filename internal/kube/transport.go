package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
	"k8s.io/apimachinery/pkg/types"
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

// transport retries what is safe to retry and keeps the breaker. Reads,
// server-side apply and deletes may be repeated whatever became of the first
// attempt; anything else (a create, a TokenRequest, an access review, other
// patches) only when it certainly never reached the server. It is the only
// retry layer: it hides from client-go every outcome client-go would repeat on
// its own, so that max_retries is the real bound.
type transport struct {
	next    http.RoundTripper
	host    string
	opts    Options
	breaker *gobreaker.TwoStepCircuitBreaker[struct{}]
	// wait sleeps between attempts; tests record the delays instead.
	wait func(ctx context.Context, d time.Duration) error

	mu       sync.Mutex
	first    error     // first failure since the last success
	since    time.Time // when it happened
	failures uint32
}

func newTransport(next http.RoundTripper, host string, opts Options) *transport {
	t := &transport{next: next, host: host, opts: opts, wait: sleep}
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
	reached := false // whether an attempt may have reached the API server
	for attempt := 1; ; attempt++ {
		done, err := t.breaker.Allow()
		if err != nil {
			t.mu.Lock()
			open := &UnavailableError{Host: t.host, Failures: t.failures, First: t.first}
			t.mu.Unlock()
			t.log(req, nil, open, attempt, start)
			if reached {
				return nil, &MaybeDoneError{Attempts: attempt - 1, Last: open}
			}
			return nil, open
		}
		resp, err := t.once(req)
		t.record(done, req, resp, err)
		reached = reached || (err != nil && !neverSent(err)) ||
			(resp != nil && (resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests))

		delay, retry := t.retryable(req, resp, err)
		if !retry || attempt > t.opts.MaxRetries {
			t.log(req, resp, err, attempt, start)
			if resp != nil {
				// client-go repeats a 429 or 5xx with Retry-After by itself.
				resp.Header.Del("Retry-After")
			}
			switch {
			case err != nil && retriedByClientGo(err):
				err = &ConnectionLostError{Attempts: attempt, Cause: err}
			case err != nil && reached && neverSent(err):
				// Only the last attempt was never sent.
				err = &MaybeDoneError{Attempts: attempt, Last: err}
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
		if err := t.wait(req.Context(), delay); err != nil {
			return nil, err
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

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
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
// server asked for. A request that never reached the server (no listener, no
// address) may always be repeated. One that may have reached it is repeated
// after a 429, a 5xx or a lost connection only when repeating it is harmless
// (safeToRepeat). Every other answer (400, 401, 403, 404, 409, 422 …) is final.
func (t *transport) retryable(req *http.Request, resp *http.Response, err error) (time.Duration, bool) {
	if req.Context().Err() != nil {
		return 0, false
	}
	if req.Body != nil && req.GetBody == nil {
		return 0, false
	}
	if err != nil && neverSent(err) {
		return 0, true
	}
	if !safeToRepeat(req) {
		return 0, false
	}
	if err != nil {
		var netErr net.Error
		return 0, utilnet.IsConnectionReset(err) || utilnet.IsProbableEOF(err) ||
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

// safeToRepeat: reads (GET covers LIST and WATCH), server-side apply (the
// same apply twice leaves the same object) and DELETE (a repeat finds the
// object gone). A POST may create a second object or mint a second token, and
// a JSON, merge or strategic-merge patch may apply its change twice.
func safeToRepeat(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodDelete:
		return true
	case http.MethodPatch:
		mediaType, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
		return mediaType == string(types.ApplyYAMLPatchType) || mediaType == string(types.ApplyCBORPatchType)
	}
	return false
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
