// The acceptance tests of hedgehog_vpc (longer than most files: the VPC has
// the most plan-time rules, webhook rules and defaults of any kind).

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

// vpcLab is the namespaces of one VPC test: its own IPv4 namespace
// (10.10.0.0/16) and VLAN namespace (1000-2999), so that its subnets and
// VLANs collide with no other test's.
type vpcLab struct{ v4, vlan string }

func newVPCLab() vpcLab {
	return vpcLab{v4: acctest.HedgehogName("ip"), vlan: acctest.HedgehogName("vl")}
}

func (l vpcLab) hcl() string { return l.ipv4HCL() + vlanNamespaceHCL(l.vlan) }

// ipv4HCL is the lab's IPv4 namespace, hedgehog_ipv4_namespace.ns.
func (l vpcLab) ipv4HCL() string {
	return fmt.Sprintf(`
resource "hedgehog_ipv4_namespace" "ns" {
  name    = %q
  subnets = ["10.10.0.0/16"]
}
`, l.v4)
}

// vpcHCL is a VPC in the lab's namespaces with the given attribute lines.
func vpcHCL(res, name string, lines ...string) string {
	return fmt.Sprintf(`
resource "hedgehog_vpc" %q {
  name           = %q
  ipv4_namespace = hedgehog_ipv4_namespace.ns.name
  vlan_namespace = hedgehog_vlan_namespace.ns.name
%s}
`, res, name, indentLines(lines))
}

func (l vpcLab) gone(t *testing.T, vpcs ...string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		return expectAll(acctest.Gone(t, vpc.VPC, vpcs...)(s), acctest.Gone(t, vpc.IPv4Namespace, l.v4)(s),
			acctest.Gone(t, wiring.VLANNamespace, l.vlan)(s))
	}
}

// dhcp is the path of the default subnet's DHCP settings (a new path each
// time: paths share their steps when extended).
func dhcp() tfjsonpath.Path { return tfjsonpath.New("subnets").AtMapKey("default").AtMapKey("dhcp") }

func TestAccVPC_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	l := newVPCLab()
	name := acctest.HedgehogName("vpc")
	addr := "hedgehog_vpc.v"
	subnets := func(backendVLAN int) string {
		return fmt.Sprintf(`subnets = {
    default = {
      subnet = "10.10.1.0/24"
      vlan   = 1001
      dhcp = {
        enable  = true
        range   = { start = "10.10.1.10" }
        options = { dns_servers = ["1.1.1.1", "1.0.0.1"], advertised_routes = [{ destination = "10.20.0.0/16", gateway = "10.10.1.1" }] }
        static  = { "AA-BB-CC-DD-EE-01" = { ip = "10.10.1.5" } }
      }
    }
    backend = { subnet = "10.10.2.0/24", vlan = %d, isolated = true }
  }`, backendVLAN)
	}
	first := acctest.Config(l.hcl() + vpcHCL("v", name, subnets(1002), `labels = { team = "net" }`,
		`permit = [["default", "backend"]]`, `static_routes = [{ prefix = "10.30.0.0/16", next_hops = ["10.10.1.254"] }]`))
	second := strings.Replace(first, "vlan = 1002", "vlan = 1003", 1) + fmt.Sprintf(`
data "hedgehog_vpc" "v" {
  name = hedgehog_vpc.v.name
}

data "hedgehog_vpcs" "by_namespace" {
  ipv4_namespace = hedgehog_ipv4_namespace.ns.name
  depends_on     = [hedgehog_vpc.v]
}

data "hedgehog_vpcs" "by_label" {
  label_selector = "team=net,%s=%s"
  depends_on     = [hedgehog_vpc.v]
}
`, vpc.LabelVLANNamespace, l.vlan)
	renamed := acctest.HedgehogName("vpc")
	third := strings.Replace(second, fmt.Sprintf("%q", name), fmt.Sprintf("%q", renamed), 1)
	ids, v, renamedV := acctest.NewIdentity(), acctest.Of(vpc.VPC, name), acctest.Of(vpc.VPC, renamed)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t, name, renamed),
		Steps: []resource.TestStep{
			{
				Config: first,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The plan knows the webhook's defaults.
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("subnets").AtMapKey("backend").AtMapKey("gateway"),
						knownvalue.StringExact("10.10.2.1")),
					plancheck.ExpectKnownValue(addr, dhcp().AtMapKey("range").AtMapKey("end"), knownvalue.StringExact("10.10.1.255")),
					plancheck.ExpectKnownValue(addr, dhcp().AtMapKey("options").AtMapKey("interface_mtu"), knownvalue.Int64Exact(9036)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("default/"+name)),
					statecheck.ExpectKnownValue(addr, dhcp().AtMapKey("options").AtMapKey("lease_time_seconds"), knownvalue.Int64Exact(3600)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Record(v), acctest.InCluster(t, vpc.VPC, name, func(u *unstructured.Unstructured) error {
					sub := []string{"spec", "subnets", "default"}
					at := func(p ...string) []string { return append(append([]string{}, sub...), p...) }
					return expectAll(
						acctest.Expect(u, "10.10.1.1", at("gateway")...),
						acctest.Expect(u, "10.10.1.10", at("dhcp", "range", "start")...),
						acctest.Expect(u, "10.10.1.255", at("dhcp", "range", "end")...),
						acctest.Expect(u, []any{"1.0.0.1", "1.1.1.1"}, at("dhcp", "options", "dnsServers")...),
						acctest.Expect(u, map[string]any{"ip": "10.10.1.5"}, at("dhcp", "static", "aa:bb:cc:dd:ee:01")...),
						acctest.Expect(u, true, "spec", "subnets", "backend", "isolated"),
						acctest.Expect(u, l.v4, "metadata", "labels", vpc.LabelIPv4Namespace),
						acctest.Expect(u, "net", "metadata", "labels", "team"))
				})),
			},
			{Config: first, PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true, ImportStateCheck: ids.Imported(v),
				// The import reads the server's form: the MAC key normalised.
				ImportStateVerifyIgnore: []string{"subnets.default.dhcp.static"}},
			{ResourceName: addr, ImportState: true, ImportStateId: "default/" + name, ImportStateVerify: true, ImportStateCheck: ids.Imported(v),
				ImportStateVerifyIgnore: []string{"subnets.default.dhcp.static"}},
			{
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hedgehog_vpc.v", tfjsonpath.New("subnets").AtMapKey("backend").AtMapKey("vlan"),
						knownvalue.Int64Exact(1003)),
					statecheck.ExpectKnownValue("data.hedgehog_vpc.v", dhcp().AtMapKey("static").AtMapKey("aa:bb:cc:dd:ee:01").
						AtMapKey("ip"), knownvalue.StringExact("10.10.1.5")),
					statecheck.ExpectKnownValue("data.hedgehog_vpcs.by_namespace", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(name)})),
					statecheck.ExpectKnownValue("data.hedgehog_vpcs.by_label", tfjsonpath.New("vpcs").AtSliceIndex(0).
						AtMapKey("permit"), knownvalue.ListExact([]knownvalue.Check{knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("default"), knownvalue.StringExact("backend")})})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(v), acctest.InCluster(t, vpc.VPC, name, func(u *unstructured.Unstructured) error {
					return acctest.Expect(u, int64(1003), "spec", "subnets", "backend", "vlan")
				})),
			},
			{Config: second, PlanOnly: true},
			{
				// A new name is a new VPC: Terraform deletes the old one first
				// (the new one could not be made beside it: Hedgehog refuses
				// two VPCs with the same subnets and VLANs), and the data
				// sources follow.
				Config: third,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hedgehog_vpcs.by_namespace", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(renamed)})),
				},
				Check: ids.Replaced(v, renamedV),
			},
		},
	})
}

// Rules that the plan can check are checked at plan time, in Hedgehog's
// words, with the attribute named.
func TestAccVPC_planRules(t *testing.T) {
	acctest.PreCheck(t)
	l := newVPCLab()
	name := acctest.HedgehogName("vpc")
	plan := func(vpcName string, lines []string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: acctest.Config(l.hcl() + vpcHCL("v", vpcName, lines...)), PlanOnly: true,
			ExpectError: acctest.Error(append([]string{"Invalid VPC"}, phrases...)...)}
	}
	sub := func(body string) []string { return []string{"subnets = { default = " + body + " }"} }
	ok := `{ subnet = "10.10.1.0/24", vlan = 1001 }`
	many := make([]string, 21)
	for i := range many {
		many[i] = fmt.Sprintf(`s%d = { subnet = "10.10.%d.0/24", vlan = %d }`, i, i, 1100+i)
	}
	at := "Attribute subnets[\"default\"]"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			plan("vpc-toolongn", sub(ok), "Attribute name: name vpc-toolongn is too long, must be <= 11 characters"),
			plan("ext.vpc", sub(ok), "Attribute name: vpc name cannot start with 'ext.': ext.vpc"),
			plan(name, []string{"subnets = {}"}, "Attribute subnets: at least one subnet is required"),
			plan(name, []string{"subnets = {\n" + strings.Join(many, "\n") + "\n}"}, "Attribute subnets: too many subnets, max is 20"),
			plan(name, sub(`{ subnet = "10.10.1.0", vlan = 1001 }`), at+".subnet: subnet default: failed to parse subnet 10.10.1.0"),
			plan(name, sub(`{ subnet = "10.10.1.0/31", vlan = 1001 }`),
				at+".subnet: subnet default: prefix length 31 is too large, must be <= 30"),
			plan(name, sub(`{ subnet = "10.10.1.0/24", gateway = "10.10.2.1", vlan = 1001 }`),
				at+".gateway: subnet default: gateway 10.10.2.1 is not in the subnet"),
			plan(name, sub(`{ subnet = "10.10.1.0/24", vlan = 1001, dhcp = { enable = true, range = { start = "10.10.1.100", end = "10.10.2.9" } } }`),
				at+".dhcp.range.end: subnet default: dhcp range end 10.10.2.9 is not in the subnet"),
			plan(name, []string{`subnets = {
    a = { subnet = "10.10.1.0/24", vlan = 1001 }
    b = { subnet = "10.10.2.0/24", vlan = 1001 }
  }`}, "Attribute subnets: duplicate subnet VLANs"),
			{Config: acctest.Config(l.hcl() + vpcHCL("v", name, sub(`{ subnet = "10.10.1.0/24", vlan = 4095 }`)...)), PlanOnly: true,
				ExpectError: acctest.Error(at+".vlan", "must be between 1 and 4094")},
			plan(name, sub(`{ subnet = "10.10.1.0/24", vlan = 1001, dhcp = { enable = true, relay = "10.99.0.1/32" } }`),
				at+".dhcp.relay: subnet default: dhcp relay and dhcp server cannot be enabled at the same time"),
			plan(name, sub(`{ subnet = "10.10.1.0/24", vlan = 1001, dhcp = { options = { pxe_url = "http://10.10.1.9/boot" } } }`),
				at+".dhcp.options.pxe_url: subnet default: pxeURL is set but dhcp is disabled"),
			plan(name, sub(`{ subnet = "10.10.1.0/24", vlan = 1001, dhcp = { static = { "aa:bb:cc:dd:ee:01" = { ip = "10.10.1.5" } } } }`),
				at+".dhcp.static: subnet default: static IPs are not supported when DHCP is disabled"),
			plan(name, sub(`{ subnet = "10.10.1.0/24", vlan = 1001, dhcp = { enable = true, options = { interface_mtu = 9100 } } }`),
				at+".dhcp.options.interface_mtu: subnet default: MTU cannot be set greater than 9036"),
			plan(name, append(sub(ok), `permit = [["default", "db"]]`), "Attribute permit[0]: permit policy #0: subnet db not found"),
			plan(name, append(sub(ok), `mode = "l3flat"`), "Attribute mode: L3Flat mode is not supported yet"),
			plan(name, append(sub(ok), `static_routes = [{ prefix = "10.30.0.0/16", next_hops = [] }]`), "Attribute static_routes[0].next_hops: static route #0: at least one next hop is required"),
			{Config: acctest.Config(l.hcl() + vpcHCL("v", name, append(sub(ok), `labels = { "fabric.githedgehog.com/vpc" = "x" }`)...)),
				PlanOnly: true, ExpectError: acctest.Error("Key Set By The Server", `Attribute labels["fabric.githedgehog.com/vpc"]`)},
		},
	})
}

// Rules that need the cluster come back from the webhook as a diagnostic
// that names the object and the rule.
func TestAccVPC_clusterRules(t *testing.T) {
	acctest.PreCheck(t)
	l := newVPCLab()
	a, b := acctest.HedgehogName("vpc"), acctest.HedgehogName("vpc")
	sub := func(subnet string, vlan int) string {
		return fmt.Sprintf(`subnets = { default = { subnet = %q, vlan = %d } }`, subnet, vlan)
	}
	base := l.hcl() + vpcHCL("a", a, sub("10.10.1.0/24", 1001))
	refused := func(config string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: acctest.Config(config),
			ExpectError: acctest.Error(append([]string{"Refused by Admission Webhook", "VPC"}, phrases...)...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t, a, b),
		Steps: []resource.TestStep{
			{Config: acctest.Config(base)},
			refused(base+vpcHCL("b", b, sub("10.10.1.128/25", 1002)),
				"failed to validate vpc: subnet 10.10.1.128/25 overlaps with subnet 10.10.1.0/24 of VPC "+a),
			refused(base+vpcHCL("b", b, sub("10.10.2.0/24", 1001)), "failed to validate vpc: vlan 1001 is already used by other VPC"),
			refused(base+vpcHCL("b", b, sub("10.11.2.0/24", 1002)),
				"failed to validate vpc: vpc subnet default (10.11.2.0/24) doesn't belong to the IPv4Namespace "+l.v4),
			refused(base+vpcHCL("b", b, sub("10.10.2.0/24", 3001)),
				"failed to validate vpc: vpc subnet default (10.10.2.0/24) vlan 3001 doesn't belong to the VLANNamespace "+l.vlan),
			refused(base+vpcHCL("b", b, sub("172.30.5.0/24", 1002)), "failed to validate vpc: subnet default: subnet 172.30.5.0/24 is reserved"),
			// Left out, the namespaces are "default" (the webhook's default): the installer's, 10.0.0.0/16.
			refused(base+fmt.Sprintf("\nresource \"hedgehog_vpc\" \"b\" {\n  name = %q\n  %s\n}\n", b, sub("10.10.2.0/24", 1002)),
				"failed to validate vpc: vpc subnet default (10.10.2.0/24) doesn't belong to the IPv4Namespace default"),
		},
	})
}

// The plan shows the webhook's defaults before anything is created: the
// namespaces, the gateway, the DHCP range and options.
func TestAccVPC_plannedDefaults(t *testing.T) {
	acctest.PreCheck(t)
	addr := "hedgehog_vpc.d"
	// The provider's own predictions: without the cluster's dry run (which
	// would refuse the VPC, this cluster having no namespace "default").
	config := acctest.Provider("plan_dry_run = false") + fmt.Sprintf(`
resource "hedgehog_vpc" "d" {
  name    = %q
  subnets = { default = { subnet = "10.10.1.0/24", vlan = 1001, dhcp = { enable = true, options = { time_servers = ["10.0.0.2"] } } } }
}
`, acctest.HedgehogName("vpc"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{{
			Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("ipv4_namespace"), knownvalue.StringExact("default")),
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("vlan_namespace"), knownvalue.StringExact("default")),
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("subnets").AtMapKey("default").AtMapKey("gateway"),
					knownvalue.StringExact("10.10.1.1")),
				plancheck.ExpectKnownValue(addr, dhcp().AtMapKey("range"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"start": knownvalue.StringExact("10.10.1.2"), "end": knownvalue.StringExact("10.10.1.255")})),
				plancheck.ExpectKnownValue(addr, dhcp().AtMapKey("options").AtMapKey("dns_servers"), knownvalue.SetSizeExact(0)),
				plancheck.ExpectKnownValue(addr, dhcp().AtMapKey("options").AtMapKey("lease_time_seconds"), knownvalue.Int64Exact(3600)),
			}},
		}},
	})
}

// The namespaces cannot be deleted while a VPC uses them; the whole
// configuration still destroys in one run, the VPC first.
func TestAccVPC_namespaceDeleteBlocked(t *testing.T) {
	acctest.PreCheck(t)
	l := newVPCLab()
	name := acctest.HedgehogName("vpc")
	// The VPC names the namespace literally: nothing orders the deletes.
	literal := fmt.Sprintf(`
resource "hedgehog_vpc" "v" {
  name           = %q
  ipv4_namespace = %q
  vlan_namespace = hedgehog_vlan_namespace.ns.name
  subnets        = { default = { subnet = "10.10.1.0/24", vlan = 1001 } }
  depends_on     = [hedgehog_ipv4_namespace.ns]
}
`, name, l.v4)
	ns := strings.Replace(l.hcl(), `subnets = ["10.10.0.0/16"]`, `subnets  = ["10.10.0.0/16"]
  timeouts = { delete = "3s" }`, 1)
	without := strings.Replace(ns, `resource "hedgehog_ipv4_namespace" "ns"`, `resource "hedgehog_ipv4_namespace" "other"`, 1)
	without = strings.Replace(without, fmt.Sprintf("%q", l.v4), fmt.Sprintf("%q", acctest.HedgehogName("ip")), 1)
	ids, v4 := acctest.NewIdentity(), acctest.Of(vpc.IPv4Namespace, l.v4)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t, name),
		Steps: []resource.TestStep{
			{Config: acctest.Config(ns + literal), Check: ids.Record(v4)},
			{
				Config: acctest.Config(without + strings.Replace(literal, "hedgehog_ipv4_namespace.ns", "hedgehog_ipv4_namespace.other", 1)),
				ExpectError: acctest.Error("Refused by Admission Webhook", "The delete was refused until the timeout of 3s ran out",
					"IPv4Namespace has VPCs"),
			},
			{
				// The refused delete left the namespace: the same one, not made again.
				Config: acctest.Config(ns + literal),
				Check:  ids.Same(v4),
			},
		},
	})
}
