package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
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
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, vpc.ExternalAttachment, att)(s), acctest.Gone(t, vpc.External, ext)(s), l.gone(t)(s))
		},
		Steps: []resource.TestStep{
			{Config: withExternal},
			{
				Config: withoutExternal,
				ExpectError: acctest.Error("Refused by Admission Webhook", "The delete was refused until the timeout of 3s ran out",
					"refused to delete External", "external has attachments"),
			},
			{
				// The refused delete left the External in the cluster.
				Config: acctest.Config(l.hcl() + externalHCL("e", ext) + attachment(depends)),
				Check:  acctest.InCluster(t, vpc.External, ext, func(*unstructured.Unstructured) error { return nil }),
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
	failing := acctest.Config(l.hcl(fmt.Sprintf(`annotations = { %q = "true" }`, fabricsim.FailApplyAnnotation)) + body)
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
				PreConfig: healSwitch(t, l.leaf.name, fabricsim.FailApplyAnnotation),
				Config:    acctest.Config(l.hcl() + body),
				Check: func(*terraform.State) error {
					return agentCarries(t, l.leaf.name, "externalAttachments", att)
				},
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
	offline := acctest.Config(l.hcl(fmt.Sprintf(`annotations = { %q = "true" }`, fabricsim.OfflineAnnotation)) +
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
				PreConfig: healSwitch(t, l.leaf.name, fabricsim.OfflineAnnotation),
				Config:    acctest.Config(l.hcl() + body()),
				Check: func(*terraform.State) error {
					return agentCarries(t, l.leaf.name, "externalAttachments", att)
				},
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
	}
}
