package provider_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
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
// the cluster, plans again (nothing to do), and destroys it.
func TestAccQuickstart(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	acctest.Simulate(t, "hedgehog-system", 500*time.Millisecond)
	cli := acctest.NewCLI(t)
	work := acctest.CopyDir(t, filepath.Join(acctest.Root, "examples", "quickstart"))
	vars := []string{"-input=false", "-var", "kubeconfig=" + acctest.C.Kubeconfig}
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
	if u := acctest.Fabric(t, "hedgehog-system", "dc1"); u == nil || field(u, "status", "phase") != "Ready" {
		t.Fatalf("fabric hedgehog-system/dc1 in the cluster: %v", u)
	}
	// Nothing to change (the health outputs may move: other tests share
	// the cluster and its fabric count).
	if out := cli.MustRun(t, work, append([]string{"plan"}, vars...)...); strings.Contains(out, "Plan:") {
		t.Fatalf("a second plan should change nothing:\n%s", out)
	}
	cli.MustRun(t, work, append([]string{"destroy", "-auto-approve"}, vars...)...)
	destroyed = true
	if acctest.Fabric(t, "hedgehog-system", "dc1") != nil {
		t.Fatal("the fabric is still there after destroy")
	}
	if _, err := acctest.C.Typed.CoreV1().Namespaces().Get(context.Background(), "hedgehog-system", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the namespace created by the quickstart should be gone: %v", err)
	}
	// hedgehog_crds without delete_on_destroy leaves the CRD installed.
	if _, err := acctest.C.Dynamic.Resource(crds.GVR).Get(context.Background(), "fabrics.wiring.githedgehog.com", metav1.GetOptions{}); err != nil {
		t.Fatalf("destroying hedgehog_crds must not delete the CRD: %v", err)
	}
}
