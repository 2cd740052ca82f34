package provider_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// needsOtherProviders are examples that use providers which cannot be
// installed here (no registry access); they are only checked for format.
var needsOtherProviders = map[string]bool{"guides/netbox": true}

func exampleDirs(t *testing.T) []string {
	t.Helper()
	var dirs []string
	root := filepath.Join(acctest.Root, "examples")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".tf" {
			return err
		}
		dir := filepath.Dir(path)
		if len(dirs) == 0 || dirs[len(dirs)-1] != dir {
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// TestAccExamples checks every example: formatted, and valid with the real
// provider binary for those that need only this provider.
func TestAccExamples(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	cli := acctest.NewCLI(t)
	root := filepath.Join(acctest.Root, "examples")
	if out, err := cli.Run(root, "fmt", "-check", "-recursive", "-diff"); err != nil {
		t.Fatalf("examples are not formatted (make fmt):\n%s", out)
	}
	for _, dir := range exampleDirs(t) {
		rel, _ := filepath.Rel(root, dir)
		if needsOtherProviders[filepath.ToSlash(rel)] {
			continue
		}
		t.Run(rel, func(t *testing.T) {
			if strings.HasPrefix(filepath.ToSlash(rel), "ephemeral-resources/") {
				needsEphemeral(t)
			}
			work := acctest.CopyDir(t, dir)
			if !strings.Contains(readAll(t, work), "required_providers") {
				// Resource and data-source examples are fragments: give
				// them the provider's address.
				if err := os.WriteFile(filepath.Join(work, "versions.tf"), []byte(acctest.Terraform), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cli.MustRun(t, work, "init", "-input=false", "-backend=false")
			cli.MustRun(t, work, "validate")
		})
	}
}

func readAll(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		raw, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		b.Write(raw)
	}
	return b.String()
}

// TestAccQuickstart applies examples/quickstart (what make demo does), checks
// the cluster, plans again (nothing to do), and destroys it. Like make demo,
// it runs on a control plane of its own that does not have the Fabric CRD yet:
// hedgehog_crds installs only a CRD that does not exist.
func TestAccQuickstart(t *testing.T) {
	t.Parallel()
	cluster := acctest.StartOwn(t, acctest.OwnOptions{Hedgehog: true, SkipCRDs: true})
	dyn, typed := cluster.Dynamic, cluster.Typed
	fabric := func() *unstructured.Unstructured {
		u, err := dyn.Resource(acctest.FabricGVR).Namespace("hedgehog-system").Get(context.Background(), "dc1", metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
		return u
	}
	simulate(t, dyn)
	// What make demo's control plane has, as every Hedgehog installation:
	// the default VLAN and IPv4 namespaces, which the quickstart refers to
	// (the stand-in seeds them as the installer does).
	installed := quickstartObjects(t, dyn)
	if !reflect.DeepEqual(slices.Sorted(maps.Keys(installed)), []string{"IPv4Namespace/default", "VLANNamespace/default"}) {
		t.Fatalf("before the quickstart the cluster has %v, want only the installer's namespaces", slices.Sorted(maps.Keys(installed)))
	}
	cli := acctest.NewCLI(t)
	work := acctest.CopyDir(t, filepath.Join(acctest.Root, "examples", "quickstart"))
	vars := []string{"-input=false", "-var", "kubeconfig=" + cluster.Kubeconfig}
	cli.MustRun(t, work, "init", "-input=false")
	destroyed := false
	t.Cleanup(func() {
		if !destroyed {
			_, _ = cli.Run(work, append([]string{"destroy", "-auto-approve"}, vars...)...)
		}
	})
	cli.MustRun(t, work, append([]string{"apply", "-auto-approve"}, vars...)...)

	var outputs struct {
		Fabric struct {
			Value struct {
				Phase  string   `json:"phase"`
				Spines []string `json:"spines"`
				Leaves []string `json:"leaves"`
			} `json:"value"`
		} `json:"fabric"`
		ClusterHealth struct {
			Value struct {
				Status string `json:"status"`
			} `json:"value"`
		} `json:"cluster_health"`
		VPC struct {
			Value struct {
				VPCs       []string `json:"vpcs"`
				Subnets    []string `json:"subnets"`
				Gateway    string   `json:"gateway"`
				Attachment string   `json:"attachment"`
				Peering    string   `json:"peering"`
				LeafAgrees bool     `json:"leaf_agrees"`
			} `json:"value"`
		} `json:"vpc"`
	}
	if err := json.Unmarshal([]byte(cli.MustRun(t, work, "output", "-json")), &outputs); err != nil {
		t.Fatal(err)
	}
	if outputs.Fabric.Value.Phase != "Ready" || len(outputs.Fabric.Value.Spines) != 2 || len(outputs.Fabric.Value.Leaves) != 4 {
		t.Fatalf("quickstart outputs: %+v", outputs.Fabric.Value)
	}
	if outputs.ClusterHealth.Value.Status != "healthy" {
		t.Fatalf("cluster health: %q", outputs.ClusterHealth.Value.Status)
	}
	if u := fabric(); u == nil || field(u, "status", "phase") != "Ready" {
		t.Fatalf("fabric hedgehog-system/dc1 in the cluster: %v", u)
	}
	// The VPC workflow: two VPCs, an attachment and a peering, applied by
	// the simulated leaf; in the cluster, with the webhook's defaults.
	if v := outputs.VPC.Value; strings.Join(v.VPCs, ",") != "prod,shared" || strings.Join(v.Subnets, ",") != "db,web" ||
		v.Gateway != "10.0.1.1" || v.Attachment != "default/server-01--prod--web" || v.Peering != "default/prod--shared" || !v.LeafAgrees {
		t.Fatalf("quickstart VPC outputs: %+v", v)
	}
	vpcs := quickstartObjects(t, dyn)
	if got := field(vpcs["VPC/prod"], "spec", "subnets", "web", "gateway"); got != "10.0.1.1" {
		t.Errorf("VPC prod's web gateway in the cluster: %v", got)
	}
	if got := field(vpcs["VPCAttachment/server-01--prod--web"], "spec", "subnet"); got != "prod/web" {
		t.Errorf("the attachment's subnet in the cluster: %v", got)
	}
	if got := field(vpcs["VPCPeering/prod--shared"], "spec", "permit"); !reflect.DeepEqual(got, []any{map[string]any{"prod": map[string]any{}, "shared": map[string]any{}}}) {
		t.Errorf("the peering's permit in the cluster: %#v", got)
	}
	// Nothing to change.
	if out := cli.MustRun(t, work, append([]string{"plan"}, vars...)...); strings.Contains(out, "Plan:") {
		t.Fatalf("a second plan should change nothing:\n%s", out)
	}
	cli.MustRun(t, work, append([]string{"destroy", "-auto-approve"}, vars...)...)
	destroyed = true
	if fabric() != nil {
		t.Fatal("the fabric is still there after destroy")
	}
	left := quickstartObjects(t, dyn)
	if !reflect.DeepEqual(slices.Sorted(maps.Keys(left)), []string{"IPv4Namespace/default", "VLANNamespace/default"}) {
		t.Fatalf("Hedgehog objects left after destroy: %v (want only the installer's namespaces)", slices.Sorted(maps.Keys(left)))
	}
	for key, u := range left {
		if u.GetUID() != installed[key].GetUID() {
			t.Errorf("the installer's %s was replaced by the quickstart", key)
		}
	}
	if _, err := typed.CoreV1().Namespaces().Get(context.Background(), "hedgehog-system", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the namespace created by the quickstart should be gone: %v", err)
	}
	// hedgehog_crds without delete_on_destroy leaves the CRD installed.
	if _, err := dyn.Resource(crds.GVR).Get(context.Background(), "fabrics.wiring.githedgehog.com", metav1.GetOptions{}); err != nil {
		t.Fatalf("destroying hedgehog_crds must not delete the CRD: %v", err)
	}
}

// simulate runs the fabric simulator on a cluster whose Fabric CRD an apply
// is about to install, until the test ends.
func simulate(t *testing.T, dyn dynamic.Interface) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
			_, err := dyn.Resource(acctest.FabricGVR).List(ctx, metav1.ListOptions{Limit: 1})
			return err == nil, nil //nolint:nilerr // not served yet: keep polling
		})
		if err == nil {
			_ = fabricsim.Run(ctx, dyn, fabricsim.Options{GVR: acctest.FabricGVR, Delay: 500 * time.Millisecond})
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// quickstartObjects are the VPC-side and wiring objects in the namespace
// default, by kind/name.
func quickstartObjects(t *testing.T, dyn dynamic.Interface) map[string]*unstructured.Unstructured {
	t.Helper()
	out := map[string]*unstructured.Unstructured{}
	for _, k := range []*kinds.Kind{vpc.VPC, vpc.VPCAttachment, vpc.VPCPeering, vpc.IPv4Namespace, wiring.Connection, wiring.Server,
		wiring.Switch, wiring.VLANNamespace} {
		l, err := dyn.Resource(k.GVR(nil)).Namespace("default").List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range l.Items {
			out[k.Kind+"/"+l.Items[i].GetName()] = &l.Items[i]
		}
	}
	return out
}
