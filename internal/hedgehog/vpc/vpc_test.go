package vpc

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
)

const oneSubnet = "subnets: {default: {subnet: 10.0.1.0/24, gateway: 10.0.1.1, vlan: 100}}"

func TestVPCRules(t *testing.T) {
	many := make([]string, 22)
	for i := range many {
		many[i] = fmt.Sprintf("s%d: {subnet: 10.0.%d.0/24, vlan: %d}", i, i, 100+i)
	}
	dhcp := func(body string) string {
		return "subnets: {default: {subnet: 10.0.1.0/24, vlan: 100, dhcp: " + body + "}}"
	}
	kindtest.CheckRules(t, VPC, []kindtest.Rule{
		{Name: "one subnet with gateway and VLAN", Object: "vpc-01", Spec: oneSubnet},
		{Name: "gateway and DHCP range defaulted", Object: "vpc-01", Spec: dhcp("{enable: true}")},
		{Name: "name too long", Object: "vpc-toolong-n", Spec: oneSubnet,
			Want: "name vpc-toolong-n is too long, must be <= 11 characters", Path: []any{"metadata", "name"}},
		{Name: "ext. prefix", Object: "ext.foo", Spec: oneSubnet,
			Want: "vpc name cannot start with 'ext.': ext.foo", Path: []any{"metadata", "name"}},
		{Name: "no subnets", Object: "vpc-01", Spec: "subnets: {}", Want: "at least one subnet is required", Path: []any{"subnets"}},
		{Name: "22 subnets", Object: "vpc-01", Spec: "subnets: {" + strings.Join(many, ", ") + "}",
			Want: "too many subnets, max is 20", Path: []any{"subnets"}},
		{Name: "l3flat", Object: "vpc-01", Spec: "mode: l3flat\n" + oneSubnet, Want: "L3Flat mode is not supported yet", Path: []any{"mode"}},
		{Name: "unknown mode", Object: "vpc-01", Spec: "mode: l2\n" + oneSubnet,
			Want: "invalid mode l2, must be one of [ l3vni l3flat]", Path: []any{"mode"}},
		{Name: "subnet not CIDR", Object: "vpc-01", Spec: "subnets: {default: {subnet: not-a-cidr, vlan: 100}}",
			Want: `subnet default: failed to parse subnet not-a-cidr: netip.ParsePrefix("not-a-cidr"): no '/'`,
			Path: []any{"subnets", "default", "subnet"}},
		{Name: "prefix /31", Object: "vpc-01", Spec: "subnets: {default: {subnet: 10.0.1.0/31, vlan: 100}}",
			Want: "subnet default: prefix length 31 is too large, must be <= 30", Path: []any{"subnets", "default", "subnet"}},
		{Name: "gateway outside", Object: "vpc-01", Spec: "subnets: {default: {subnet: 10.0.1.0/24, gateway: 10.1.0.1, vlan: 100}}",
			Want: "subnet default: gateway 10.1.0.1 is not in the subnet", Path: []any{"subnets", "default", "gateway"}},
		{Name: "no VLAN", Object: "vpc-01", Spec: "subnets: {default: {subnet: 10.0.1.0/24}}",
			Want: "subnet default: vlan is required", Path: []any{"subnets", "default", "vlan"}},
		{Name: "duplicate VLANs", Object: "vpc-01",
			Spec: "subnets: {a: {subnet: 10.0.1.0/24, vlan: 100}, b: {subnet: 10.0.2.0/24, vlan: 100}}",
			Want: "duplicate subnet VLANs", Path: []any{"subnets"}},
		{Name: "subnets overlap", Object: "vpc-01",
			Spec: "subnets: {a: {subnet: 10.0.0.0/16, vlan: 100}, b: {subnet: 10.0.2.0/24, vlan: 101}}",
			Want: "failed to verify no overlap subnets: subnets 10.0.0.0/16 and 10.0.2.0/24 overlap", Path: []any{"subnets"}},
		{Name: "permit names an unknown subnet", Object: "vpc-01", Spec: oneSubnet + "\npermit: [[default, nonexistent]]",
			Want: "permit policy #0: subnet nonexistent not found", Path: []any{"permit", 0}},
		{Name: "permit of one subnet", Object: "vpc-01", Spec: oneSubnet + "\npermit: [[default]]",
			Want: "each permit policy must have at least 2 subnets in it", Path: []any{"permit", 0}},
		{Name: "relay and server", Object: "vpc-01", Spec: dhcp("{enable: true, relay: 10.99.0.1/32}"),
			Want: "subnet default: dhcp relay and dhcp server cannot be enabled at the same time", Path: []any{"subnets", "default", "dhcp", "relay"}},
		{Name: "range start after end", Object: "vpc-01", Spec: dhcp("{enable: true, range: {start: 10.0.1.200, end: 10.0.1.100}}"),
			Want: "subnet default: dhcp range start 10.0.1.200 does not come before dhcp range end 10.0.1.100",
			Path: []any{"subnets", "default", "dhcp", "range", "start"}},
		{Name: "range outside", Object: "vpc-01", Spec: dhcp("{enable: true, range: {end: 10.0.2.100}}"),
			Want: "subnet default: dhcp range end 10.0.2.100 is not in the subnet", Path: []any{"subnets", "default", "dhcp", "range", "end"}},
		{Name: "hostBGP with DHCP", Object: "vpc-01", Spec: "subnets: {bgp: {subnet: 10.0.1.0/24, hostBGP: true, dhcp: {enable: true}}}",
			Want: "subnet bgp: dhcp should not be enabled for hostBGP subnets", Path: []any{"subnets", "bgp", "dhcp", "enable"}},
		{Name: "static lease on the broadcast address", Object: "vpc-01",
			Spec: dhcp("{enable: true, static: {'aa:bb:cc:dd:ee:01': {ip: 10.0.1.255}}}"),
			Want: "subnet default: static IP 10.0.1.255 is the same as the broadcast IP",
			Path: []any{"subnets", "default", "dhcp", "static", "aa:bb:cc:dd:ee:01", "ip"}},
		{Name: "static leases without DHCP", Object: "vpc-01", Spec: dhcp("{static: {'aa:bb:cc:dd:ee:01': {ip: 10.0.1.20}}}"),
			Want: "subnet default: static IPs are not supported when DHCP is disabled", Path: []any{"subnets", "default", "dhcp", "static"}},
		{Name: "MTU too small", Object: "vpc-01", Spec: dhcp("{enable: true, options: {interfaceMTU: 95}}"),
			Want: "subnet default: MTU cannot be set smaller than 96", Path: []any{"subnets", "default", "dhcp", "options", "interfaceMTU"}},
		{Name: "MTU too large", Object: "vpc-01", Spec: dhcp("{enable: true, options: {interfaceMTU: 9037}}"),
			Want: "subnet default: MTU cannot be set greater than 9036", Path: []any{"subnets", "default", "dhcp", "options", "interfaceMTU"}},
		{Name: "options without DHCP: the API drops them, the plan refuses", Object: "vpc-01",
			Spec: dhcp("{options: {dnsServers: [1.1.1.1]}}"), Want: "subnet default: DNSServer is set but dhcp is disabled",
			Path: []any{"subnets", "default", "dhcp", "options", "dnsServers"}, PlanOnly: true},
		{Name: "range without DHCP: the API drops it, the plan refuses", Object: "vpc-01",
			Spec: dhcp("{range: {start: 10.0.1.10}}"), Want: "subnet default: dhcp range start or end is set but dhcp is disabled",
			Path: []any{"subnets", "default", "dhcp", "range"}, PlanOnly: true},
		{Name: "static route without next hops", Object: "vpc-01", Spec: oneSubnet + "\nstaticRoutes: [{prefix: 10.42.0.0/24}]",
			Want: "static route #0: at least one next hop is required", Path: []any{"staticRoutes", 0, "nextHops"}},
		{Name: "static route with host bits", Object: "vpc-01", Spec: oneSubnet + "\nstaticRoutes: [{prefix: 10.42.0.1/24, nextHops: [10.0.1.5]}]",
			Want: "static route #0: prefix 10.42.0.1/24 is invalid: inconsistent IP address and mask", Path: []any{"staticRoutes", 0, "prefix"}},
		{Name: "hostBGP extra prefix on a plain subnet", Object: "vpc-01",
			Spec: "subnets: {default: {subnet: 10.0.1.0/24, vlan: 100, hostBGPExtraPrefixes: {10.5.0.0/16: {}}}}",
			Want: "subnet default: cannot specify hostBGP extra prefixes on non-hostBGP subnet",
			Path: []any{"subnets", "default", "hostBGPExtraPrefixes"}},
		{Name: "hostBGP min prefix shorter than the subnet", Object: "vpc-01",
			Spec: "subnets: {bgp: {subnet: 10.0.1.0/24, hostBGP: true, hostBGPMinPrefixLen: 16}}",
			Want: "subnet bgp: hostBGP min prefix length 16 is shorter than the prefix length of 10.0.1.0/24",
			Path: []any{"subnets", "bgp", "hostBGPMinPrefixLen"}},
		{Name: "hostBGP subnet", Object: "vpc-01", Spec: "subnets: {bgp: {subnet: 10.0.1.0/24, hostBGP: true}, default: {subnet: 10.0.2.0/24, vlan: 100}}"},
	})
	unknown := kindtest.Spec(t, "subnets: {default: {subnet: 10.0.1.0/24, gateway: 10.0.1.1}}")
	if subnets, ok := unknown["subnets"].(map[string]any); ok {
		if s, ok := subnets["default"].(map[string]any); ok {
			s["vlan"] = kinds.Unknown
		}
	}
	if p := VPC.Check("vpc-01", unknown); len(p) > 0 {
		t.Errorf("a VLAN not known yet must not be checked: %+v", p)
	}
	if p := VPC.Check("vpc-01", map[string]any{"subnets": kinds.Unknown}); len(p) > 0 {
		t.Errorf("subnets not known yet must not be checked: %+v", p)
	}
}

func TestVPCDefaults(t *testing.T) {
	kindtest.CheckDefaults(t, VPC, []kindtest.Default{
		{Name: "minimal: namespaces, gateway, empty DHCP", Request: "subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001}}",
			Stored: `ipv4Namespace: default
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {}}}`},
		{Name: "DHCP on: range from the third to the broadcast address", Request: "subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, dhcp: {enable: true}}}",
			Stored: `ipv4Namespace: default
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {enable: true, range: {start: 10.0.1.2, end: 10.0.1.255}}}}`},
		{Name: "partial range, options sorted and defaulted", Request: `ipv4Namespace: ns
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, dhcp: {enable: true, range: {start: 10.0.1.10},
  options: {dnsServers: [1.1.1.1, 1.0.0.1], advertisedRoutes: [{destination: 10.9.0.0/16, gateway: 10.0.1.3}, {destination: 10.8.0.0/16, gateway: 10.0.1.3}]}}}}`,
			Stored: `ipv4Namespace: ns
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {enable: true, range: {start: 10.0.1.10, end: 10.0.1.255},
  options: {dnsServers: [1.0.0.1, 1.1.1.1], timeServers: [], interfaceMTU: 9036, leaseTimeSeconds: 3600,
    advertisedRoutes: [{destination: 10.8.0.0/16, gateway: 10.0.1.3}, {destination: 10.9.0.0/16, gateway: 10.0.1.3}]}}}}`},
		{Name: "empty options dropped", Request: "subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, dhcp: {enable: true, options: {}}}}",
			Stored: `ipv4Namespace: default
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {enable: true, range: {start: 10.0.1.2, end: 10.0.1.255}}}}`},
		{Name: "DHCP off: range and options dropped", Request: "subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, dhcp: {range: {start: 10.0.1.9}, options: {pxeURL: x}}}}",
			Stored: `ipv4Namespace: default
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {}}}`},
		{Name: "hostBGP: no gateway", Request: "mode: l3vni\nsubnets: {bgp: {subnet: 10.0.1.0/24, hostBGP: true}}",
			Stored: `mode: l3vni
ipv4Namespace: default
vlanNamespace: default
subnets: {bgp: {subnet: 10.0.1.0/24, hostBGP: true, dhcp: {}}}`},
		{Name: "static lease MAC normalised", Request: "subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, dhcp: {enable: true, static: {AA-BB-CC-DD-EE-01: {ip: 10.0.1.20}}}}}",
			Stored: `ipv4Namespace: default
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {enable: true, range: {start: 10.0.1.2, end: 10.0.1.255},
  static: {'aa:bb:cc:dd:ee:01': {ip: 10.0.1.20}}}}}`},
		{Name: "host bits: gateway from the network", Request: "subnets: {default: {subnet: 10.0.1.5/24, vlan: 1001}}",
			Stored: `ipv4Namespace: default
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.5/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {}}}`},
	})
}
