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

// peeringLab is an External lab with a BGP External attached to the leaf
// (hedgehog_external.e) and a VPC of two subnets (hedgehog_vpc.v), both in
// the lab's IPv4 namespace.
type peeringLab struct {
	externalLab
	ext, att, vpc string
}

func newPeeringLab() peeringLab {
	return peeringLab{externalLab: newExternalLab(), ext: acctest.HedgehogName("ext"), att: acctest.HedgehogName("ea"),
		vpc: acctest.HedgehogName("vpc")}
}

func (l peeringLab) hcl() string {
	return l.externalLab.hcl() + externalHCL("e", l.ext, `inbound_community  = "65102:5000"`, `outbound_community = "5000:65102"`) +
		attachmentHCL("a", l.att, "e", `switch   = { vlan = 10, ip = "100.1.10.1/24" }`, `neighbor = { asn = 64102, ip = "100.1.10.6" }`) +
		fmt.Sprintf(`
resource "hedgehog_vpc" "v" {
  name           = %q
  ipv4_namespace = hedgehog_ipv4_namespace.ipns.name
  vlan_namespace = hedgehog_vlan_namespace.ns.name
  subnets = {
    web = { subnet = "10.70.1.0/24", vlan = 1001 }
    db  = { subnet = "10.70.2.0/24", vlan = 1002 }
  }
}
`, l.vpc)
}

func (l peeringLab) gone(t *testing.T) func(*terraform.State) error {
	return func(s *terraform.State) error {
		return expectAll(acctest.Gone(t, vpc.VPC, l.vpc)(s), acctest.Gone(t, vpc.ExternalAttachment, l.att)(s),
			acctest.Gone(t, vpc.External, l.ext)(s), l.externalLab.gone(t)(s))
	}
}

// peeringHCL is a hedgehog_external_peering of the lab's VPC and External.
func peeringHCL(name, subnets, prefixes string, lines ...string) string {
	return fmt.Sprintf(`
resource "hedgehog_external_peering" "p" {
  name = %q
  permit = {
    vpc      = { name = hedgehog_vpc.v.name, subnets = %s }
    external = { name = hedgehog_external.e.name, prefixes = %s }
  }
%s}
`, name, subnets, prefixes, indentLines(lines))
}

// The webhook sorts the subnets and the prefixes: written in another order,
// no difference. The switches of the External's attachment apply the
// peering (wait_for_applied), and the whole configuration is destroyed in
// one run (the peering first: it refers to the VPC and the External).
func TestAccExternalPeering_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	l := newPeeringLab()
	name := acctest.HedgehogName("ep")
	addr := "hedgehog_external_peering.p"
	w, ids, p := acctest.NewWitness(t), acctest.NewIdentity(), acctest.Of(vpc.ExternalPeering, name)
	first := w.Config(l.hcl() + peeringHCL(name, `["web", "db"]`, `[{ prefix = "10.0.0.0/8" }, { prefix = "0.0.0.0/0" }]`,
		`labels = { team = "net" }`, `wait_for_applied = true`,
		// The switches that apply the peering are those of the External's attachments.
		`depends_on = [hedgehog_external_attachment.a]`))
	second := strings.Replace(first, `["web", "db"]`, `["web"]`, 1)
	lists := second + `
data "hedgehog_external_peering" "p" {
  name = hedgehog_external_peering.p.name
}

data "hedgehog_external_peerings" "of_vpc" {
  vpc            = hedgehog_vpc.v.name
  external       = hedgehog_external.e.name
  label_selector = "team=net"
  depends_on     = [hedgehog_external_peering.p]
}
`
	inCluster := func(check func(u *unstructured.Unstructured) error) resource.TestCheckFunc {
		return acctest.InCluster(t, vpc.ExternalPeering, name, check)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, vpc.ExternalPeering, name)(s), l.gone(t)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: first,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("default/"+name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("permit").AtMapKey("vpc").AtMapKey("subnets"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("web"), knownvalue.StringExact("db")})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					inCluster(func(u *unstructured.Unstructured) error {
						return expectAll(acctest.Expect(u, []any{"db", "web"}, "spec", "permit", "vpc", "subnets"),
							acctest.Expect(u, []any{map[string]any{"prefix": "0.0.0.0/0"}, map[string]any{"prefix": "10.0.0.0/8"}},
								"spec", "permit", "external", "prefixes"),
							acctest.Expect(u, l.vpc, "metadata", "labels", vpc.LabelVPC),
							acctest.Expect(u, l.ext, "metadata", "labels", vpc.LabelExternal))
					}),
					func(*terraform.State) error {
						// wait_for_applied: the provider saw the leaf of the External's attachment apply it.
						return w.Applied(t, l.leaf.name, "externalPeerings", name)
					}, ids.Record(p)),
			},
			{Config: first, PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true, ImportStateCheck: ids.Imported(p),
				// Imported, the lists are in the server's order.
				ImportStateVerifyIgnore: []string{"wait_for_applied", "permit.vpc.subnets", "permit.external.prefixes"}},
			{ResourceName: addr, ImportState: true, ImportStateId: "default/" + name, ImportStateVerify: true, ImportStateCheck: ids.Imported(p),
				ImportStateVerifyIgnore: []string{"wait_for_applied", "permit.vpc.subnets", "permit.external.prefixes"}},
			{
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					inCluster(func(u *unstructured.Unstructured) error {
						return acctest.Expect(u, []any{"web"}, "spec", "permit", "vpc", "subnets")
					}),
					func(*terraform.State) error {
						return expectAll(w.Applied(t, l.leaf.name, "externalPeerings", name),
							agentCarriesValue(t, l.leaf.name, []any{"web"}, "externalPeerings", name, "permit", "vpc", "subnets"))
					}, ids.Same(p)),
			},
			{
				Config: lists,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hedgehog_external_peering.p", tfjsonpath.New("permit").AtMapKey("external").
						AtMapKey("prefixes").AtSliceIndex(0).AtMapKey("prefix"), knownvalue.StringExact("0.0.0.0/0")),
					statecheck.ExpectKnownValue("data.hedgehog_external_peerings.of_vpc", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(name)})),
				},
			},
		},
	})
}

// Plan-time rules name the attribute; the rules that need the VPC and the
// External come back from the webhook; neither can be deleted while the
// peering uses it.
func TestAccExternalPeering_rules(t *testing.T) {
	acctest.PreCheck(t)
	l := newPeeringLab()
	name, otherNS, otherExt := acctest.HedgehogName("ep"), acctest.HedgehogName("ipns"), acctest.HedgehogName("ext")
	cfg := func(peering string) string { return acctest.Config(l.hcl() + peering) }
	// An External in another IPv4 namespace.
	other := fmt.Sprintf(`
resource "hedgehog_ipv4_namespace" "other" {
  name    = %q
  subnets = ["10.72.0.0/16"]
}

resource "hedgehog_external" "other" {
  name           = %q
  ipv4_namespace = hedgehog_ipv4_namespace.other.name
}
`, otherNS, otherExt)
	plan := func(config string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: acctest.Error(phrases...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, vpc.ExternalPeering, name)(s), acctest.Gone(t, vpc.External, otherExt)(s), l.gone(t)(s))
		},
		Steps: []resource.TestStep{
			plan(cfg(strings.Replace(peeringHCL(name, `["web"]`, `[]`), "hedgehog_vpc.v.name", `""`, 1)),
				"Invalid ExternalPeering", "Attribute permit.vpc.name: vpc.name is required"),
			plan(cfg(strings.Replace(peeringHCL(name, `["web"]`, `[]`), "hedgehog_external.e.name", `""`, 1)),
				"Attribute permit.external.name: external.name is required"),
			plan(cfg(peeringHCL(name, `["web"]`, `[{ prefix = "10.0.0.0/8" }, { prefix = "" }]`)),
				"Attribute permit.external.prefixes[1].prefix: external.prefixes.prefix is required"),
			plan(cfg(peeringHCL(name, `["web"]`, `[{ prefix = "any" }]`)),
				"Attribute permit.external.prefixes[0].prefix: external.prefixes.prefix any is not an IPv4 prefix"),
			{
				Config: cfg(peeringHCL(name, `["web", "app"]`, `[]`)),
				ExpectError: acctest.Error("Refused by Admission Webhook", "ExternalPeering", "failed to validate external peering:",
					"vpc "+l.vpc+" does not have subnet app"),
			},
			{
				Config:      cfg(strings.Replace(peeringHCL(name, `["web"]`, `[]`), "hedgehog_vpc.v.name", `"nosuchvpc"`, 1)),
				ExpectError: acctest.Error("Refused by Admission Webhook", "failed to validate external peering: vpc nosuchvpc not found"),
			},
			{
				Config: cfg(strings.Replace(peeringHCL(name, `["web"]`, `[]`), "hedgehog_external.e.name", `"nosuchext"`, 1)),
				ExpectError: acctest.Error("Refused by Admission Webhook", "failed to validate external peering: external nosuchext",
					"not found"),
			},
			{
				Config: cfg(other + strings.Replace(peeringHCL(name, `["web"]`, `[]`), "hedgehog_external.e.name",
					"hedgehog_external.other.name", 1)),
				ExpectError: acctest.Error("Refused by Admission Webhook", "failed to validate external peering: vpc's IPv4 namespace "+
					l.ipNS+" is different from the external's IPv4 namespace "+otherNS),
			},
		},
	})
}

// Neither the External nor the VPC can be deleted while a peering uses
// them; the refusal comes back as a diagnostic, and both stay.
func TestAccExternalPeering_deleteBlocked(t *testing.T) {
	acctest.PreCheck(t)
	l := newPeeringLab()
	name := acctest.HedgehogName("ep")
	// The peering names the External literally: only depends_on tells
	// Terraform that it must go first.
	peering := func(depends string) string {
		return fmt.Sprintf(`
resource "hedgehog_external_peering" "p" {
  name   = %q
  permit = { vpc = { name = hedgehog_vpc.v.name }, external = { name = %q } }
%s}
`, name, l.ext, depends)
	}
	depends := "  depends_on = [hedgehog_external.e]\n"
	full := l.hcl() + peering(depends)
	short := strings.Replace(full, `outbound_community = "5000:65102"`, "outbound_community = \"5000:65102\"\n  timeouts = { delete = \"3s\" }", 1)
	// Without the External (and its attachment): Terraform deletes them.
	withoutExternal := l.externalLab.hcl() + fmt.Sprintf(`
resource "hedgehog_vpc" "v" {
  name           = %q
  ipv4_namespace = hedgehog_ipv4_namespace.ipns.name
  vlan_namespace = hedgehog_vlan_namespace.ns.name
  subnets = {
    web = { subnet = "10.70.1.0/24", vlan = 1001 }
    db  = { subnet = "10.70.2.0/24", vlan = 1002 }
  }
}
`, l.vpc) + peering("")
	ids, e := acctest.NewIdentity(), acctest.Of(vpc.External, l.ext)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, vpc.ExternalPeering, name)(s), l.gone(t)(s))
		},
		Steps: []resource.TestStep{
			{Config: acctest.Config(short), Check: ids.Record(e)},
			{
				Config: acctest.Config(withoutExternal),
				ExpectError: acctest.Error("Refused by Admission Webhook", "The delete was refused until the timeout of 3s ran out",
					"refused to delete External", "external has peerings"),
			},
			{
				// The refused delete left the External: the same one, not made again.
				Config: acctest.Config(full),
				Check:  ids.Same(e),
			},
		},
	})
}
