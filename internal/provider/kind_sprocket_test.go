package provider_test

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// sprocketKind is a small kind that only this test declares: adding a kind to
// the provider is one declaration like this one. Its server (the test's
// webhook below) fills in mode and each port's speed.
var sprocketKind = &kinds.Kind{
	TypeName: "sprocket", ListTypeName: "sprockets", Kind: "Sprocket", Plural: "sprockets",
	Group: "sprockets.hedgehog-terraform.github.io", Version: "v1",
	Description: "A sprocket (a test kind).",
	Spec: []kinds.Attr{
		{Name: "size", JSON: "size", Type: kinds.Int64, Required: true, Description: "How big; 1 to 10.",
			Int64: []validator.Int64{int64validator.AtLeast(1)}},
		{Name: "mode", JSON: "mode", Type: kinds.String, Computed: true, Description: "The mode; the server says `standard` unless set."},
		{Name: "tags", JSON: "tags", Type: kinds.Set, Elem: kinds.StringElem, Description: "Tags; the server sorts them."},
		{Name: "ports", JSON: "ports", Type: kinds.Map, Description: "Ports by name.", Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
			{Name: "speed", JSON: "speed", Type: kinds.String, Computed: true, Description: "The speed; the server says `25G` unless set."},
			{Name: "auto_neg", JSON: "autoNeg", Type: kinds.Bool, OmitZero: true, Description: "Auto-negotiation."},
		}}},
	},
	Check: func(_ string, spec map[string]any) []kinds.Problem {
		if size, ok := spec["size"].(int64); ok && size > 10 {
			return []kinds.Problem{{Path: []any{"size"}, Message: "size must be at most 10"}}
		}
		return nil
	},
	Default: func(spec map[string]any) {
		if spec["mode"] == nil {
			spec["mode"] = "standard"
		}
		ports, _ := spec["ports"].(map[string]any)
		for _, p := range ports {
			if m, ok := p.(map[string]any); ok && m["speed"] == nil {
				m["speed"] = "25G"
			}
		}
	},
}

// sprocketServer is the sprockets' admission webhook, written apart from the
// declaration's Default so that a wrong Default fails the test.
type sprocketServer struct{}

func (sprocketServer) Rules() []admissionregistrationv1.RuleWithOperations {
	return []admissionregistrationv1.RuleWithOperations{{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
		Rule: admissionregistrationv1.Rule{APIGroups: []string{sprocketKind.Group}, APIVersions: []string{"v1"},
			Resources: []string{"sprockets"}},
	}}
}

func (sprocketServer) Mutate(_ context.Context, _ admissionv1.Operation, u *unstructured.Unstructured) error {
	if _, found, _ := unstructured.NestedString(u.Object, "spec", "mode"); !found {
		_ = unstructured.SetNestedField(u.Object, "standard", "spec", "mode")
	}
	ports, _, _ := unstructured.NestedMap(u.Object, "spec", "ports")
	for name := range ports {
		if _, found, _ := unstructured.NestedString(ports, name, "speed"); !found {
			_ = unstructured.SetNestedField(ports, "25G", name, "speed")
		}
		if auto, _, _ := unstructured.NestedBool(ports, name, "autoNeg"); !auto {
			unstructured.RemoveNestedField(ports, name, "autoNeg") // omitempty
		}
	}
	if ports != nil {
		_ = unstructured.SetNestedMap(u.Object, ports, "spec", "ports")
	}
	if tags, found, _ := unstructured.NestedStringSlice(u.Object, "spec", "tags"); found {
		sort.Strings(tags)
		_ = unstructured.SetNestedStringSlice(u.Object, tags, "spec", "tags")
	}
	return nil
}

func (sprocketServer) Validate(context.Context, admissionv1.Operation, *unstructured.Unstructured, *unstructured.Unstructured) error {
	return nil
}

const sprocketAddr = "hedgehog_sprocket.test"

func TestAccSprocket_serverDefaultsAndAOneDeclarationKind(t *testing.T) {
	acctest.PreCheck(t)
	acctest.InstallKinds(t, sprocketKind)
	acctest.Webhook(t, sprocketServer{})
	ns := acctest.Namespace(t)
	name := acctest.Name("w")
	cfg := func(body string) string {
		return acctest.Config(fmt.Sprintf(`
resource "hedgehog_sprocket" "test" {
  name      = %q
  namespace = %q
%s
}
`, name, ns, body))
	}
	inCluster := func(check func(u *unstructured.Unstructured) error) resource.TestCheckFunc {
		return func(*terraform.State) error {
			u := acctest.Object(t, sprocketKind, ns, name)
			if u == nil {
				return fmt.Errorf("sprocket %s/%s is not in the cluster", ns, name)
			}
			return check(u)
		}
	}
	first := `
  size  = 3
  tags  = ["b", "a"]
  ports = { e1 = {}, e2 = { speed = "100G", auto_neg = false } }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.FactoriesWith(sprocketKind),
		CheckDestroy: func(*terraform.State) error {
			if acctest.Object(t, sprocketKind, ns, name) != nil {
				return fmt.Errorf("sprocket %s/%s is still in the cluster", ns, name)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// A rule of the kind, at plan time, with the attribute named.
				Config:      cfg(`size = 11`),
				ExpectError: acctest.Error("Invalid Sprocket", "Attribute size: size must be at most 10"),
				PlanOnly:    true,
			},
			{
				// The plan already knows what the server will fill in.
				Config: cfg(first),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(sprocketAddr, tfjsonpath.New("mode"), knownvalue.StringExact("standard")),
					plancheck.ExpectKnownValue(sprocketAddr, tfjsonpath.New("ports").AtMapKey("e1").AtMapKey("speed"), knownvalue.StringExact("25G")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sprocketAddr, tfjsonpath.New("mode"), knownvalue.StringExact("standard")),
					statecheck.ExpectKnownValue(sprocketAddr, tfjsonpath.New("ports").AtMapKey("e2").AtMapKey("speed"), knownvalue.StringExact("100G")),
				},
				Check: inCluster(func(u *unstructured.Unstructured) error {
					return expectAll(
						expect(u, "standard", "spec", "mode"),
						expect(u, "25G", "spec", "ports", "e1", "speed"),
						expect(u, nil, "spec", "ports", "e2", "autoNeg"),
						expect(u, []any{"a", "b"}, "spec", "tags"),
					)
				}),
			},
			{Config: cfg(first), PlanOnly: true},
			{
				// Someone changes a server-filled value: it is read back, and
				// it is not a difference while the configuration leaves it out.
				PreConfig: func() {
					patchObject(t, sprocketKind, ns, name, "kubectl-edit", map[string]any{"spec": map[string]any{"mode": "turbo"}})
				},
				RefreshState: true,
				Check:        resource.TestCheckResourceAttr(sprocketAddr, "mode", "turbo"),
			},
			{Config: cfg(first), PlanOnly: true},
			{
				// Set it: now it is ours.
				Config: cfg(first + `  mode = "eco"` + "\n"),
				Check: inCluster(func(u *unstructured.Unstructured) error {
					return expect(u, "eco", "spec", "mode")
				}),
			},
			{
				ResourceName:      sprocketAddr,
				ImportState:       true,
				ImportStateId:     ns + "/" + name,
				ImportStateVerify: true,
				// The import reads what the server stored: the sorted tags and
				// a false that the server drops.
				ImportStateVerifyIgnore: []string{"ports.e2.auto_neg"},
			},
			{
				// Data sources read the same object, typed.
				Config: cfg(first+`  mode = "eco"`+"\n") + fmt.Sprintf(`
data "hedgehog_sprocket" "one" {
  name      = hedgehog_sprocket.test.name
  namespace = %q
}

data "hedgehog_sprockets" "all" {
  namespace  = %q
  depends_on = [hedgehog_sprocket.test]
}
`, ns, ns),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hedgehog_sprocket.one", tfjsonpath.New("ports").AtMapKey("e1").AtMapKey("speed"),
						knownvalue.StringExact("25G")),
					statecheck.ExpectKnownValue("data.hedgehog_sprockets.all", tfjsonpath.New("sprockets").AtSliceIndex(0).AtMapKey("mode"),
						knownvalue.StringExact("eco")),
				},
			},
		},
	})
}

func patchObject(t *testing.T, k *kinds.Kind, namespace, name, manager string, patch map[string]any) {
	t.Helper()
	if err := acctest.Patch(k, namespace, name, manager, patch); err != nil {
		t.Fatal(err)
	}
}
