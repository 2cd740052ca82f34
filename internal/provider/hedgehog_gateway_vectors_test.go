package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// The vectors' cluster, written as Terraform: VPCs vpc-01 and vpc-02 and
// the External internet in the installer's namespaces default (which the
// stand-in seeds), the GatewayGroups default and edge (GWGR-01) and the
// Gateway gw-01 (GW-01) in default.
const gatewayVectorsLab = `

resource "hedgehog_vpc" "vpc_01" {
  name           = "vpc-01"
  ipv4_namespace = "default"
  vlan_namespace = "default"
  subnets = {
    subnet-01 = { subnet = "10.0.1.0/24", vlan = 1001 }
    subnet-02 = { subnet = "10.0.11.0/24", vlan = 1011 }
  }
}

resource "hedgehog_vpc" "vpc_02" {
  name           = "vpc-02"
  ipv4_namespace = "default"
  vlan_namespace = "default"
  subnets        = { subnet-01 = { subnet = "10.0.2.0/24", vlan = 1002 } }
}

resource "hedgehog_external" "internet" {
  name               = "internet"
  ipv4_namespace     = "default"
  inbound_community  = "65102:5000"
  outbound_community = "5000:65102"
}

resource "hedgehog_gateway_group" "default" {
  name = "default"
}

resource "hedgehog_gateway_group" "edge" {
  name = "edge"
}

resource "hedgehog_gateway" "gw_01" {
  name        = "gw-01"
  protocol_ip = "172.30.8.6/32"
  vtep_ip     = "172.30.12.6/32"
  vtep_mac    = "ca:fe:ba:be:00:01"
  asn         = 65534
  interfaces = {
    enp2s1 = { ips = ["172.30.128.1/31"] }
    enp2s2 = { ips = ["172.30.128.3/31"] }
  }
  neighbors = [
    { source = "enp2s1", ip = "172.30.128.0", asn = 65100 },
    { source = "enp2s2", ip = "172.30.128.2", asn = 65100 },
  ]
  # Its group is default, which must exist first.
  depends_on = [hedgehog_gateway_group.default]
}
`

// Every valid vector is applied and then planned empty (the test framework
// plans after each step), on a cluster of its own whose objects are the
// vectors': GWGR-01, GW-01 and, one after the other (they expose the same
// prefixes, which the webhook allows only once per VPC), the peerings
// GWPEER-01..10 with the webhook's defaults (group default, idle timeouts,
// ACL default and scope) and their stored forms (5m as 5m0s).
func TestAccGateway_validVectors(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	cluster := acctest.StartOwn(t, acctest.OwnOptions{Hedgehog: true})
	vpc1 := `(hedgehog_vpc.vpc_01.name) = { expose = [{ ips = [{ cidr = "10.0.1.0/24" }] }] }`
	vpc2 := `(hedgehog_vpc.vpc_02.name) = { expose = [{ ips = [{ cidr = "10.0.2.0/24" }] }] }`
	peering := func(name, sides string, lines ...string) string {
		return ownProvider(cluster.Kubeconfig) + gatewayVectorsLab + fmt.Sprintf(`
resource "hedgehog_gateway_peering" "p" {
  name = %q
  peering = {
    %s
  }
%s  depends_on = [hedgehog_gateway.gw_01]
}
`, name, sides, indentLines(lines))
	}
	stored := func(name string, want any, path ...any) resource.TestCheckFunc {
		return func(*terraform.State) error {
			u := cluster.Object(t, gateway.GatewayPeering, name)
			if u == nil {
				return fmt.Errorf("GatewayPeering %s is not in the cluster", name)
			}
			return expectAt(u, want, append([]any{"spec"}, path...)...)
		}
	}
	group := func(name string) resource.TestCheckFunc { return stored(name, "default", "gatewayGroup") }
	p := "vpc-01--vpc-02"
	nat := func(side string, n int) []any { return []any{"peering", side, "expose", n, "nat"} }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(*terraform.State) error {
			for _, o := range []struct {
				k     *kinds.Kind
				names []string
			}{{gateway.GatewayPeering, []string{p, "vpc-01--internet"}}, {gateway.Gateway, []string{"gw-01"}},
				{gateway.GatewayGroup, []string{"default", "edge"}}} {
				for _, n := range o.names {
					if cluster.Object(t, o.k, n) != nil {
						return fmt.Errorf("%s %s is still in the cluster", o.k.Kind, n)
					}
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{ // GWPEER-01, GW-01, GWGR-01
				Config: peering(p, vpc1+"\n    "+vpc2),
				Check: resource.ComposeAggregateTestCheckFunc(group(p), func(*terraform.State) error {
					u := cluster.Object(t, gateway.Gateway, "gw-01")
					if u == nil {
						return fmt.Errorf("gateway gw-01 is not in the cluster")
					}
					return expectAll(acctest.Expect(u, int64(4), "spec", "workers"),
						acctest.Expect(u, []any{map[string]any{"name": "default"}}, "spec", "groups"),
						acctest.Expect(u, map[string]any{}, "spec", "profiling"),
						acctest.Expect(u, map[string]any{"default": "info", "tags": map[string]any{"all": "info"}}, "spec", "logs"),
						ownLabel(t, cluster, p, gateway.VPCLabel("vpc-01")))
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("hedgehog_gateway_peering.p", tfjsonpath.New("gateway_group"), knownvalue.StringExact("default")),
					statecheck.ExpectKnownValue("hedgehog_gateway.gw_01", tfjsonpath.New("groups"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("default"),
							"priority": knownvalue.Null()})})),
				},
			},
			{ // GWPEER-02
				Config: peering(p, `(hedgehog_vpc.vpc_01.name) = { expose = [{ ips = [{ vpc_subnet = "subnet-01" }, { vpc_subnet = "subnet-02" }] }] }
    (hedgehog_vpc.vpc_02.name) = { expose = [{ ips = [{ vpc_subnet = "subnet-01" }] }] }`),
				Check: stored(p, []any{map[string]any{"vpcSubnet": "subnet-01"}, map[string]any{"vpcSubnet": "subnet-02"}},
					"peering", "vpc-01", "expose", 0, "ips"),
			},
			{ // GWPEER-03
				Config: peering(p, `(hedgehog_vpc.vpc_01.name) = { expose = [{ ips = [{ cidr = "10.0.1.0/24" }], as = [{ cidr = "192.168.1.0/24" }], nat = { static = {} } }] }
    `+vpc2),
				Check: stored(p, map[string]any{"static": map[string]any{}}, nat("vpc-01", 0)...),
			},
			{ // GWPEER-04
				Config: peering(p, `(hedgehog_vpc.vpc_01.name) = { expose = [{ ips = [{ cidr = "10.0.1.0/24" }], as = [{ cidr = "192.168.100.1/32" }], nat = { masquerade = {} } }] }
    `+vpc2),
				Check: stored(p, map[string]any{"masquerade": map[string]any{"idleTimeout": "2m0s"}}, nat("vpc-01", 0)...),
			},
			{ // GWPEER-05
				Config: peering(p, vpc1+`
    (hedgehog_vpc.vpc_02.name) = { expose = [{ ips = [{ cidr = "10.0.2.10/32" }], as = [{ cidr = "192.168.200.10/32" }], nat = { port_forward = { ports = [{ proto = "tcp", port = "22", as = "2222" }] } } }] }`),
				Check: stored(p, map[string]any{"portForward": map[string]any{"idleTimeout": "2m0s",
					"ports": []any{map[string]any{"proto": "tcp", "port": "22", "as": "2222"}}}}, nat("vpc-02", 0)...),
			},
			{ // GWPEER-06
				Config: peering("vpc-01--internet", vpc1+`
    "ext.${hedgehog_external.internet.name}" = { expose = [{ default = true }] }`),
				Check: resource.ComposeAggregateTestCheckFunc(group("vpc-01--internet"),
					stored("vpc-01--internet", []any{map[string]any{"default": true}}, "peering", "ext.internet", "expose"),
					func(*terraform.State) error {
						return ownLabel(t, cluster, "vpc-01--internet", gateway.VPCLabel("ext.internet"))
					}),
			},
			{ // GWPEER-07
				Config: peering(p, vpc1+"\n    "+vpc2, `acl = {`, `  rules = [{`, `    name   = "allow-https"`, `    from   = "vpc-01"`,
					`    action = "allow"`, `    match  = { proto = "tcp", dst = [{ cidr = "10.0.2.0/24", ports = ["443"] }] }`, `  }]`, `}`),
				Check: resource.ComposeAggregateTestCheckFunc(stored(p, "deny-unless-exposed", "acl", "default"),
					stored(p, "flow", "acl", "rules", 0, "scope")),
			},
			{ // GWPEER-08
				Config: peering(p, `(hedgehog_vpc.vpc_01.name) = { expose = [{ ips = [{ cidr = "10.0.1.0/24" }, { not = "10.0.1.128/25" }] }] }
    `+vpc2),
				Check: stored(p, map[string]any{"not": "10.0.1.128/25"}, "peering", "vpc-01", "expose", 0, "ips", 1),
			},
			{ // GWPEER-09
				Config: peering(p, `(hedgehog_vpc.vpc_01.name) = { expose = [{ ips = [{ cidr = "10.0.1.0/24" }], as = [{ cidr = "192.168.100.1/32" }], nat = { masquerade = { idle_timeout = "5m" } } }] }
    `+vpc2),
				Check: stored(p, map[string]any{"masquerade": map[string]any{"idleTimeout": "5m0s"}}, nat("vpc-01", 0)...),
			},
			{ // GWPEER-10
				Config: peering(p, `(hedgehog_vpc.vpc_01.name) = {
      expose = [
        { ips = [{ cidr = "10.0.1.0/24" }], as = [{ cidr = "192.168.100.1/32" }], nat = { masquerade = {} } },
        { ips = [{ cidr = "10.0.1.10/32" }], as = [{ cidr = "192.168.100.2/32" }], nat = { port_forward = { ports = [{ proto = "tcp", port = "80", as = "8080" }] } } },
      ]
    }
    `+vpc2),
				Check: resource.ComposeAggregateTestCheckFunc(
					stored(p, map[string]any{"masquerade": map[string]any{"idleTimeout": "2m0s"}}, nat("vpc-01", 0)...),
					stored(p, "2m0s", append(nat("vpc-01", 1), "portForward", "idleTimeout")...)),
			},
		},
	})
}

// ownLabel checks a label of a peering in an own cluster.
func ownLabel(t *testing.T, cluster *acctest.OwnCluster, name, label string) error {
	t.Helper()
	u := cluster.Object(t, gateway.GatewayPeering, name)
	if u == nil {
		return fmt.Errorf("GatewayPeering %s is not in the cluster", name)
	}
	return acctest.Expect(u, "true", "metadata", "labels", label)
}
