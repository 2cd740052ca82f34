package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// An External cannot be deleted while an attachment uses it: the refusal
// comes back as a diagnostic, and the External stays.
func TestAccExternal_deleteBlockedWhileAttached(t *testing.T) {
	acctest.PreCheck(t)
	l := newExternalLab()
	ext, att := acctest.HedgehogName("ext"), acctest.HedgehogName("ea")
	// The attachment names the External literally: only depends_on tells
	// Terraform that it must go first.
	attachment := func(extra string) string {
		return fmt.Sprintf(`
resource "hedgehog_external_attachment" "a" {
  name            = %q
  external        = %q
  connection_name = hedgehog_connection.ext.name
  switch          = { ip = "100.1.10.1/24" }
  neighbor        = { asn = 64102, ip = "100.1.10.6" }
%s}
`, att, ext, extra)
	}
	depends := "  depends_on = [hedgehog_external.e]\n"
	withExternal := acctest.Config(l.hcl() + externalHCL("e", ext, `timeouts = { delete = "3s" }`) + attachment(depends))
	withoutExternal := acctest.Config(l.hcl() + attachment(""))
	ids, e := acctest.NewIdentity(), acctest.Of(vpc.External, ext)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, vpc.ExternalAttachment, att)(s), acctest.Gone(t, vpc.External, ext)(s), l.gone(t)(s))
		},
		Steps: []resource.TestStep{
			{Config: withExternal, Check: ids.Record(e)},
			{
				Config: withoutExternal,
				ExpectError: acctest.Error("Refused by Admission Webhook", "The delete was refused until the timeout of 3s ran out",
					"refused to delete External", "external has attachments"),
			},
			{
				// The refused delete left the External in the cluster and in
				// the state: the same External, not made again.
				Config: acctest.Config(l.hcl() + externalHCL("e", ext) + attachment(depends)),
				Check:  ids.Same(e),
			},
		},
	})
}

// wait_for_applied fails at once, with the agent's last word, when the
// switch fails to apply (its agent exits and starts again, as Hedgehog's
// does); a second apply, the switch healthy again, replaces the tainted
// attachment.
func TestAccExternalAttachment_waitForAppliedFails(t *testing.T) {
	acctest.PreCheck(t)
	l := newExternalLab()
	ext, att := acctest.HedgehogName("ext"), acctest.HedgehogName("ea")
	body := externalHCL("e", ext) + attachmentHCL("a", att, "e", `switch   = { ip = "100.1.10.1/24" }`,
		`neighbor = { asn = 64102, ip = "100.1.10.6" }`, `wait_for_applied = true`)
	w, ids, a := acctest.NewWitness(t), acctest.NewIdentity(), acctest.Of(vpc.ExternalAttachment, att)
	failing := w.Config(l.hcl(fmt.Sprintf(`annotations = { %q = "true" }`, fabricsim.FailApplyAnnotation)) + body)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, vpc.ExternalAttachment, att)(s), acctest.Gone(t, vpc.External, ext)(s), l.gone(t)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: failing,
				ExpectError: acctest.Error("ExternalAttachment Not Applied", "ExternalAttachment "+att+": switch "+l.leaf.name,
					"failed to apply the change", "stopped while applying generation", "Config will be applied, gen=",
					"stays in the state"),
			},
			{
				PreConfig: func() {
					// The failed wait left the attachment it made, tainted.
					if err := ids.Record(a)(nil); err != nil {
						t.Fatal(err)
					}
					healSwitch(t, l.leaf.name, fabricsim.FailApplyAnnotation)()
				},
				Config: w.Config(l.hcl() + body),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hedgehog_external_attachment.a", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Replaced(a, a), func(*terraform.State) error {
					return w.Applied(t, l.leaf.name, "externalAttachments", att)
				}),
			},
		},
	})
}

// wait_for_applied times out, listing the switches still pending and their
// last heartbeat, when a switch's agent is silent.
func TestAccExternalAttachment_waitForAppliedTimesOut(t *testing.T) {
	acctest.PreCheck(t)
	l := newExternalLab()
	ext, att := acctest.HedgehogName("ext"), acctest.HedgehogName("ea")
	body := func(extra ...string) string {
		return externalHCL("e", ext) + attachmentHCL("a", att, "e", append([]string{`switch   = { ip = "100.1.10.1/24" }`,
			`neighbor = { asn = 64102, ip = "100.1.10.6" }`, `wait_for_applied = true`}, extra...)...)
	}
	w, ids, a := acctest.NewWitness(t), acctest.NewIdentity(), acctest.Of(vpc.ExternalAttachment, att)
	offline := w.Config(l.hcl(fmt.Sprintf(`annotations = { %q = "true" }`, fabricsim.OfflineAnnotation)) +
		body(`timeouts = { create = "3s" }`))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, vpc.ExternalAttachment, att)(s), acctest.Gone(t, vpc.External, ext)(s), l.gone(t)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: offline,
				ExpectError: acctest.Error("Timed Out Waiting For ExternalAttachment Applied", "these switches have not applied the change",
					"to ExternalAttachment "+att, "- "+l.leaf.name+":", "last heartbeat never"),
			},
			{
				PreConfig: func() {
					// The failed wait left the attachment it made, tainted.
					if err := ids.Record(a)(nil); err != nil {
						t.Fatal(err)
					}
					healSwitch(t, l.leaf.name, fabricsim.OfflineAnnotation)()
				},
				Config: w.Config(l.hcl() + body()),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hedgehog_external_attachment.a", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Replaced(a, a), func(*terraform.State) error {
					return w.Applied(t, l.leaf.name, "externalAttachments", att)
				}),
			},
		},
	})
}

// healSwitch removes a stand-in annotation from a switch before the next
// step applies, so that its agent is healthy while Terraform replaces what
// the failed wait left tainted.
func healSwitch(t *testing.T, name, annotation string) func() {
	return func() {
		if err := acctest.Patch(wiring.Switch, "default", name, "test-heal",
			map[string]any{"metadata": map[string]any{"annotations": map[string]any{annotation: nil}}}); err != nil {
			t.Fatalf("removing %s from switch %s: %v", annotation, name, err)
		}
		// The stand-in's agent reads the switch from its informer cache: the
		// switch is healthy once its agent has applied the generation it
		// failed on, not when the patch returns (a change made at once might
		// still meet the failing switch, as on a real fabric).
		waitForAgentStatus(t, acctest.C.Dynamic, name, "to apply its generation once "+annotation+" was removed",
			func(a *unstructured.Unstructured, _ time.Time) bool {
				return agentInt(a, "lastAppliedGen") == a.GetGeneration()
			})
	}
}
