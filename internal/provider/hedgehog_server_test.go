package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

func TestAccServer_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.HedgehogName("srv")
	addr := "hedgehog_server.test"
	cfg := func(description string) string {
		return acctest.Config(fmt.Sprintf(`
resource "hedgehog_server" "test" {
  name        = %q
  description = %q
  labels      = { rack = "r1" }
}
`, name, description))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, wiring.Server, name),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(fmt.Sprintf(`
resource "hedgehog_server" "test" {
  name   = %q
  labels = { "fabric.githedgehog.com/x" = "y" }
}
`, name)),
				PlanOnly:    true,
				ExpectError: acctest.Error("Key Set By The Server", `Attribute labels["fabric.githedgehog.com/x"]`),
			},
			{
				Config: cfg("S-01"),
				Check: acctest.InCluster(t, wiring.Server, name, func(u *unstructured.Unstructured) error {
					return expectAll(acctest.Expect(u, "S-01", "spec", "description"), acctest.Expect(u, "r1", "metadata", "labels", "rack"))
				}),
			},
			{Config: cfg("S-01"), PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true},
			{ResourceName: addr, ImportState: true, ImportStateId: "default/" + name, ImportStateVerify: true},
			{
				Config: cfg("S-01, GPU"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: acctest.InCluster(t, wiring.Server, name, func(u *unstructured.Unstructured) error {
					return acctest.Expect(u, "S-01, GPU", "spec", "description")
				}),
			},
		},
	})
}

// A switch group joins the switches that name it; the Agents do not carry
// groups, so wait_for_applied waits for the group's switches to be in sync.
func TestAccSwitchGroup_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	nsName, group := acctest.HedgehogName("vl"), acctest.HedgehogName("sg")
	leaf := newLeaf("leaf")
	addr := "hedgehog_switch_group.g"
	cfg := func(labels string) string {
		return acctest.Config(vlanNamespaceHCL(nsName) + fmt.Sprintf(`
resource "hedgehog_switch_group" "g" {
  name             = %q
  labels           = %s
  wait_for_applied = true
}
`, group, labels) + leaf.hcl(`groups = [hedgehog_switch_group.g.name]`, `wait_for_applied = true`) + `
data "hedgehog_switches" "in_group" {
  group      = hedgehog_switch_group.g.name
  depends_on = [hedgehog_switch.leaf]
}
`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, wiring.SwitchGroup, group)(s), acctest.Gone(t, wiring.Switch, leaf.name)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: cfg(`{ site = "ams1" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hedgehog_switches.in_group", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(leaf.name)})),
				},
				Check: acctest.InCluster(t, wiring.SwitchGroup, group, func(u *unstructured.Unstructured) error {
					// wait_for_applied: the leaf, with the group among its groups, has applied it.
					return expectAll(acctest.Expect(u, "ams1", "metadata", "labels", "site"), agentApplied(t, leaf.name),
						agentCarriesValue(t, leaf.name, []any{group}, "switch", "groups"))
				}),
			},
			{Config: cfg(`{ site = "ams1" }`), PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: group, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"wait_for_applied"}},
			{
				Config: cfg(`{ site = "ams2" }`),
				Check: acctest.InCluster(t, wiring.SwitchGroup, group, func(u *unstructured.Unstructured) error {
					return expectAll(acctest.Expect(u, "ams2", "metadata", "labels", "site"), agentApplied(t, leaf.name))
				}),
			},
		},
	})
}
