// The acceptance tests of hedgehog_fabric, and the helpers the other fabric
// tests share (longer than most files: the lifecycle follows one fabric
// through every kind of change, in place and by replacement).

package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

const fabricAddr = "hedgehog_fabric.test"

func fabricConfig(namespace, name, body string) string {
	return acctest.Config(fabricBlock(namespace, name, body))
}

func fabricBlock(namespace, name, body string) string {
	return fmt.Sprintf(`
resource "hedgehog_fabric" "test" {
  name      = %q
  namespace = %q
%s
}
`, name, namespace, body)
}

// inCluster checks the fabric as the API server has it.
func inCluster(t *testing.T, namespace, name string, check func(u *unstructured.Unstructured) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		u := acctest.Fabric(t, namespace, name)
		if u == nil {
			return fmt.Errorf("fabric %s/%s is not in the cluster", namespace, name)
		}
		return check(u)
	}
}

func field(u *unstructured.Unstructured, path ...string) any {
	v, _, _ := unstructured.NestedFieldNoCopy(u.Object, path...)
	return v
}

func expect(u *unstructured.Unstructured, want any, path ...string) error {
	got := field(u, path...)
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("%s/%s: %v is %#v, want %#v", u.GetNamespace(), u.GetName(), path, got, want)
	}
	return nil
}

func expectAll(checks ...error) error {
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

// tainted checks that a resource is in the state, marked tainted.
func tainted(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		r, ok := s.RootModule().Resources[addr]
		if !ok || r.Primary == nil {
			return fmt.Errorf("%s is not in the state", addr)
		}
		if !r.Primary.Tainted {
			return fmt.Errorf("%s is in the state but not tainted", addr)
		}
		return nil
	}
}

// gone is a CheckDestroy that looks in the cluster.
func gone(t *testing.T, namespace, name string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if u := acctest.Fabric(t, namespace, name); u != nil {
			return fmt.Errorf("fabric %s/%s is still in the cluster", namespace, name)
		}
		return nil
	}
}

func patchFabric(t *testing.T, namespace, name, manager string, patch map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(patch)
	_, err := acctest.C.Dynamic.Resource(acctest.FabricGVR).Namespace(namespace).Patch(context.Background(), name,
		types.MergePatchType, raw, metav1.PatchOptions{FieldManager: manager})
	if err != nil {
		t.Fatalf("patching %s/%s: %v", namespace, name, err)
	}
}

func applyAs(t *testing.T, namespace, name, manager string, spec map[string]any) {
	t.Helper()
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": acctest.FabricGVR.GroupVersion().String(), "kind": "Fabric",
		"metadata": map[string]any{"name": name, "namespace": namespace},
		"spec":     spec,
	}}
	_, err := acctest.C.Dynamic.Resource(acctest.FabricGVR).Namespace(namespace).Apply(context.Background(), name, obj,
		metav1.ApplyOptions{FieldManager: manager, Force: true})
	if err != nil {
		t.Fatalf("applying %s/%s as %s: %v", namespace, name, manager, err)
	}
}

func TestAccFabric_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	full := `
  description = "first fabric"
  asn         = 65001
  spine_count = 2
  leaf_count  = 4
  labels      = { site = "ams1", tier = "prod" }
  annotations = { "example.com/owner" = "netops" }
  spine_leaf_links = { links_per_pair = 2, speed = "100G" }
  vpc_peering_config = { mode = "full-mesh" }
  switch_config = {
    mtu   = 9000
    vlans = [10, 20]
    ntp   = { servers = ["10.0.0.1"] }
  }
`
	changed := `
  description = "renamed"
  asn         = 4200000001
  spine_count = 3
  leaf_count  = 6
  labels      = { site = "ams1" }
  annotations = { "example.com/owner" = "netops" }
  spine_leaf_links = { links_per_pair = 4.0, speed = "400G" }
  switch_config = {
    mtu = 9100
  }
`
	moved := acctest.Namespace(t)
	ids, f, movedF := acctest.NewIdentity(), acctest.FabricOf(ns, name), acctest.FabricOf(moved, name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(gone(t, ns, name)(s), gone(t, moved, name)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: fabricConfig(ns, name, full),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("id"), knownvalue.StringExact(ns+"/"+name)),
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("uid"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("generation"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("status").AtMapKey("phase"), knownvalue.StringExact("Pending")),
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("switch_config").AtMapKey("vlans"),
						knownvalue.TupleExact([]knownvalue.Check{knownvalue.Int64Exact(10), knownvalue.Int64Exact(20)})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Record(f), inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expectAll(
						expect(u, name, "spec", "name"),
						expect(u, "first fabric", "spec", "description"),
						expect(u, int64(65001), "spec", "asn"),
						expect(u, int64(2), "spec", "spine_count"),
						expect(u, int64(4), "spec", "leaf_count"),
						expect(u, map[string]any{"links_per_pair": int64(2), "speed": "100G"}, "spec", "spine_leaf_links"),
						expect(u, map[string]any{"mode": "full-mesh"}, "spec", "vpc_peering_config"),
						expect(u, []any{int64(10), int64(20)}, "spec", "switch_config", "vlans"),
						expect(u, []any{"10.0.0.1"}, "spec", "switch_config", "ntp", "servers"),
						expect(u, "ams1", "metadata", "labels", "site"),
						expect(u, "netops", "metadata", "annotations", "example.com/owner"),
					)
				})),
			},
			{
				ResourceName:      fabricAddr,
				ImportState:       true,
				ImportStateId:     ns + "/" + name,
				ImportStateVerify: true,
				ImportStateCheck:  ids.Imported(f),
			},
			{
				// Every attribute changes; a free-form key, a whole free-form
				// attribute and a label are removed.
				Config: fabricConfig(ns, name, changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fabricAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("generation"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("labels"),
						knownvalue.MapExact(map[string]knownvalue.Check{"site": knownvalue.StringExact("ams1")})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(f), inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expectAll(
						expect(u, "renamed", "spec", "description"),
						expect(u, int64(4200000001), "spec", "asn"),
						expect(u, int64(3), "spec", "spine_count"),
						expect(u, int64(6), "spec", "leaf_count"),
						expect(u, map[string]any{"links_per_pair": int64(4), "speed": "400G"}, "spec", "spine_leaf_links"),
						expect(u, nil, "spec", "vpc_peering_config"),
						expect(u, map[string]any{"mtu": int64(9100)}, "spec", "switch_config"),
						expect(u, nil, "metadata", "labels", "tier"),
					)
				})),
			},
			{
				// Out of band: an imperative edit changes managed fields, and
				// another tool adds a label of its own.
				PreConfig: func() {
					patchFabric(t, ns, name, "kubectl-edit", map[string]any{
						"metadata": map[string]any{"labels": map[string]any{"site": "fra1", "owner-tool": "other"}},
						"spec":     map[string]any{"asn": 65099, "switch_config": map[string]any{"mtu": 1500}},
					})
				},
				Config: fabricConfig(ns, name, changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fabricAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("asn"), knownvalue.Int64Exact(4200000001)),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(f), inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expectAll(
						expect(u, int64(4200000001), "spec", "asn"),
						expect(u, map[string]any{"mtu": int64(9100)}, "spec", "switch_config"),
						expect(u, "ams1", "metadata", "labels", "site"),
						// The other tool's label is not ours to remove.
						expect(u, "other", "metadata", "labels", "owner-tool"),
					)
				})),
			},
			{
				// The other tool's label never shows as a difference.
				Config:   fabricConfig(ns, name, changed),
				PlanOnly: true,
			},
			{
				// Deleted out of band: the next plan creates it again.
				PreConfig: func() {
					err := acctest.C.Dynamic.Resource(acctest.FabricGVR).Namespace(ns).Delete(context.Background(), name, metav1.DeleteOptions{})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: fabricConfig(ns, name, changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fabricAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Replaced(f, f), inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expect(u, int64(4200000001), "spec", "asn")
				})),
			},
			{
				// Another namespace is another object: Terraform deletes the
				// fabric and makes it again there.
				Config: fabricConfig(moved, name, changed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fabricAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("id"), knownvalue.StringExact(moved+"/"+name)),
				},
				Check: ids.Replaced(f, movedF),
			},
		},
	})
}

func TestAccFabric_numberFormatsAndEmptyObjects(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		CheckDestroy:             gone(t, ns, name),
		Steps: []resource.TestStep{
			{
				Config: fabricConfig(ns, name, `
  asn = 65001
  switch_config = { ratio = 1.50, big = 1e3, z = "last", a = "first", empty = {} }
  vpc_peering_config = {}
`),
			},
			{
				// The API server keeps 1.5 and 1000 and orders keys its own
				// way; none of that is a difference.
				Config: fabricConfig(ns, name, `
  asn = 65001
  switch_config = { a = "first", big = 1000, empty = {}, ratio = 1.5, z = "last" }
  vpc_peering_config = {}
`),
				PlanOnly: true,
			},
		},
	})
}
