package provider_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
)

func ownProvider(kubeconfig string) string {
	return acctest.Terraform + fmt.Sprintf("\nprovider \"hedgehog\" {\n  config_path = %q\n}\n", kubeconfig)
}

// A cluster without Hedgehog is healthy unless Hedgehog is required; the
// fabric's absence is reported either way.
func TestAccClusterHealth_withoutHedgehog(t *testing.T) {
	cluster := acctest.StartOwnCluster(t, false)
	cfg := func(required bool) string {
		return ownProvider(cluster.Kubeconfig) + fmt.Sprintf(`
data "hedgehog_cluster_health" "this" {
  min_ready_nodes  = 0
  require_hedgehog = %t
}
`, required)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{
				Config: cfg(false),
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
				Config: cfg(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("unhealthy")),
					statecheck.ExpectKnownValue(healthAddr, health("problems"), containsAll(
						"the CRD switches.wiring.githedgehog.com is not installed (Hedgehog's installer installs it)",
						"the CRD agents.agent.githedgehog.com is not installed (Hedgehog's installer installs it)")),
				},
			},
		},
	})
}

// On a Hedgehog cluster, the data source counts the switches and what their
// agents report; a silent switch is a problem of the fabric, and the
// cluster's when Hedgehog is required.
func TestAccClusterHealth_hedgehogFabric(t *testing.T) {
	cluster := acctest.StartOwnCluster(t, true)
	switches := `
resource "hedgehog_vlan_namespace" "default" {
  name   = "default"
  ranges = [{ from = 1000, to = 2999 }]
}

resource "hedgehog_switch" "leaf" {
  name             = "leaf-01"
  role             = "server-leaf"
  profile          = "vs"
  asn              = 65101
  ip               = "172.30.0.8/21"
  vtep_ip          = "172.30.12.0/32"
  protocol_ip      = "172.30.8.2/32"
  vlan_namespaces  = [hedgehog_vlan_namespace.default.name]
  wait_for_applied = true
}

resource "hedgehog_switch" "offline" {
  name            = "leaf-02"
  role            = "server-leaf"
  profile         = "vs"
  asn             = 65102
  ip              = "172.30.0.9/21"
  vtep_ip         = "172.30.12.1/32"
  protocol_ip     = "172.30.8.3/32"
  vlan_namespaces = [hedgehog_vlan_namespace.default.name]
  annotations     = { "` + fabricsim.OfflineAnnotation + `" = "true" }
}
`
	cfg := func(required bool) string {
		return ownProvider(cluster.Kubeconfig) + switches + fmt.Sprintf(`
data "hedgehog_cluster_health" "this" {
  min_ready_nodes   = 0
  require_hedgehog  = %t
  heartbeat_timeout = "1h"
  depends_on        = [hedgehog_switch.leaf, hedgehog_switch.offline]
}
`, required)
	}
	silent := []string{"switch leaf-02 has applied generation 0 of 1", "switch leaf-02 has never sent a heartbeat"}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{Config: ownProvider(cluster.Kubeconfig) + switches},
			{
				// The simulated controller makes the silent switch's Agent
				// in its own time.
				PreConfig: func() { waitForAgent(t, cluster.Dynamic, "leaf-02") },
				Config:    cfg(false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("healthy")),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"required": knownvalue.Bool(false), "healthy": knownvalue.Bool(false),
						"wiring_api_served": knownvalue.Bool(true), "vpc_api_served": knownvalue.Bool(true),
						"agent_api_served": knownvalue.Bool(true),
						"switches":         knownvalue.Int64Exact(2), "agents": knownvalue.Int64Exact(2),
						"agents_applied": knownvalue.Int64Exact(1), "agents_heartbeating": knownvalue.Int64Exact(1),
						"pending_switches": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("leaf-02")}),
						"problems":         knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(silent[0]), knownvalue.StringExact(silent[1])}),
					})),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "kinds", "switch", "count"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(healthAddr, health("hedgehog", "kinds", "switch_profile", "healthy"), knownvalue.Bool(true)),
				},
			},
			{
				Config: cfg(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("unhealthy")),
					statecheck.ExpectKnownValue(healthAddr, health("problems"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(silent[0]), knownvalue.StringExact(silent[1])})),
				},
			},
		},
	})
}

// waitForAgent waits (at most a minute) until a switch's Agent exists.
func waitForAgent(t *testing.T, dyn dynamic.Interface, name string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := dyn.Resource(agent.Agent.GVR(nil)).Namespace("default").Get(ctx, name, metav1.GetOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("the Agent of %s did not appear: %v", name, err)
	}
}
