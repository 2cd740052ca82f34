package vpc

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
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
	runRules(t, VPC, []ruleCase{
		{name: "one subnet with gateway and VLAN", object: "vpc-01", spec: oneSubnet},
		{name: "gateway and DHCP range defaulted", object: "vpc-01", spec: dhcp("{enable: true}")},
		{name: "name too long", object: "vpc-toolong-n", spec: oneSubnet,
			want: "name vpc-toolong-n is too long, must be <= 11 characters", path: []any{"metadata", "name"}},
		{name: "ext. prefix", object: "ext.foo", spec: oneSubnet,
			want: "vpc name cannot start with 'ext.': ext.foo", path: []any{"metadata", "name"}},
		{name: "no subnets", object: "vpc-01", spec: "subnets: {}", want: "at least one subnet is required", path: []any{"subnets"}},
		{name: "22 subnets", object: "vpc-01", spec: "subnets: {" + strings.Join(many, ", ") + "}",
			want: "too many subnets, max is 20", path: []any{"subnets"}},
		{name: "l3flat", object: "vpc-01", spec: "mode: l3flat\n" + oneSubnet, want: "L3Flat mode is not supported yet", path: []any{"mode"}},
		{name: "unknown mode", object: "vpc-01", spec: "mode: l2\n" + oneSubnet,
			want: "invalid mode l2, must be one of [ l3vni l3flat]", path: []any{"mode"}},
		{name: "subnet not CIDR", object: "vpc-01", spec: "subnets: {default: {subnet: not-a-cidr, vlan: 100}}",
			want: `subnet default: failed to parse subnet not-a-cidr: netip.ParsePrefix("not-a-cidr"): no '/'`,
			path: []any{"subnets", "default", "subnet"}},
		{name: "prefix /31", object: "vpc-01", spec: "subnets: {default: {subnet: 10.0.1.0/31, vlan: 100}}",
			want: "subnet default: prefix length 31 is too large, must be <= 30", path: []any{"subnets", "default", "subnet"}},
		{name: "gateway outside", object: "vpc-01", spec: "subnets: {default: {subnet: 10.0.1.0/24, gateway: 10.1.0.1, vlan: 100}}",
			want: "subnet default: gateway 10.1.0.1 is not in the subnet", path: []any{"subnets", "default", "gateway"}},
		{name: "no VLAN", object: "vpc-01", spec: "subnets: {default: {subnet: 10.0.1.0/24}}",
			want: "subnet default: vlan is required", path: []any{"subnets", "default", "vlan"}},
		{name: "duplicate VLANs", object: "vpc-01",
			spec: "subnets: {a: {subnet: 10.0.1.0/24, vlan: 100}, b: {subnet: 10.0.2.0/24, vlan: 100}}",
			want: "duplicate subnet VLANs", path: []any{"subnets"}},
		{name: "subnets overlap", object: "vpc-01",
			spec: "subnets: {a: {subnet: 10.0.0.0/16, vlan: 100}, b: {subnet: 10.0.2.0/24, vlan: 101}}",
			want: "failed to verify no overlap subnets: subnets 10.0.0.0/16 and 10.0.2.0/24 overlap", path: []any{"subnets"}},
		{name: "permit names an unknown subnet", object: "vpc-01", spec: oneSubnet + "\npermit: [[default, nonexistent]]",
			want: "permit policy #0: subnet nonexistent not found", path: []any{"permit", 0}},
		{name: "permit of one subnet", object: "vpc-01", spec: oneSubnet + "\npermit: [[default]]",
			want: "each permit policy must have at least 2 subnets in it", path: []any{"permit", 0}},
		{name: "relay and server", object: "vpc-01", spec: dhcp("{enable: true, relay: 10.99.0.1/32}"),
			want: "subnet default: dhcp relay and dhcp server cannot be enabled at the same time", path: []any{"subnets", "default", "dhcp", "relay"}},
		{name: "range start after end", object: "vpc-01", spec: dhcp("{enable: true, range: {start: 10.0.1.200, end: 10.0.1.100}}"),
			want: "subnet default: dhcp range start 10.0.1.200 does not come before dhcp range end 10.0.1.100",
			path: []any{"subnets", "default", "dhcp", "range", "start"}},
		{name: "range outside", object: "vpc-01", spec: dhcp("{enable: true, range: {end: 10.0.2.100}}"),
			want: "subnet default: dhcp range end 10.0.2.100 is not in the subnet", path: []any{"subnets", "default", "dhcp", "range", "end"}},
		{name: "hostBGP with DHCP", object: "vpc-01", spec: "subnets: {bgp: {subnet: 10.0.1.0/24, hostBGP: true, dhcp: {enable: true}}}",
			want: "subnet bgp: dhcp should not be enabled for hostBGP subnets", path: []any{"subnets", "bgp", "dhcp", "enable"}},
		{name: "static lease on the broadcast address", object: "vpc-01",
			spec: dhcp("{enable: true, static: {'aa:bb:cc:dd:ee:01': {ip: 10.0.1.255}}}"),
			want: "subnet default: static IP 10.0.1.255 is the same as the broadcast IP",
			path: []any{"subnets", "default", "dhcp", "static", "aa:bb:cc:dd:ee:01", "ip"}},
		{name: "static leases without DHCP", object: "vpc-01", spec: dhcp("{static: {'aa:bb:cc:dd:ee:01': {ip: 10.0.1.20}}}"),
			want: "subnet default: static IPs are not supported when DHCP is disabled", path: []any{"subnets", "default", "dhcp", "static"}},
		{name: "MTU too small", object: "vpc-01", spec: dhcp("{enable: true, options: {interfaceMTU: 95}}"),
			want: "subnet default: MTU cannot be set smaller than 96", path: []any{"subnets", "default", "dhcp", "options", "interfaceMTU"}},
		{name: "MTU too large", object: "vpc-01", spec: dhcp("{enable: true, options: {interfaceMTU: 9037}}"),
			want: "subnet default: MTU cannot be set greater than 9036", path: []any{"subnets", "default", "dhcp", "options", "interfaceMTU"}},
		{name: "options without DHCP: the API drops them, the plan refuses", object: "vpc-01",
			spec: dhcp("{options: {dnsServers: [1.1.1.1]}}"), want: "subnet default: DNSServer is set but dhcp is disabled",
			path: []any{"subnets", "default", "dhcp", "options", "dnsServers"}, planOnly: true},
		{name: "range without DHCP: the API drops it, the plan refuses", object: "vpc-01",
			spec: dhcp("{range: {start: 10.0.1.10}}"), want: "subnet default: dhcp range start or end is set but dhcp is disabled",
			path: []any{"subnets", "default", "dhcp", "range"}, planOnly: true},
		{name: "static route without next hops", object: "vpc-01", spec: oneSubnet + "\nstaticRoutes: [{prefix: 10.42.0.0/24}]",
			want: "static route #0: at least one next hop is required", path: []any{"staticRoutes", 0, "nextHops"}},
		{name: "static route with host bits", object: "vpc-01", spec: oneSubnet + "\nstaticRoutes: [{prefix: 10.42.0.1/24, nextHops: [10.0.1.5]}]",
			want: "static route #0: prefix 10.42.0.1/24 is invalid: inconsistent IP address and mask", path: []any{"staticRoutes", 0, "prefix"}},
		{name: "hostBGP extra prefix on a plain subnet", object: "vpc-01",
			spec: "subnets: {default: {subnet: 10.0.1.0/24, vlan: 100, hostBGPExtraPrefixes: {10.5.0.0/16: {}}}}",
			want: "subnet default: cannot specify hostBGP extra prefixes on non-hostBGP subnet",
			path: []any{"subnets", "default", "hostBGPExtraPrefixes"}},
		{name: "hostBGP min prefix shorter than the subnet", object: "vpc-01",
			spec: "subnets: {bgp: {subnet: 10.0.1.0/24, hostBGP: true, hostBGPMinPrefixLen: 16}}",
			want: "subnet bgp: hostBGP min prefix length 16 is shorter than the prefix length of 10.0.1.0/24",
			path: []any{"subnets", "bgp", "hostBGPMinPrefixLen"}},
		{name: "hostBGP subnet", object: "vpc-01", spec: "subnets: {bgp: {subnet: 10.0.1.0/24, hostBGP: true}, default: {subnet: 10.0.2.0/24, vlan: 100}}"},
	})
	unknown := spec(t, "subnets: {default: {subnet: 10.0.1.0/24, gateway: 10.0.1.1}}")
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
	runDefaults(t, VPC, []defaultCase{
		{"minimal: namespaces, gateway, empty DHCP", "subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001}}",
			`ipv4Namespace: default
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {}}}`},
		{"DHCP on: range from the third to the broadcast address", "subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, dhcp: {enable: true}}}",
			`ipv4Namespace: default
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {enable: true, range: {start: 10.0.1.2, end: 10.0.1.255}}}}`},
		{"partial range, options sorted and defaulted", `ipv4Namespace: ns
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, dhcp: {enable: true, range: {start: 10.0.1.10},
  options: {dnsServers: [1.1.1.1, 1.0.0.1], advertisedRoutes: [{destination: 10.9.0.0/16, gateway: 10.0.1.3}, {destination: 10.8.0.0/16, gateway: 10.0.1.3}]}}}}`,
			`ipv4Namespace: ns
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {enable: true, range: {start: 10.0.1.10, end: 10.0.1.255},
  options: {dnsServers: [1.0.0.1, 1.1.1.1], timeServers: [], interfaceMTU: 9036, leaseTimeSeconds: 3600,
    advertisedRoutes: [{destination: 10.8.0.0/16, gateway: 10.0.1.3}, {destination: 10.9.0.0/16, gateway: 10.0.1.3}]}}}}`},
		{"empty options dropped", "subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, dhcp: {enable: true, options: {}}}}",
			`ipv4Namespace: default
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {enable: true, range: {start: 10.0.1.2, end: 10.0.1.255}}}}`},
		{"DHCP off: range and options dropped", "subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, dhcp: {range: {start: 10.0.1.9}, options: {pxeURL: x}}}}",
			`ipv4Namespace: default
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {}}}`},
		{"hostBGP: no gateway", "mode: l3vni\nsubnets: {bgp: {subnet: 10.0.1.0/24, hostBGP: true}}",
			`mode: l3vni
ipv4Namespace: default
vlanNamespace: default
subnets: {bgp: {subnet: 10.0.1.0/24, hostBGP: true, dhcp: {}}}`},
		{"static lease MAC normalised", "subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, dhcp: {enable: true, static: {AA-BB-CC-DD-EE-01: {ip: 10.0.1.20}}}}}",
			`ipv4Namespace: default
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {enable: true, range: {start: 10.0.1.2, end: 10.0.1.255},
  static: {'aa:bb:cc:dd:ee:01': {ip: 10.0.1.20}}}}}`},
		{"host bits: gateway from the network", "subnets: {default: {subnet: 10.0.1.5/24, vlan: 1001}}",
			`ipv4Namespace: default
vlanNamespace: default
subnets: {default: {subnet: 10.0.1.5/24, vlan: 1001, gateway: 10.0.1.1, dhcp: {}}}`},
	})
}
