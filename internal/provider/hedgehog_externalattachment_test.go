package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

// attachmentHCL is a hedgehog_external_attachment on the lab's connection.
func attachmentHCL(res, name, external string, lines ...string) string {
	return fmt.Sprintf(`
resource "hedgehog_external_attachment" %q {
  name            = %q
  external        = hedgehog_external.%s.name
  connection_name = hedgehog_connection.ext.name
%s}
`, res, name, external, indentLines(lines))
}

// A BGP and a static External, each attached to the leaf's port on a VLAN
// of its own: the switch's agent applies them (wait_for_applied), the static
// attachment is stored with the empty switch and neighbor the webhook adds,
// and none of it is a difference afterwards.
func TestAccExternalAttachment_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	l := newExternalLab()
	bgpExt, staticExt := acctest.HedgehogName("ext"), acctest.HedgehogName("ext")
	bgp, static := acctest.HedgehogName("ea"), acctest.HedgehogName("ea")
	addr := "hedgehog_external_attachment.bgp"
	externals := externalHCL("bgp", bgpExt, `inbound_community  = "65102:5000"`, `outbound_community = "5000:65102"`,
		`wait_for_applied   = true`) + externalHCL("static", staticExt, `static = { prefixes = ["0.0.0.0/0"] }`)
	w, ids := acctest.NewWitness(t), acctest.NewIdentity()
	bgpRef, staticRef, extRef := acctest.Of(vpc.ExternalAttachment, bgp), acctest.Of(vpc.ExternalAttachment, static), acctest.Of(vpc.External, bgpExt)
	first := w.Config(l.hcl() + externals +
		attachmentHCL("bgp", bgp, "bgp", `switch   = { vlan = 10, ip = "100.1.10.1/24" }`, `neighbor = { asn = 64102, ip = "100.1.10.6" }`,
			`wait_for_applied = true`) +
		attachmentHCL("static", static, "static", `static = { remote_ip = "100.1.20.1", vlan = 20, proxy = true }`,
			`inbound_acl = { statements = [{ seq = 10, action = "permit", protocol = "tcp", src_prefix = "any", dst_prefix = "10.0.0.0/8", port_range_begin = 80, port_range_end = 443 }] }`,
			`wait_for_applied = true`))
	// In place: another neighbor address; the External's new community
	// reaches the leaf through its attachment (the External waits for it).
	second := strings.Replace(strings.Replace(first, `"100.1.10.6"`, `"100.1.10.7"`, 1), `"65102:5000"`, `"65102:5001"`, 1)
	lists := second + fmt.Sprintf(`
data "hedgehog_external_attachment" "static" {
  name = hedgehog_external_attachment.static.name
}

data "hedgehog_external_attachments" "of_bgp" {
  external   = hedgehog_external.bgp.name
  depends_on = [hedgehog_external_attachment.bgp, hedgehog_external_attachment.static]
}

data "hedgehog_external_attachments" "on_connection" {
  connection_name = hedgehog_connection.ext.name
  label_selector  = "%s=%s"
  depends_on      = [hedgehog_external_attachment.bgp, hedgehog_external_attachment.static]
}
`, vpc.LabelExternal, staticExt)
	inCluster := func(n string, check func(u *unstructured.Unstructured) error) resource.TestCheckFunc {
		return acctest.InCluster(t, vpc.ExternalAttachment, n, check)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, vpc.ExternalAttachment, bgp, static)(s), acctest.Gone(t, vpc.External, bgpExt, staticExt)(s),
				l.gone(t)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: first,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("default/"+bgp)),
					statecheck.ExpectKnownValue("hedgehog_external_attachment.static", tfjsonpath.New("switch"), knownvalue.Null()),
					statecheck.ExpectKnownValue("hedgehog_external_attachment.static", tfjsonpath.New("inbound_acl").AtMapKey("statements").
						AtSliceIndex(0).AtMapKey("port_range_end"), knownvalue.Int64Exact(443)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					inCluster(bgp, func(u *unstructured.Unstructured) error {
						return expectAll(acctest.Expect(u, int64(64102), "spec", "neighbor", "asn"),
							acctest.Expect(u, l.conn, "metadata", "labels", vpc.LabelConnection),
							acctest.Expect(u, bgpExt, "metadata", "labels", vpc.LabelExternal))
					}),
					inCluster(static, func(u *unstructured.Unstructured) error {
						return expectAll(acctest.Expect(u, map[string]any{}, "spec", "switch"),
							acctest.Expect(u, map[string]any{}, "spec", "neighbor"),
							acctest.Expect(u, true, "spec", "static", "proxy"))
					}),
					func(*terraform.State) error {
						// wait_for_applied: the provider saw the leaf apply both attachments. (The
						// External, made before them, had no switch to wait for yet.)
						return expectAll(w.Applied(t, l.leaf.name, "externalAttachments", bgp),
							w.Applied(t, l.leaf.name, "externalAttachments", static))
					}, ids.Record(bgpRef), ids.Record(staticRef), ids.Record(extRef)),
			},
			{Config: first, PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: bgp, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"wait_for_applied"}, ImportStateCheck: ids.Imported(bgpRef)},
			{ResourceName: "hedgehog_external_attachment.static", ImportState: true, ImportStateId: "default/" + static,
				ImportStateVerify: true, ImportStateVerifyIgnore: []string{"wait_for_applied"}, ImportStateCheck: ids.Imported(staticRef)},
			{
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("hedgehog_external.bgp", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					inCluster(bgp, func(u *unstructured.Unstructured) error {
						return acctest.Expect(u, "100.1.10.7", "spec", "neighbor", "ip")
					}),
					func(*terraform.State) error {
						// Both waits: the provider saw the leaf apply the new neighbor and, through the
						// attachment, the External's new community.
						return expectAll(w.Applied(t, l.leaf.name, "externalAttachments", bgp), w.Applied(t, l.leaf.name, "externals", bgpExt),
							agentCarriesValue(t, l.leaf.name, "65102:5001", "externals", bgpExt, "inboundCommunity"))
					}, ids.Same(bgpRef), ids.Same(extRef)),
			},
			{
				Config: lists,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hedgehog_external_attachment.static", tfjsonpath.New("static").AtMapKey("remote_ip"),
						knownvalue.StringExact("100.1.20.1")),
					statecheck.ExpectKnownValue("data.hedgehog_external_attachments.of_bgp", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(bgp)})),
					statecheck.ExpectKnownValue("data.hedgehog_external_attachments.on_connection", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(static)})),
				},
			},
		},
	})
}

// agentCarriesValue checks a field of an object that a switch's Agent carries.
func agentCarriesValue(t *testing.T, sw string, want any, path ...string) error {
	a := acctest.Object(t, agent.Agent, "default", sw)
	if a == nil {
		return fmt.Errorf("switch %s has no Agent", sw)
	}
	return acctest.Expect(a, want, append([]string{"spec"}, path...)...)
}

// Rules that the plan can check fail the plan with Hedgehog's words and the
// attribute; the rules that need the External, the connection and the other
// attachments come back from the webhook.
func TestAccExternalAttachment_rules(t *testing.T) {
	acctest.PreCheck(t)
	l := newExternalLab()
	bgpExt, staticExt, name, other := acctest.HedgehogName("ext"), acctest.HedgehogName("ext"), acctest.HedgehogName("ea"),
		acctest.HedgehogName("ea")
	base := l.hcl() + externalHCL("bgp", bgpExt) + externalHCL("static", staticExt, `static = { prefixes = ["0.0.0.0/0"] }`)
	bgpLines := []string{`switch   = { vlan = 10, ip = "100.1.10.1/24" }`, `neighbor = { asn = 64102, ip = "100.1.10.6" }`}
	staticLines := []string{`static = { remote_ip = "100.1.20.1", vlan = 20, proxy = true }`}
	att := func(external string, lines ...string) string {
		return acctest.Config(base + attachmentHCL("a", name, external, lines...))
	}
	plan := func(config string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: acctest.Error(phrases...)}
	}
	aclWith := func(statement string) string {
		return att("bgp", append(bgpLines, "inbound_acl = { statements = ["+statement+"] }")...)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, vpc.ExternalAttachment, name, other)(s), acctest.Gone(t, vpc.External, bgpExt, staticExt)(s))
		},
		Steps: []resource.TestStep{
			plan(att("bgp", `switch = { vlan = 10 }`, `neighbor = { asn = 64102, ip = "100.1.10.6" }`),
				"Invalid ExternalAttachment", "Attribute switch.ip: switch.ip is required"),
			plan(att("bgp", `switch = { ip = "100.1.10.1" }`, `neighbor = { asn = 64102, ip = "100.1.10.6" }`),
				"Attribute switch.ip: switch.ip is not a valid IP CIDR"),
			plan(att("bgp", `switch = { ip = "100.1.10.1/24" }`, `neighbor = { ip = "100.1.10.6" }`),
				"Attribute neighbor.asn: neighbor.asn is required"),
			plan(att("bgp", `switch = { ip = "100.1.10.1/24" }`, `neighbor = { asn = 64102, ip = "100.1.10.6/24" }`),
				"Attribute neighbor.ip: neighbor.ip is not a valid IP address"),
			plan(att("static", append(staticLines, `switch = { vlan = 20 }`)...),
				"Attribute switch: switch parameters must not be set for static external attachment"),
			plan(att("static", append(staticLines, `neighbor = { asn = 64102 }`)...),
				"Attribute neighbor: neighbor parameters must not be set for static external attachment"),
			plan(att("static", `static = { remote_ip = "100.1.20.1", ip = "100.1.20.2/24", proxy = true }`),
				"Attribute static: either static.ip or static.proxy must be set for static external attachment"),
			plan(att("static", `static = { remote_ip = "100.1.20.1" }`),
				"Attribute static: either static.ip or static.proxy must be set for static external attachment"),
			plan(att("static", `static = { remote_ip = "100.1.20.1/24", proxy = true }`),
				"Attribute static.remote_ip: static.remoteIP is not a valid IP address"),
			plan(att("static", `static = { remote_ip = "100.1.20.1", ip = "100.1.20.2" }`),
				"Attribute static.ip: static.ip is not a valid IP CIDR"),
			plan(aclWith(`{ seq = 9, action = "permit", protocol = "tcp", src_prefix = "any", dst_prefix = "any" }`),
				"Attribute inbound_acl.statements[0].seq: invalid inboundACL: sequence number 9 is reserved for security rules",
				"(user-defined rules must use seq >= 10)"),
			plan(aclWith(`{ seq = 10, action = "permit", protocol = "tcp", src_prefix = "any", dst_prefix = "any", tcp_filters = { established = true, not_syn = true } }`),
				"Attribute inbound_acl.statements[0].tcp_filters: invalid inboundACL: established is mutually exclusive with",
				"individual TCP flags in statement 10"),
			plan(aclWith(`{ seq = 10, action = "permit", protocol = "tcp", src_prefix = "10.0.0.0/8", dst_prefix = "any", port_range_begin = 443, port_range_end = 80 }`),
				"Attribute inbound_acl.statements[0].port_range_begin: invalid inboundACL: portRangeBegin must be <= portRangeEnd",
				"in statement 10"),
			plan(aclWith(`{ seq = 10, action = "allow", protocol = "tcp", src_prefix = "any", dst_prefix = "any" }`),
				`Attribute inbound_acl.statements[0].action: invalid inboundACL: invalid action "allow" in statement 10`),
			{
				Config: att("static", bgpLines...),
				ExpectError: acctest.Error("Refused by Admission Webhook", "ExternalAttachment", "failed to validate external attachment:",
					"external attachment is not static but external "+staticExt+" is"),
			},
			{
				Config: att("bgp", staticLines...),
				ExpectError: acctest.Error("Refused by Admission Webhook", "failed to validate external attachment:",
					"external attachment is static but external "+bgpExt+" is not"),
			},
			{
				Config: acctest.Config(base + strings.Replace(attachmentHCL("a", name, "bgp", bgpLines...),
					"hedgehog_connection.ext.name", `"nosuchconn"`, 1)),
				ExpectError: acctest.Error("Refused by Admission Webhook", "failed to validate external attachment: connection nosuchconn",
					"not found"),
			},
			{
				Config: acctest.Config(base + strings.Replace(attachmentHCL("a", name, "bgp", bgpLines...),
					"hedgehog_external.bgp.name", `"nosuchext"`, 1)),
				ExpectError: acctest.Error("Refused by Admission Webhook", "failed to validate external attachment: external nosuchext",
					"not found"),
			},
			{Config: att("bgp", bgpLines...)},
			{
				// A second attachment on the same connection and VLAN.
				Config: att("bgp", bgpLines...) + attachmentHCL("b", other, "static", `static = { remote_ip = "100.1.20.1", vlan = 10, proxy = true }`),
				ExpectError: acctest.Error("Refused by Admission Webhook", "failed to validate external attachment: connection "+l.conn,
					"already has an external attachment with VLAN 10"),
			},
		},
	})
}
