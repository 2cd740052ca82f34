package kube

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// webhookDown is the API server's answer when it cannot call a webhook.
func webhookDown(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","code":500,"reason":"InternalError",`+
		`"message":"Internal error occurred: failed calling webhook \"vvpc.kb.io\": failed to call webhook: Post \"https://fabric-ctrl.fab.svc:443/validate\": dial tcp 10.96.0.9:443: connect: connection refused"}`)
}

// refused is a webhook's refusal for an object it does not know.
func refused(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	_, _ = io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","code":403,"reason":"Forbidden",`+
		`"message":"admission webhook \"vvpcattachment.kb.io\" denied the request: failed to validate vpc attachment: vpc vpc-01 not found"}`)
}

func created(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodPost {
		w.WriteHeader(http.StatusCreated)
	}
	_, _ = io.WriteString(w, `{"apiVersion":"wiring.githedgehog.com/v1alpha2","kind":"Fabric","metadata":{"name":"f","namespace":"ns","uid":"u1"}}`)
}

// methods records the methods the server saw.
type methods struct {
	mu   sync.Mutex
	seen []string
	next http.Handler
}

func (m *methods) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.seen = append(m.seen, r.Method)
	m.mu.Unlock()
	m.next.ServeHTTP(w, r)
}

func (m *methods) count(method string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, s := range m.seen {
		if s == method {
			n++
		}
	}
	return n
}

func serve(t *testing.T, steps ...func(http.ResponseWriter, *http.Request)) (*Objects, *methods) {
	t.Helper()
	m := &methods{next: &scripted{steps: steps}}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return testClient(t, srv.URL, 0).Objects(gvr, "Fabric", ""), m
}

// A create that the API server could not send to its webhook stored
// nothing: it is sent again (no read needed) until the webhook answers.
func TestAWriteIsSentAgainWhileTheWebhookIsDown(t *testing.T) {
	for name, write := range map[string]func(o *Objects) error{
		"create": func(o *Objects) error { _, err := o.Create(bg, fabric(), "test"); return err },
		"apply":  func(o *Objects) error { _, err := o.Apply(bg, fabric(), "test", false); return err },
		"delete": func(o *Objects) error { _, _, err := o.Delete(bg, "ns", "f"); return err },
	} {
		t.Run(name, func(t *testing.T) {
			o, m := serve(t, webhookDown, webhookDown, webhookDown, created)
			if err := write(o); err != nil {
				t.Fatalf("the %s failed although the webhook came back: %v", name, err)
			}
			if n := len(m.seen); n != 4 || m.count(http.MethodGet) != 0 {
				t.Errorf("%s: the server saw %v, want the write four times and no read (nothing was stored)", name, m.seen)
			}
		})
	}
}

// Past the deadline, the error names the webhook, says nothing was stored,
// and a create leaves no phantom: it did not happen.
func TestAWebhookDownPastTheDeadlineIsNamed(t *testing.T) {
	o, m := serve(t, webhookDown)
	ctx, cancel := context.WithTimeout(bg, 1500*time.Millisecond)
	defer cancel()
	_, err := o.Create(ctx, fabric(), "test")
	var down *WebhookUnreachableError
	if !errors.As(err, &down) || down.Webhook != "vvpc.kb.io" || down.Attempts < 2 {
		t.Fatalf("want the webhook named after several attempts, got %#v (%v)", down, err)
	}
	if MayHaveHappened(err) {
		t.Error("a write no webhook judged may not have happened")
	}
	if m.count(http.MethodGet) != 0 {
		t.Errorf("the server saw %v: a refusal before the store needs no read", m.seen)
	}
	summary, detail := o.client.Explain(err, o.Target("create", "ns", "f"))
	for _, want := range []string{`admission webhook "vvpc.kb.io"`, "nothing was stored", "kubectl -n fab get pods",
		"failed calling webhook"} {
		if !strings.Contains(summary+detail, want) {
			t.Errorf("the diagnostic lacks %q:\n%s\n%s", want, summary, detail)
		}
	}
	if summary != "Admission Webhook Unreachable" {
		t.Errorf("summary %q blames something else", summary)
	}
}

// The webhooks read the cluster through a cache: a refusal for an object
// the same run created a moment ago passes when asked again; one that lasts
// is the answer, after a bounded while.
func TestARefusalForAMissingObjectIsAskedAgainBriefly(t *testing.T) {
	o, m := serve(t, refused, refused, created)
	if _, err := o.Create(bg, fabric(), "test"); err != nil {
		t.Fatalf("the create failed although the webhook's cache caught up: %v", err)
	}
	if m.count(http.MethodPost) != 3 {
		t.Errorf("the server saw %v, want three creates", m.seen)
	}

	o, m = serve(t, refused)
	start := time.Now()
	_, err := o.Create(bg, fabric(), "test")
	if !IsAdmissionDenied(err) || !strings.Contains(err.Error(), "vpc vpc-01 not found") {
		t.Fatalf("a lasting refusal must be the answer, got %v", err)
	}
	if took := time.Since(start); took < cacheLag || took > cacheLag+10*time.Second || m.count(http.MethodPost) < 3 {
		t.Errorf("a lasting refusal took %s and %d creates: want it asked again for about %s", took, m.count(http.MethodPost), cacheLag)
	}
}

// A create whose answers were lost, and that a read afterwards finds absent,
// did not happen: no phantom in the state.
func TestACreateReadBackAsAbsentDidNotHappen(t *testing.T) {
	var steps []func(http.ResponseWriter, *http.Request)
	for range createAttempts {
		steps = append(steps, status(http.StatusServiceUnavailable), func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			notFound(w, "f")
		})
	}
	o, _ := serve(t, steps...)
	_, err := o.Create(bg, fabric(), "test")
	var notStored *NotStoredError
	if !errors.As(err, &notStored) || MayHaveHappened(err) {
		t.Fatalf("want a create read back as absent, which did not happen; got %v (may have happened: %v)", err, MayHaveHappened(err))
	}
}

// The gateway's webhook refuses a peering until the controller has written
// the VPC infos, and says to come back.
func TestARefusalThatSaysRetryLaterIsAskedAgain(t *testing.T) {
	notReady := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","code":403,"reason":"Forbidden",`+
			`"message":"admission webhook \"vgatewaypeering.kb.io\" denied the request: building gateway agent: vpcinfo not ready: vpc-02: retry later"}`)
	}
	o, m := serve(t, notReady, created)
	if _, err := o.Create(bg, fabric(), "test"); err != nil {
		t.Fatalf("the create failed although the controller caught up: %v", err)
	}
	if m.count(http.MethodPost) != 2 {
		t.Errorf("the server saw %v, want two creates", m.seen)
	}
}
