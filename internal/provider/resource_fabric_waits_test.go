package provider_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
)

func TestAccFabric_waitForReady(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	acctest.Simulate(t, ns, 500*time.Millisecond)
	name := acctest.Name("fab")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		CheckDestroy:             gone(t, ns, name),
		Steps: []resource.TestStep{
			{
				Config: fabricConfig(ns, name, `
  asn            = 65020
  spine_count    = 2
  leaf_count     = 3
  wait_for_ready = true
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("status").AtMapKey("phase"), knownvalue.StringExact("Ready")),
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("status").AtMapKey("spine_status").AtMapKey("spine-2"),
						knownvalue.StringExact("Ready")),
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("status").AtMapKey("leaf_status").AtMapKey("leaf-3"),
						knownvalue.StringExact("Ready")),
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("status").AtMapKey("conditions").AtSliceIndex(0).AtMapKey("observed_generation"),
						knownvalue.Int64Exact(1)),
				},
			},
			{
				// An update waits for the new generation, not the old Ready.
				Config: fabricConfig(ns, name, `
  asn            = 65020
  spine_count    = 4
  leaf_count     = 3
  wait_for_ready = true
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("status").AtMapKey("conditions").AtSliceIndex(0).AtMapKey("observed_generation"),
						knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("status").AtMapKey("spine_status").AtMapKey("spine-4"),
						knownvalue.StringExact("Ready")),
				},
				Check: inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expect(u, "Ready", "status", "phase")
				}),
			},
		},
	})
}

func TestAccFabric_waitFailed(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	acctest.Simulate(t, ns, 200*time.Millisecond)
	name := acctest.Name("fab")
	body := fmt.Sprintf(`
  asn            = 65021
  wait_for_ready = true
  annotations    = { %q = "leaf-1 unreachable" }
`, fabricsim.FailAnnotation)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		CheckDestroy:             gone(t, ns, name),
		Steps: []resource.TestStep{
			{
				Config:      fabricConfig(ns, name, body),
				ExpectError: acctest.Error("Fabric Failed", "status.phase Failed: leaf-1 unreachable", "tainted"),
			},
			{
				// Nothing lost: the object is in the state (tainted, so the
				// plan replaces it) and in the cluster.
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(tainted(fabricAddr), inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expect(u, "leaf-1 unreachable", "status", "sync_error")
				})),
			},
		},
	})
}

func TestAccFabric_waitTimeout(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t) // no simulator: nothing ever reports Ready
	name := acctest.Name("fab")
	body := `
  asn            = 65022
  wait_for_ready = true
  timeouts       = { create = "2s" }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		CheckDestroy:             gone(t, ns, name),
		Steps: []resource.TestStep{
			{
				Config:      fabricConfig(ns, name, body),
				ExpectError: acctest.Error("Timed Out Waiting For Fabric", `status.phase is "Pending"`, "stays in the state"),
			},
			{
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(tainted(fabricAddr), inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expect(u, int64(65022), "spec", "asn")
				})),
			},
		},
	})
}

func TestAccFabric_conflict(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		CheckDestroy:             gone(t, ns, name),
		Steps: []resource.TestStep{
			{Config: fabricConfig(ns, name, `asn = 65030`)},
			{
				// Another server-side applier takes the description.
				PreConfig: func() {
					applyAs(t, ns, name, "gitops-controller", map[string]any{"name": name, "asn": 65030, "description": "theirs"})
				},
				Config:      fabricConfig(ns, name, "asn = 65030\n  description = \"ours\""),
				ExpectError: acctest.Error("Field Manager Conflict", ".spec.description", `conflict with "gitops-controller"`, "force_conflicts = true"),
			},
			{
				Config: fabricConfig(ns, name, "asn = 65030\n  description = \"ours\"\n  force_conflicts = true"),
				Check: inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expect(u, "ours", "spec", "description")
				}),
			},
		},
	})
}

func TestAccFabric_crdAndFabricInOneApply(t *testing.T) {
	acctest.PreCheck(t)
	// A group that no cluster has: the CRD is installed by the same apply.
	group := acctest.Name("hh") + ".example.com"
	name := acctest.Name("fab")
	cfg := acctest.Provider(fmt.Sprintf("fabric_api_group = %q", group), `namespace = "default"`) + fmt.Sprintf(`
resource "hedgehog_crds" "this" {
  delete_on_destroy = true
}

resource "hedgehog_fabric" "test" {
  depends_on = [hedgehog_crds.this]
  name       = %q
  asn        = 65040
}
`, name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("hedgehog_crds.this", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("fabrics." + group)})),
				},
				Check: func(*terraform.State) error {
					gvr := acctest.FabricGVR
					gvr.Group = group
					_, err := acctest.C.Dynamic.Resource(gvr).Namespace("default").Get(context.Background(), name, metav1.GetOptions{})
					return err
				},
			},
			{Config: cfg, PlanOnly: true},
		},
		CheckDestroy: func(*terraform.State) error {
			_, err := acctest.C.Dynamic.Resource(crds.GVR).Get(context.Background(), "fabrics."+group, metav1.GetOptions{})
			if err == nil {
				return fmt.Errorf("CRD fabrics.%s is still installed after destroy with delete_on_destroy", group)
			}
			return nil
		},
	})
}

func TestAccFabric_kindNotServed(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		Steps: []resource.TestStep{{
			Config:      acctest.Provider(`fabric_api_version = "v9"`) + fabricBlock(ns, "x", "asn = 65000"),
			ExpectError: acctest.Error("Fabric Kind Not Served", "fabrics.wiring.githedgehog.com in version v9", "hedgehog_crds"),
		}},
	})
}
