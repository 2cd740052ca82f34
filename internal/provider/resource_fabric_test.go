package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

func fabricConfig(namespace, name, body string) string {
	return acctest.Config(fmt.Sprintf(`
resource "hedgehog_fabric" "test" {
  name      = %q
  namespace = %q
%s
}
`, name, namespace, body))
}

func TestAccFabric_basic(t *testing.T) {
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{
				Config: fabricConfig(ns, name, `
  asn         = 65001
  spine_count = 2
  leaf_count  = 4
  labels      = { site = "ams1" }
  switch_config = {
    mtu   = 9000
    vlans = [10, 20]
  }
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("hedgehog_fabric.test", tfjsonpath.New("id"), knownvalue.StringExact(ns+"/"+name)),
					statecheck.ExpectKnownValue("hedgehog_fabric.test", tfjsonpath.New("status").AtMapKey("phase"), knownvalue.StringExact("Pending")),
				},
				Check: func(*terraform.State) error {
					u := acctest.Fabric(t, ns, name)
					if u == nil {
						return fmt.Errorf("fabric %s/%s is not in the cluster", ns, name)
					}
					if asn := acctest.Nested(t, u, "spec", "asn"); asn != int64(65001) {
						return fmt.Errorf("spec.asn = %v", asn)
					}
					return nil
				},
			},
			{
				ResourceName:      "hedgehog_fabric.test",
				ImportState:       true,
				ImportStateId:     ns + "/" + name,
				ImportStateVerify: true,
			},
		},
	})
}
