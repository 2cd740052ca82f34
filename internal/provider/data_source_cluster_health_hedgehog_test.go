// hedgehog_cluster_health against the three kinds of cluster it meets: one
// without Hedgehog, the design's Fabric kind, and a fabric served the way a
// real Hedgehog control node serves it (Agents, Switches, a ready node).
// Long because each case builds its cluster state through the API and checks
// the verdict against it; the helpers at the end are shared by the cases.

package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

func ownProvider(kubeconfig string) string {
	return acctest.Terraform + fmt.Sprintf("\nprovider \"hedgehog\" {\n  config_path = %q\n}\n", kubeconfig)
}

// A cluster without Hedgehog is healthy unless Hedgehog is required; the
// fabric's absence is reported either way.
func TestAccClusterHealth_withoutHedgehog(t *testing.T) {
	cluster := acctest.StartOwnCluster(t, false)
	cfg := func(require string) string {
		return ownProvider(cluster.Kubeconfig) + fmt.Sprintf(`
data "hedgehog_cluster_health" "this" {
  min_ready_nodes = 0
  %s
}
`, require)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{
				Config: cfg(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("healthy")),
					statecheck.ExpectKnownValue(healthAddr, health("problems"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "required"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "healthy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "wiring_api_served"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "vpc_api_served"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "switches"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "problems"),
						containsAll("the CRD switches.wiring.githedgehog.com is not installed (Hedgehog's installer installs it)")),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "kinds", "connection", "crd_installed"), knownvalue.Bool(false)),
				},
			},
			{
				Config: cfg("require_hedgehog = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("unhealthy")),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "required"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(healthAddr, health("problems"), containsAll(
						"the CRD switches.wiring.githedgehog.com is not installed (Hedgehog's installer installs it)",
						"the CRD agents.agent.githedgehog.com is not installed (Hedgehog's installer installs it)")),
				},
			},
		},
	})
}

// On a Hedgehog cluster, the data source counts the switches and what their
// agents report; a silent switch is a problem of the cluster unless
// Hedgehog is only reported (require_hedgehog = false). The Fabric CRD is
// installed on this cluster: it counts, and is healthy.
func TestAccClusterHealth_hedgehogFabric(t *testing.T) {
	cluster := acctest.StartOwnCluster(t, true)
	switches := `
resource "hedgehog_switch" "leaf" {
  name             = "leaf-01"
  role             = "server-leaf"
  profile          = "vs"
  asn              = 65101
  ip               = "172.30.0.8/21"
  vtep_ip          = "172.30.12.0/32"
  protocol_ip      = "172.30.8.2/32"
  wait_for_applied = true
}

resource "hedgehog_switch" "offline" {
  name        = "leaf-02"
  role        = "server-leaf"
  profile     = "vs"
  asn         = 65102
  ip          = "172.30.0.9/21"
  vtep_ip     = "172.30.12.1/32"
  protocol_ip = "172.30.8.3/32"
  annotations = { "` + fabricsim.OfflineAnnotation + `" = "true" }
}
`
	cfg := func(require string) string {
		return ownProvider(cluster.Kubeconfig) + switches + fmt.Sprintf(`
data "hedgehog_cluster_health" "this" {
  min_ready_nodes   = 0
  heartbeat_timeout = "1h"
  %s
  depends_on        = [hedgehog_switch.leaf, hedgehog_switch.offline]
}
`, require)
	}
	silent := []string{"switch leaf-02 has applied generation 0 of 1", "switch leaf-02 has never sent a heartbeat"}
	fabric := func(required bool) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(healthAddr, health("hedgehog"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"required": knownvalue.Bool(required), "healthy": knownvalue.Bool(false),
			"wiring_api_served": knownvalue.Bool(true), "vpc_api_served": knownvalue.Bool(true),
			"agent_api_served": knownvalue.Bool(true),
			"switches":         knownvalue.Int64Exact(2), "agents": knownvalue.Int64Exact(2),
			"agents_applied": knownvalue.Int64Exact(1), "agents_heartbeating": knownvalue.Int64Exact(1),
			"pending_switches": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("leaf-02")}),
			"problems":         knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(silent[0]), knownvalue.StringExact(silent[1])}),
		}))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{Config: ownProvider(cluster.Kubeconfig) + switches},
			{
				// The simulated controller makes the silent switch's Agent
				// in its own time.
				PreConfig: func() { waitForAgent(t, cluster.Dynamic, "leaf-02") },
				Config:    cfg(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("unhealthy")),
					statecheck.ExpectKnownValue(healthAddr, health("problems"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(silent[0]), knownvalue.StringExact(silent[1])})),
					fabric(true),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "kinds", "switch", "count"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "kinds", "switch_profile", "healthy"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(healthAddr, health("crds", "fabric_crd_installed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(healthAddr, health("kinds", "fabric", "healthy"), knownvalue.Bool(true)),
				},
			},
			{
				Config: cfg("require_hedgehog = false"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("healthy")),
					fabric(false),
				},
			},
			{
				Config: cfg("require_hedgehog = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("unhealthy")),
					fabric(true),
				},
			},
		},
	})
}

// TestAccClusterHealth_realFabric runs the documented check example, as
// written, against a cluster shaped like a real Hedgehog control node: the
// Hedgehog API with its installer's objects, a Ready control node, and no
// design-time Fabric CRD. On a healthy fabric the check passes; when a
// switch's agent stops sending heartbeats, the next run warns and names
// the switch (and goes on: a failed check is a warning).
func TestAccClusterHealth_realFabric(t *testing.T) {
	cluster := acctest.StartOwn(t, acctest.OwnOptions{Hedgehog: true, SkipCRDs: true})
	ctx := context.Background()
	readyNode(t, cluster.Typed, "control-1")
	for i, name := range []string{"leaf-01", "leaf-02"} {
		createSwitch(t, cluster.Dynamic, name, map[string]any{"role": "server-leaf", "profile": "vs", "asn": int64(65101 + i),
			"ip": fmt.Sprintf("172.30.0.%d/21", 8+i), "vtepIP": fmt.Sprintf("172.30.12.%d/32", i),
			"protocolIP": fmt.Sprintf("172.30.8.%d/32", 2+i)})
	}
	for _, name := range []string{"leaf-01", "leaf-02"} {
		waitForAgentStatus(t, cluster.Dynamic, name, "to apply its configuration", func(a *unstructured.Unstructured, _ time.Time) bool {
			return a.GetGeneration() > 0 && agentInt(a, "lastAppliedGen") == a.GetGeneration()
		})
	}

	work := t.TempDir()
	example, err := os.ReadFile(filepath.Join(acctest.Root, "examples", "data-sources", "hedgehog_cluster_health", "data-source.tf"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"main.tf":     string(example),
		"provider.tf": ownProvider(cluster.Kubeconfig),
		"outputs.tf":  "output \"health\" {\n  value = data.hedgehog_cluster_health.fabric\n}\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(work, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cli := acctest.NewCLI(t)
	cli.MustRun(t, work, "init", "-input=false")
	type report struct {
		OverallStatus string   `json:"overall_status"`
		Problems      []string `json:"problems"`
		CRDs          struct {
			FabricCRDInstalled bool `json:"fabric_crd_installed"`
		} `json:"crds"`
		Hedgehog struct {
			Required           bool     `json:"required"`
			Switches           int64    `json:"switches"`
			AgentsApplied      int64    `json:"agents_applied"`
			AgentsHeartbeating int64    `json:"agents_heartbeating"`
			PendingSwitches    []string `json:"pending_switches"`
		} `json:"hedgehog"`
	}
	run := func() (string, report) {
		out := cli.MustRun(t, work, "apply", "-input=false", "-auto-approve")
		var outputs struct {
			Health struct{ Value report } `json:"health"`
		}
		if err := json.Unmarshal([]byte(cli.MustRun(t, work, "output", "-json")), &outputs); err != nil {
			t.Fatal(err)
		}
		return out, outputs.Health.Value
	}

	out, r := run()
	if strings.Contains(out, "Check block assertion failed") || r.OverallStatus != "healthy" || len(r.Problems) != 0 {
		t.Fatalf("a healthy fabric: the check should pass; got %+v\n%s", r, out)
	}
	if r.CRDs.FabricCRDInstalled || !r.Hedgehog.Required || r.Hedgehog.Switches != 2 || r.Hedgehog.AgentsApplied != 2 ||
		r.Hedgehog.AgentsHeartbeating != 2 {
		t.Fatalf("a healthy fabric without the Fabric CRD: %+v", r)
	}

	// leaf-02's agent stops sending heartbeats (its switch went dark); a
	// minute later, Hedgehog no longer counts it ready.
	patch := []byte(`{"metadata":{"annotations":{"` + fabricsim.OfflineAnnotation + `":"true"}}}`)
	if _, err := cluster.Dynamic.Resource(wiring.Switch.GVR(nil)).Namespace("default").Patch(ctx, "leaf-02", types.MergePatchType, patch,
		metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	waitForAgentStatus(t, cluster.Dynamic, "leaf-02", "to be silent for a minute", func(a *unstructured.Unstructured, now time.Time) bool {
		hb, _, _ := unstructured.NestedString(a.Object, "status", "lastHeartbeat")
		at, err := time.Parse(time.RFC3339, hb)
		return err == nil && now.Sub(at) > time.Minute+time.Second
	})
	out, r = run()
	if !strings.Contains(out, "Check block assertion failed") || !strings.Contains(out, "The fabric is unhealthy: switch leaf-02 sent its last heartbeat") {
		t.Fatalf("a silent switch: the check should warn and name it:\n%s", out)
	}
	if r.OverallStatus != "unhealthy" || len(r.Problems) != 1 || !strings.HasPrefix(r.Problems[0], "switch leaf-02 sent its last heartbeat ") ||
		!strings.HasSuffix(r.Problems[0], " ago (more than 1m0s)") || strings.Join(r.Hedgehog.PendingSwitches, ",") != "leaf-02" ||
		r.Hedgehog.AgentsHeartbeating != 1 || r.Hedgehog.AgentsApplied != 2 {
		t.Fatalf("a silent switch: %+v", r)
	}
}

// The design's Fabric CRD counts where it is installed or asked for: on a
// cluster without it, the cluster is healthy unless require_fabric_crd is
// set.
func TestAccClusterHealth_fabricCRDAskedFor(t *testing.T) {
	cluster := acctest.StartOwn(t, acctest.OwnOptions{Hedgehog: true, SkipCRDs: true})
	cfg := func(require string) string {
		return ownProvider(cluster.Kubeconfig) + fmt.Sprintf(`
data "hedgehog_cluster_health" "this" {
  min_ready_nodes = 0
  %s
}
`, require)
	}
	missing := "the CRD fabrics.wiring.githedgehog.com is not installed (the hedgehog_crds resource installs it)"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{
				Config: cfg(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("healthy")),
					statecheck.ExpectKnownValue(healthAddr, health("problems"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(healthAddr, health("crds", "fabric_crd_installed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("crds", "healthy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "required"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "healthy"), knownvalue.Bool(true)),
				},
			},
			{
				Config: cfg("require_fabric_crd = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("unhealthy")),
					statecheck.ExpectKnownValue(healthAddr, health("problems"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(missing)})),
				},
			},
		},
	})
}

// waitForAgent waits (at most a minute) until a switch's Agent exists.
func waitForAgent(t *testing.T, dyn dynamic.Interface, name string) {
	t.Helper()
	waitForAgentStatus(t, dyn, name, "to exist", func(*unstructured.Unstructured, time.Time) bool { return true })
}

// waitForAgentStatus waits (at most two minutes) until a switch's Agent is
// as ready says.
func waitForAgentStatus(t *testing.T, dyn dynamic.Interface, name, what string, ready func(*unstructured.Unstructured, time.Time) bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		a, err := dyn.Resource(agent.Agent.GVR(nil)).Namespace("default").Get(ctx, name, metav1.GetOptions{})
		return err == nil && ready(a, time.Now()), nil
	})
	if err != nil {
		t.Fatalf("waiting for the Agent of %s %s: %v", name, what, err)
	}
}

func agentInt(a *unstructured.Unstructured, field string) int64 {
	v, _, _ := unstructured.NestedInt64(a.Object, "status", field)
	return v
}

// createSwitch creates a Switch the way the fabric's own tools do, outside
// Terraform.
func createSwitch(t *testing.T, dyn dynamic.Interface, name string, spec map[string]any) {
	t.Helper()
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": wiring.Switch.APIVersion(nil), "kind": wiring.Switch.Kind,
		"metadata": map[string]any{"name": name, "namespace": "default"}, "spec": spec}}
	if _, err := dyn.Resource(wiring.Switch.GVR(nil)).Namespace("default").Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// readyNode registers a Ready node, as the control node's kubelet would.
func readyNode(t *testing.T, typed kubernetes.Interface, name string) {
	t.Helper()
	ctx := context.Background()
	node, err := typed.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	node.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, LastHeartbeatTime: metav1.Now()}}
	if _, err := typed.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}
