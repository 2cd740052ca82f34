package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

func TestAccVPCAttachment_rules(t *testing.T) {
	acctest.PreCheck(t)
	l := newAttachLab()
	vpcName, other, name, second := acctest.HedgehogName("vpc"), acctest.HedgehogName("vpc"), acctest.HedgehogName("att"),
		acctest.HedgehogName("att")
	otherNS := acctest.HedgehogName("vl")
	base := l.hcl() + vpcHCL("v", vpcName, twoSubnets)
	att := func(subnet, conn string, lines ...string) string {
		return acctest.Config(base + vpcAttachmentHCL("a", name, subnet, conn, lines...))
	}
	plan := func(config string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: acctest.Error(phrases...)}
	}
	refused := func(config string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: config,
			ExpectError: acctest.Error(append([]string{"Refused by Admission Webhook", "VPCAttachment"}, phrases...)...)}
	}
	unbundled := "hedgehog_connection.unbundled.name"
	fabricConn := fmt.Sprintf(`
resource "hedgehog_connection" "fabric" {
  name   = %q
  fabric = { links = [{ spine = { port = %s }, leaf = { port = %s } }] }
}
`, acctest.HedgehogName("c"), port("hedgehog_switch.spine", "E1/1"), port("hedgehog_switch.leaf1", "E1/1"))
	// A VPC in a VLAN namespace that the leaves do not use.
	elsewhere := strings.Replace(vlanNamespaceHCL(otherNS), `"ns"`, `"other"`, 1) + strings.Replace(
		vpcHCL("o", other, `subnets = { default = { subnet = "10.10.9.0/24", vlan = 1009 } }`),
		"hedgehog_vlan_namespace.ns", "hedgehog_vlan_namespace.other", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t, []string{vpcName, other}, name, second),
		Steps: []resource.TestStep{
			plan(att(`"/default"`, unbundled), "Invalid VPCAttachment",
				"Attribute subnet: subnet should be in <vpc>/<subnet> format, vpc is missing"),
			plan(att(`"${hedgehog_vpc.v.name}/web"`, `""`), "Invalid VPCAttachment", "Attribute connection_name: connection is required"),
			plan(att(`"${hedgehog_vpc.v.name}/web"`, unbundled, `labels = { "fabric.githedgehog.com/vpc" = "x" }`), "Key Set By The Server"),
			refused(att(`"nosuchvpc/default"`, unbundled), "failed to validate vpc attachment: vpc nosuchvpc not found"),
			refused(att(`"${hedgehog_vpc.v.name}/db"`, unbundled), "failed to validate vpc attachment: subnet db not found in vpc "+vpcName),
			refused(att(`"${hedgehog_vpc.v.name}/web"`, `"nosuchconn"`), "failed to validate vpc attachment: connection nosuchconn not found"),
			refused(att(`"${hedgehog_vpc.v.name}/web"`, "hedgehog_connection.fabric.name")+fabricConn,
				"failed to validate vpc attachment: vpc can be attached only to Unbundled, Bundled or ESLAG connections"),
			refused(acctest.Config(base+elsewhere+vpcAttachmentHCL("a", name, "hedgehog_vpc.o.name", unbundled)),
				"failed to validate vpc attachment: switch "+l.leaf1.name+" used in connection doesn't have vlan namespace "+otherNS),
			{Config: att(`"${hedgehog_vpc.v.name}/web"`, unbundled, "native_vlan = true")},
			refused(att(`"${hedgehog_vpc.v.name}/web"`, unbundled, "native_vlan = true")+
				vpcAttachmentHCL("b", second, `"${hedgehog_vpc.v.name}/web"`, unbundled),
				"failed to validate vpc attachment: connection "+l.unbundled+" already attached to vpc subnet "+vpcName+"/web"),
			refused(att(`"${hedgehog_vpc.v.name}/web"`, unbundled, "native_vlan = true")+
				vpcAttachmentHCL("b", second, "hedgehog_vpc.v.name", unbundled, "native_vlan = true"),
				"failed to validate vpc attachment: connection "+l.unbundled+" already attached with native VLAN"),
		},
	})
}

// A VPC (and a connection) cannot be deleted while an attachment uses it;
// the whole configuration still destroys in one run, the attachment first
// because it refers to both.
func TestAccVPCAttachment_deleteBlocked(t *testing.T) {
	acctest.PreCheck(t)
	l := newAttachLab()
	vpcName, name := acctest.HedgehogName("vpc"), acctest.HedgehogName("att")
	vpcBlock := vpcHCL("v", vpcName, twoSubnets, `timeouts = { delete = "3s" }`)
	literal := vpcAttachmentHCL("a", name, fmt.Sprintf("%q", vpcName+"/web"), "hedgehog_connection.unbundled.name",
		"depends_on = [hedgehog_vpc.v]")
	with := acctest.Config(l.hcl() + vpcBlock + literal)
	without := acctest.Config(l.hcl() + strings.Replace(literal, "depends_on = [hedgehog_vpc.v]", "", 1))
	ids, v := acctest.NewIdentity(), acctest.Of(vpc.VPC, vpcName)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t, []string{vpcName}, name),
		Steps: []resource.TestStep{
			{Config: with, Check: ids.Record(v)},
			{
				Config: without,
				ExpectError: acctest.Error("Refused by Admission Webhook", "The delete was refused until the timeout of 3s ran out",
					"refused to delete VPC", "VPC has attachments"),
			},
			{
				// The refused delete left the VPC: the same one, not made again.
				Config: with,
				Check:  ids.Same(v),
			},
		},
	})
}

// wait_for_applied waits for the switches of the attachment's connection:
// it succeeds once they apply, times out listing the switch while its agent
// is silent, and fails at once with the agent's last word when the switch
// fails to apply.
func TestAccVPCAttachment_waitForApplied(t *testing.T) {
	acctest.PreCheck(t)
	v := vpcLab{v4: acctest.HedgehogName("ip"), vlan: acctest.HedgehogName("vl")}
	leaf := newLeaf("leaf")
	server, conn := acctest.HedgehogName("srv"), acctest.HedgehogName("c")
	vpcName, name := acctest.HedgehogName("vpc"), acctest.HedgehogName("att")
	w := acctest.NewWitness(t)
	cfg := func(annotation, timeout string, native bool) string {
		var leafLines []string
		if annotation != "" {
			leafLines = append(leafLines, "annotations = { "+annotation+" }")
		}
		return w.Config(v.hcl() + leaf.hcl(leafLines...) + fmt.Sprintf(`
resource "hedgehog_server" "srv" {
  name = %q
}

resource "hedgehog_connection" "c" {
  name      = %q
  unbundled = { link = { server = { port = %s }, switch = { port = %s } } }
}
`, server, conn, port("hedgehog_server.srv", "enp2s1"), port(leaf.addr(), "E1/2")) +
			vpcHCL("v", vpcName, twoSubnets) +
			vpcAttachmentHCL("a", name, `"${hedgehog_vpc.v.name}/web"`, "hedgehog_connection.c.name", "wait_for_applied = true",
				fmt.Sprintf("native_vlan = %v", native), `timeouts = { update = "`+timeout+`" }`))
	}
	offline := fmt.Sprintf("%q = \"true\"", fabricsim.OfflineAnnotation)
	failing := fmt.Sprintf("%q = \"true\"", fabricsim.FailApplyAnnotation)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, vpc.VPCAttachment, name)(s), acctest.Gone(t, vpc.VPC, vpcName)(s),
				acctest.Gone(t, wiring.Switch, leaf.name)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: cfg("", "1m", false),
				Check:  func(*terraform.State) error { return w.Applied(t, leaf.name, "vpcAttachments", name) },
			},
			{
				// The switch goes silent, then the attachment changes.
				Config: cfg(offline, "4s", true),
				ExpectError: acctest.Error("Timed Out Waiting For VPCAttachment Applied", "these switches have not applied",
					name, leaf.name, "last heartbeat", "stays in the state"),
			},
			{
				Config: cfg(failing, "1m", false),
				ExpectError: acctest.Error("VPCAttachment Not Applied", "switch "+leaf.name+" failed to apply the change",
					"stopped while applying generation"),
			},
			// The switch healthy again (a step of its own: the stand-in's
			// agent reads the switch from its cache, which may not have seen
			// the switch change when the attachment's change reaches it in
			// the same run), then the next change waits and is applied.
			{Config: cfg("", "1m", false)},
			{
				Config: cfg("", "1m", true),
				Check: func(*terraform.State) error {
					return expectAll(w.Applied(t, leaf.name, "vpcAttachments", name),
						agentCarriesValue(t, leaf.name, true, "vpcAttachments", name, "nativeVLAN"))
				},
			},
		},
	})
}

// Renaming a VPC replaces it, and Terraform deletes the old VPC first
// (create_before_destroy cannot help: Hedgehog refuses a second VPC with the
// same subnets and VLANs). While an attachment uses the VPC, Hedgehog
// refuses that delete: the apply fails and nothing is lost. Replacing the
// attachment with the VPC (replace_triggered_by) deletes it first, and the
// rename goes through.
func TestAccVPC_renameWhileAttached(t *testing.T) {
	acctest.PreCheck(t)
	l := newWaitLab()
	renamed := l
	renamed.vpc = acctest.HedgehogName("vpc")
	deleteTimeout := func(hcl string) string {
		return strings.Replace(hcl, `resource "hedgehog_vpc" "v" {`, "resource \"hedgehog_vpc\" \"v\" {\n  timeouts = { delete = \"10s\" }", 1)
	}
	ids, oldVPC, newVPC, att := acctest.NewIdentity(), acctest.Of(vpc.VPC, l.vpc), acctest.Of(vpc.VPC, renamed.vpc),
		acctest.Of(vpc.VPCAttachment, l.name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(l.gone(t)(s), acctest.Gone(t, vpc.VPC, renamed.vpc)(s))
		},
		Steps: []resource.TestStep{
			{Config: acctest.Config(deleteTimeout(l.hcl(nil, "native_vlan = false"))), Check: resource.ComposeAggregateTestCheckFunc(ids.Record(oldVPC), ids.Record(att))},
			{
				Config: acctest.Config(deleteTimeout(renamed.hcl(nil, "native_vlan = false"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hedgehog_vpc.v", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("hedgehog_vpc_attachment.a", plancheck.ResourceActionUpdate),
				}},
				ExpectError: acctest.Error("Refused by Admission Webhook", "The delete was refused until the timeout of 10s ran out",
					"refused to delete VPC", "VPC has attachments"),
			},
			{
				PreConfig: func() {
					// The refused delete left the VPC and its attachment as they were.
					if err := expectAll(ids.Same(oldVPC)(nil), ids.Same(att)(nil)); err != nil {
						t.Fatal(err)
					}
				},
				Config: acctest.Config(deleteTimeout(renamed.hcl(nil, "native_vlan = false", "lifecycle {", "  replace_triggered_by = [hedgehog_vpc.v]", "}"))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hedgehog_vpc.v", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("hedgehog_vpc_attachment.a", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Replaced(oldVPC, newVPC), ids.Replaced(att, att),
					acctest.InCluster(t, vpc.VPCAttachment, l.name, func(u *unstructured.Unstructured) error {
						return acctest.Expect(u, renamed.vpc+"/web", "spec", "subnet")
					})),
			},
		},
	})
}
