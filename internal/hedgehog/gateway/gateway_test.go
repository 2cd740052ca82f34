package gateway

import (
	"strings"
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// gw is a valid gateway (vector GW-01) with one line replaced.
func gw(replace ...string) string {
	s := `protocolIP: 172.30.8.6/32
vtepIP: 172.30.12.6/32
vtepMAC: ca:fe:ba:be:00:01
asn: 65534
interfaces:
  enp2s1: {ips: [172.30.128.1/31]}
  enp2s2: {ips: [172.30.128.3/31]}
neighbors:
  - {source: enp2s1, ip: 172.30.128.0, asn: 65100}
  - {source: enp2s2, ip: 172.30.128.2, asn: 65100}
`
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			panic("no " + replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	return s
}

func TestGatewayRules(t *testing.T) {
	iface := func(body string) string {
		return gw("  enp2s1: {ips: [172.30.128.1/31]}\n  enp2s2: {ips: [172.30.128.3/31]}\n", body)
	}
	checkRules(t, Gateway, []rule{
		{name: "GW-01 complete", object: "gw-01", spec: gw()},
		{name: "GW-03 protocol IP /24", object: "gw-01", spec: gw("172.30.8.6/32", "172.30.8.6/24"),
			want: "ProtocolIP 172.30.8.6/24 must be a /32 prefix: invalid gateway", path: []any{"protocolIP"}},
		{name: "GW-04 interface without IPs", object: "gw-01", spec: iface("  enp2s1: {}\n"),
			want: "interface enp2s1 must have at least one IP address: invalid gateway", path: []any{"interfaces", "enp2s1", "ips"}},
		{name: "GW-07 no neighbours", object: "gw-01",
			spec: gw("neighbors:\n  - {source: enp2s1, ip: 172.30.128.0, asn: 65100}\n  - {source: enp2s2, ip: 172.30.128.2, asn: 65100}\n", "neighbors: []\n"),
			want: "at least one BGP neighbor must be defined: invalid gateway", path: []any{"neighbors"}},
		{name: "workers above 64", object: "gw-01", spec: gw() + "workers: 65\n",
			want: "workers should be between 1 and 64: invalid gateway", path: []any{"workers"}},
		{name: "workers 0 is defaulted", object: "gw-01", spec: gw() + "workers: 0\n"},
		{name: "protocol IP without prefix length", object: "gw-01", spec: gw("172.30.8.6/32", "172.30.8.6"),
			want: "invalid ProtocolIP 172.30.8.6: netip.ParsePrefix(\"172.30.8.6\"): no '/'\ninvalid gateway", path: []any{"protocolIP"}},
		{name: "empty protocol IP", object: "gw-01", spec: gw("172.30.8.6/32", `""`),
			want: "invalid ProtocolIP : netip.ParsePrefix(\"\"): no '/'\ninvalid gateway", path: []any{"protocolIP"}},
		{name: "IPv6 protocol IP", object: "gw-01", spec: gw("172.30.8.6/32", `"fd00::1/32"`),
			want: "ProtocolIP fd00::1/32 must be an IPv4 address: invalid gateway", path: []any{"protocolIP"}},
		{name: "VTEP IP /24", object: "gw-01", spec: gw("172.30.12.6/32", "172.30.12.6/24"),
			want: "VTEPIP 172.30.12.6/24 must be a /32 prefix: invalid gateway", path: []any{"vtepIP"}},
		{name: "loopback VTEP IP", object: "gw-01", spec: gw("172.30.12.6/32", "127.0.0.5/32"),
			want: "VTEPIP 127.0.0.5/32 must be a unicast IPv4 address: invalid gateway", path: []any{"vtepIP"}},
		{name: "empty VTEP MAC", object: "gw-01", spec: gw("ca:fe:ba:be:00:01", `""`),
			want: "VTEPMAC must be set: invalid gateway", path: []any{"vtepMAC"}},
		{name: "short VTEP MAC", object: "gw-01", spec: gw("ca:fe:ba:be:00:01", `"ca:fe:ba:be:00"`),
			want: "invalid VTEPMAC ca:fe:ba:be:00: address ca:fe:ba:be:00: invalid MAC address\ninvalid gateway", path: []any{"vtepMAC"}},
		{name: "zero VTEP MAC", object: "gw-01", spec: gw("ca:fe:ba:be:00:01", `"00:00:00:00:00:00"`),
			want: "VTEPMAC must not be all zeros: invalid gateway", path: []any{"vtepMAC"}},
		{name: "multicast VTEP MAC", object: "gw-01", spec: gw("ca:fe:ba:be:00:01", `"01:00:5e:00:00:01"`),
			want: "VTEPMAC 01:00:5e:00:00:01 must be a unicast MAC address: invalid gateway", path: []any{"vtepMAC"}},
		{name: "ASN 0", object: "gw-01", spec: gw("asn: 65534", "asn: 0"), want: "ASN must be set: invalid gateway", path: []any{"asn"}},
		{name: "no interfaces", object: "gw-01", spec: iface("  {}\n"),
			want: "at least one interface must be defined: invalid gateway", path: []any{"interfaces"}},
		{name: "interface name of 11 characters", object: "gw-01", spec: iface("  enp2s1f0np0: {ips: [172.30.128.1/31]}\n"),
			want: "interface name enp2s1f0np0 must be a valid linux interface name (2-10 characters): invalid gateway",
			path: []any{"interfaces", "enp2s1f0np0"}},
		{name: "interface name of 16 characters", object: "gw-01", spec: iface("  enp2s1f0np0abcde: {ips: [172.30.128.1/31]}\n"),
			want: "interface name enp2s1f0np0abcde is too long: invalid gateway", path: []any{"interfaces", "enp2s1f0np0abcde"}},
		{name: "interface IP without prefix length", object: "gw-01", spec: iface("  e1: {ips: [172.30.128.1]}\n"),
			want: "invalid interface e1 IP invalid Prefix: netip.ParsePrefix(\"172.30.128.1\"): no '/'\ninvalid gateway",
			path: []any{"interfaces", "e1", "ips"}},
		{name: "IPv6 interface IP", object: "gw-01", spec: iface(`  e1: {ips: ["fd00::1/127"]}` + "\n"),
			want: "interface e1 IP fd00::1/127 must be an IPv4 address: invalid gateway", path: []any{"interfaces", "e1", "ips"}},
		{name: "PCI and kernel", object: "gw-01", spec: iface("  e1: {ips: [172.30.128.1/31], pci: '0000:02:00.0', kernel: enp2s1}\n"),
			want: "interface e1 cannot have both PCI address and kernel names: invalid gateway", path: []any{"interfaces", "e1", "pci"}},
		{name: "short PCI address", object: "gw-01", spec: iface("  e1: {ips: [172.30.128.1/31], pci: '02:00.0'}\n"),
			want: "interface e1 PCI 02:00.0 must be a valid PCI address (e.g. 0000:02:00.0): invalid gateway",
			path: []any{"interfaces", "e1", "pci"}},
		{name: "PCI function 8", object: "gw-01", spec: iface("  e1: {ips: [172.30.128.1/31], pci: '0000:02:00.8'}\n"),
			want: "invalid interface e1 PCI address 0000:02:00.8 function (0-7): invalid gateway", path: []any{"interfaces", "e1", "pci"}},
		{name: "PCI device 20", object: "gw-01", spec: iface("  e1: {ips: [172.30.128.1/31], pci: '0000:02:20.0'}\n"),
			want: "invalid interface e1 PCI address 0000:02:20.0 device (0-1F): invalid gateway", path: []any{"interfaces", "e1", "pci"}},
		{name: "PCI bus not hex", object: "gw-01", spec: iface("  e1: {ips: [172.30.128.1/31], pci: '0000:0g:00.0'}\n"),
			want: "invalid interface e1 PCI address 0000:0g:00.0 bus: strconv.ParseInt: parsing \"0g\": invalid syntax\ninvalid gateway",
			path: []any{"interfaces", "e1", "pci"}},
		{name: "valid PCI and kernel interfaces mixed", object: "gw-01",
			spec: iface("  e1: {ips: [172.30.128.1/31], pci: '0000:02:1f.7'}\n  e2: {ips: [172.30.128.3/31], kernel: enp2s2}\n")},
		{name: "kernel name equal to the key", object: "gw-01", spec: iface("  enp2s1: {ips: [172.30.128.1/31], kernel: enp2s1}\n"),
			want: "interface name enp2s1 cannot be the same as kernel interface name: invalid gateway",
			path: []any{"interfaces", "enp2s1", "kernel"}},
		{name: "kernel name too long", object: "gw-01", spec: iface("  e1: {ips: [172.30.128.1/31], kernel: enp2s1f0np0}\n"),
			want: "kernel name enp2s1f0np0 must be a valid linux interface name (2-10 characters): invalid gateway",
			path: []any{"interfaces", "e1", "kernel"}},
		{name: "neighbour without IP", object: "gw-01", spec: gw("ip: 172.30.128.0, ", `ip: "", `),
			want: "BGP neighbor must have an IP address: invalid gateway", path: []any{"neighbors", 0, "ip"}},
		{name: "neighbour IP with prefix length", object: "gw-01", spec: gw("ip: 172.30.128.0, ", "ip: 172.30.128.0/31, "),
			want: "invalid neighbor IP 172.30.128.0/31: ParseAddr(\"172.30.128.0/31\"): unexpected character (at \"/31\")\ninvalid gateway",
			path: []any{"neighbors", 0, "ip"}},
		{name: "multicast neighbour", object: "gw-01", spec: gw("ip: 172.30.128.2, ", "ip: 224.0.0.1, "),
			want: "BGP neighbor IP 224.0.0.1 must be a unicast IPv4 address: invalid gateway", path: []any{"neighbors", 1, "ip"}},
		{name: "neighbour without ASN", object: "gw-01", spec: gw("ip: 172.30.128.0, asn: 65100", "ip: 172.30.128.0, asn: 0"),
			want: "BGP neighbor 172.30.128.0 must have an ASN: invalid gateway", path: []any{"neighbors", 0, "asn"}},
		{name: "group twice", object: "gw-01", spec: gw() + "groups: [{name: default}, {name: default, priority: 10}]\n",
			want: "gateway gw-01 group default is duplicate: invalid gateway", path: []any{"groups"}},
		{name: "two groups", object: "gw-01", spec: gw() + "groups: [{name: edge, priority: 10}, {name: default}]\n"},
	})
}

// Values not known at plan time are skipped, never reported.
func TestGatewayRulesSkipUnknown(t *testing.T) {
	s := spec(t, gw())
	s["protocolIP"], s["vtepMAC"], s["asn"] = kinds.Unknown, kinds.Unknown, kinds.Unknown
	interfaces, _ := s["interfaces"].(map[string]any)
	enp2s1, _ := interfaces["enp2s1"].(map[string]any)
	enp2s1["ips"] = kinds.Unknown
	neighbors, _ := s["neighbors"].([]any)
	neighbors[0] = kinds.Unknown
	s["groups"] = kinds.Unknown
	if problems := Gateway.Check("gw-01", s); len(problems) > 0 {
		t.Fatalf("unknown values reported: %+v", problems)
	}
	s["interfaces"] = kinds.Unknown
	s["neighbors"] = kinds.Unknown
	if problems := Gateway.Check("gw-01", s); len(problems) > 0 {
		t.Fatalf("unknown values reported: %+v", problems)
	}
}

func TestGatewayDefaults(t *testing.T) {
	checkDefaults(t, Gateway, []stored{
		{name: "GW-01 logs, workers, groups and profiling", request: gw(), want: gw() + `groups: [{name: default}]
workers: 4
logs: {default: info, tags: {all: info}}
profiling: {}
`},
		{name: "explicit values kept, groups sorted by name", request: gw() + `groups: [{name: edge, priority: 10}, {name: default}]
workers: 8
logs: {default: debug, tags: {nat: trace}}
profiling: {enabled: true}
`, want: gw() + `groups: [{name: default}, {name: edge, priority: 10}]
workers: 8
logs: {default: debug, tags: {nat: trace}}
profiling: {enabled: true}
`},
		{name: "rate limit defaults when present", request: gw() + "logs: {rateLimit: {}}\n",
			want: gw() + `groups: [{name: default}]
workers: 4
logs: {default: info, tags: {all: info}, rateLimit: {burst: 50, replenishPerSecond: 5}}
profiling: {}
`},
	})
}
