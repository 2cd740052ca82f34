package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

func vlanNamespaceConfig(name, ranges string) string {
	return acctest.Config(fmt.Sprintf(`
resource "hedgehog_vlan_namespace" "test" {
  name   = %q
  ranges = %s
}
`, name, ranges))
}

func TestAccVLANNamespace_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.HedgehogName("vlns")
	addr := "hedgehog_vlan_namespace.test"
	ranges := func(want ...any) func(*unstructured.Unstructured) error {
		return func(u *unstructured.Unstructured) error { return acctest.Expect(u, want, "spec", "ranges") }
	}
	r := func(from, to int64) map[string]any { return map[string]any{"from": from, "to": to} }
	ids, ns := acctest.NewIdentity(), acctest.Of(wiring.VLANNamespace, name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, wiring.VLANNamespace, name),
		Steps: []resource.TestStep{
			{
				Config: vlanNamespaceConfig(name, `[{ from = 1000, to = 1099 }, { from = 2000, to = 2099 }]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("default/"+name)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Record(ns),
					acctest.InCluster(t, wiring.VLANNamespace, name, ranges(r(1000, 1099), r(2000, 2099)))),
			},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true, ImportStateCheck: ids.Imported(ns)},
			{ResourceName: addr, ImportState: true, ImportStateId: "default/" + name, ImportStateVerify: true,
				ImportStateCheck: ids.Imported(ns)},
			{
				// The webhook sorts the ranges and fills in `to`: no difference.
				Config: vlanNamespaceConfig(name, `[{ from = 2000, to = 2199 }, { from = 1500 }, { from = 1000, to = 1099 }]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(ns),
					acctest.InCluster(t, wiring.VLANNamespace, name, ranges(r(1000, 1099), r(1500, 1500), r(2000, 2199)))),
			},
			{Config: vlanNamespaceConfig(name, `[{ from = 2000, to = 2199 }, { from = 1500 }, { from = 1000, to = 1099 }]`), PlanOnly: true},
		},
	})
}

// Range rules are plan-time errors naming the range; the fabric's reserved
// VLANs are only known to the cluster.
func TestAccVLANNamespace_rules(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.HedgehogName("vlns")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, wiring.VLANNamespace, name),
		Steps: []resource.TestStep{
			{
				Config:      vlanNamespaceConfig(name, `[{ from = 1000, to = 1099 }, { from = 2000, to = 1999 }]`),
				PlanOnly:    true,
				ExpectError: acctest.Error("Invalid VLANNamespace", "Attribute ranges[1].to: invalid ranges: invalid range 1: from > to"),
			},
			{
				Config:      vlanNamespaceConfig(name, `[{ from = 1000, to = 1999 }, { from = 1500, to = 2500 }]`),
				PlanOnly:    true,
				ExpectError: acctest.Error("Invalid VLANNamespace", "Attribute ranges: ranges overlap with Fabric reserved VLANs:", "VLAN ranges overlap: 1000-1999 and 1500-2500"),
			},
			{
				Config:      vlanNamespaceConfig(name, `[{ from = 3500, to = 4500 }]`),
				PlanOnly:    true,
				ExpectError: acctest.Error("ranges[0].to", "value must be between 1 and 4094"),
			},
			{
				Config:      vlanNamespaceConfig(name, `[]`),
				PlanOnly:    true,
				ExpectError: acctest.Error("ranges", "at least 1"),
			},
			{
				Config: vlanNamespaceConfig(name, `[{ from = 2900, to = 3000 }]`),
				ExpectError: acctest.Error("Refused by Admission Webhook", "VLANNamespace", "failed to validate vlannamespace:",
					"ranges overlap with Fabric reserved VLANs: VLAN ranges overlap: 2900-3000 and 3000-3899"),
			},
			{
				Config: vlanNamespaceConfig(name, `[{ from = 3950, to = 4000 }]`),
				ExpectError: acctest.Error("Refused by Admission Webhook", "failed to validate vlannamespace:",
					"ranges overlap with VLANs reserved for the TH5 workaround: VLAN ranges overlap: 3900-3999 and 3950-4000"),
			},
		},
	})
}
