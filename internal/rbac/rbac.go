// Package rbac does the Kubernetes side of an access setup for a fabric
// client (the NetBox Hedgehog plugin or any GitOps tool): a namespace, a
// service account, a role and its binding (cluster-wide, or in the namespace
// of the objects it grants access to), a token, and a kubeconfig that
// carries them; and the least-privilege presets of rules (presets.go).
//
// It knows nothing of Terraform: hedgehog_rbac_setup maps its attributes to a
// Setup, calls Reconcile, Read and Destroy, and turns the results and errors
// into state and diagnostics.
package rbac

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// Scopes and token types.
const (
	ScopeCluster   = "cluster"   // ClusterRole and ClusterRoleBinding
	ScopeNamespace = "namespace" // Role and RoleBinding
	TokenSecret    = "secret"    // a service-account-token Secret, filled by the token controller; never expires
	TokenBound     = "bound"     // a TokenRequest token that expires
	TokenNone      = "none"      // no token: tokens come from elsewhere (an ephemeral resource)
)

// Timeout bounds waiting for the token controller and for a namespace to be
// gone.
const Timeout = 5 * time.Minute

// Parts are the objects of a setup, by the names the UIDs are kept under; the
// token Secret exists only with TokenSecret.
var Parts = []string{"namespace", "service_account", "role", "role_binding", "token_secret"}

// Setup names the objects of one setup.
type Setup struct {
	Client         *kube.Client
	FieldManager   string
	Namespace      string
	ServiceAccount string
	// Role names the role and its binding.
	Role  string
	Scope string
	// ObjectsNamespace is the namespace of the objects the role grants
	// access to: in namespace scope the Role and RoleBinding go there, and
	// the kubeconfig names it. Empty means Namespace.
	ObjectsNamespace string
	TokenType        string
	// Labels go on every object the setup writes.
	Labels map[string]string
}

// SecretName is the token Secret's name.
func (s *Setup) SecretName() string { return s.ServiceAccount + "-token" }

// RoleNS is the namespace of the objects, and of the Role and RoleBinding
// in namespace scope.
func (s *Setup) RoleNS() string {
	if s.ObjectsNamespace == "" {
		return s.Namespace
	}
	return s.ObjectsNamespace
}

// Subject is the user name the API server knows the service account by.
func (s *Setup) Subject() string {
	return "system:serviceaccount:" + s.Namespace + ":" + s.ServiceAccount
}

// Parts are the parts this setup has.
func (s *Setup) Parts() []string {
	if s.TokenType == TokenSecret {
		return Parts
	}
	return Parts[:4]
}

// APIError is a failed request, with what was asked for, so that the caller
// can explain it (kube.Client.Explain).
type APIError struct {
	Target kube.Target
	Err    error
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s %s/%s: %v", e.Target.Verb, e.Target.Kind, e.Target.Namespace, e.Target.Name, e.Err)
}
func (e *APIError) Unwrap() error { return e.Err }

func apiError(err error, verb, kind, resource, namespace, name string) error {
	return &APIError{Err: err, Target: kube.Target{Verb: verb, Kind: kind, Resource: resource, Namespace: namespace, Name: name}}
}

// Existing lists the objects (other than the namespace, which may be shared)
// that already carry this setup's names.
func (s *Setup) Existing(ctx context.Context) ([]string, error) {
	core, rbac := s.Client.Typed.CoreV1(), s.Client.Typed.RbacV1()
	get := metav1.GetOptions{}
	type check struct {
		what string
		get  func() error
	}
	checks := []check{{fmt.Sprintf("ServiceAccount %s/%s", s.Namespace, s.ServiceAccount),
		func() error { _, err := core.ServiceAccounts(s.Namespace).Get(ctx, s.ServiceAccount, get); return err }}}
	if s.Scope == ScopeCluster {
		checks = append(checks,
			check{"ClusterRole " + s.Role, func() error { _, err := rbac.ClusterRoles().Get(ctx, s.Role, get); return err }},
			check{"ClusterRoleBinding " + s.Role, func() error { _, err := rbac.ClusterRoleBindings().Get(ctx, s.Role, get); return err }})
	} else {
		checks = append(checks,
			check{fmt.Sprintf("Role %s/%s", s.RoleNS(), s.Role),
				func() error { _, err := rbac.Roles(s.RoleNS()).Get(ctx, s.Role, get); return err }},
			check{fmt.Sprintf("RoleBinding %s/%s", s.RoleNS(), s.Role),
				func() error { _, err := rbac.RoleBindings(s.RoleNS()).Get(ctx, s.Role, get); return err }})
	}
	if s.TokenType == TokenSecret {
		checks = append(checks, check{fmt.Sprintf("Secret %s/%s", s.Namespace, s.SecretName()),
			func() error { _, err := core.Secrets(s.Namespace).Get(ctx, s.SecretName(), get); return err }})
	}
	var out []string
	for _, c := range checks {
		switch err := c.get(); {
		case err == nil:
			out = append(out, c.what)
		case !apierrors.IsNotFound(err):
			return nil, apiError(err, "get", c.what, "", s.Namespace, "")
		}
	}
	return out, nil
}

// Due tells whether a bound token that expires at expiresAt (RFC 3339) has
// less than percent of its lifetime left at now; a time that does not parse
// is due.
func Due(expiresAt string, lifetimeSeconds, percent int64, now time.Time) bool {
	expires, err := time.Parse(time.RFC3339, expiresAt)
	if err != nil {
		return true
	}
	lifetime := time.Duration(lifetimeSeconds) * time.Second
	return expires.Sub(now) < lifetime*time.Duration(percent)/100
}

// Kubeconfig renders a kubeconfig for the service account: the API server
// the client talks to, the CA (or, without one, the client's own choice of
// TLS verification), the token and the namespace of the objects.
func (s *Setup) Kubeconfig(token, ca string) (string, error) {
	host := s.Client.Host
	name := s.ServiceAccount + "@" + strings.TrimPrefix(strings.TrimPrefix(host, "https://"), "http://")
	cfg := clientcmdapi.NewConfig()
	cluster := &clientcmdapi.Cluster{Server: host, CertificateAuthorityData: []byte(ca)}
	if ca == "" {
		cluster.InsecureSkipTLSVerify = s.Client.REST.Insecure
	}
	cfg.Clusters[name] = cluster
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name, Namespace: s.RoleNS()}
	cfg.CurrentContext = name
	raw, err := clientcmd.Write(*cfg)
	return string(raw), err
}

// CA is the CA the client trusts, as PEM; empty when it trusts the system's.
func (s *Setup) CA() string {
	tls := s.Client.REST.TLSClientConfig
	if len(tls.CAData) > 0 {
		return string(tls.CAData)
	}
	if tls.CAFile != "" {
		if raw, err := os.ReadFile(tls.CAFile); err == nil {
			return string(raw)
		}
	}
	return ""
}

// Errors splits an error that joins several (from Read) into them.
func Errors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}
