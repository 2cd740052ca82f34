package kube

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/client-go/rest"
)

// The requests of the provider, each through the client-go call that sends it.
var (
	bg     = context.Background()
	fabric = func() *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("wiring.githedgehog.com/v1alpha2")
		u.SetKind("Fabric")
		u.SetName("f")
		u.SetNamespace("ns")
		return u
	}

	// Safe to repeat whatever became of an attempt.
	repeatable = map[string]func(c *Client) error{
		"GET": get,
		"LIST": func(c *Client) error {
			_, err := c.Dynamic.Resource(gvr).Namespace("ns").List(bg, metav1.ListOptions{})
			return err
		},
		"WATCH": func(c *Client) error {
			w, err := c.Dynamic.Resource(gvr).Namespace("ns").Watch(bg, metav1.ListOptions{})
			if err == nil {
				w.Stop()
			}
			return err
		},
		"server-side apply": func(c *Client) error {
			_, err := c.Dynamic.Resource(gvr).Namespace("ns").Apply(bg, "f", fabric(), metav1.ApplyOptions{FieldManager: "test"})
			return err
		},
		"DELETE": func(c *Client) error {
			return c.Dynamic.Resource(gvr).Namespace("ns").Delete(bg, "f", metav1.DeleteOptions{})
		},
	}

	// Sent once, unless the request certainly never reached the server.
	once = map[string]func(c *Client) error{
		"POST create": func(c *Client) error {
			_, err := c.Dynamic.Resource(gvr).Namespace("ns").Create(bg, fabric(), metav1.CreateOptions{})
			return err
		},
		"POST TokenRequest": func(c *Client) error {
			_, err := c.Typed.CoreV1().ServiceAccounts("ns").CreateToken(bg, "sa", &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
			return err
		},
		"POST access review": func(c *Client) error {
			_, err := c.Typed.AuthorizationV1().SelfSubjectAccessReviews().Create(bg, &authorizationv1.SelfSubjectAccessReview{}, metav1.CreateOptions{})
			return err
		},
		"PATCH merge": func(c *Client) error {
			_, err := c.Dynamic.Resource(gvr).Namespace("ns").Patch(bg, "f", types.MergePatchType, []byte(`{}`), metav1.PatchOptions{})
			return err
		},
		"PATCH json": func(c *Client) error {
			_, err := c.Dynamic.Resource(gvr).Namespace("ns").Patch(bg, "f", types.JSONPatchType, []byte(`[]`), metav1.PatchOptions{})
			return err
		},
		"PUT": func(c *Client) error {
			_, err := c.Dynamic.Resource(gvr).Namespace("ns").Update(bg, fabric(), metav1.UpdateOptions{})
			return err
		},
	}

	// Outcomes after which the request may have been carried out.
	failures = map[string]func(http.ResponseWriter, *http.Request){
		"503 with Retry-After": status(http.StatusServiceUnavailable, "Retry-After", "0"),
		"429 with Retry-After": status(http.StatusTooManyRequests, "Retry-After", "0"),
		"500":                  status(http.StatusInternalServerError),
		"reset":                reset,
	}
)

// client-go retries some of these outcomes itself (a Retry-After answer for
// any method, a reset or EOF for GET and WATCH, up to ten times): whatever the
// layering, the API server must see 1 + max_retries attempts, no more.
func TestRetryBoundIsMaxRetries(t *testing.T) {
	for op, call := range repeatable {
		for outcome, answer := range failures {
			t.Run(op+" "+outcome, func(t *testing.T) {
				t.Parallel()
				s := &scripted{steps: []func(http.ResponseWriter, *http.Request){answer}}
				srv := httptest.NewServer(s)
				defer srv.Close()
				if err := call(testClient(t, srv.URL, 2)); err == nil {
					t.Fatal("no error from a server that always fails")
				}
				if got := s.calls.Load(); got != 3 {
					t.Fatalf("the server saw %d attempts, want 1 + max_retries (2) = 3", got)
				}
			})
		}
	}
}

func TestUnsafeRequestsAreSentOnce(t *testing.T) {
	for op, call := range once {
		for outcome, answer := range failures {
			t.Run(op+" "+outcome, func(t *testing.T) {
				t.Parallel()
				s := &scripted{steps: []func(http.ResponseWriter, *http.Request){answer, okObject}}
				srv := httptest.NewServer(s)
				defer srv.Close()
				err := call(testClient(t, srv.URL, 3))
				if got := s.calls.Load(); got != 1 {
					t.Fatalf("the server saw %d attempts of a request that may have been carried out, want 1", got)
				}
				if err == nil || !MayHaveHappened(err) {
					t.Fatalf("got %v, want an error that says the request may have happened", err)
				}
			})
		}
	}
}

func TestRequestsThatNeverReachedTheServerAreRepeated(t *testing.T) {
	for name, fail := range map[string]error{
		"connection refused": &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED},
		"unknown host":       &net.DNSError{Err: "no such host", Name: "nowhere.invalid", IsNotFound: true},
	} {
		for op, call := range once {
			t.Run(op+" "+name, func(t *testing.T) {
				t.Parallel()
				d := &countingDial{fail: fail}
				c, err := New(&Connection{REST: &rest.Config{Host: "http://nowhere.invalid", Dial: d.dial}},
					Options{RequestTimeout: 2 * time.Second, MaxRetries: 2, QPS: 1000, Burst: 1000})
				if err != nil {
					t.Fatal(err)
				}
				err = call(c)
				if got := d.dials.Load(); got != 3 {
					t.Fatalf("%d attempts, want 1 + max_retries (2) = 3", got)
				}
				if err == nil || MayHaveHappened(err) {
					t.Fatalf("got %v, want an error that says the request never happened", err)
				}
			})
		}
	}
}

// What client-go gets back must not look like something it retries by itself:
// neither the breaker's error nor the last lost connection.
func TestFinalErrorsAreFinalForClientGo(t *testing.T) {
	resetErr := &net.OpError{Op: "read", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 6443},
		Err: &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}}
	for name, err := range map[string]error{
		"breaker open after resets": &UnavailableError{Host: "127.0.0.1:6443", Failures: 8, First: resetErr},
		"reset":                     &ConnectionLostError{Attempts: 4, Cause: resetErr},
		"EOF":                       &ConnectionLostError{Attempts: 4, Cause: errors.New("unexpected EOF")},
		"closed":                    &ConnectionLostError{Attempts: 4, Cause: errors.New("read tcp: use of closed network connection")},
		"GOAWAY":                    &ConnectionLostError{Attempts: 4, Cause: errors.New("http2: server sent GOAWAY and closed the connection")},
		"HTTP/2 lost":               &ConnectionLostError{Attempts: 4, Cause: errors.New("http2: client connection lost")},
		"i/o timeout":               &ConnectionLostError{Attempts: 4, Cause: &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}},
	} {
		// client-go sees the transport's error inside the *url.Error of http.Client.
		seen := &url.Error{Op: "Get", URL: "https://127.0.0.1:6443/api", Err: err}
		if utilnet.IsConnectionReset(seen) || utilnet.IsProbableEOF(seen) || utilnet.IsHTTP2ConnectionLost(seen) || utilnet.IsTimeout(seen) {
			t.Errorf("%s: client-go would retry %q", name, seen)
		}
	}
	// What the user reads still says what happened, and timeouts stay timeouts.
	if got := (&ConnectionLostError{Attempts: 4, Cause: resetErr}).Error(); got != "read tcp 127.0.0.1:6443: the connection was reset (ECONNRESET) (4 attempts)" {
		t.Errorf("reset reads %q", got)
	}
	timedOut := &url.Error{Op: "Get", URL: "https://127.0.0.1:6443/api", Err: &ConnectionLostError{Attempts: 2, Cause: context.DeadlineExceeded}}
	if summary, _ := (&Client{}).Explain(timedOut, fabricTarget); summary != "Kubernetes Request Timed Out" {
		t.Errorf("a lost connection after a timeout is explained as %q", summary)
	}
}

// resetThenGone resets the first request after reading it, and then stops
// listening: later attempts are refused. Whether the first one was carried
// out is unknown.
func resetThenGone(t *testing.T) string {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = srv.Listener.Close()
		reset(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A request whose last attempt was refused, after an earlier attempt reached
// the server and lost its answer, may have been carried out: the error must
// not say "never sent" because of the last attempt alone.
func TestAnEarlierAttemptMayHaveHappened(t *testing.T) {
	apply := repeatable["server-side apply"]
	t.Run("refused", func(t *testing.T) {
		err := apply(testClient(t, resetThenGone(t), 2))
		if !utilnet.IsConnectionRefused(err) || !MayHaveHappened(err) {
			t.Fatalf("got %v (may have happened: %v), want the refusal, as something that may have happened", err, MayHaveHappened(err))
		}
	})
	t.Run("breaker open", func(t *testing.T) {
		// The second failure comes more than a request timeout after the
		// first, which opens the breaker before the third attempt.
		c, err := New(&Connection{REST: &rest.Config{Host: resetThenGone(t)}},
			Options{RequestTimeout: 200 * time.Millisecond, MaxRetries: 5, QPS: 1000, Burst: 1000})
		if err != nil {
			t.Fatal(err)
		}
		err = apply(c)
		var open *UnavailableError
		if !errors.As(err, &open) || !MayHaveHappened(err) {
			t.Fatalf("got %v (may have happened: %v), want the open breaker, as something that may have happened", err, MayHaveHappened(err))
		}
	})
}
