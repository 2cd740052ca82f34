package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

const healthAddr = "data.hedgehog_cluster_health.this"

var versionRE = regexp.MustCompile(`^v1\.\d+\.\d+`)

func health(path ...string) tfjsonpath.Path {
	p := tfjsonpath.New(path[0])
	for _, k := range path[1:] {
		p = p.AtMapKey(k)
	}
	return p
}

func TestAccClusterHealth_healthy(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		Steps: []resource.TestStep{{
			// The local control plane has no kubelets, so no nodes. Other
			// tests' switches come and go on this cluster (some silent on
			// purpose): the fabric is only reported here.
			Config: acctest.Provider(fmt.Sprintf("namespace = %q", ns)) + `
data "hedgehog_cluster_health" "this" {
  min_ready_nodes  = 0
  require_hedgehog = false
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("healthy")),
				statecheck.ExpectKnownValue(healthAddr, health("problems"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(healthAddr, health("api_server", "healthy"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(healthAddr, health("api_server", "git_version"), knownvalue.StringRegexp(versionRE)),
				statecheck.ExpectKnownValue(healthAddr, health("crds", "fabric_crd_installed"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(healthAddr, health("crds", "served_versions"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("v1alpha2")})),
				statecheck.ExpectKnownValue(healthAddr, health("permissions", "create"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(healthAddr, health("permissions", "healthy"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "required"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(healthAddr, health("kinds"), knownvalue.MapExact(map[string]knownvalue.Check{
					"fabric": knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"healthy":         knownvalue.Bool(true),
						"crd":             knownvalue.StringExact("fabrics.wiring.githedgehog.com"),
						"crd_installed":   knownvalue.Bool(true),
						"served_versions": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("v1alpha2")}),
						"denied_verbs":    knownvalue.ListSizeExact(0),
					}),
				})),
				// The Fabric kind's count is the one the older attribute shows.
				statecheck.CompareValuePairs(healthAddr, health("crds", "fabric_count"),
					healthAddr, health("kinds", "fabric", "count"), compare.ValuesSame()),
			},
		}},
	})
}

func TestAccClusterHealth_problems(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	// A service account with no rights at all, and a CRD group that does not exist.
	token := acctest.ServiceAccountToken(t, ns, "nobody", "")
	group := acctest.Name("none") + ".example.com"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		Steps: []resource.TestStep{
			{
				// Not installed, the Fabric CRD is reported and does not count
				// (a real Hedgehog fabric has none)...
				Config: acctest.Provider(fmt.Sprintf("fabric_api_group = %q", group)) + `
data "hedgehog_cluster_health" "this" {
  min_ready_nodes  = 0
  require_hedgehog = false
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("healthy")),
					statecheck.ExpectKnownValue(healthAddr, health("crds", "fabric_crd_installed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("kinds", "fabric", "crd_installed"), knownvalue.Bool(false)),
				},
			},
			{
				// ...unless it is asked for.
				Config: acctest.Provider(fmt.Sprintf("fabric_api_group = %q", group)) + `
data "hedgehog_cluster_health" "this" {
  min_ready_nodes    = 0
  require_hedgehog   = false
  require_fabric_crd = true
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("unhealthy")),
					statecheck.ExpectKnownValue(healthAddr, health("crds", "fabric_crd_installed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("crds", "healthy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("problems"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("the CRD fabrics." + group + " is not installed (the hedgehog_crds resource installs it)")})),
					statecheck.ExpectKnownValue(healthAddr, health("kinds", "fabric"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"healthy": knownvalue.Bool(false), "crd": knownvalue.StringExact("fabrics." + group),
						"crd_installed": knownvalue.Bool(false), "count": knownvalue.Int64Exact(0),
					})),
				},
			},
			{
				// A restricted identity: reported, not raised.
				Config: acctest.Terraform + fmt.Sprintf(`
provider "hedgehog" {
  host                   = %q
  token                  = %q
  cluster_ca_certificate = %q
  namespace              = %q
}

data "hedgehog_cluster_health" "this" {
  min_ready_nodes = 0
}
`, acctest.C.REST.Host, token, acctest.CACert(t), ns),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("unhealthy")),
					statecheck.ExpectKnownValue(healthAddr, health("api_server", "healthy"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(healthAddr, health("permissions", "healthy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("permissions", "get"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("permissions", "create"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("kinds", "fabric", "denied_verbs"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("get"), knownvalue.StringExact("list"), knownvalue.StringExact("watch"),
						knownvalue.StringExact("create"), knownvalue.StringExact("update"), knownvalue.StringExact("patch"),
						knownvalue.StringExact("delete")})),
				},
			},
			{
				// Checking a service account's rights (as the admin).
				Config: acctest.Provider(fmt.Sprintf("namespace = %q", ns)) + fmt.Sprintf(`
data "hedgehog_cluster_health" "this" {
  min_ready_nodes = 0
  service_account = "%s/nobody"
}
`, ns),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("permissions", "subject"),
						knownvalue.StringExact("system:serviceaccount:"+ns+":nobody")),
					statecheck.ExpectKnownValue(healthAddr, health("permissions", "list"), knownvalue.Bool(false)),
				},
			},
			{
				// Nothing listens there: reported, within the check timeout.
				Config: acctest.Terraform + `
provider "hedgehog" {
  host     = "https://127.0.0.1:1"
  token    = "unused"
  insecure = true
}

data "hedgehog_cluster_health" "this" {
  check_timeout = "3s"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("unhealthy")),
					statecheck.ExpectKnownValue(healthAddr, health("api_server", "healthy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("nodes", "healthy"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

func TestAccClusterHealth_nodes(t *testing.T) {
	acctest.PreCheck(t)
	// Counts exact numbers of nodes: needs a cluster with none of its own.
	if acctest.C.Local == nil {
		// On kind, TestAccKind_clusterHealthNodes counts the real node.
		t.Skip(acctest.SkipCountsNodes)
	}
	// Nodes registered through the API, as kubelets would register them.
	ctx := context.Background()
	for i, ready := range []corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse} {
		node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: acctest.Name(fmt.Sprintf("node%d", i))}}
		node, err := acctest.C.Typed.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = acctest.C.Typed.CoreV1().Nodes().Delete(context.Background(), node.Name, metav1.DeleteOptions{})
		})
		node.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: ready, LastHeartbeatTime: metav1.Now()}}
		if _, err := acctest.C.Typed.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(`
data "hedgehog_cluster_health" "this" {
  require_hedgehog = false
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("nodes", "total"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(healthAddr, health("nodes", "ready"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(healthAddr, health("nodes", "healthy"), knownvalue.Bool(true)),
				},
			},
			{
				Config: acctest.Config(`
data "hedgehog_cluster_health" "this" {
  min_ready_nodes  = 2
  require_hedgehog = false
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("nodes", "healthy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("problems"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("1 of 2 nodes are Ready, fewer than min_ready_nodes (2)")})),
				},
			},
		},
	})
}

// TestAccClusterHealth_checkBlocks: a check block over the health data source
// passes on a healthy cluster and, on an unhealthy one, warns without
// failing the run.
func TestAccClusterHealth_checkBlocks(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	cli := acctest.NewCLI(t)
	check := func(minNodes int) string {
		return acctest.Terraform + fmt.Sprintf(`
provider "hedgehog" {
  config_path = %q
}

check "cluster" {
  data "hedgehog_cluster_health" "this" {
    min_ready_nodes  = %d
    require_hedgehog = false
  }

  assert {
    condition     = data.hedgehog_cluster_health.this.overall_status == "healthy"
    error_message = "unhealthy: ${join("; ", data.hedgehog_cluster_health.this.problems)}"
  }
}
`, acctest.C.Kubeconfig, minNodes)
	}
	for _, c := range []struct {
		name     string
		minNodes int
		warns    bool
	}{{"passes", 0, false}, {"warns", 1000, true}} {
		work := t.TempDir()
		if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(check(c.minNodes)), 0o600); err != nil {
			t.Fatal(err)
		}
		cli.MustRun(t, work, "init", "-input=false")
		out := cli.MustRun(t, work, "plan", "-input=false") // a failed check is a warning: the plan succeeds
		warned := strings.Contains(out, "Check block assertion failed")
		if warned != c.warns {
			t.Fatalf("%s: warned=%v\n%s", c.name, warned, out)
		}
		if c.warns && !strings.Contains(out, "fewer than min_ready_nodes (1000)") {
			t.Fatalf("the warning should carry the problem:\n%s", out)
		}
	}
}
