package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/terraform"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/testcluster"
)

// InstallKinds installs the test CRDs of kinds (derived from their
// declarations) and waits until they are served. CRDs that exist are left
// as they are.
func InstallKinds(t *testing.T, ks ...*kinds.Kind) {
	t.Helper()
	PreCheck(t)
	if err := fabricsim.InstallCRDs(context.Background(), C.Dynamic, ks...); err != nil {
		t.Fatal(err)
	}
}

// startStandIn starts the Hedgehog stand-in for the test binary: the CRDs of
// the real Hedgehog kinds, their webhook and the simulated agents.
func startStandIn() (func(), error) {
	s, err := fabricsim.StartStandIn(context.Background(), C.Dynamic, C.Typed, fabricsim.StandInOptions{
		Host: C.WebhookHost, AgentDelay: AgentDelay, Fabric: testFabric(false)})
	if err != nil {
		return nil, fmt.Errorf("starting the Hedgehog stand-in: %w", err)
	}
	return func() { _ = s.Stop(context.Background()) }, nil
}

// testFabric is the fabric configuration of the stand-ins that tests run:
// the virtual lab's with the gateway enabled (a lab made with hhfab's
// --gateway), so that the gateway kinds are served; gatewayOff keeps it
// disabled, as in the default virtual lab, where Hedgehog refuses every
// gateway object.
func testFabric(gatewayOff bool) fabricsim.FabricConfig {
	f := fabricsim.DefaultFabricConfig
	f.GatewayEnabled = !gatewayOff
	return f
}

// AgentDelay is how long the simulated switches take to apply a change.
const AgentDelay = 300 * time.Millisecond

// Webhook registers an admission webhook served by the test process until
// the test ends, and returns it.
func Webhook(t *testing.T, a fabricsim.Admission) *fabricsim.Webhook {
	t.Helper()
	PreCheck(t)
	w, err := fabricsim.StartWebhook(context.Background(), C.Typed, C.WebhookHost, a)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Stop(context.Background()); err != nil {
			t.Errorf("stopping the webhook %s: %v", w.Name, err)
		}
	})
	return w
}

// Object reads an object of a kind straight from the cluster; nil when it
// does not exist.
func Object(t *testing.T, k *kinds.Kind, namespace, name string) *unstructured.Unstructured {
	t.Helper()
	u, err := C.Dynamic.Resource(k.GVR(nil)).Namespace(namespace).Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("reading %s %s/%s: %v", k.Kind, namespace, name, err)
	}
	return u
}

// Patch changes an object with a JSON merge patch as fieldManager (an
// imperative edit, as kubectl edit or patch makes).
func Patch(k *kinds.Kind, namespace, name, fieldManager string, patch map[string]any) error {
	raw, err := json.Marshal(patch)
	if err != nil {
		return err
	}
	_, err = C.Dynamic.Resource(k.GVR(nil)).Namespace(namespace).Patch(context.Background(), name, types.MergePatchType, raw,
		metav1.PatchOptions{FieldManager: fieldManager})
	return err
}

// HedgehogName is a random name short enough for every Hedgehog kind (VPC,
// External and IPv4Namespace names have at most 11 characters).
func HedgehogName(prefix string) string {
	n := Name(prefix)
	return n[:min(len(n), 11)]
}

// Gone is a CheckDestroy that looks for an object of a Hedgehog kind in the
// cluster.
func Gone(t *testing.T, k *kinds.Kind, names ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, name := range names {
			if u := Object(t, k, meta.Namespace, name); u != nil {
				return fmt.Errorf("%s %s is still in the cluster", k.Kind, name)
			}
		}
		return nil
	}
}

// InCluster checks an object of a Hedgehog kind as the API server has it.
func InCluster(t *testing.T, k *kinds.Kind, name string, check func(u *unstructured.Unstructured) error) func(*terraform.State) error {
	return func(*terraform.State) error {
		u := Object(t, k, meta.Namespace, name)
		if u == nil {
			return fmt.Errorf("%s %s is not in the cluster", k.Kind, name)
		}
		return check(u)
	}
}

// Expect compares a field of an object with a value.
func Expect(u *unstructured.Unstructured, want any, path ...string) error {
	got, _, _ := unstructured.NestedFieldNoCopy(u.Object, path...)
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("%s %s: %v is %#v, want %#v", u.GetKind(), u.GetName(), path, got, want)
	}
	return nil
}

// OwnCluster is a local control plane for one test, stopped when the test
// ends: for configurations with fixed names and addresses (a whole example
// fabric) that would collide with the other tests on the shared cluster.
// With hedgehog, it runs the Hedgehog stand-in too.
type OwnCluster struct {
	Kubeconfig string
	Dynamic    dynamic.Interface
	Typed      kubernetes.Interface
}

// OwnOptions tune an OwnCluster: Hedgehog runs the Hedgehog stand-in, with
// the fabric configuration Fabric (the tests' own when nil: the virtual lab's
// with the gateway on; GatewayOff turns it off); SkipCRDs leaves the Fabric
// CRD out, for a configuration that installs it (as make demo's control plane
// does); AgentDelay, when set, is how long its simulated switches take to
// apply a change (AgentDelay otherwise): long enough, a test can tell an apply
// that waited for them from one that did not.
type OwnOptions struct {
	Hedgehog, SkipCRDs, GatewayOff bool
	Fabric                         *fabricsim.FabricConfig
	AgentDelay                     time.Duration
}

// StartOwnCluster starts an OwnCluster, with the Hedgehog stand-in when
// hedgehog is set.
func StartOwnCluster(t *testing.T, hedgehog bool) *OwnCluster {
	t.Helper()
	return StartOwn(t, OwnOptions{Hedgehog: hedgehog})
}

// StartOwn starts an OwnCluster with options.
func StartOwn(t *testing.T, opts OwnOptions) *OwnCluster {
	t.Helper()
	PreCheck(t)
	hedgehog := opts.Hedgehog
	ctx := context.Background()
	cluster, err := testcluster.Start(ctx, testcluster.Options{BinDir: filepath.Join(Root, ".tools", "bin"),
		Dir: filepath.Join(t.TempDir(), "cluster"), SkipCRDs: opts.SkipCRDs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop() })
	cfg, err := cluster.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.QPS, cfg.Burst = 500, 1000 // the stand-in's webhook and agents, as on the shared cluster
	dyn := dynamic.NewForConfigOrDie(cfg)
	if hedgehog {
		delay := AgentDelay
		if opts.AgentDelay > 0 {
			delay = opts.AgentDelay
		}
		fabric := testFabric(opts.GatewayOff)
		if opts.Fabric != nil {
			fabric = *opts.Fabric
		}
		s, err := fabricsim.StartStandIn(ctx, dyn, kubernetes.NewForConfigOrDie(cfg), fabricsim.StandInOptions{
			Host: "127.0.0.1", AgentDelay: delay, Fabric: fabric})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Stop(context.Background()) })
	}
	return &OwnCluster{Kubeconfig: cluster.KubeconfigPath(), Dynamic: dyn, Typed: kubernetes.NewForConfigOrDie(cfg)}
}

// Object reads an object of a Hedgehog kind from the cluster; nil when it
// does not exist.
func (c *OwnCluster) Object(t *testing.T, k *kinds.Kind, name string) *unstructured.Unstructured {
	t.Helper()
	u, err := c.Dynamic.Resource(k.GVR(nil)).Namespace(meta.Namespace).Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("reading %s %s: %v", k.Kind, name, err)
	}
	return u
}
