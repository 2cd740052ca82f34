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
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

// vpcPeeringLab is the attachment lab with two VPCs, a (attached to the
// unbundled connection) and b (attached to the ESLAG one).
type vpcPeeringLab struct {
	attachLab
	a, b, attA, attB string
}

func newVPCPeeringLab() vpcPeeringLab {
	return vpcPeeringLab{attachLab: newAttachLab(), a: acctest.HedgehogName("vpc"), b: acctest.HedgehogName("vpc"),
		attA: acctest.HedgehogName("att"), attB: acctest.HedgehogName("att")}
}

func (l vpcPeeringLab) hcl() string {
	return l.attachLab.hcl() + vpcHCL("a", l.a, twoSubnets) +
		vpcHCL("b", l.b, `subnets = { default = { subnet = "10.10.3.0/24", vlan = 1003 } }`) +
		vpcAttachmentHCL("a", l.attA, "hedgehog_vpc.a.name", "hedgehog_connection.unbundled.name", "wait_for_applied = true") +
		vpcAttachmentHCL("b", l.attB, "hedgehog_vpc.b.name", "hedgehog_connection.eslag.name", "wait_for_applied = true")
}

func (l vpcPeeringLab) gone(t *testing.T, peerings ...string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		return expectAll(acctest.Gone(t, vpc.VPCPeering, peerings...)(s), l.attachLab.gone(t, []string{l.a, l.b}, l.attA, l.attB)(s))
	}
}

// vpcPeeringHCL is the peering hedgehog_vpc_peering.p.
func vpcPeeringHCL(name, permit string, lines ...string) string {
	return fmt.Sprintf(`
resource "hedgehog_vpc_peering" "p" {
  name   = %q
  permit = %s
%s}
`, name, permit, indentLines(lines))
}

func TestAccVPCPeering_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	l := newVPCPeeringLab()
	name := acctest.HedgehogName("peer")
	addr := "hedgehog_vpc_peering.p"
	w, ids, p := acctest.NewWitness(t), acctest.NewIdentity(), acctest.Of(vpc.VPCPeering, name)
	first := w.Config(l.hcl() + vpcPeeringHCL(name,
		`[{ (hedgehog_vpc.a.name) = { subnets = ["web"] }, (hedgehog_vpc.b.name) = { subnets = null } }]`, "wait_for_applied = true",
		// The switches the peering reaches are those of the VPCs' attachments: create it after them.
		"depends_on = [hedgehog_vpc_attachment.a, hedgehog_vpc_attachment.b]"))
	second := strings.Replace(first, `subnets = ["web"]`, `subnets = ["web", "default"]`, 1) + `
data "hedgehog_vpc_peering" "p" {
  name = hedgehog_vpc_peering.p.name
}

data "hedgehog_vpc_peerings" "of_b" {
  vpc        = hedgehog_vpc.b.name
  depends_on = [hedgehog_vpc_peering.p]
}
`
	vpc1, vpc2 := l.a, l.b
	if vpc1 > vpc2 {
		vpc1, vpc2 = vpc2, vpc1
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t, name),
		Steps: []resource.TestStep{
			{
				Config: first,
				Check: resource.ComposeAggregateTestCheckFunc(
					acctest.InCluster(t, vpc.VPCPeering, name, func(u *unstructured.Unstructured) error {
						return expectAll(acctest.Expect(u, vpc1, "metadata", "labels", vpc.LabelVPC1),
							acctest.Expect(u, vpc2, "metadata", "labels", vpc.LabelVPC2),
							acctest.Expect(u, "true", "metadata", "labels", vpc.VPCLabel(l.a)),
							firstPolicy(u, l.b, map[string]any{}))
					}),
					func(*terraform.State) error {
						// wait_for_applied: the provider saw the switches of both VPCs' attachments apply the peering.
						return expectAll(w.Applied(t, l.leaf1.name, "vpcPeers", name), w.Applied(t, l.leaf2.name, "vpcPeers", name))
					}, ids.Record(p)),
			},
			{Config: first, PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"wait_for_applied"}, ImportStateCheck: ids.Imported(p)},
			{ResourceName: addr, ImportState: true, ImportStateId: "default/" + name, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"wait_for_applied"}, ImportStateCheck: ids.Imported(p)},
			{
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hedgehog_vpc_peering.p", tfjsonpath.New("permit").AtSliceIndex(0).AtMapKey(l.a).
						AtMapKey("subnets"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("web"),
						knownvalue.StringExact("default")})),
					statecheck.ExpectKnownValue("data.hedgehog_vpc_peerings.of_b", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(name)})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(p), func(*terraform.State) error {
					return expectAll(w.Applied(t, l.leaf1.name, "vpcPeers", name), w.Applied(t, l.leaf2.name, "vpcPeers", name))
				}),
			},
			{Config: second, PlanOnly: true},
		},
	})
}

func TestAccVPCPeering_rules(t *testing.T) {
	acctest.PreCheck(t)
	l := newVPCPeeringLab()
	name, third := acctest.HedgehogName("peer"), acctest.HedgehogName("vpc")
	otherV4 := acctest.HedgehogName("ip")
	plan := func(permit string, lines []string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: acctest.Config(l.hcl() + vpcPeeringHCL(name, permit, lines...)), PlanOnly: true,
			ExpectError: acctest.Error(phrases...)}
	}
	refused := func(config string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: acctest.Config(config),
			ExpectError: acctest.Error(append([]string{"Refused by Admission Webhook", "VPCPeering"}, phrases...)...)}
	}
	// A third VPC in another IPv4 namespace.
	elsewhere := strings.Replace(vpcLab{v4: otherV4}.ipv4HCL(), `"ns"`, `"other"`, 1) + strings.Replace(
		vpcHCL("c", third, `subnets = { default = { subnet = "10.10.4.0/24", vlan = 1004 } }`),
		"hedgehog_ipv4_namespace.ns", "hedgehog_ipv4_namespace.other", 1)
	ab := `[{ (hedgehog_vpc.a.name) = { subnets = null }, (hedgehog_vpc.b.name) = { subnets = null } }]`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(l.gone(t, name)(s), acctest.Gone(t, vpc.VPC, third)(s), acctest.Gone(t, vpc.IPv4Namespace, otherV4)(s))
		},
		Steps: []resource.TestStep{
			plan(`[{ (hedgehog_vpc.a.name) = { subnets = null } }]`, nil, "Invalid VPCPeering",
				"Attribute permit[0]: each permit policy must have exactly 2 VPCs (idx 0)"),
			plan(`[{ (hedgehog_vpc.a.name) = { subnets = null }, (hedgehog_vpc.b.name) = { subnets = null } }, { (hedgehog_vpc.a.name) = { subnets = null }, "vpc-x" = { subnets = null } }]`, nil,
				"Invalid VPCPeering", "Attribute permit: VPCPeering must have exactly 2 VPCs"),
			plan(ab, []string{`remote = "border"`}, "Invalid VPCPeering", "Attribute remote: remote field is deprecated and no longer supported"),
			plan(`[]`, nil, "permit", "list must contain at least 1 elements"),
			refused(l.hcl()+vpcPeeringHCL(name, `[{ (hedgehog_vpc.a.name) = { subnets = null }, "nosuchvpc" = { subnets = null } }]`),
				"failed to validate vpc peering: vpc nosuchvpc not found"),
			refused(l.hcl()+vpcPeeringHCL(name, `[{ (hedgehog_vpc.a.name) = { subnets = ["db"] }, (hedgehog_vpc.b.name) = { subnets = null } }]`),
				"failed to validate vpc peering: subnet db not found in VPC "+l.a),
			refused(l.hcl()+elsewhere+vpcPeeringHCL(name, `[{ (hedgehog_vpc.a.name) = { subnets = null }, (hedgehog_vpc.c.name) = { subnets = null } }]`),
				"failed to validate vpc peering: VPCs must be in the same IPv4 namespace"),
		},
	})
}

// A VPC cannot be deleted while a peering uses it; the whole configuration
// destroys in one run, the peering first because it refers to the VPCs.
func TestAccVPCPeering_deleteBlocked(t *testing.T) {
	acctest.PreCheck(t)
	l := newVPCPeeringLab()
	name, extra := acctest.HedgehogName("peer"), acctest.HedgehogName("vpc")
	extraVPC := vpcHCL("x", extra, `subnets = { default = { subnet = "10.10.5.0/24", vlan = 1005 } }`, `timeouts = { delete = "3s" }`)
	literal := vpcPeeringHCL(name, fmt.Sprintf(`[{ (hedgehog_vpc.a.name) = { subnets = null }, %q = { subnets = null } }]`, extra))
	with := acctest.Config(l.hcl() + extraVPC + strings.Replace(literal, "\n}\n", "\n  depends_on = [hedgehog_vpc.x]\n}\n", 1))
	without := acctest.Config(l.hcl() + literal)
	ids, x := acctest.NewIdentity(), acctest.Of(vpc.VPC, extra)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(l.gone(t, name)(s), acctest.Gone(t, vpc.VPC, extra)(s))
		},
		Steps: []resource.TestStep{
			{Config: with, Check: ids.Record(x)},
			{
				Config: without,
				ExpectError: acctest.Error("Refused by Admission Webhook", "The delete was refused until the timeout of 3s ran out",
					"refused to delete VPC", "VPC has peerings"),
			},
			// The refused delete left the VPC: the same one, not made again.
			{Config: with, Check: ids.Same(x)},
		},
	})
}

// firstPolicy checks what the first permit policy of a stored peering says
// of one VPC.
func firstPolicy(u *unstructured.Unstructured, vpcName string, want map[string]any) error {
	permit, _, _ := unstructured.NestedSlice(u.Object, "spec", "permit")
	if len(permit) == 0 {
		return fmt.Errorf("peering %s has no policy", u.GetName())
	}
	policy, _ := permit[0].(map[string]any)
	got, ok := policy[vpcName].(map[string]any)
	if !ok || fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Errorf("peering %s: policy 0 of %s is %v, want %v", u.GetName(), vpcName, policy[vpcName], want)
	}
	return nil
}
