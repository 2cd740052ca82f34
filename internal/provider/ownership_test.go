// The acceptance tests of who owns what (longer than most files: each stages
// another field manager, webhook or finalizer on the cluster and checks it there).

package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// Fields that another field manager sets — a whole attribute the
// configuration leaves out, and a key inside a free-form attribute it sets —
// are theirs: they never show as a difference, and applies leave them alone.
func TestAccFabric_othersFieldsAreNotDrift(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	ours := `
  asn           = 65100
  switch_config = { mtu = 9000 }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             gone(t, ns, name),
		Steps: []resource.TestStep{
			{Config: fabricConfig(ns, name, ours)},
			{
				// kubectl apply --server-side --field-manager=other
				PreConfig: func() {
					applyAs(t, ns, name, "other", map[string]any{
						"name": name, "asn": 65100,
						"vpc_peering_config": map[string]any{"mode": "full-mesh"},
						"switch_config":      map[string]any{"lldp": true},
					})
				},
				Config: fabricConfig(ns, name, ours),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				// A change of ours goes through and leaves theirs in place.
				Config: fabricConfig(ns, name, `
  asn           = 65100
  switch_config = { mtu = 9100 }
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("vpc_peering_config"), knownvalue.Null()),
				},
				Check: inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expectAll(
						expect(u, map[string]any{"mtu": int64(9100), "lldp": true}, "spec", "switch_config"),
						expect(u, map[string]any{"mode": "full-mesh"}, "spec", "vpc_peering_config"),
					)
				}),
			},
			{
				Config: fabricConfig(ns, name, `
  asn           = 65100
  switch_config = { mtu = 9100 }
`),
				PlanOnly: true,
			},
		},
	})
}

// An object that someone else creates while an apply runs — after the plan,
// before this resource's create — is left exactly as it was, and the error
// says how to import it.
func TestAccFabric_createNeverWritesOntoAnObjectThatAppeared(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	first, second := acctest.Name("fab"), acctest.Name("fab")
	// The second fabric waits for the first to be ready; the first becomes
	// ready only once "someone else" has created the second: the object
	// appears after the plan and before the second create, every time.
	var theirs *unstructured.Unstructured
	race := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		for acctest.Fabric(t, ns, first) == nil {
			if ctx.Err() != nil {
				t.Error("the first fabric never appeared")
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		applyAs(t, ns, second, "someone-else", map[string]any{"name": second, "asn": 65201, "description": "theirs"})
		theirs = acctest.Fabric(t, ns, second)
		markReady(t, ns, first)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{{
			PreConfig: func() { go race() },
			Config: acctest.Config(fmt.Sprintf(`
resource "hedgehog_fabric" "first" {
  name           = %q
  namespace      = %q
  asn            = 65200
  wait_for_ready = true
}

resource "hedgehog_fabric" "second" {
  name        = %q
  namespace   = %q
  asn         = 65202
  description = "ours"
  labels      = { team = "ours" }
  depends_on  = [hedgehog_fabric.first]
}
`, first, ns, second, ns)),
			ExpectError: acctest.Error("Fabric Already Exists", "someone-else", "left exactly as it is",
				"terraform import hedgehog_fabric.<resource name> "+ns+"/"+second),
		}},
		CheckDestroy: func(*terraform.State) error {
			now := acctest.Fabric(t, ns, second)
			if theirs == nil || now == nil {
				return fmt.Errorf("the other client's fabric is missing (before %v, after %v)", theirs != nil, now != nil)
			}
			for _, f := range [][]string{{"spec"}, {"metadata", "labels"}, {"metadata", "managedFields"}, {"metadata", "resourceVersion"}} {
				if b, a := field(theirs, f...), field(now, f...); !reflect.DeepEqual(b, a) {
					return fmt.Errorf("%v of the other client's fabric changed:\nbefore %v\nafter  %v", f, b, a)
				}
			}
			return gone(t, ns, first)(nil)
		},
	})
}

// markReady reports a fabric Ready for its generation, as its operator would.
func markReady(t *testing.T, namespace, name string) {
	t.Helper()
	u := acctest.Fabric(t, namespace, name)
	status := map[string]any{"phase": "Ready", "conditions": []any{map[string]any{
		"type": "Ready", "status": "True", "reason": "Test", "message": "ready",
		"lastTransitionTime": time.Now().UTC().Format(time.RFC3339), "observedGeneration": u.GetGeneration()}}}
	u.Object["status"] = status
	if _, err := acctest.C.Dynamic.Resource(acctest.FabricGVR).Namespace(namespace).UpdateStatus(context.Background(), u, metav1.UpdateOptions{}); err != nil {
		t.Errorf("marking %s/%s ready: %v", namespace, name, err)
	}
}

// Destroy waits while a finalizer holds the object and returns once the
// finalizer's controller has let it go. The controller lets go only once the
// provider watches the object (seen at a proxy in front of the API server):
// a destroy that did not wait would leave the object behind.
func TestAccFabric_destroyWaitsForFinalizers(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	proxy := acctest.NewFaultProxy(t, acctest.C.REST)
	var released atomic.Bool
	cfg := proxied(proxy) + fabricBlock(ns, name, `
  asn      = 65023
  timeouts = { delete = "2m" }
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					patchFabric(t, ns, name, "some-controller", map[string]any{
						"metadata": map[string]any{"finalizers": []any{"example.com/hold"}}})
					proxy.Before = func(r *http.Request) {
						if r.URL.Query().Get("watch") == "true" && strings.Contains(r.URL.Path, "/namespaces/"+ns+"/fabrics") &&
							released.CompareAndSwap(false, true) {
							go func() {
								_, err := acctest.C.Dynamic.Resource(acctest.FabricGVR).Namespace(ns).Patch(context.Background(), name,
									types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{FieldManager: "some-controller"})
								if err != nil {
									t.Errorf("releasing the finalizer: %v", err)
								}
							}()
						}
					}
				},
				Config:  cfg,
				Destroy: true,
			},
			{
				// Right after the destroy: it waited, and the object is gone.
				PreConfig: func() {
					if !released.Load() {
						t.Fatal("the provider never watched the fabric while it waited for its deletion")
					}
					if err := gone(t, ns, name)(nil); err != nil {
						t.Fatal(err)
					}
				},
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestAccFabric_destroyTimesOutOnAFinalizer(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	cfg := fabricConfig(ns, name, `
  asn      = 65024
  timeouts = { delete = "2s" }
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             gone(t, ns, name),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					patchFabric(t, ns, name, "some-controller", map[string]any{
						"metadata": map[string]any{"finalizers": []any{"example.com/hold"}}})
				},
				Config:      cfg,
				Destroy:     true,
				ExpectError: acctest.Error("Timed Out Deleting Fabric", `finalizers ["example.com/hold"]`, "stays in the state"),
			},
			{
				// Nothing lost: the resource is in the state, and the object
				// is in the cluster, marked for deletion.
				RefreshState: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(fabricAddr, "id", ns+"/"+name),
					inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
						if u.GetDeletionTimestamp() == nil {
							return fmt.Errorf("%s/%s is not marked for deletion", ns, name)
						}
						return nil
					})),
			},
			{
				// Once the finalizer goes, so does the object: the plan
				// creates it again.
				PreConfig: func() {
					patchFabric(t, ns, name, "some-controller", map[string]any{"metadata": map[string]any{"finalizers": nil}})
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fabricAddr, plancheck.ResourceActionCreate),
				}},
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// A delete whose wait fails for a reason other than time — here the identity
// may delete fabrics but not watch them — says so; it is not reported as a
// timeout on finalizers.
func TestAccFabric_deleteWaitFailureSaysWhatHappened(t *testing.T) {
	acctest.PreCheck(t)
	local := acctest.NeedLocal(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	user, err := local.MintUser("no-watch", "no-watch-group")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = acctest.C.Typed.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "no-watch"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{acctest.FabricGVR.Group}, Resources: []string{"fabrics"},
			Verbs: []string{"get", "list", "create", "patch", "update", "delete"}}},
	}, metav1.CreateOptions{})
	if err == nil {
		_, err = acctest.C.Typed.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: "no-watch"},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "no-watch"},
			Subjects:   []rbacv1.Subject{{Kind: "User", Name: "no-watch"}},
		}, metav1.CreateOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
	cfg := acctest.Terraform + fmt.Sprintf("provider \"hedgehog\" {\n  config_path = %q\n}\n", user.Kubeconfig) +
		fabricBlock(ns, name, "asn = 65025\n  timeouts = { delete = \"1m\" }")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					patchFabric(t, ns, name, "some-controller", map[string]any{
						"metadata": map[string]any{"finalizers": []any{"example.com/hold"}}})
				},
				Config:      cfg,
				Destroy:     true,
				ExpectError: acctest.Error("Kubernetes Permission Denied", "was marked for deletion", `"no-watch" may not watch`),
			},
			{
				PreConfig: func() {
					patchFabric(t, ns, name, "some-controller", map[string]any{"metadata": map[string]any{"finalizers": nil}})
				},
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// The design's own client (a NetBox plugin's custom-objects client) creates
// fabrics with empty maps and patches their status with a string per switch;
// the CRD accepts exactly that, and a matching configuration imports it with
// no change at all.
func TestAccFabric_theDesignsClientModel(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	ctx := context.Background()
	api := acctest.C.Dynamic.Resource(acctest.FabricGVR).Namespace(ns)
	_, err := api.Create(ctx, &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": acctest.FabricGVR.GroupVersion().String(), "kind": "Fabric",
		"metadata": map[string]any{"name": name, "namespace": ns},
		"spec": map[string]any{"name": name, "description": "", "asn": int64(65300), "spine_count": int64(2), "leaf_count": int64(4),
			"spine_leaf_links": map[string]any{}, "vpc_peering_config": map[string]any{}, "switch_config": map[string]any{}},
	}}, metav1.CreateOptions{FieldManager: "netbox-plugin"})
	if err != nil {
		t.Fatal(err)
	}
	status := []byte(`{"status": {"phase": "Ready", "spine_status": {"spine-1": "Ready", "spine-2": "Ready"},
		"leaf_status": {"leaf-1": "Ready"}, "last_sync_time": "2026-12-01T10:00:00Z", "sync_error": ""}}`)
	if _, err := api.Patch(ctx, name, types.MergePatchType, status, metav1.PatchOptions{FieldManager: "netbox-plugin"}, "status"); err != nil {
		t.Fatalf("the design's status patch was refused: %v", err)
	}
	body := fmt.Sprintf(`
resource "hedgehog_fabric" "test" {
  name        = %q
  namespace   = %q
  asn         = 65300
  spine_count = 2
  leaf_count  = 4
}
`, name, ns)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             gone(t, ns, name),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(body + fmt.Sprintf("\nimport {\n  to = hedgehog_fabric.test\n  id = %q\n}\n", ns+"/"+name)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(fabricAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(fabricAddr, tfjsonpath.New("status").AtMapKey("spine_status"),
						knownvalue.MapExact(map[string]knownvalue.Check{
							"spine-1": knownvalue.StringExact("Ready"), "spine-2": knownvalue.StringExact("Ready")})),
				},
			},
			{Config: acctest.Config(body), PlanOnly: true},
		},
	})
}
