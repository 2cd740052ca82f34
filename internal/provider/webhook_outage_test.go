package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// cogKind is a test kind of its own, so that its webhook, which this test
// takes down, judges nothing that other tests write.
var cogKind = &kinds.Kind{
	TypeName: "cog", ListTypeName: "cogs", Kind: "Cog", Plural: "cogs",
	Group: "cogs.hedgehog-terraform.github.io", Version: "v1",
	Description: "A cog (a test kind).",
	Spec: []kinds.Attr{
		{Name: "teeth", JSON: "teeth", Type: kinds.Int64, Required: true, Description: "How many teeth."},
	},
}

// cogServer admits every cog: what matters is whether it answers.
type cogServer struct{}

func (cogServer) Rules() []admissionregistrationv1.RuleWithOperations {
	return []admissionregistrationv1.RuleWithOperations{{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update,
			admissionregistrationv1.Delete},
		Rule: admissionregistrationv1.Rule{APIGroups: []string{cogKind.Group}, APIVersions: []string{"v1"}, Resources: []string{"cogs"}},
	}}
}

func (cogServer) Mutate(context.Context, admissionv1.Operation, *unstructured.Unstructured) error {
	return nil
}

func (cogServer) Validate(context.Context, admissionv1.Operation, *unstructured.Unstructured, *unstructured.Unstructured) error {
	return nil
}

// While the webhook's server restarts (Hedgehog's fabric controller during an
// upgrade), the API server refuses every write it cannot send there, and
// stores nothing: creates, updates and deletes are sent again until the
// webhook answers, within the resource's timeout; past it, the error names
// the webhook and what to check, nothing is in the cluster and the next apply
// creates the object (that such a create is not kept tainted in the state is
// kube.MayHaveHappened's, unit-tested in internal/kube).
func TestAccWebhookOutage(t *testing.T) {
	acctest.PreCheck(t)
	acctest.InstallKinds(t, cogKind)
	w := acctest.Webhook(t, cogServer{})
	ns := acctest.Namespace(t)
	name := acctest.Name("cog")
	// No dry runs at plan: the calls the webhook hangs up are the writes'.
	cfg := func(teeth int, timeout string) string {
		return acctest.Provider("plan_dry_run = false") + fmt.Sprintf(`
resource "hedgehog_cog" "c" {
  name      = %q
  namespace = %q
  teeth     = %d
  timeouts  = { create = %q, update = %q, delete = %q }
}
`, name, ns, teeth, timeout, timeout, timeout)
	}
	hungUp := func(want int64) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := w.HungUp(); got != want {
				return fmt.Errorf("the webhook hung up %d calls, want %d: the test did not take it down as meant", got, want)
			}
			return nil
		}
	}
	teeth := func(want int64) resource.TestCheckFunc {
		return func(*terraform.State) error {
			u := acctest.Object(t, cogKind, ns, name)
			if u == nil {
				return fmt.Errorf("cog %s/%s is not in the cluster", ns, name)
			}
			return expect(u, want, "spec", "teeth")
		}
	}
	gone := func(*terraform.State) error {
		if acctest.Object(t, cogKind, ns, name) != nil {
			return fmt.Errorf("cog %s/%s is in the cluster", ns, name)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.FactoriesWith(cogKind),
		CheckDestroy:             gone,
		Steps: []resource.TestStep{
			{
				// Down for three calls: the create is refused three times.
				PreConfig: func() { w.HangUp(3) },
				Config:    cfg(8, "2m"),
				Check:     resource.ComposeTestCheckFunc(teeth(8), hungUp(3)),
			},
			{
				PreConfig: func() { w.HangUp(3) },
				Config:    cfg(9, "2m"),
				Check:     resource.ComposeTestCheckFunc(teeth(9), hungUp(6)),
			},
			{
				// The delete goes through the validating webhook.
				PreConfig: func() { w.HangUp(3) },
				Config:    acctest.Provider("plan_dry_run = false"),
				Check:     resource.ComposeTestCheckFunc(gone, hungUp(9)),
			},
			{
				// Down past the timeout: named, and nothing stored.
				PreConfig:   func() { w.HangUp(-1) },
				Config:      cfg(8, "4s"),
				ExpectError: acctest.Error("Admission Webhook Unreachable", `admission webhook "mutate.stand-in.hedgehog-terraform.github.io"`, "nothing was stored", "kubectl -n fab get pods"),
			},
			{
				// No tainted phantom: the next apply creates it, not replaces it.
				PreConfig: func() {
					w.Serve()
					if acctest.Object(t, cogKind, ns, name) != nil {
						t.Fatal("the refused create stored a cog")
					}
				},
				Config: cfg(8, "2m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hedgehog_cog.c", plancheck.ResourceActionCreate),
				}},
				Check: teeth(8),
			},
		},
	})
}
