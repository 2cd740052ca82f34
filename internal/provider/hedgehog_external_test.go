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

// externalLab is what External tests stand on: an IPv4 namespace
// (hedgehog_ipv4_namespace.ipns), and a leaf (hedgehog_switch.leaf, in the
// VLAN namespace hedgehog_vlan_namespace.ns) with an external connection
// (hedgehog_connection.ext).
type externalLab struct {
	vlanNS, ipNS, conn string
	leaf               labSwitch
}

func newExternalLab() externalLab {
	return externalLab{vlanNS: acctest.HedgehogName("vl"), ipNS: acctest.HedgehogName("ipns"), conn: acctest.HedgehogName("ext"),
		leaf: newLeaf("leaf")}
}

// hcl is the lab, with more attribute lines for the leaf.
func (l externalLab) hcl(leafExtra ...string) string {
	return vlanNamespaceHCL(l.vlanNS) + l.leaf.hcl(leafExtra...) + fmt.Sprintf(`
resource "hedgehog_connection" "ext" {
  name     = %q
  external = { link = { switch = { port = %s } } }
}

resource "hedgehog_ipv4_namespace" "ipns" {
  name    = %q
  subnets = ["10.70.0.0/16"]
}
`, l.conn, port(l.leaf.addr(), "E1/10"), l.ipNS)
}

func (l externalLab) gone(t *testing.T) func(*terraform.State) error {
	return func(s *terraform.State) error {
		return expectAll(acctest.Gone(t, wiring.Connection, l.conn)(s), acctest.Gone(t, wiring.Switch, l.leaf.name)(s),
			acctest.Gone(t, vpc.IPv4Namespace, l.ipNS)(s))
	}
}

// externalHCL is a hedgehog_external in the lab's IPv4 namespace.
func externalHCL(res, name string, lines ...string) string {
	return fmt.Sprintf("\nresource \"hedgehog_external\" %q {\n  name           = %q\n  ipv4_namespace = hedgehog_ipv4_namespace.ipns.name\n%s}\n",
		res, name, indentLines(lines))
}

func TestAccExternal_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	ipNS, name, static := acctest.HedgehogName("ipns"), acctest.HedgehogName("ext"), acctest.HedgehogName("ext")
	addr := "hedgehog_external.bgp"
	ns := fmt.Sprintf(`
resource "hedgehog_ipv4_namespace" "ipns" {
  name    = %q
  subnets = ["10.71.0.0/16"]
}
`, ipNS)
	first := acctest.Config(ns + externalHCL("bgp", name, `inbound_community  = "65102:5000"`, `outbound_community = "5000:65102"`,
		`labels = { team = "net" }`) + externalHCL("static", static, `static = { prefixes = ["10.90.0.0/16", "10.80.0.0/16"] }`))
	// In place: other communities, then the BGP External turns static.
	second := strings.Replace(first, `"65102:5000"`, `"65102:5001"`, 1)
	third := strings.Replace(second, "inbound_community  = \"65102:5001\"\n  outbound_community = \"5000:65102\"",
		`static = { prefixes = ["192.168.0.0/16"] }`, 1)
	lists := first + fmt.Sprintf(`
data "hedgehog_external" "bgp" {
  name = hedgehog_external.bgp.name
}

data "hedgehog_externals" "in_ns" {
  ipv4_namespace = hedgehog_ipv4_namespace.ipns.name
  depends_on     = [hedgehog_external.bgp, hedgehog_external.static]
}

data "hedgehog_externals" "team" {
  label_selector = "team=net,%s=%s"
  depends_on     = [hedgehog_external.bgp]
}
`, vpc.LabelIPv4Namespace, ipNS)
	inCluster := func(n string, check func(u *unstructured.Unstructured) error) resource.TestCheckFunc {
		return acctest.InCluster(t, vpc.External, n, check)
	}
	ids, bgp, st := acctest.NewIdentity(), acctest.Of(vpc.External, name), acctest.Of(vpc.External, static)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, vpc.External, name, static)(s), acctest.Gone(t, vpc.IPv4Namespace, ipNS)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: first,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("default/"+name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("ipv4_namespace"), knownvalue.StringExact(ipNS)),
					statecheck.ExpectKnownValue("hedgehog_external.static", tfjsonpath.New("static").AtMapKey("prefixes"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("10.90.0.0/16"), knownvalue.StringExact("10.80.0.0/16")})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Record(bgp), ids.Record(st),
					inCluster(name, func(u *unstructured.Unstructured) error {
						return expectAll(acctest.Expect(u, "65102:5000", "spec", "inboundCommunity"),
							acctest.Expect(u, ipNS, "metadata", "labels", vpc.LabelIPv4Namespace),
							acctest.Expect(u, "net", "metadata", "labels", "team"))
					}),
					inCluster(static, func(u *unstructured.Unstructured) error {
						return acctest.Expect(u, []any{"10.90.0.0/16", "10.80.0.0/16"}, "spec", "static", "prefixes")
					})),
			},
			{Config: first, PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true, ImportStateCheck: ids.Imported(bgp)},
			{ResourceName: "hedgehog_external.static", ImportState: true, ImportStateId: "default/" + static, ImportStateVerify: true,
				ImportStateCheck: ids.Imported(st)},
			{
				Config: lists,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hedgehog_external.bgp", tfjsonpath.New("outbound_community"),
						knownvalue.StringExact("5000:65102")),
					statecheck.ExpectKnownValue("data.hedgehog_external.bgp", tfjsonpath.New("labels").AtMapKey(vpc.LabelIPv4Namespace),
						knownvalue.StringExact(ipNS)),
					statecheck.ExpectKnownValue("data.hedgehog_externals.in_ns", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(sortStrings([]string{name, static})[0]),
							knownvalue.StringExact(sortStrings([]string{name, static})[1])})),
					statecheck.ExpectKnownValue("data.hedgehog_externals.team", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(name)})),
				},
			},
			{
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(bgp), inCluster(name, func(u *unstructured.Unstructured) error {
					return acctest.Expect(u, "65102:5001", "spec", "inboundCommunity")
				})),
			},
			{
				Config: third,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(bgp), ids.Same(st), inCluster(name, func(u *unstructured.Unstructured) error {
					spec, _ := u.Object["spec"].(map[string]any)
					if spec["inboundCommunity"] != nil || spec["outboundCommunity"] != nil {
						return fmt.Errorf("the communities are still there: %v", spec)
					}
					return acctest.Expect(u, []any{"192.168.0.0/16"}, "spec", "static", "prefixes")
				})),
			},
		},
	})
}

// Rules that the plan can check are checked at plan time, in Hedgehog's
// words, with the attribute named; the IPv4 namespace's existence only the
// cluster knows.
func TestAccExternal_rules(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.HedgehogName("ext")
	external := func(lines ...string) string {
		return acctest.Config(fmt.Sprintf("\nresource \"hedgehog_external\" \"e\" {\n  name = %q\n%s}\n", name, indentLines(lines)))
	}
	plan := func(config string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: acctest.Error(phrases...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, vpc.External, name),
		Steps: []resource.TestStep{
			plan(acctest.Config(`
resource "hedgehog_external" "e" {
  name = "external-long"
}
`), "Invalid External", "Attribute name: name external-long is too long, must be <= 11 characters"),
			plan(external(`inbound_community = "InboundCommunity"`),
				"Invalid External", "Attribute inbound_community: inboundCommunity InboundCommunity is not a valid community, example",
				"50000:50001"),
			plan(external(`outbound_community = "65536:1"`),
				"Attribute outbound_community: outboundCommunity 65536:1 is not a valid community"),
			plan(external(`inbound_community = "50000:1001"`, `static = { prefixes = ["0.0.0.0/0"] }`),
				"Attribute inbound_community: inboundCommunity and outboundCommunity must be empty when static configuration is present"),
			plan(external(`static = { prefixes = [] }`),
				"Attribute static.prefixes: at least one prefix must be specified for static externals"),
			plan(external(`static = {}`),
				"Attribute static.prefixes: at least one prefix must be specified for static externals"),
			plan(external(`static = { prefixes = ["0.0.0.0/0", "10.10.0.0/24"] }`),
				"Attribute static.prefixes[1]: static prefixes 0.0.0.0/0 and 10.10.0.0/24 overlap with each other"),
			plan(external(`static = { prefixes = ["10.1.0.0/33"] }`),
				"Attribute static.prefixes[0]: invalid prefix 10.1.0.0/33 in static external configuration"),
			{
				// Left out, the IPv4 namespace is the webhook's default, and the plan says so (the
				// provider's prediction: the cluster's dry run would refuse it, having no namespace default).
				Config:   strings.Replace(external(`inbound_community = "65102:5000"`), "config_path", "plan_dry_run = false\n  config_path", 1),
				PlanOnly: true, ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("hedgehog_external.e", tfjsonpath.New("ipv4_namespace"), knownvalue.StringExact("default")),
				}},
			},
			{
				Config: external(`ipv4_namespace = "nosuchns"`),
				ExpectError: acctest.Error("Refused by Admission Webhook", "External", "error validating external: IPv4Namespace nosuchns",
					"not found"),
			},
		},
	})
}
