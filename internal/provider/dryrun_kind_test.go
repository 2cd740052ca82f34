package provider_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// gadgetKind is a test kind for what a plan learns from the cluster: its
// webhook (gadgetServer) fills in mode with a value the declaration does not
// predict (no Default), and its CRD in the cluster is the one of a release
// older than its color attribute (gadgetRelease).
var gadgetKind = &kinds.Kind{
	TypeName: "gadget", ListTypeName: "gadgets", Kind: "Gadget", Plural: "gadgets",
	Group: "gadgets.hedgehog-terraform.github.io", Version: "v1",
	Description: "A gadget (a test kind).",
	Spec: []kinds.Attr{
		{Name: "size", JSON: "size", Type: kinds.Int64, Required: true, Description: "How big."},
		{Name: "mode", JSON: "mode", Type: kinds.String, Computed: true, Description: "The mode; the server fills it in."},
		{Name: "color", JSON: "color", Type: kinds.String, Since: "v9.9.0", Description: "The color."},
	},
}

// gadgetRelease is the release whose CRD the test cluster serves: older than
// color.
const gadgetRelease = "v9.8.0"

// gadgetServer is the gadgets' webhook: it defaults mode to eco, and refuses
// a size of 13.
type gadgetServer struct{}

func (gadgetServer) Rules() []admissionregistrationv1.RuleWithOperations {
	return []admissionregistrationv1.RuleWithOperations{{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
		Rule: admissionregistrationv1.Rule{APIGroups: []string{gadgetKind.Group}, APIVersions: []string{"v1"},
			Resources: []string{"gadgets"}},
	}}
}

func (gadgetServer) Mutate(_ context.Context, _ admissionv1.Operation, u *unstructured.Unstructured) error {
	if _, found, _ := unstructured.NestedString(u.Object, "spec", "mode"); !found {
		_ = unstructured.SetNestedField(u.Object, "eco", "spec", "mode")
	}
	return nil
}

func (gadgetServer) Validate(_ context.Context, _ admissionv1.Operation, u, _ *unstructured.Unstructured) error {
	if size, _, _ := unstructured.NestedInt64(u.Object, "spec", "size"); size == 13 {
		return fmt.Errorf("size 13 brings bad luck")
	}
	return nil
}

// installOlderCRD installs the gadgets' CRD as gadgetRelease serves it.
func installOlderCRD(t *testing.T) {
	t.Helper()
	acctest.PreCheck(t)
	ctx := context.Background()
	api := acctest.C.Dynamic.Resource(crds.GVR)
	crd := gadgetKind.CRDOf(gadgetRelease)
	if _, err := api.Create(ctx, crd, metav1.CreateOptions{FieldManager: "dryrun-test"}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		u, err := api.Get(ctx, crd.GetName(), metav1.GetOptions{})
		if err == nil {
			if ok, _ := crds.Established(u); ok {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the CRD %s is not established: %v", crd.GetName(), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func gadgetHCL(ns, name, body string, providerLines ...string) string {
	return acctest.Provider(providerLines...) + fmt.Sprintf(`
resource "hedgehog_gadget" "w" {
  name      = %q
  namespace = %q
%s
}
`, name, ns, body)
}

// The plan shows what the webhook stores where the provider cannot predict
// it, so the state after apply is the cluster's and the next plan is empty;
// a refusal of the webhook fails the plan on the resource, in its words.
func TestAccDryRun_webhookDefaultsAtPlan(t *testing.T) {
	installOlderCRD(t)
	acctest.Webhook(t, gadgetServer{})
	ns := acctest.Namespace(t)
	name := acctest.Name("w")
	addr := "hedgehog_gadget.w"
	inCluster := func(size int64, mode string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			u := acctest.Object(t, gadgetKind, ns, name)
			if u == nil {
				return fmt.Errorf("gadget %s/%s is not in the cluster", ns, name)
			}
			return expectAll(expect(u, size, "spec", "size"), expect(u, mode, "spec", "mode"))
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.FactoriesWith(gadgetKind),
		CheckDestroy: func(*terraform.State) error {
			if acctest.Object(t, gadgetKind, ns, name) != nil {
				return fmt.Errorf("gadget %s/%s is still in the cluster", ns, name)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      gadgetHCL(ns, name, "size = 13"),
				PlanOnly:    true,
				ExpectError: acctest.Error("Refused by Admission Webhook", "with hedgehog_gadget.w", "refuses the create of Gadget", "size 13 brings bad luck"),
			},
			{
				Config: gadgetHCL(ns, name, "size = 3"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("mode"), knownvalue.StringExact("eco")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("mode"), knownvalue.StringExact("eco")),
				},
				Check: inCluster(3, "eco"),
			},
			{Config: gadgetHCL(ns, name, "size = 3"), PlanOnly: true},
			{
				// An update is a dry-run apply: refused at plan, the object
				// stays as it was.
				Config:      gadgetHCL(ns, name, "size = 13"),
				PlanOnly:    true,
				ExpectError: acctest.Error("Refused by Admission Webhook", "refuses the update of Gadget", "size 13 brings bad luck"),
			},
			{
				Config: gadgetHCL(ns, name, "size = 4"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("mode"), knownvalue.StringExact("eco")),
				}},
				Check: inCluster(4, "eco"),
			},
			{Config: gadgetHCL(ns, name, "size = 4"), PlanOnly: true},
		},
	})
}

// An attribute newer than the cluster's CRD fails the plan, naming the field
// and the release that added it; without the dry run, the API server refuses
// the write (strict field validation) instead of dropping the field, and
// nothing changes: not the object, not the state.
func TestAccDryRun_olderCRD(t *testing.T) {
	installOlderCRD(t)
	acctest.Webhook(t, gadgetServer{})
	ns := acctest.Namespace(t)
	name, other := acctest.Name("w"), acctest.Name("w")
	addr := "hedgehog_gadget.w"
	tooNew := acctest.Error("Field Not In The Cluster's CRD", "with hedgehog_gadget.w",
		"The Gadget CRD in this cluster has no field spec.color: it was added in Hedgehog fabric v9.9.0; upgrade the fabric or remove color")
	unchanged := func(*terraform.State) error {
		u := acctest.Object(t, gadgetKind, ns, name)
		if u == nil {
			return fmt.Errorf("gadget %s/%s is not in the cluster", ns, name)
		}
		return expectAll(expect(u, int64(1), "spec", "size"), expect(u, nil, "spec", "color"))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.FactoriesWith(gadgetKind),
		CheckDestroy: func(*terraform.State) error {
			for _, n := range []string{name, other} {
				if acctest.Object(t, gadgetKind, ns, n) != nil {
					return fmt.Errorf("gadget %s/%s is still in the cluster", ns, n)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: gadgetHCL(ns, name, "size = 1\n  color = \"red\""), PlanOnly: true, ExpectError: tooNew},
			{Config: gadgetHCL(ns, name, "size = 1"), Check: unchanged},
			{Config: gadgetHCL(ns, name, "size = 2\n  color = \"red\""), PlanOnly: true, ExpectError: tooNew},
			{
				// Without the dry run the plan cannot know; the apply is
				// refused whole.
				Config:      gadgetHCL(ns, name, "size = 2\n  color = \"red\"", "plan_dry_run = false"),
				ExpectError: tooNew,
			},
			{
				Config: gadgetHCL(ns, name, "size = 1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("size"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("color"), knownvalue.Null()),
				},
				Check: unchanged,
			},
			{
				// A create is refused whole too: nothing is stored, nothing
				// is in the state.
				Config: gadgetHCL(ns, name, "size = 1") + fmt.Sprintf(`
resource "hedgehog_gadget" "other" {
  name      = %q
  namespace = %q
  size      = 1
  color     = "blue"
}
`, other, ns),
				ExpectError: acctest.Error("Field Not In The Cluster's CRD", "with hedgehog_gadget.other", "no field spec.color"),
			},
			{
				Config: gadgetHCL(ns, name, "size = 1", "plan_dry_run = false") + fmt.Sprintf(`
resource "hedgehog_gadget" "other" {
  name      = %q
  namespace = %q
  size      = 1
  color     = "blue"
}
`, other, ns),
				ExpectError: acctest.Error("Field Not In The Cluster's CRD", "with hedgehog_gadget.other", "no field spec.color"),
			},
			{
				Config: gadgetHCL(ns, name, "size = 1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(s *terraform.State) error {
					if acctest.Object(t, gadgetKind, ns, other) != nil {
						return fmt.Errorf("gadget %s/%s was stored", ns, other)
					}
					if _, ok := s.RootModule().Resources["hedgehog_gadget.other"]; ok {
						return fmt.Errorf("the refused gadget is in the state")
					}
					return unchanged(s)
				},
			},
		},
	})
}

// Where the dry run cannot run (a value known only after apply), the plan
// still refuses a newer attribute that the cluster's CRD lacks, from the
// schema the cluster serves.
func TestAccDryRun_olderCRDWithUnknownValues(t *testing.T) {
	installOlderCRD(t)
	acctest.Webhook(t, gadgetServer{})
	ns := acctest.Namespace(t)
	name := acctest.Name("w")
	cfg := func(color string) string {
		return gadgetHCL(ns, name, "size = terraform_data.size.output\n  color = "+color) + `
resource "terraform_data" "size" {
  input = 2
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.FactoriesWith(gadgetKind),
		CheckDestroy: func(*terraform.State) error {
			if acctest.Object(t, gadgetKind, ns, name) != nil {
				return fmt.Errorf("gadget %s/%s is in the cluster", ns, name)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config:   cfg(`"red"`),
			PlanOnly: true,
			ExpectError: acctest.Error("Field Not In The Cluster's CRD", "with hedgehog_gadget.w",
				"The Gadget CRD in this cluster has no field spec.color: it was added in Hedgehog fabric v9.9.0",
				"does not declare spec.color"),
		}},
	})
}
