package fabricsim

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/client-go/kubernetes"
	certutil "k8s.io/client-go/util/cert"
)

// Admission is what an admission webhook does with the objects it is
// registered for.
type Admission interface {
	// Rules are the resources and operations the webhook is called for.
	Rules() []admissionregistrationv1.RuleWithOperations
	// Mutate changes obj in place (defaults); a non-nil error denies.
	Mutate(ctx context.Context, op admissionv1.Operation, obj *unstructured.Unstructured) error
	// Validate denies a create, update or delete with an error; obj is
	// nil on delete, old nil on create.
	Validate(ctx context.Context, op admissionv1.Operation, obj, old *unstructured.Unstructured) error
}

// WarningAdmission is an Admission whose validation also answers warnings
// (the API server shows them to the client, allowed or not).
type WarningAdmission interface {
	ValidateWithWarnings(ctx context.Context, op admissionv1.Operation, obj, old *unstructured.Unstructured) ([]string, error)
}

// WebhookPrefix starts the names of the webhook configurations that
// StartWebhook registers.
const WebhookPrefix = "hedgehog-stand-in-"

// Webhook is an HTTPS admission webhook server registered with a cluster
// (failurePolicy Fail) until Stop. Its configurations declare sideEffects
// None, as Hedgehog's do: the API server then calls it for dry-run requests
// too, which is safe because admission only reads.
type Webhook struct {
	Name   string
	URL    string
	server *http.Server
	client kubernetes.Interface
	// down is how many calls are still to be hung up (negative: every call),
	// and hungUp how many were: a webhook server that is restarting, for
	// tests of what clients do then.
	down, hungUp atomic.Int64
}

// HangUp makes the webhook's server hang up the next n calls without an
// answer (n < 0: every call until Serve), as a server that is restarting:
// the API server then refuses the write ("failed calling webhook").
func (w *Webhook) HangUp(n int64) { w.down.Store(n) }

// Serve makes the webhook answer again.
func (w *Webhook) Serve() { w.down.Store(0) }

// HungUp is how many calls the webhook hung up.
func (w *Webhook) HungUp() int64 { return w.hungUp.Load() }

// hangsUp tells whether this call is to be hung up.
func (w *Webhook) hangsUp(rw http.ResponseWriter) bool {
	for {
		n := w.down.Load()
		if n == 0 {
			return false
		}
		if n < 0 || w.down.CompareAndSwap(n, n-1) {
			break
		}
	}
	w.hungUp.Add(1)
	if hijacker, ok := rw.(http.Hijacker); ok {
		if conn, _, err := hijacker.Hijack(); err == nil {
			_ = conn.Close()
			return true
		}
	}
	http.Error(rw, "restarting", http.StatusServiceUnavailable)
	return true
}

// StartWebhook serves a on host (an address the cluster's API server can
// reach: 127.0.0.1 for a local control plane) and registers it.
func StartWebhook(ctx context.Context, client kubernetes.Interface, host string, a Admission) (*Webhook, error) {
	certPEM, keyPEM, err := certutil.GenerateSelfSignedCertKey(host, []net.IP{net.ParseIP(host)}, nil)
	if err != nil {
		return nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("the stand-in webhook cannot listen on %s: %w", host, err)
	}
	w := &Webhook{Name: WebhookPrefix + rand.String(6), client: client,
		URL: "https://" + ln.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("/mutate", func(rw http.ResponseWriter, r *http.Request) {
		if !w.hangsUp(rw) {
			serve(rw, r, a, true)
		}
	})
	mux.HandleFunc("/validate", func(rw http.ResponseWriter, r *http.Request) {
		if !w.hangsUp(rw) {
			serve(rw, r, a, false)
		}
	})
	w.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}}
	go func() { _ = w.server.ServeTLS(ln, "", "") }()

	if err := w.register(ctx, a, certPEM); err != nil {
		_ = w.server.Close()
		return nil, err
	}
	return w, nil
}

func (w *Webhook) register(ctx context.Context, a Admission, ca []byte) error {
	mutating, validating := webhookConfigurations(w.Name, w.URL, ca, a.Rules())
	if _, err := w.client.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, mutating, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("registering the stand-in mutating webhook: %w", err)
	}
	if _, err := w.client.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, validating, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("registering the stand-in validating webhook: %w", err)
	}
	return nil
}

// webhookConfigurations are the mutating webhook (creates and updates) and
// the validating one (deletes too) for rules, served at url, as Hedgehog
// declares its own: failurePolicy Fail, sideEffects None.
func webhookConfigurations(name, url string, ca []byte, rules []admissionregistrationv1.RuleWithOperations) (
	*admissionregistrationv1.MutatingWebhookConfiguration, *admissionregistrationv1.ValidatingWebhookConfiguration) {
	fail := admissionregistrationv1.Fail
	none := admissionregistrationv1.SideEffectClassNone
	timeout := int32(10)
	config := func(path string) admissionregistrationv1.WebhookClientConfig {
		u := url + path
		return admissionregistrationv1.WebhookClientConfig{URL: &u, CABundle: ca}
	}
	var mutating []admissionregistrationv1.RuleWithOperations
	for _, r := range rules {
		m := r
		m.Operations = nil
		for _, op := range r.Operations {
			if op != admissionregistrationv1.Delete {
				m.Operations = append(m.Operations, op)
			}
		}
		if len(m.Operations) > 0 {
			mutating = append(mutating, m)
		}
	}
	meta := metav1.ObjectMeta{Name: name}
	return &admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: meta,
			Webhooks: []admissionregistrationv1.MutatingWebhook{{Name: "mutate.stand-in.hedgehog-terraform.github.io",
				ClientConfig: config("/mutate"), Rules: mutating, FailurePolicy: &fail, SideEffects: &none,
				TimeoutSeconds: &timeout, AdmissionReviewVersions: []string{"v1"}}}},
		&admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: meta,
			Webhooks: []admissionregistrationv1.ValidatingWebhook{{Name: "validate.stand-in.hedgehog-terraform.github.io",
				ClientConfig: config("/validate"), Rules: rules, FailurePolicy: &fail, SideEffects: &none,
				TimeoutSeconds: &timeout, AdmissionReviewVersions: []string{"v1"}}}}
}

// Stop unregisters the webhook and stops its server.
func (w *Webhook) Stop(ctx context.Context) error {
	err := errors.Join(
		w.client.AdmissionregistrationV1().MutatingWebhookConfigurations().Delete(ctx, w.Name, metav1.DeleteOptions{}),
		w.client.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(ctx, w.Name, metav1.DeleteOptions{}),
	)
	return errors.Join(err, w.server.Close())
}

func serve(rw http.ResponseWriter, r *http.Request, a Admission, mutate bool) {
	var review admissionv1.AdmissionReview
	if err := json.NewDecoder(r.Body).Decode(&review); err != nil || review.Request == nil {
		http.Error(rw, "not an AdmissionReview", http.StatusBadRequest)
		return
	}
	req := review.Request
	resp := &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
	obj, old, err := objects(req)
	if err == nil {
		switch w, warns := a.(WarningAdmission); {
		case mutate:
			err = mutateResponse(r.Context(), a, req.Operation, obj, resp)
		case warns:
			resp.Warnings, err = w.ValidateWithWarnings(r.Context(), req.Operation, obj, old)
		default:
			err = a.Validate(r.Context(), req.Operation, obj, old)
		}
	}
	if err != nil {
		resp.Allowed = false
		resp.Result = &metav1.Status{Status: metav1.StatusFailure, Code: http.StatusForbidden,
			Reason: metav1.StatusReasonForbidden, Message: err.Error()}
	}
	review.Response, review.Request = resp, nil
	rw.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(rw).Encode(&review)
}

func objects(req *admissionv1.AdmissionRequest) (obj, old *unstructured.Unstructured, err error) {
	decode := func(raw []byte) (*unstructured.Unstructured, error) {
		if len(raw) == 0 {
			return nil, nil
		}
		u := &unstructured.Unstructured{}
		return u, u.UnmarshalJSON(raw)
	}
	if obj, err = decode(req.Object.Raw); err != nil {
		return nil, nil, err
	}
	old, err = decode(req.OldObject.Raw)
	return obj, old, err
}

// mutateResponse answers with a JSON patch that replaces what Mutate changed
// among the spec, labels and annotations.
func mutateResponse(ctx context.Context, a Admission, op admissionv1.Operation, obj *unstructured.Unstructured, resp *admissionv1.AdmissionResponse) error {
	if obj == nil {
		return nil
	}
	before := obj.DeepCopy()
	if err := a.Mutate(ctx, op, obj); err != nil {
		return err
	}
	var patch []map[string]any
	for _, p := range [][]string{{"spec"}, {"metadata", "labels"}, {"metadata", "annotations"}, {"metadata", "namespace"}} {
		b, bok, _ := unstructured.NestedFieldNoCopy(before.Object, p...)
		v, vok, _ := unstructured.NestedFieldNoCopy(obj.Object, p...)
		rawB, _ := json.Marshal(b)
		rawV, _ := json.Marshal(v)
		if bok == vok && string(rawB) == string(rawV) {
			continue
		}
		ptr := ""
		for _, s := range p {
			ptr += "/" + s
		}
		if !vok {
			patch = append(patch, map[string]any{"op": "remove", "path": ptr})
		} else {
			patch = append(patch, map[string]any{"op": "add", "path": ptr, "value": v})
		}
	}
	if len(patch) == 0 {
		return nil
	}
	raw, err := json.Marshal(patch)
	if err != nil {
		return err
	}
	pt := admissionv1.PatchTypeJSONPatch
	resp.Patch, resp.PatchType = raw, &pt
	return nil
}
