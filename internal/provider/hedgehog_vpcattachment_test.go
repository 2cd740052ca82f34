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
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// attachLab is a fabric to attach VPCs to: the connection lab (a spine, an
// ESLAG pair of leaves, a server, the VLAN namespace hedgehog_vlan_namespace.ns),
// an IPv4 namespace, an unbundled connection to leaf1 and an ESLAG one to
// both leaves.
type attachLab struct {
	connectionLab
	v4, unbundled, eslag string
}

func newAttachLab() attachLab {
	return attachLab{connectionLab: newConnectionLab(), v4: acctest.HedgehogName("ip"), unbundled: acctest.HedgehogName("c"),
		eslag: acctest.HedgehogName("c")}
}

func (l attachLab) hcl() string {
	srv, leaf1, leaf2 := "hedgehog_server.srv", "hedgehog_switch.leaf1", "hedgehog_switch.leaf2"
	return l.connectionLab.hcl() + vpcLab{v4: l.v4}.ipv4HCL() + fmt.Sprintf(`
resource "hedgehog_connection" "unbundled" {
  name      = %q
  unbundled = { link = { server = { port = %s }, switch = { port = %s } } }
}

resource "hedgehog_connection" "eslag" {
  name  = %q
  eslag = { links = [
    { server = { port = %s }, switch = { port = %s } },
    { server = { port = %s }, switch = { port = %s } },
  ] }
}
`, l.unbundled, port(srv, "enp2s1"), port(leaf1, "E1/2"), l.eslag, port(srv, "enp3s1"), port(leaf1, "E1/5"),
		port(srv, "enp3s2"), port(leaf2, "E1/5"))
}

// gone checks that the whole lab is gone from the cluster.
func (l attachLab) gone(t *testing.T, vpcs []string, attachments ...string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		return expectAll(acctest.Gone(t, vpc.VPCAttachment, attachments...)(s), acctest.Gone(t, vpc.VPC, vpcs...)(s),
			acctest.Gone(t, wiring.Connection, l.unbundled, l.eslag)(s), acctest.Gone(t, wiring.Switch, l.switches()...)(s),
			acctest.Gone(t, vpc.IPv4Namespace, l.v4)(s))
	}
}

func vpcAttachmentHCL(res, name, subnet, conn string, lines ...string) string {
	return fmt.Sprintf(`
resource "hedgehog_vpc_attachment" %q {
  name            = %q
  subnet          = %s
  connection_name = %s
%s}
`, res, name, subnet, conn, indentLines(lines))
}

const twoSubnets = `subnets = {
    default = { subnet = "10.10.1.0/24", vlan = 1001 }
    web     = { subnet = "10.10.2.0/24", vlan = 1002 }
  }`

func TestAccVPCAttachment_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	l := newAttachLab()
	vpcName, a1, a2 := acctest.HedgehogName("vpc"), acctest.HedgehogName("att"), acctest.HedgehogName("att")
	base := l.hcl() + vpcHCL("v", vpcName, twoSubnets, "wait_for_applied = true")
	w, ids := acctest.NewWitness(t), acctest.NewIdentity()
	r1, r2 := acctest.Of(vpc.VPCAttachment, a1), acctest.Of(vpc.VPCAttachment, a2)
	// A bare VPC name means its subnet default (stored as <vpc>/default: no difference).
	first := w.Config(base +
		vpcAttachmentHCL("a1", a1, "hedgehog_vpc.v.name", "hedgehog_connection.unbundled.name", "wait_for_applied = true") +
		vpcAttachmentHCL("a2", a2, `"${hedgehog_vpc.v.name}/web"`, "hedgehog_connection.eslag.name", "native_vlan = true",
			"wait_for_applied = true"))
	second := strings.Replace(first, "native_vlan = true", "native_vlan = false", 1) + `
data "hedgehog_vpc_attachment" "a2" {
  name = hedgehog_vpc_attachment.a2.name
}

data "hedgehog_vpc_attachments" "of_vpc" {
  vpc        = hedgehog_vpc.v.name
  depends_on = [hedgehog_vpc_attachment.a1, hedgehog_vpc_attachment.a2]
}

data "hedgehog_vpc_attachments" "of_eslag" {
  label_selector = "` + vpc.LabelConnection + `=${hedgehog_connection.eslag.name}"
  depends_on     = [hedgehog_vpc_attachment.a2]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t, []string{vpcName}, a1, a2),
		Steps: []resource.TestStep{
			{
				Config: first,
				Check: resource.ComposeAggregateTestCheckFunc(
					acctest.InCluster(t, vpc.VPCAttachment, a1, func(u *unstructured.Unstructured) error {
						return expectAll(acctest.Expect(u, vpcName+"/default", "spec", "subnet"),
							acctest.Expect(u, vpcName, "metadata", "labels", vpc.LabelVPC),
							acctest.Expect(u, "default", "metadata", "labels", vpc.LabelSubnet),
							acctest.Expect(u, l.unbundled, "metadata", "labels", vpc.LabelConnection))
					}),
					acctest.InCluster(t, vpc.VPCAttachment, a2, func(u *unstructured.Unstructured) error {
						return acctest.Expect(u, "true", "metadata", "labels", vpc.LabelNativeVLAN)
					}),
					func(*terraform.State) error {
						// wait_for_applied: the provider saw the switches of each connection apply the
						// attachment, and so the VPC.
						return expectAll(w.Applied(t, l.leaf1.name, "vpcAttachments", a1),
							w.Applied(t, l.leaf1.name, "vpcAttachments", a2), w.Applied(t, l.leaf2.name, "vpcAttachments", a2),
							w.Applied(t, l.leaf2.name, "vpcs", vpcName))
					}, ids.Record(r1), ids.Record(r2)),
			},
			{Config: first, PlanOnly: true},
			{ResourceName: "hedgehog_vpc_attachment.a1", ImportState: true, ImportStateId: a1, ImportStateVerify: true,
				// The import reads the stored form, <vpc>/default.
				ImportStateVerifyIgnore: []string{"subnet", "wait_for_applied"}, ImportStateCheck: ids.Imported(r1)},
			{ResourceName: "hedgehog_vpc_attachment.a2", ImportState: true, ImportStateId: "default/" + a2, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"wait_for_applied"}, ImportStateCheck: ids.Imported(r2)},
			{
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hedgehog_vpc_attachment.a2", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hedgehog_vpc_attachment.a2", tfjsonpath.New("subnet"),
						knownvalue.StringExact(vpcName+"/web")),
					statecheck.ExpectKnownValue("data.hedgehog_vpc_attachments.of_vpc", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(sortStrings([]string{a1, a2})[0]),
							knownvalue.StringExact(sortStrings([]string{a1, a2})[1])})),
					statecheck.ExpectKnownValue("data.hedgehog_vpc_attachments.of_eslag", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(a2)})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(r2), ids.Same(r1),
					acctest.InCluster(t, vpc.VPCAttachment, a2, func(u *unstructured.Unstructured) error {
						if _, ok := u.GetLabels()[vpc.LabelNativeVLAN]; ok {
							return fmt.Errorf("attachment %s still has the native VLAN label", a2)
						}
						return expectAll(w.Applied(t, l.leaf1.name, "vpcAttachments", a2), w.Applied(t, l.leaf2.name, "vpcAttachments", a2))
					})),
			},
			{Config: second, PlanOnly: true},
		},
	})
}
