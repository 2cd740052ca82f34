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
	s := &scripted{steps: []func(http.ResponseWriter, *http.Request){status(http.StatusTooManyRequests, "Retry-After", "3"), okObject}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	tr := newTransport(http.DefaultTransport, srv.Listener.Addr().String(), Options{MaxRetries: 3})
	var waits []time.Duration
	tr.wait = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(waits) != 1 {
		t.Fatalf("status %d after waits %v, want 200 after one wait", resp.StatusCode, waits)
	}
	if waits[0] < 3*time.Second {
		t.Fatalf("waited %s before the retry, less than the 3 s the server asked for", waits[0])
	}
}

// countingDial dials through net.Dialer (or fails with fail, when set) and
// counts the attempts: the only way to count requests that never reach a
// server.
type countingDial struct {
	fail  error
	dials atomic.Int32
}

func (d *countingDial) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.dials.Add(1)
	if d.fail != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: d.fail}
	}
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

func TestBreakerFailsFastOnDeadServer(t *testing.T) {
	// A port where nothing listens.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	_ = l.Close()
	d := &countingDial{}
	// A long request timeout: only the count of failures opens the breaker.
	c, err := New(&Connection{REST: &rest.Config{Host: url, Dial: d.dial}}, Options{RequestTimeout: time.Minute, MaxRetries: 3, QPS: 1000, Burst: 1000})
	if err != nil {
		t.Fatal(err)
	}

	first := get(c)
	if first == nil || !strings.Contains(first.Error(), "connection refused") {
		t.Fatalf("first call: %v, want connection refused", first)
	}
	// Two calls of four attempts each open the breaker (threshold 8).
	_ = get(c)
	if got := d.dials.Load(); got != 8 {
		t.Fatalf("two calls dialled %d times, want 2 × (1 + 3 retries)", got)
	}
	err = get(c)
	var open *UnavailableError
	if !errors.As(err, &open) {
		t.Fatalf("third call: %v, want the breaker's UnavailableError", err)
	}
	if got := d.dials.Load(); got != 8 {
		t.Fatalf("an open breaker dialled the API server (%d dials, want still 8)", got)
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
	s := &scripted{steps: []func(http.ResponseWriter, *http.Request){hang}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := New(&Connection{REST: &rest.Config{Host: srv.URL}}, Options{RequestTimeout: 200 * time.Millisecond, MaxRetries: 5, QPS: 100, Burst: 100})
	if err != nil {
		t.Fatal(err)
	}
	// One request at a time: the second timeout comes more than a request
	// timeout after the first, which opens the breaker long before 8
	// timeouts would.
	err = get(c)
	var open *UnavailableError
	if !errors.As(err, &open) {
		t.Fatalf("got %v, want the breaker to stop the retries", err)
	}
	if got := s.calls.Load(); got != 2 {
		t.Fatalf("the server saw %d attempts, want 2 (then the breaker opens)", got)
	}
	if err := get(c); !errors.As(err, &open) {
		t.Fatalf("the next call should fail at once: %v", err)
	}
	if got := s.calls.Load(); got != 2 {
		t.Fatalf("the next call reached the server (%d attempts in all), want none", got)
	}
}
