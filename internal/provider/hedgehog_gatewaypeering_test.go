package provider_test

import (
	"fmt"
	"reflect"
	"regexp"
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
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

// gatewayPeeringLab is a gateway lab with two VPCs in namespaces of their
// own, a (subnet-01 10.10.1.0/24, subnet-02 10.10.11.0/24) and b (subnet-01
// 10.10.2.0/24), and an External x.
type gatewayPeeringLab struct {
	gatewayLab
	vpcLab
	a, b, x string
}

func newGatewayPeeringLab() gatewayPeeringLab {
	return gatewayPeeringLab{gatewayLab: newGatewayLab(), vpcLab: newVPCLab(), a: acctest.HedgehogName("vpc"),
		b: acctest.HedgehogName("vpc"), x: acctest.HedgehogName("ext")}
}

func (l gatewayPeeringLab) hcl() string {
	return l.gatewayLab.hcl() + l.vpcLab.hcl() +
		vpcHCL("a", l.a, `subnets = {`, `  subnet-01 = { subnet = "10.10.1.0/24", vlan = 1001 }`,
			`  subnet-02 = { subnet = "10.10.11.0/24", vlan = 1002 }`, `}`) +
		vpcHCL("b", l.b, `subnets = { subnet-01 = { subnet = "10.10.2.0/24", vlan = 1003 } }`) + fmt.Sprintf(`
resource "hedgehog_external" "x" {
  name               = %q
  ipv4_namespace     = hedgehog_ipv4_namespace.ns.name
  inbound_community  = "65102:5000"
  outbound_community = "5000:65102"
}
`, l.x)
}

func (l gatewayPeeringLab) gone(t *testing.T, peerings ...string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		return expectAll(acctest.Gone(t, gateway.GatewayPeering, peerings...)(s), l.gatewayLab.gone(t)(s),
			l.vpcLab.gone(t, l.a, l.b)(s), acctest.Gone(t, vpc.External, l.x)(s))
	}
}

// gatewayPeeringHCL is hedgehog_gateway_peering.<res> in the lab's group.
func gatewayPeeringHCL(res, name, sides string, lines ...string) string {
	return fmt.Sprintf(`
resource "hedgehog_gateway_peering" %q {
  name          = %q
  gateway_group = hedgehog_gateway_group.g.name
  peering = {
%s
  }
%s}
`, res, name, sides, indentLines(lines))
}

func TestAccGatewayPeering_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	l := newGatewayPeeringLab()
	name, inet := acctest.HedgehogName("gwp"), acctest.HedgehogName("gwp")
	addr := "hedgehog_gateway_peering.p"
	// The facts' first example: b behind static NAT, only HTTPS from a.
	staticNAT := gatewayPeeringHCL("p", name, `    (hedgehog_vpc.a.name) = { expose = [{ ips = [{ vpc_subnet = "subnet-01" }] }] }
    (hedgehog_vpc.b.name) = {
      expose = [{ ips = [{ cidr = "10.10.2.0/24" }], as = [{ cidr = "192.168.2.0/24" }], nat = { static = {} } }]
    }`, `acl = {`, `  default = "deny"`, `  rules = [{`, `    name   = "web-from-a"`, `    from   = hedgehog_vpc.a.name`,
		`    action = "allow"`, `    match  = { proto = "tcp", dst = [{ cidr = "192.168.2.0/24", ports = ["443", "8000-8080"] }] }`, `  }]`, `}`)
	first := acctest.Config(l.hcl() + staticNAT)
	// In place: a masqueraded (idle timeout 5m, stored as 5m0s), b plain,
	// the rule logged; and a second peering, a to the External.
	masquerade := gatewayPeeringHCL("p", name, `    (hedgehog_vpc.a.name) = {
      expose = [{ ips = [{ cidr = "10.10.1.0/24" }, { not = "10.10.1.0/28" }], as = [{ cidr = "203.0.113.10/32" }], nat = { masquerade = { idle_timeout = "5m" } } }]
    }
    (hedgehog_vpc.b.name) = { expose = [{ ips = [{ cidr = "10.10.2.0/24" }] }] }`, `acl = {`, `  rules = [{`,
		`    to     = hedgehog_vpc.b.name`, `    action = "deny"`, `    log    = true`, `  }]`, `}`)
	second := acctest.Config(l.hcl() + masquerade + gatewayPeeringHCL("inet", inet,
		`    (hedgehog_vpc.a.name)                = { expose = [{ ips = [{ cidr = "10.10.11.0/24" }] }] }
    "ext.${hedgehog_external.x.name}" = { expose = [{ default = true }] }`) + `
data "hedgehog_gateway_peering" "p" {
  name = hedgehog_gateway_peering.p.name
}

data "hedgehog_gateway_peerings" "of_x" {
  vpc        = "ext.${hedgehog_external.x.name}"
  depends_on = [hedgehog_gateway_peering.inet]
}

data "hedgehog_vpc_info" "a" {
  name       = hedgehog_vpc.a.name
  depends_on = [hedgehog_gateway_peering.p]
}

data "hedgehog_vpc_infos" "all" {
  depends_on = [hedgehog_gateway_peering.inet]
}
`)
	side := func(vpcName string) tfjsonpath.Path { return tfjsonpath.New("peering").AtMapKey(vpcName) }
	ids, p := acctest.NewIdentity(), acctest.Of(gateway.GatewayPeering, name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t, name, inet),
		Steps: []resource.TestStep{
			{
				Config: first,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("acl").AtMapKey("rules").AtSliceIndex(0).AtMapKey("scope"),
						knownvalue.StringExact("flow")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Record(p), acctest.InCluster(t, gateway.GatewayPeering, name, func(u *unstructured.Unstructured) error {
					return expectAll(acctest.Expect(u, "true", "metadata", "labels", gateway.VPCLabel(l.a)),
						acctest.Expect(u, "true", "metadata", "labels", gateway.VPCLabel(l.b)),
						acctest.Expect(u, l.group, "spec", "gatewayGroup"),
						expectAt(u, map[string]any{}, "spec", "peering", l.b, "expose", 0, "nat", "static"),
						expectAt(u, "flow", "spec", "acl", "rules", 0, "scope"))
				})),
			},
			{Config: first, PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true, ImportStateCheck: ids.Imported(p)},
			{ResourceName: addr, ImportState: true, ImportStateId: "default/" + name, ImportStateVerify: true,
				ImportStateCheck: ids.Imported(p)},
			{
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(p), acctest.InCluster(t, gateway.GatewayPeering, name, func(u *unstructured.Unstructured) error {
					return expectAll(expectAt(u, "5m0s", "spec", "peering", l.a, "expose", 0, "nat", "masquerade", "idleTimeout"),
						acctest.Expect(u, "deny-unless-exposed", "spec", "acl", "default"),
						expectAt(u, nil, "spec", "peering", l.b, "expose", 0, "nat"))
				})),
				ConfigStateChecks: []statecheck.StateCheck{
					// The configuration's form stays in the state; the API's 5m0s is the same duration.
					statecheck.ExpectKnownValue(addr, side(l.a).AtMapKey("expose").AtSliceIndex(0).AtMapKey("nat").AtMapKey("masquerade").
						AtMapKey("idle_timeout"), knownvalue.StringExact("5m")),
					statecheck.ExpectKnownValue("data.hedgehog_gateway_peering.p", side(l.a).AtMapKey("expose").AtSliceIndex(0).
						AtMapKey("nat").AtMapKey("masquerade").AtMapKey("idle_timeout"), knownvalue.StringExact("5m0s")),
					statecheck.ExpectKnownValue("data.hedgehog_gateway_peerings.of_x", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(inet)})),
					statecheck.ExpectKnownValue("data.hedgehog_vpc_info.a", tfjsonpath.New("subnets"),
						knownvalue.MapExact(map[string]knownvalue.Check{
							"subnet-01": knownvalue.ObjectExact(map[string]knownvalue.Check{"cidr": knownvalue.StringExact("10.10.1.0/24")}),
							"subnet-02": knownvalue.ObjectExact(map[string]knownvalue.Check{"cidr": knownvalue.StringExact("10.10.11.0/24")}),
						})),
					statecheck.ExpectKnownValue("data.hedgehog_vpc_info.a", tfjsonpath.New("status").AtMapKey("internal_id"),
						knownvalue.StringRegexp(nonEmpty)),
					statecheck.ExpectKnownValue("data.hedgehog_vpc_infos.all", tfjsonpath.New("names"), containsAll(l.a, l.b, "ext."+l.x)),
				},
			},
			{Config: second, PlanOnly: true},
		},
	})
}

var nonEmpty = regexp.MustCompile(`.`)

// expectAt compares a field of an object, at a path of keys and list
// indexes, with a value.
func expectAt(u *unstructured.Unstructured, want any, path ...any) error {
	var v any = u.Object
	for _, step := range path {
		switch s := step.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[s]
		case int:
			l, _ := v.([]any)
			if s >= len(l) {
				v = nil
				continue
			}
			v = l[s]
		}
	}
	if !reflect.DeepEqual(v, want) {
		return fmt.Errorf("%s %s: %v is %#v, want %#v", u.GetKind(), u.GetName(), path, v, want)
	}
	return nil
}

// The webhook's rules that need the cluster, refused at apply in
// upstream's words (vectors GWPEER-30..37).
func TestAccGatewayPeering_clusterRules(t *testing.T) {
	acctest.PreCheck(t)
	l := newGatewayPeeringLab()
	name, other := acctest.HedgehogName("gwp"), acctest.HedgehogName("gwp")
	refused := func(config string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: acctest.Config(l.hcl() + config),
			ExpectError: acctest.Error(append([]string{"Refused by Admission Webhook", "GatewayPeering"}, phrases...)...)}
	}
	ab := `    (hedgehog_vpc.a.name) = { expose = [{ ips = [{ cidr = "10.10.1.0/24" }] }] }
    (hedgehog_vpc.b.name) = { expose = [{ ips = [{ cidr = "10.10.2.0/24" }] }] }`
	emptyGroup := acctest.HedgehogName("gwg")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(l.gone(t, name, other)(s), acctest.Gone(t, gateway.GatewayGroup, emptyGroup)(s))
		},
		Steps: []resource.TestStep{
			refused(strings.Replace(gatewayPeeringHCL("p", name, ab), "hedgehog_gateway_group.g.name", `"nosuchgroup"`, 1),
				"gateway group nosuchgroup not found"),
			refused(gatewayPeeringHCL("p", name, `    (hedgehog_vpc.a.name) = { expose = [{ ips = [{ cidr = "10.10.1.0/24" }] }] }
    "nosuchvpc" = { expose = [{ ips = [{ cidr = "10.9.0.0/24" }] }] }`), "VPC nosuchvpc not found"),
			refused(gatewayPeeringHCL("p", name, `    (hedgehog_vpc.a.name) = { expose = [{ ips = [{ cidr = "10.10.1.0/24" }] }] }
    "ext.nope" = { expose = [{ default = true }] }`), "external nope not found"),
			refused(gatewayPeeringHCL("p", name, strings.Replace(ab, "10.10.1.0/24", "192.168.1.0/24", 1)),
				"CIDR 192.168.1.0/24 is not part of VPC "+l.a),
			refused(gatewayPeeringHCL("p", name, strings.Replace(ab, `cidr = "10.10.1.0/24"`, `vpc_subnet = "subnet-09"`, 1)),
				"VPC subnet subnet-09 referenced in peering expose does not exist in VPC "+l.a),
			refused(strings.Replace(gatewayPeeringHCL("p", name, ab), "hedgehog_gateway_group.g.name", "hedgehog_gateway_group.empty.name", 1)+
				fmt.Sprintf("\nresource \"hedgehog_gateway_group\" \"empty\" {\n  name = %q\n}\n", emptyGroup),
				"building gateway agent: gateway not found for gateway group: "+emptyGroup),
			// What x exposes to a may not overlap what a's other peerings (p: b) expose to it.
			{Config: acctest.Config(l.hcl() + gatewayPeeringHCL("p", name, ab))},
			refused(gatewayPeeringHCL("p", name, ab)+gatewayPeeringHCL("q", other,
				`    (hedgehog_vpc.a.name)                = { expose = [{ ips = [{ cidr = "10.10.11.0/24" }] }] }
    "ext.${hedgehog_external.x.name}" = { expose = [{ ips = [{ cidr = "10.10.2.128/25" }] }] }`),
				"overlap between existing exposed CIDR 10.10.2.0/24 and new exposed CIDR 10.10.2.128/25"),
		},
	})
}
