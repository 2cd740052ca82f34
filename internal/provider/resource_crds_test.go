// The acceptance tests of hedgehog_crds, one per way in which a CRD can be someone
// else's (longer than most files: each stages its own foreign CRD and checks it).

package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/provider"
)

// crdsConfig is hedgehog_crds with delete_on_destroy, the setting that could
// do most harm. Each test uses an API group of its own, so that its CRD is its
// alone.
func crdsConfig(group string) string {
	return acctest.Provider(fmt.Sprintf("fabric_api_group = %q", group)) +
		"\nresource \"hedgehog_crds\" \"this\" {\n  delete_on_destroy = true\n}\n"
}

func getCRD(t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	u, err := acctest.C.Dynamic.Resource(crds.GVR).Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// installAs installs the shipped Fabric CRD for group as another installer
// would (field manager manager), with its versions edited by edit, and waits
// until it is served. It is deleted when the test ends.
func installAs(t *testing.T, group, manager string, edit func(versions []any) []any) *unstructured.Unstructured {
	t.Helper()
	b, err := crds.For(group, provider.DefaultVersion)
	if err != nil {
		t.Fatal(err)
	}
	crd := b.Objects[0]
	crd.SetAnnotations(nil) // a hand-made install carries no bundle hash
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	if err := unstructured.SetNestedSlice(crd.Object, edit(versions), "spec", "versions"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	api := acctest.C.Dynamic.Resource(crds.GVR)
	if _, err := api.Apply(ctx, crd.GetName(), crd, metav1.ApplyOptions{FieldManager: manager, Force: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = api.Delete(context.Background(), crd.GetName(), metav1.DeleteOptions{}) })
	var live *unstructured.Unstructured
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
		live = getCRD(t, crd.GetName())
		return crds.Established(live)
	})
	if err != nil {
		t.Fatalf("CRD %s not established: %v", crd.GetName(), err)
	}
	return live
}

// untouched compares what the issue asks to compare — versions, stored
// versions, managed fields — and the resourceVersion, which any write moves.
func untouched(t *testing.T, before *unstructured.Unstructured) error {
	after := getCRD(t, before.GetName())
	if after == nil {
		return fmt.Errorf("the CRD %s is gone", before.GetName())
	}
	pick := func(u *unstructured.Unstructured) string {
		versions, _, _ := unstructured.NestedSlice(u.Object, "spec", "versions")
		stored, _, _ := unstructured.NestedStringSlice(u.Object, "status", "storedVersions")
		raw, _ := json.Marshal(map[string]any{"uid": u.GetUID(), "resourceVersion": u.GetResourceVersion(), "versions": versions,
			"storedVersions": stored, "managedFields": u.GetManagedFields(), "annotations": u.GetAnnotations()})
		return string(raw)
	}
	if b, a := pick(before), pick(after); b != a {
		return fmt.Errorf("the CRD %s changed:\nbefore: %s\nafter:  %s", before.GetName(), b, a)
	}
	return nil
}

// version is a served version like another one (its schema, its columns).
func version(name string, storage bool, like map[string]any) map[string]any {
	v := map[string]any{}
	for k, val := range like {
		v[k] = val
	}
	v["name"], v["served"], v["storage"] = name, true, storage
	return v
}

// TestAccCRDs_refusesForeignStorageVersion: the CRD exists, installed by
// someone else, and stores its objects in a version this provider does not
// ship. The apply refuses, names the manager and the versions, says how to
// adopt it, and leaves the CRD exactly as it was.
func TestAccCRDs_refusesForeignStorageVersion(t *testing.T) {
	acctest.PreCheck(t)
	group := acctest.Name("hh") + ".example.com"
	before := installAs(t, group, "someone-else", func(versions []any) []any {
		ours, _ := versions[0].(map[string]any)
		return []any{version("v1beta9", true, ours)}
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{{
			Config: crdsConfig(group),
			ExpectError: acctest.Error("CustomResourceDefinition Not Installed By This Resource", "Nothing was changed",
				"someone-else (Apply)", "v1beta9 (served, storage)", "stored versions: v1beta9", "terraform import hedgehog_crds"),
		}},
		CheckDestroy: func(*terraform.State) error { return untouched(t, before) },
	})
}

// TestAccCRDs_refusesExtraServedVersion: the CRD exists with the version this
// provider ships and an extra served, non-storage one that a force-apply of
// the shipped CRD would silently drop. The apply refuses; nothing changes.
func TestAccCRDs_refusesExtraServedVersion(t *testing.T) {
	acctest.PreCheck(t)
	group := acctest.Name("hh") + ".example.com"
	before := installAs(t, group, "someone-else", func(versions []any) []any {
		ours, _ := versions[0].(map[string]any)
		return append(versions, version("v1beta1", false, ours))
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{{
			Config: crdsConfig(group),
			ExpectError: acctest.Error("CustomResourceDefinition Not Installed By This Resource", "someone-else (Apply)",
				"v1alpha2 (served, storage), v1beta1 (served)"),
		}},
		CheckDestroy: func(*terraform.State) error { return untouched(t, before) },
	})
}

// TestAccCRDs_deletesOnlyWhatItCreated: the resource installs the CRD and
// records its UID. Someone deletes it and installs their own under the same
// name: the resource no longer claims it, refuses to write onto it, and
// destroy with delete_on_destroy leaves it.
func TestAccCRDs_deletesOnlyWhatItCreated(t *testing.T) {
	acctest.PreCheck(t)
	group := acctest.Name("hh") + ".example.com"
	name := "fabrics." + group
	cfg := crdsConfig(group)
	var theirs *unstructured.Unstructured
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(s *terraform.State) error {
					u := getCRD(t, name)
					if u == nil {
						return fmt.Errorf("CRD %s not installed", name)
					}
					attrs := s.RootModule().Resources["hedgehog_crds.this"].Primary.Attributes
					if got := attrs["uids."+name]; got != string(u.GetUID()) {
						return fmt.Errorf("uids.%s = %q in the state, the CRD's UID is %s", name, got, u.GetUID())
					}
					return expect(u, "hedgehog_crds", "metadata", "annotations", crds.InstalledByAnnotation)
				},
			},
			{
				PreConfig: func() {
					ctx := context.Background()
					if err := acctest.C.Dynamic.Resource(crds.GVR).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
					err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
						return getCRD(t, name) == nil, nil
					})
					if err != nil {
						t.Fatal(err)
					}
					theirs = installAs(t, group, "someone-else", func(versions []any) []any { return versions })
				},
				Config:      cfg,
				ExpectError: acctest.Error("CustomResourceDefinition Not Installed By This Resource", "someone-else (Apply)"),
			},
		},
		CheckDestroy: func(*terraform.State) error { return untouched(t, theirs) },
	})
}

// TestAccCRDs_adoptByImport: a CRD installed by hand (kubectl apply
// --server-side) is adopted with terraform import; the next apply takes
// over the shipped fields and keeps its UID, the plan after it is empty, and
// destroy with delete_on_destroy deletes it — it is this resource's now.
func TestAccCRDs_adoptByImport(t *testing.T) {
	acctest.PreCheck(t)
	group := acctest.Name("hh") + ".example.com"
	name := "fabrics." + group
	before := installAs(t, group, "kubectl", func(versions []any) []any { return versions })
	uid := string(before.GetUID())
	cfg := crdsConfig(group)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				ResourceName:       "hedgehog_crds.this",
				ImportState:        true,
				ImportStateId:      "hedgehog-crds",
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["uids."+name] != uid {
						return fmt.Errorf("imported %v, want uids.%s = %s", states, name, uid)
					}
					return untouched(t, before) // importing reads, never writes
				},
			},
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("hedgehog_crds.this", tfjsonpath.New("uids"),
						knownvalue.MapExact(map[string]knownvalue.Check{name: knownvalue.StringExact(uid)})),
				},
				Check: func(*terraform.State) error {
					u := getCRD(t, name)
					if u == nil || string(u.GetUID()) != uid {
						return fmt.Errorf("the adopted CRD was replaced: %v", u)
					}
					managers := map[string]bool{}
					for _, m := range u.GetManagedFields() {
						managers[m.Manager] = true
					}
					if !managers[provider.DefaultFieldManager] {
						return fmt.Errorf("the provider manages no field of the adopted CRD: %v", managers)
					}
					return expect(u, "hedgehog_crds", "metadata", "annotations", crds.InstalledByAnnotation)
				},
			},
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
		CheckDestroy: func(*terraform.State) error {
			if u := getCRD(t, name); u != nil {
				return fmt.Errorf("the adopted CRD %s is still installed after destroy with delete_on_destroy", name)
			}
			return nil
		},
	})
}

// TestAccCRDs_upgradeKeepsOthersVersions: on a CRD this resource installed,
// another manager adds a served version; an upgrade (here: the bundle hash
// changed in the cluster) applies the shipped fields and keeps that version —
// although spec.versions is an atomic list, which a forced apply of the
// shipped versions alone would replace.
func TestAccCRDs_upgradeKeepsOthersVersions(t *testing.T) {
	acctest.PreCheck(t)
	group := acctest.Name("hh") + ".example.com"
	name := "fabrics." + group
	cfg := crdsConfig(group)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					u := getCRD(t, name)
					versions, _, _ := unstructured.NestedSlice(u.Object, "spec", "versions")
					ours, _ := versions[0].(map[string]any)
					patch := map[string]any{
						"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
						"metadata": map[string]any{"name": name, "annotations": map[string]any{crds.HashAnnotation: "from-an-older-provider"}},
						// spec.versions is an atomic list: whoever applies it
						// applies all of it.
						"spec": map[string]any{"group": group, "versions": append(versions, version("v1beta1", false, ours))},
					}
					if _, err := acctest.C.Dynamic.Resource(crds.GVR).Apply(context.Background(), name, &unstructured.Unstructured{Object: patch},
						metav1.ApplyOptions{FieldManager: "someone-else", Force: true}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hedgehog_crds.this", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					u := getCRD(t, name)
					var names []string
					for _, v := range u.Object["spec"].(map[string]any)["versions"].([]any) { //nolint:forcetypeassert // a test: a panic is a failure
						names = append(names, v.(map[string]any)["name"].(string)) //nolint:forcetypeassert // a test: a panic is a failure
					}
					if !reflect.DeepEqual(names, []string{"v1alpha2", "v1beta1"}) {
						return fmt.Errorf("versions after the upgrade: %v, want v1alpha2 and the other manager's v1beta1", names)
					}
					b, _ := crds.For(group, provider.DefaultVersion)
					return expect(u, b.Hash, "metadata", "annotations", crds.HashAnnotation)
				},
			},
		},
	})
}

// TestAccCRDs_createRace: someone else installs the CRD, with a version of
// their own, between the provider's check and its write. The provider's apply
// is not forced, so it conflicts on their versions and writes nothing; the
// provider reports the CRD as theirs, does not record it, and destroy
// (delete_on_destroy) leaves it.
func TestAccCRDs_createRace(t *testing.T) {
	acctest.PreCheck(t)
	group := acctest.Name("hh") + ".example.com"
	name := "fabrics." + group
	proxy := acctest.NewFaultProxy(t, acctest.C.REST)
	var theirs *unstructured.Unstructured
	proxy.Before = func(r *http.Request) {
		if r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/customresourcedefinitions/"+name) && theirs == nil {
			theirs = installAs(t, group, "someone-else", func(versions []any) []any {
				ours, _ := versions[0].(map[string]any)
				return append(versions, version("v1beta1", false, ours))
			})
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{{
			Config: proxied(proxy, fmt.Sprintf("  fabric_api_group = %q", group)) +
				"resource \"hedgehog_crds\" \"this\" {\n  delete_on_destroy = true\n}\n",
			ExpectError: acctest.Error("CustomResourceDefinition Not Installed By This Resource", "someone-else (Apply)"),
		}},
		CheckDestroy: func(*terraform.State) error {
			if theirs == nil {
				return fmt.Errorf("the race was not staged: the provider never applied %s", name)
			}
			return untouched(t, theirs)
		},
	})
}
