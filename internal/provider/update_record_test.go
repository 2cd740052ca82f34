package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/provider"
)

// entries says which managedFields entries the provider's field manager
// holds on the object: "Update" (what its create set, not recorded as
// applied) and "Apply".
func entries(u *unstructured.Unstructured) map[metav1.ManagedFieldsOperationType]bool {
	out := map[metav1.ManagedFieldsOperationType]bool{}
	for _, m := range u.GetManagedFields() {
		if m.Manager == provider.DefaultFieldManager && m.Subresource == "" {
			out[m.Operation] = true
		}
	}
	return out
}

func expectEntries(u *unstructured.Unstructured, update, apply bool) error {
	got := entries(u)
	if got[metav1.ManagedFieldsOperationUpdate] != update || got[metav1.ManagedFieldsOperationApply] != apply {
		return fmt.Errorf("%s/%s: the provider's managedFields entries are %v, want Update %v and Apply %v (managedFields: %v)",
			u.GetNamespace(), u.GetName(), got, update, apply, u.GetManagedFields())
	}
	return nil
}

// An update that sets again every field its create set goes in one write:
// the create's fields are not first recorded as applied (their Update entry
// stays), and the apply still changes a value that entry holds (a forced
// apply, guarded by the resourceVersion). A later update that drops fields
// the create set records them then, and the fields are removed.
func TestAccOwnership_updateWithoutTheRecord(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	created := `
  asn                = 65001
  spine_count        = 2
  labels             = { site = "ams1", tier = "prod" }
  vpc_peering_config = { mode = "full-mesh" }
  switch_config      = { mtu = 9000, vlans = [10, 20] }
`
	changed := `
  asn                = 65002
  spine_count        = 2
  labels             = { site = "ams1", tier = "prod" }
  vpc_peering_config = { mode = "full-mesh" }
  switch_config      = { mtu = 9100, vlans = [10, 20] }
`
	dropped := `
  asn           = 65002
  spine_count   = 2
  labels        = { site = "ams1" }
  switch_config = { mtu = 9100 }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             gone(t, ns, name),
		Steps: []resource.TestStep{
			{
				Config: fabricConfig(ns, name, created),
				Check: inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expectEntries(u, true, false)
				}),
			},
			{
				Config: fabricConfig(ns, name, changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fabricAddr, plancheck.ResourceActionUpdate),
				}},
				Check: inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expectAll(
						expect(u, int64(65002), "spec", "asn"),
						expect(u, map[string]any{"mtu": int64(9100), "vlans": []any{int64(10), int64(20)}}, "spec", "switch_config"),
						expect(u, map[string]any{"mode": "full-mesh"}, "spec", "vpc_peering_config"),
						expect(u, "prod", "metadata", "labels", "tier"),
						// Not recorded: the create's entry is still there.
						expectEntries(u, true, true),
					)
				}),
			},
			{
				Config: fabricConfig(ns, name, dropped),
				Check: inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expectAll(
						expect(u, nil, "spec", "vpc_peering_config"),
						expect(u, map[string]any{"mtu": int64(9100)}, "spec", "switch_config"),
						expect(u, nil, "metadata", "labels", "tier"),
						expect(u, "ams1", "metadata", "labels", "site"),
						// Recorded now: the create's fields are applied ones.
						expectEntries(u, false, true),
					)
				}),
			},
			{Config: fabricConfig(ns, name, dropped), PlanOnly: true},
		},
	})
}
