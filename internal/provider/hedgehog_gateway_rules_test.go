package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// Every vector that upstream's rules refuse from the object alone is
// refused at plan time, in upstream's words, at the attribute: GWPEER-12..29,
// GW-03, GW-04, GW-07, GWGR-03 and the Gateway's namespace (GWPEER-11, GW-02
// and GWGR-02 depend on the fabric's configuration: TestAccGateway_off).
func TestAccGateway_planRules(t *testing.T) {
	acctest.PreCheck(t)
	vpc1 := `"vpc-01" = { expose = [{ ips = [{ cidr = "10.0.1.0/24" }] }] }`
	vpc2 := `"vpc-02" = { expose = [{ ips = [{ cidr = "10.0.2.0/24" }] }] }`
	peer := func(body string) string {
		return fmt.Sprintf("resource \"hedgehog_gateway_peering\" \"p\" {\n  name = \"vpc-01--vpc-02\"\n%s\n}\n", body)
	}
	sides := func(entries ...string) string {
		return "  peering = {\n    " + strings.Join(entries, "\n    ") + "\n  }"
	}
	acl := func(rule string) string { return sides(vpc1, vpc2) + "\n  acl = { rules = [" + rule + "] }" }
	gw := func(replace ...string) string {
		s := `resource "hedgehog_gateway" "gw" {
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
}
`
		for i := 0; i+1 < len(replace); i += 2 {
			s = strings.Replace(s, replace[i], replace[i+1], 1)
		}
		return s
	}
	step := func(config, kind string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: acctest.Config(config), PlanOnly: true,
			ExpectError: acctest.Error(append([]string{"Invalid " + kind}, phrases...)...)}
	}
	masq := func(side, cidr, as string) string {
		return fmt.Sprintf(`"%s" = { expose = [{ ips = [{ cidr = %q }], as = [{ cidr = %q }], nat = { masquerade = {} } }] }`, side, cidr, as)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{Config: acctest.Config(peer(`  namespace = "tenant-a"` + "\n" + sides(vpc1, vpc2))), PlanOnly: true,
				ExpectError: acctest.Error("Invalid Namespace", `"tenant-a" is not "default": gatewaypeering namespace must be default`)},
			step(peer(`  gateway_group = "default"`+"\n"+sides(vpc1)), "GatewayPeering",
				"Attribute peering: peering must have exactly 2 VPCs, got 1"),
			step(peer(sides(vpc1)), "GatewayPeering", "Attribute gateway_group: gateway group must be specified vpc-01--vpc-02"),
			step(peer(sides(vpc1, `"ext.internet" = { expose = [{ default = true, ips = [{ cidr = "0.0.0.0/0" }] }] }`)), "GatewayPeering",
				`Attribute peering["ext.internet"].expose[0].default: default flag should be the only thing set in expose of VPC ext.internet`),
			step(peer(sides(vpc1, `"vpc-02" = { expose = [{}] }`)), "GatewayPeering",
				`Attribute peering["vpc-02"].expose[0].ips: at least one IP block must be specified in peering expose of VPC vpc-02`),
			step(peer(sides(strings.Replace(vpc1, "10.0.1.0/24", "10.0.1.0", 1), vpc2)), "GatewayPeering",
				`Attribute peering["vpc-01"].expose[0].ips[0].cidr: invalid CIDR 10.0.1.0 in peering expose IPs of VPC vpc-01: `+
					`netip.ParsePrefix("10.0.1.0"): no '/'`),
			step(peer(sides(`"vpc-01" = { expose = [{ ips = [{ cidr = "10.0.1.0/24", not = "10.0.1.1/32" }] }] }`, vpc2)), "GatewayPeering",
				`Attribute peering["vpc-01"].expose[0].ips[0]: exactly one of cidr, not or vpcSubnet must be set in peering expose IPs of VPC vpc-01`),
			step(peer(sides(vpc1, `"ext.internet" = { expose = [{ ips = [{ vpc_subnet = "subnet-01" }] }] }`)), "GatewayPeering",
				`Attribute peering["ext.internet"].expose[0].ips[0].vpc_subnet: external internet cannot have an IP block with VPC Subnets specified`),
			step(peer(sides(`"vpc-01" = { expose = [{ ips = [{ cidr = "10.0.1.0/24" }], as = [{ cidr = "192.168.1.0/24" }] }] }`, vpc2)),
				"GatewayPeering", `Attribute peering["vpc-01"].expose[0].as: expose.As and expose.NAT must both be set or both be empty `+
					`in peering expose of VPC vpc-01`),
			step(peer(sides(`"vpc-01" = { expose = [{ ips = [{ cidr = "10.0.1.0/24" }], as = [{ cidr = "192.168.1.0/24" }], `+
				`nat = { static = {}, masquerade = {} } }] }`, vpc2)), "GatewayPeering", `Attribute peering["vpc-01"].expose[0].nat: exactly one `+
				`of masquerade, static, or portForward must be set in NAT section for peering expose of VPC vpc-01`),
			step(peer(sides(vpc1, `"vpc-02" = { expose = [{ ips = [{ cidr = "10.0.2.10/32" }], as = [{ cidr = "192.168.200.10/32" }], `+
				`nat = { port_forward = {} } }] }`)), "GatewayPeering", `Attribute peering["vpc-02"].expose[0].nat.port_forward.ports: at least one `+
				`port forwarding rule must be set in NAT section for peering expose of VPC vpc-02`),
			step(peer(sides(vpc1, `"vpc-02" = { expose = [{ ips = [{ cidr = "10.0.2.10/32" }], as = [{ cidr = "192.168.200.10/32" }], `+
				`nat = { port_forward = { ports = [{ proto = "tcp", port = "0", as = "2222" }] } } }] }`)), "GatewayPeering",
				`Attribute peering["vpc-02"].expose[0].nat.port_forward.ports[0].port: invalid port "0" in port forwarding rule 0 in NAT `+
					`section for peering expose of VPC vpc-02: invalid port 0: port should be between 1 and 65535`),
			step(peer(sides(masq("vpc-01", "10.0.1.0/24", "192.168.100.1/32"), masq("vpc-02", "10.0.2.0/24", "192.168.100.2/32"))),
				"GatewayPeering", "Attribute peering: unsupported configuration, only one side of a peering can use stateful NAT "+
					"(i.e. masquerade or portForward)"),
			step(peer(sides(`"vpc-01" = { expose = [{ ips = [{ cidr = "10.0.1.0/24" }], as = [{ cidr = "192.168.1.0/24" }], nat = { static = {} } }] }`,
				`"vpc-02" = { expose = [{ ips = [{ cidr = "10.0.2.10/32" }], as = [{ cidr = "192.168.200.10/32" }], `+
					`nat = { port_forward = { ports = [{ proto = "udp", port = "53", as = "53" }] } } }] }`)), "GatewayPeering",
				"Attribute peering: unsupported configuration, one side of a peering using static NAT cannot peer with a side using stateful NAT"),
			step(peer(acl(`{ name = "web", action = "allow" }`)), "GatewayPeering",
				"Attribute acl.rules[0]: at least one of from and to must be specified in ACL rule 0 (web)"),
			step(peer(acl(`{ from = "vpc-03", action = "allow" }`)), "GatewayPeering",
				`Attribute acl.rules[0].from: invalid from "vpc-03" in ACL rule 0, it has to match one of the two VPCs of the peering: ["vpc-01" "vpc-02"]`),
			step(peer(acl(`{ name = "Web_Traffic", from = "vpc-01", action = "allow" }`)), "GatewayPeering",
				`Attribute acl.rules[0].name: invalid rule name "Web_Traffic" in ACL rule 0`),
			step(peer(acl(`{ from = "vpc-01", action = "deny", match = { proto = "icmp" } }`)), "GatewayPeering",
				`Attribute acl.rules[0].match.proto: invalid protocol "icmp" in ACL rule 0: strconv.Atoi: parsing "icmp": invalid syntax`),
			step(gw(`"172.30.8.6/32"`, `"172.30.8.6/24"`), "Gateway",
				"Attribute protocol_ip: ProtocolIP 172.30.8.6/24 must be a /32 prefix: invalid gateway"),
			step(gw(`    enp2s1 = { ips = ["172.30.128.1/31"] }
    enp2s2 = { ips = ["172.30.128.3/31"] }`, `    enp2s1 = {}`), "Gateway",
				`Attribute interfaces["enp2s1"].ips: interface enp2s1 must have at least one IP address: invalid gateway`),
			step(gw(`[
    { source = "enp2s1", ip = "172.30.128.0", asn = 65100 },
    { source = "enp2s2", ip = "172.30.128.2", asn = 65100 },
  ]`, "[]"), "Gateway", "Attribute neighbors: at least one BGP neighbor must be defined: invalid gateway"),
			{Config: acctest.Config(gw(`name        = "gw-01"`, `name = "gw-01"`+"\n  namespace = \"tenant-a\"")), PlanOnly: true,
				ExpectError: acctest.Error("Invalid Namespace", `"tenant-a" is not "default": gateway namespace must be default: invalid gateway`)},
			{Config: acctest.Config("resource \"hedgehog_gateway_group\" \"edge\" {\n  name      = \"edge\"\n  namespace = \"tenant-a\"\n}\n"),
				PlanOnly: true, ExpectError: acctest.Error("Invalid Namespace", `"tenant-a" is not "default": gatewaygroup namespace must be default`)},
			// Values that are references (not known yet) are not checked at plan time.
			{Config: acctest.Config(peer(sides(`(terraform_data.later.output) = { expose = [{ ips = [{ cidr = "nonsense" }] }] }`)) +
				"resource \"terraform_data\" \"later\" {\n  input = \"vpc-01\"\n}\n"), PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
}
