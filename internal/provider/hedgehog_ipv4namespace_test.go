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
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

func ipv4NamespaceConfig(name, subnets string) string {
	return acctest.Config(fmt.Sprintf(`
resource "hedgehog_ipv4_namespace" "test" {
  name    = %q
  subnets = %s
}
`, name, subnets))
}

func TestAccIPv4Namespace_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.HedgehogName("ipns")
	addr := "hedgehog_ipv4_namespace.test"
	renamed := acctest.HedgehogName("ipns")
	ids, ns, renamedNS := acctest.NewIdentity(), acctest.Of(vpc.IPv4Namespace, name), acctest.Of(vpc.IPv4Namespace, renamed)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, vpc.IPv4Namespace, name, renamed),
		Steps: []resource.TestStep{
			{
				// The API server sorts the subnets: a set, so no difference.
				Config: ipv4NamespaceConfig(name, `["10.62.0.0/16", "10.61.0.0/16"]`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("default/"+name)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Record(ns),
					acctest.InCluster(t, vpc.IPv4Namespace, name, func(u *unstructured.Unstructured) error {
						return acctest.Expect(u, []any{"10.61.0.0/16", "10.62.0.0/16"}, "spec", "subnets")
					})),
			},
			{Config: ipv4NamespaceConfig(name, `["10.62.0.0/16", "10.61.0.0/16"]`), PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true, ImportStateCheck: ids.Imported(ns)},
			{ResourceName: addr, ImportState: true, ImportStateId: "default/" + name, ImportStateVerify: true,
				ImportStateCheck: ids.Imported(ns)},
			{
				Config: ipv4NamespaceConfig(name, `["10.61.0.0/16", "10.63.0.0/16"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(ns),
					acctest.InCluster(t, vpc.IPv4Namespace, name, func(u *unstructured.Unstructured) error {
						return acctest.Expect(u, []any{"10.61.0.0/16", "10.63.0.0/16"}, "spec", "subnets")
					})),
			},
			{
				// A new name is a new object: Terraform deletes the old one first.
				Config: ipv4NamespaceConfig(renamed, `["10.61.0.0/16", "10.63.0.0/16"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: ids.Replaced(ns, renamedNS),
			},
		},
	})
}

// Rules that the plan can check are checked at plan time, in Hedgehog's
// words, with the attribute named; rules that need the cluster come back
// from the webhook as a diagnostic that names the object.
func TestAccIPv4Namespace_rules(t *testing.T) {
	acctest.PreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{
				Config:      ipv4NamespaceConfig("toolongname1", `["10.64.0.0/16"]`),
				PlanOnly:    true,
				ExpectError: acctest.Error("Invalid IPv4Namespace", "Attribute name: name toolongname1 is too long, must be <= 11 characters"),
			},
			{
				Config:   ipv4NamespaceConfig(acctest.HedgehogName("ipns"), `["10.1.0.0/16", "10.1.128.0/17"]`),
				PlanOnly: true,
				ExpectError: acctest.Error("Invalid IPv4Namespace",
					"Attribute subnets: subnets overlap: subnets 10.1.0.0/16 and 10.1.128.0/17 overlap"),
			},
			{
				Config:      ipv4NamespaceConfig(acctest.HedgehogName("ipns"), `["10.65.0.0/33"]`),
				PlanOnly:    true,
				ExpectError: acctest.Error("Invalid IPv4Namespace", "Attribute subnets: failed to parse cidr 10.65.0.0/33"),
			},
			{
				// The fabric reserves 172.30.0.0/16: only the cluster knows.
				Config: ipv4NamespaceConfig(acctest.HedgehogName("ipns"), `["172.30.0.0/24"]`),
				ExpectError: acctest.Error("Refused by Admission Webhook", "IPv4Namespace", "failed to validate ipv4namespace: subnets overlap with",
					"reserved subnets: subnets 172.30.0.0/24 and 172.30.0.0/16 overlap"),
			},
		},
	})
}
