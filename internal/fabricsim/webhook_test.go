package fabricsim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// review sends one AdmissionReview to the webhook's handler and returns its
// answer; a validation gets the object as the mutating webhook left it, as
// from the API server.
func review(t *testing.T, a Admission, mutate bool, op admissionv1.Operation, obj, old string, dryRun bool) *admissionv1.AdmissionResponse {
	t.Helper()
	req := &admissionv1.AdmissionRequest{UID: types.UID("u-1"), Operation: op, DryRun: &dryRun}
	if obj != "" {
		u := object(t, obj)
		if !mutate {
			if err := a.Mutate(context.Background(), op, u); err != nil {
				t.Fatal(err)
			}
		}
		raw, _ := json.Marshal(u.Object)
		req.Object = runtime.RawExtension{Raw: raw}
	}
	if old != "" {
		raw, _ := json.Marshal(object(t, old).Object)
		req.OldObject = runtime.RawExtension{Raw: raw}
	}
	body, _ := json.Marshal(admissionv1.AdmissionReview{Request: req})
	rec := httptest.NewRecorder()
	serve(rec, httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body)), a, mutate)
	var out admissionv1.AdmissionReview
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil {
		t.Fatalf("no AdmissionReview answer (%v): %s", err, rec.Body.String())
	}
	return out.Response
}

// A dry-run request (which the API server sends to webhooks declaring
// sideEffects None) is judged like any other and writes nothing: neither
// admitting, nor refusing, nor a delete's check writes to the cluster.
func TestWebhookDryRunWritesNothing(t *testing.T) {
	h, client := clusterOf(t, DefaultFabricConfig, append(builtinProfiles(), vlabObjects...))
	vpc := kobj("VPC", "vpc-01", `{subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001}}}`)
	for _, c := range []struct {
		name    string
		mutate  bool
		op      admissionv1.Operation
		obj     string
		old     string
		allowed bool
	}{
		{"defaults", true, admissionv1.Create, vpc, "", true},
		{"admitted", false, admissionv1.Create, vpc, "", true},
		{"refused", false, admissionv1.Create, kobj("VPC", "vpc-01", `{subnets: {default: {subnet: 10.9.0.0/24, vlan: 1001}}}`), "", false},
		{"delete refused", false, admissionv1.Delete, "", kobj("Switch", "leaf-01", `{role: server-leaf}`), false},
	} {
		resp := review(t, h, c.mutate, c.op, c.obj, c.old, true)
		if resp.Allowed != c.allowed {
			t.Errorf("%s: allowed %v, want %v (%v)", c.name, resp.Allowed, c.allowed, resp.Result)
		}
	}
	if len(client.Actions()) == 0 {
		t.Fatal("the webhook read nothing: the test would not see a write either")
	}
	readOnly(t, client)
}

// The webhook configurations declare sideEffects None, as Hedgehog's do,
// so that the API server calls them for dry-run requests.
func TestWebhookSideEffectsNone(t *testing.T) {
	m, v := webhookConfigurations("hedgehog-stand-in-x", "https://127.0.0.1:1", nil, NewHedgehog(nil, DefaultFabricConfig).Rules())
	for _, w := range m.Webhooks {
		if w.SideEffects == nil || *w.SideEffects != "None" {
			t.Errorf("mutating webhook %s: sideEffects %v", w.Name, w.SideEffects)
		}
	}
	for _, w := range v.Webhooks {
		if w.SideEffects == nil || *w.SideEffects != "None" {
			t.Errorf("validating webhook %s: sideEffects %v", w.Name, w.SideEffects)
		}
	}
}

// MCLAG is deprecated: upstream admits it and answers a warning, which the
// webhook passes on to the API server (and so to the client).
func TestWebhookMCLAGWarnings(t *testing.T) {
	h, _ := clusterOf(t, DefaultFabricConfig, append(builtinProfiles(), vlabObjects...))
	for _, c := range []struct{ name, obj string }{
		{"mclag connection", kobj("Connection", "server-01--mclag--leaf-01--leaf-02", `{mclag: {links: [`+
			`{server: {port: server-01/enp2s3}, switch: {port: leaf-01/E1/7}}, {server: {port: server-01/enp2s4}, switch: {port: leaf-02/E1/7}}]}}`)},
		{"mclag domain", kobj("Connection", "leaf-01--mclag-domain--leaf-02", `{mclagDomain: {peerLinks: [`+
			`{switch1: {port: leaf-01/E1/8}, switch2: {port: leaf-02/E1/8}}], sessionLinks: [{switch1: {port: leaf-01/E1/9}, switch2: {port: leaf-02/E1/9}}]}}`)},
		{"mclag switch", kobj("Switch", "leaf-03", `{role: server-leaf, profile: vs, asn: 65103, ip: 172.30.0.10/21, `+
			`vtepIP: 172.30.12.2/32, protocolIP: 172.30.8.4/32, redundancy: {group: eslag-1, type: mclag}}`)},
	} {
		resp := review(t, h, false, admissionv1.Create, c.obj, "", false)
		if !resp.Allowed || len(resp.Warnings) != 1 || resp.Warnings[0] != "MCLAG is deprecated and no longer supported" {
			t.Errorf("%s: allowed %v, warnings %q (%v)", c.name, resp.Allowed, resp.Warnings, resp.Result)
		}
	}
	resp := review(t, h, false, admissionv1.Create, kobj("Server", "server-09", `{}`), "", false)
	if !resp.Allowed || len(resp.Warnings) > 0 {
		t.Errorf("a server: allowed %v, warnings %q", resp.Allowed, resp.Warnings)
	}
}

// The provider's answer to upstream's update vectors: a connection's type
// cannot change in place, so a plan replaces the connection.
func TestVectorUpdatesAtPlan(t *testing.T) {
	before := Spec(object(t, kobj("Connection", "server-01--unbundled--leaf-01",
		`{unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}}}}`)))
	after := Spec(object(t, kobj("Connection", "server-01--unbundled--leaf-01",
		`{bundled: {links: [{server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}}]}}`)))
	if fields := wiring.Connection.RequiresReplace(before, after); len(fields) == 0 {
		t.Error("CONN-U1: a change of the connection's type must plan a replacement (upstream: connection type is immutable)")
	}
}
