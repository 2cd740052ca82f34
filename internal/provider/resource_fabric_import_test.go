package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

func TestAccFabric_import(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	provider := acctest.Provider(fmt.Sprintf("namespace = %q", ns))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		CheckDestroy:             gone(t, ns, name),
		Steps: []resource.TestStep{
			{
				// An object created by someone else, adopted with an import block.
				PreConfig: func() {
					applyAs(t, ns, name, "kubectl", map[string]any{"name": name, "asn": 65010, "leaf_count": 2,
						"switch_config": map[string]any{"mtu": 9000}})
				},
				Config: provider + fmt.Sprintf(`
import {
  to = hedgehog_fabric.test
  id = %q
}

resource "hedgehog_fabric" "test" {
  name          = %q
  asn           = 65010
  leaf_count    = 2
  switch_config = { mtu = 9000 }
}
`, name, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fabricAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("namespace"), knownvalue.StringExact(ns)),
				},
			},
			{
				// The import ID may be the name alone (provider's namespace).
				ResourceName:      fabricAddr,
				ImportState:       true,
				ImportStateId:     name,
				ImportStateVerify: true,
			},
			{
				ResourceName:  fabricAddr,
				ImportState:   true,
				ImportStateId: "a/b/c",
				ExpectError:   acctest.Error("Invalid Import ID", "<namespace>/<name>"),
			},
		},
	})
}

func TestAccFabric_alreadyExists(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	applyAs(t, ns, name, "kubectl", map[string]any{"name": name, "asn": 65010})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		Steps: []resource.TestStep{{
			Config:      fabricConfig(ns, name, `asn = 65011`),
			ExpectError: acctest.Error("Fabric Already Exists", "terraform import hedgehog_fabric.<resource name> "+ns+"/"+name),
		}},
	})
	// The failed create did not touch the object.
	if asn := field(acctest.Fabric(t, ns, name), "spec", "asn"); asn != int64(65010) {
		t.Fatalf("spec.asn is %v after the refused create, want 65010", asn)
	}
}
