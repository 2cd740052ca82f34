package kube

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
)

// scripted answers each request with the next handler of a script, then
// with the last one.
type scripted struct {
	steps []func(w http.ResponseWriter, r *http.Request)
	calls atomic.Int32
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.calls.Add(1)) - 1
	if n >= len(s.steps) {
		n = len(s.steps) - 1
	}
	s.steps[n](w, r)
}

func status(code int, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","code":`+strconv.Itoa(code)+`,"message":"scripted"}`)
	}
}

func okObject(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"apiVersion":"wiring.githedgehog.com/v1alpha2","kind":"Fabric","metadata":{"name":"f","namespace":"ns"}}`)
}

// reset closes the connection without an answer.
func reset(w http.ResponseWriter, r *http.Request) {
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		panic("the test server cannot hijack connections")
	}
	conn, _, err := hijacker.Hijack()
	if err == nil {
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
		_ = conn.Close()
	}
}

func testClient(t *testing.T, url string, retries int) *Client {
	t.Helper()
	c, err := New(&Connection{REST: &rest.Config{Host: url}, Identity: "a test identity"},
		Options{RequestTimeout: 2 * time.Second, MaxRetries: retries, QPS: 1000, Burst: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var gvr = schema.GroupVersionResource{Group: "wiring.githedgehog.com", Version: "v1alpha2", Resource: "fabrics"}

func get(c *Client) error {
	_, err := c.Dynamic.Resource(gvr).Namespace("ns").Get(context.Background(), "f", metav1.GetOptions{})
	return err
}

func TestRetriesTransientFailures(t *testing.T) {
	for name, first := range map[string]func(http.ResponseWriter, *http.Request){
		"429":   status(http.StatusTooManyRequests, "Retry-After", "0"),
		"500":   status(http.StatusInternalServerError),
		"503":   status(http.StatusServiceUnavailable),
		"504":   status(http.StatusGatewayTimeout),
		"reset": reset,
	} {
		t.Run(name, func(t *testing.T) {
			s := &scripted{steps: []func(http.ResponseWriter, *http.Request){first, first, okObject}}
			srv := httptest.NewServer(s)
			defer srv.Close()
			if err := get(testClient(t, srv.URL, 3)); err != nil {
				t.Fatalf("after two %s answers the third attempt should succeed: %v", name, err)
			}
			if got := s.calls.Load(); got != 3 {
				t.Fatalf("%d attempts, want 3", got)
			}
		})
	}
}

func TestNeverRetriesClientErrors(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 409, 422} {
		s := &scripted{steps: []func(http.ResponseWriter, *http.Request){status(code), okObject}}
		srv := httptest.NewServer(s)
		err := get(testClient(t, srv.URL, 3))
		srv.Close()
		var st apierrors.APIStatus
		if !errors.As(err, &st) || int(st.Status().Code) != code {
			t.Fatalf("HTTP %d: got %v, want that status back", code, err)
		}
		if got := s.calls.Load(); got != 1 {
			t.Fatalf("HTTP %d was tried %d times, want once", code, got)
		}
	}
}

func TestGivesUpAfterMaxRetries(t *testing.T) {
	s := &scripted{steps: []func(http.ResponseWriter, *http.Request){status(http.StatusInternalServerError)}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	err := get(testClient(t, srv.URL, 2))
	if !apierrors.IsInternalError(err) {
		t.Fatalf("got %v, want the 500", err)
	}
	if got := s.calls.Load(); got != 3 {
		t.Fatalf("%d attempts, want 1 + 2 retries", got)
	}
}

func TestHonoursRetryAfter(t *testing.T) {
	s := &scripted{steps: []func(http.ResponseWriter, *http.Request){status(http.StatusTooManyRequests, "Retry-After", "1"), okObject}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	start := time.Now()
	if err := get(testClient(t, srv.URL, 3)); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Fatalf("retried after %s, before the 1 s the server asked for", waited)
	}
}

func TestBreakerFailsFastOnDeadServer(t *testing.T) {
	// A port where nothing listens.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	_ = l.Close()
	c := testClient(t, url, 3)

	first := get(c)
	if first == nil || !strings.Contains(first.Error(), "connection refused") {
		t.Fatalf("first call: %v, want connection refused", first)
	}
	// Two calls of four attempts each open the breaker (threshold 8).
	_ = get(c)
	start := time.Now()
	err = get(c)
	var open *UnavailableError
	if !errors.As(err, &open) {
		t.Fatalf("third call: %v, want the breaker's UnavailableError", err)
	}
	if took := time.Since(start); took > 100*time.Millisecond {
		t.Fatalf("an open breaker took %s to answer; it should fail at once", took)
	}
	if !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "attempts in a row") {
		t.Fatalf("the breaker's error should carry the first failure: %v", err)
	}
}

func TestBreakerClosesAgainOnSuccess(t *testing.T) {
	s := &scripted{steps: []func(http.ResponseWriter, *http.Request){
		status(503), status(503), status(503), status(503), status(503), status(503), status(503), okObject,
	}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := New(&Connection{REST: &rest.Config{Host: srv.URL}}, Options{RequestTimeout: time.Minute, MaxRetries: 3, QPS: 1000, Burst: 1000})
	if err != nil {
		t.Fatal(err)
	}
	_ = get(c) // four 503s
	if err := get(c); err != nil {
		t.Fatalf("7 failures and then a success must not open the breaker: %v", err)
	}
	if err := get(c); err != nil {
		t.Fatalf("after a success the streak starts again: %v", err)
	}
}

func TestRequestTimeoutBoundsAnAttempt(t *testing.T) {
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	s := &scripted{steps: []func(http.ResponseWriter, *http.Request){hang, okObject}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := New(&Connection{REST: &rest.Config{Host: srv.URL}}, Options{RequestTimeout: 300 * time.Millisecond, MaxRetries: 1, QPS: 100, Burst: 100})
	if err != nil {
		t.Fatal(err)
	}
	if err := get(c); err != nil {
		t.Fatalf("a hung attempt should time out and be retried: %v", err)
	}
	if got := s.calls.Load(); got != 2 {
		t.Fatalf("%d attempts, want 2", got)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "3": 3 * time.Second, "-1": 0, "junk": 0, "7200": time.Minute} {
		if got := retryAfter(in); got != want {
			t.Errorf("retryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestBreakerTripsOnAServerThatNeverAnswers(t *testing.T) {
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	srv := httptest.NewServer(&scripted{steps: []func(http.ResponseWriter, *http.Request){hang}})
	defer srv.Close()
	c, err := New(&Connection{REST: &rest.Config{Host: srv.URL}}, Options{RequestTimeout: 200 * time.Millisecond, MaxRetries: 5, QPS: 100, Burst: 100})
	if err != nil {
		t.Fatal(err)
	}
	// One request at a time: two timeouts a request-timeout apart open the
	// breaker, long before 8 timeouts would.
	start := time.Now()
	err = get(c)
	var open *UnavailableError
	if !errors.As(err, &open) {
		t.Fatalf("got %v, want the breaker to stop the retries", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("the first call took %s: six timeouts instead of two", took)
	}
	start = time.Now()
	if err := get(c); !errors.As(err, &open) || time.Since(start) > 100*time.Millisecond {
		t.Fatalf("the next call should fail at once: %v after %s", err, time.Since(start))
	}
}
