package acctest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/provider"
)

// FabricGVR is the Fabric resource as the provider's defaults name it.
var FabricGVR = schema.GroupVersionResource{Group: provider.DefaultGroup, Version: provider.DefaultVersion, Resource: "fabrics"}

// Terraform is the required_providers block every test configuration needs
// (tests run the provider under its registry address).
const Terraform = `terraform {
  required_providers {
    hedgehog = {
      source = "hedgehog-terraform/hedgehog"
    }
  }
}
`

// Provider is a provider block for the test cluster's admin kubeconfig, with
// extra lines inside it.
func Provider(extra ...string) string {
	return Terraform + fmt.Sprintf("\nprovider \"hedgehog\" {\n  config_path = %q\n%s}\n", C.Kubeconfig, indent(extra))
}

func indent(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// Config is a configuration with the default provider block.
func Config(body string) string { return Provider() + "\n" + body }

// Name is a random name with a prefix, unique enough for one test run.
func Name(prefix string) string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 6)
	for i := range b {
		b[i] = letters[rand.IntN(len(letters))]
	}
	return prefix + "-" + string(b)
}

// Namespace creates a namespace that the test owns; it is deleted (without
// waiting) when the test ends.
func Namespace(t *testing.T) string {
	t.Helper()
	PreCheck(t)
	name := Name("acc")
	ctx := context.Background()
	_, err := C.Typed.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = C.Typed.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	return name
}

// Fabric reads a fabric straight from the cluster; nil when it does not exist.
func Fabric(t *testing.T, namespace, name string) *unstructured.Unstructured {
	t.Helper()
	u, err := C.Dynamic.Resource(FabricGVR).Namespace(namespace).Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("reading fabric %s/%s: %v", namespace, name, err)
	}
	return u
}

// Fabrics lists the fabrics of a namespace straight from the cluster.
func Fabrics(t *testing.T, namespace string) []unstructured.Unstructured {
	t.Helper()
	l, err := C.Dynamic.Resource(FabricGVR).Namespace(namespace).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatalf("listing fabrics in %s: %v", namespace, err)
	}
	return l.Items
}

// Simulate runs the fabric simulator on one namespace until the test ends.
func Simulate(t *testing.T, namespace string, delay time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = fabricsim.Run(ctx, C.Dynamic, fabricsim.Options{GVR: FabricGVR, Namespace: namespace, Delay: delay})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// Nested reads a field of an object, failing the test when it is absent.
func Nested(t *testing.T, u *unstructured.Unstructured, fields ...string) any {
	t.Helper()
	v, ok, err := unstructured.NestedFieldNoCopy(u.Object, fields...)
	if err != nil || !ok {
		t.Fatalf("%s/%s has no %s", u.GetNamespace(), u.GetName(), strings.Join(fields, "."))
	}
	return v
}

// Error matches an error message that contains each phrase in order. Phrases
// are literal; a space matches any white space, since the CLI wraps lines.
func Error(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

var execPlugin = sync.OnceValues(func() (string, error) { return goBuild("execplugin", "./internal/acctest/execplugin") })

// ExecPlugin builds the test credential plugin (once per test binary).
func ExecPlugin(t *testing.T) string {
	t.Helper()
	path, err := execPlugin()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// ServiceAccountToken creates a service account in namespace, binds it to
// clusterRole when one is given (cluster-wide), and returns a token for it.
func ServiceAccountToken(t *testing.T, namespace, name, clusterRole string) string {
	t.Helper()
	ctx := context.Background()
	_, err := C.Typed.CoreV1().ServiceAccounts(namespace).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating service account %s/%s: %v", namespace, name, err)
	}
	if clusterRole != "" {
		binding := &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: namespace + "-" + name},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: clusterRole},
			Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: name, Namespace: namespace}},
		}
		if _, err := C.Typed.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
			t.Fatalf("binding %s/%s to %s: %v", namespace, name, clusterRole, err)
		}
		t.Cleanup(func() {
			_ = C.Typed.RbacV1().ClusterRoleBindings().Delete(context.Background(), binding.Name, metav1.DeleteOptions{})
		})
	}
	seconds := int64(3600)
	tr, err := C.Typed.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, name,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &seconds}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("requesting a token for %s/%s: %v", namespace, name, err)
	}
	return tr.Status.Token
}

// CACert is the PEM CA of the test cluster's API server.
func CACert(t *testing.T) string {
	t.Helper()
	if len(C.REST.CAData) > 0 {
		return string(C.REST.CAData)
	}
	raw, err := os.ReadFile(C.REST.CAFile)
	if err != nil {
		t.Fatalf("reading the cluster CA: %v", err)
	}
	return string(raw)
}

// WriteFile writes a file into a directory that lives as long as the test.
func WriteFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
