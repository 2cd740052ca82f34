package kube

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

var fabricTarget = Target{Verb: "create", Kind: "Fabric", Resource: "fabrics.wiring.githedgehog.com", Version: "v1alpha2",
	Namespace: "hedgehog-system", Name: "dc1"}

func TestExplain(t *testing.T) {
	c := &Client{Host: "https://10.0.0.1:6443", Identity: "a bearer token from the provider configuration"}
	gr := schema.GroupResource{Group: "wiring.githedgehog.com", Resource: "fabrics"}
	conflict := apierrors.NewApplyConflict([]metav1.StatusCause{{
		Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "gitops"`, Field: ".spec.asn",
	}}, `Apply failed with 1 conflict: conflict with "gitops": .spec.asn`)
	cases := []struct {
		name    string
		err     error
		summary string
		detail  []string
	}{
		{"401", apierrors.NewUnauthorized("Unauthorized"), "Kubernetes Credentials Rejected",
			[]string{"rejected a bearer token from the provider configuration (HTTP 401)", "renew it"}},
		{"403", apierrors.NewForbidden(gr, "dc1", fmt.Errorf(`User "system:serviceaccount:ns:sa" cannot create resource "fabrics" in API group "wiring.githedgehog.com" in the namespace "hedgehog-system"`)),
			"Kubernetes Permission Denied",
			[]string{`"system:serviceaccount:ns:sa" may not create fabrics.wiring.githedgehog.com in namespace "hedgehog-system" (HTTP 403)`, "hedgehog_rbac_setup"}},
		{"404 kind", apierrors.NewGenericServerResponse(404, "GET", gr, "", "404 page not found", 0, true), "Fabric Kind Not Served",
			[]string{"CustomResourceDefinition fabrics.wiring.githedgehog.com is not installed", "hedgehog_crds", "fabric_api_version (v1alpha2)"}},
		{"409 apply conflict", conflict, "Field Manager Conflict", []string{".spec.asn", `conflict with "gitops"`, "force_conflicts = true"}},
		{"409 changed", apierrors.NewConflict(gr, "dc1", errors.New("the object has been modified")), "Concurrent Modification",
			[]string{"changed between the provider's read and its write"}},
		{"422", apierrors.NewInvalid(schema.GroupKind{Group: "wiring.githedgehog.com", Kind: "Fabric"}, "dc1",
			field.ErrorList{field.Invalid(field.NewPath("spec", "asn"), 0, "must be at least 1")}), "Invalid Fabric",
			[]string{"spec.asn: Invalid value: 0: must be at least 1"}},
		{"503 after retries", apierrors.NewServiceUnavailable("etcd is down"), "Kubernetes API Server Error",
			[]string{"HTTP 503 after every retry"}},
		{"unknown CA", &url.Error{Op: "Get", URL: "https://10.0.0.1:6443", Err: x509.UnknownAuthorityError{}}, "Kubernetes TLS Verification Failed",
			[]string{"not signed by a trusted certificate authority", "cluster_ca_certificate", "insecure = true would skip"}},
		{"wrong host name", &url.Error{Op: "Get", URL: "https://10.0.0.1:6443", Err: x509.HostnameError{Certificate: &x509.Certificate{}, Host: "10.0.0.1"}},
			"Kubernetes TLS Verification Failed", []string{"not valid for that name", "tls_server_name"}},
		{"refused", &url.Error{Op: "Get", URL: "https://10.0.0.1:6443", Err: errors.New("dial tcp: connection refused")},
			"Cannot Reach the Kubernetes API Server", []string{"at https://10.0.0.1:6443", "connection refused", "proxy_url"}},
		{"breaker", &UnavailableError{Host: "10.0.0.1:6443", Failures: 8, First: errors.New("connection refused")},
			"Kubernetes API Server Unavailable", []string{"failed 8 attempts in a row", "connection refused"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			summary, detail := c.Explain(tc.err, fabricTarget)
			if summary != tc.summary {
				t.Errorf("summary %q, want %q", summary, tc.summary)
			}
			for _, want := range tc.detail {
				if !strings.Contains(detail, want) {
					t.Errorf("detail lacks %q:\n%s", want, detail)
				}
			}
		})
	}
}

func TestKindAndObjectNotFound(t *testing.T) {
	gr := schema.GroupResource{Group: "wiring.githedgehog.com", Resource: "fabrics"}
	object := apierrors.NewNotFound(gr, "dc1")
	kind := apierrors.NewGenericServerResponse(404, "GET", gr, "", "", 0, true)
	if !IsObjectNotFound(object) || IsKindNotFound(object) {
		t.Error("a missing object is an object 404")
	}
	if !IsKindNotFound(kind) || IsObjectNotFound(kind) {
		t.Error("a 404 without an object name is a kind 404")
	}
	if IsKindNotFound(errors.New("x")) {
		t.Error("a plain error is no 404")
	}
}

func TestConflictManagers(t *testing.T) {
	err := apierrors.NewApplyConflict([]metav1.StatusCause{
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "a"`, Field: ".spec.x"},
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "b" using v1`, Field: ".spec.y"},
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "a"`, Field: ".spec.z"},
	}, "conflicts")
	if got := strings.Join(ConflictManagers(err), ","); got != "a,b" {
		t.Fatalf("managers %q, want a,b", got)
	}
}

func writeConfig(t *testing.T, name string, cfg *clientcmdapi.Config) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConnect(t *testing.T) {
	full := clientcmdapi.NewConfig()
	full.Clusters["c"] = &clientcmdapi.Cluster{Server: "https://10.0.0.1:6443"}
	full.Clusters["d"] = &clientcmdapi.Cluster{Server: "https://10.0.0.2:6443"}
	full.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "secret-token"}
	full.Contexts["one"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	full.Contexts["two"] = &clientcmdapi.Context{Cluster: "d", AuthInfo: "u"}
	full.CurrentContext = "one"
	path := writeConfig(t, "full", full)

	conn, err := Settings{ConfigPaths: []string{path}}.Connect()
	if err != nil || conn.REST.Host != "https://10.0.0.1:6443" || conn.REST.BearerToken != "secret-token" {
		t.Fatalf("current context: %v %+v", err, conn)
	}
	if strings.Contains(conn.Identity, "secret-token") || !strings.Contains(conn.Identity, `context "one"`) {
		t.Fatalf("identity %q must name the context and never the token", conn.Identity)
	}
	if conn, err = (Settings{ConfigPaths: []string{path}, Context: "two"}).Connect(); err != nil || conn.REST.Host != "https://10.0.0.2:6443" {
		t.Fatalf("context two: %v", err)
	}
	_, err = Settings{ConfigPaths: []string{path}, Context: "three"}.Connect()
	var se *SettingError
	if !errors.As(err, &se) || se.Field != "config_context" || !strings.Contains(err.Error(), "it has: one, two") {
		t.Fatalf("missing context: %v", err)
	}
	_, err = Settings{ConfigPaths: []string{filepath.Join(t.TempDir(), "none")}}.Connect()
	if !errors.As(err, &se) || se.Field != "config_path" {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := (Settings{}).Connect(); !errors.Is(err, ErrNoConfig) {
		t.Fatalf("no settings: %v, want ErrNoConfig", err)
	}

	// Merged files: the first to set a value wins, as with KUBECONFIG.
	user := clientcmdapi.NewConfig()
	user.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "first"}
	clusters := full.DeepCopy()
	clusters.AuthInfos = map[string]*clientcmdapi.AuthInfo{"u": {Token: "second"}}
	conn, err = Settings{ConfigPaths: []string{writeConfig(t, "user", user), writeConfig(t, "clusters", clusters)}}.Connect()
	if err != nil || conn.REST.BearerToken != "first" || conn.REST.Host != "https://10.0.0.1:6443" {
		t.Fatalf("merged: %v %+v", err, conn)
	}

	// Attributes override the kubeconfig.
	conn, err = Settings{ConfigPaths: []string{path}, Host: "https://10.9.9.9:443"}.Connect()
	if err != nil || conn.REST.Host != "https://10.9.9.9:443" {
		t.Fatalf("host override: %v", err)
	}

	// Direct connection without any kubeconfig.
	conn, err = Settings{Host: "https://10.0.0.3:6443", Exec: &ExecSettings{APIVersion: "client.authentication.k8s.io/v1",
		Command: "get-token", Args: []string{"--a"}, Env: map[string]string{"B": "b", "A": "a"}}}.Connect()
	if err != nil || conn.REST.ExecProvider == nil || conn.REST.ExecProvider.Env[0].Name != "A" {
		t.Fatalf("exec: %v %+v", err, conn)
	}
	if !strings.Contains(conn.Identity, `exec credential plugin "get-token"`) {
		t.Fatalf("identity %q", conn.Identity)
	}
}

func TestInClusterOnlyWhenAsked(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	_, err := Settings{InCluster: true}.Connect()
	var se *SettingError
	if !errors.As(err, &se) || se.Field != "in_cluster" {
		t.Fatalf("in_cluster outside a pod: %v", err)
	}
	_ = os.Unsetenv("KUBERNETES_SERVICE_HOST")
}

func TestMayHaveHappened(t *testing.T) {
	dial := func(err error) error {
		return &url.Error{Op: "Patch", URL: "https://10.0.0.1:6443/apis", Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	gr := schema.GroupResource{Group: "wiring.githedgehog.com", Resource: "fabrics"}
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", dial(&os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}), false},
		{"unknown host", dial(&net.DNSError{Err: "no such host", Name: "nowhere.invalid"}), false},
		{"breaker open", &UnavailableError{Host: "https://10.0.0.1:6443", First: errors.New("refused")}, false},
		{"forbidden", apierrors.NewForbidden(gr, "dc1", errors.New("no")), false},
		{"invalid", apierrors.NewInvalid(schema.GroupKind{Group: gr.Group, Kind: "Fabric"}, "dc1", nil), false},
		{"connection reset", dial(&os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}), true},
		{"no answer", fmt.Errorf("no answer within the request timeout of 5s: %w", context.DeadlineExceeded), true},
		{"server error", apierrors.NewInternalError(errors.New("etcd")), true},
		{"too many requests", apierrors.NewTooManyRequests("slow down", 1), true},
	}
	for _, c := range cases {
		if got := MayHaveHappened(c.err); got != c.want {
			t.Errorf("%s: MayHaveHappened = %v, want %v", c.name, got, c.want)
		}
	}
}
