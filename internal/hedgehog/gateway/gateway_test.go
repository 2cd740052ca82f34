package gateway

import (
	"strings"
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
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
	kindtest.CheckRules(t, Gateway, []kindtest.Rule{
		{Name: "GW-01 complete", Object: "gw-01", Spec: gw()},
		{Name: "GW-03 protocol IP /24", Object: "gw-01", Spec: gw("172.30.8.6/32", "172.30.8.6/24"),
			Want: "ProtocolIP 172.30.8.6/24 must be a /32 prefix: invalid gateway", Path: []any{"protocolIP"}},
		{Name: "GW-04 interface without IPs", Object: "gw-01", Spec: iface("  enp2s1: {}\n"),
			Want: "interface enp2s1 must have at least one IP address: invalid gateway", Path: []any{"interfaces", "enp2s1", "ips"}},
		{Name: "GW-07 no neighbours", Object: "gw-01",
			Spec: gw("neighbors:\n  - {source: enp2s1, ip: 172.30.128.0, asn: 65100}\n  - {source: enp2s2, ip: 172.30.128.2, asn: 65100}\n", "neighbors: []\n"),
			Want: "at least one BGP neighbor must be defined: invalid gateway", Path: []any{"neighbors"}},
		{Name: "workers above 64", Object: "gw-01", Spec: gw() + "workers: 65\n",
			Want: "workers should be between 1 and 64: invalid gateway", Path: []any{"workers"}},
		{Name: "workers 0 is defaulted", Object: "gw-01", Spec: gw() + "workers: 0\n"},
		{Name: "protocol IP without prefix length", Object: "gw-01", Spec: gw("172.30.8.6/32", "172.30.8.6"),
			Want: "invalid ProtocolIP 172.30.8.6: netip.ParsePrefix(\"172.30.8.6\"): no '/'\ninvalid gateway", Path: []any{"protocolIP"}},
		{Name: "empty protocol IP", Object: "gw-01", Spec: gw("172.30.8.6/32", `""`),
			Want: "invalid ProtocolIP : netip.ParsePrefix(\"\"): no '/'\ninvalid gateway", Path: []any{"protocolIP"}},
		{Name: "IPv6 protocol IP", Object: "gw-01", Spec: gw("172.30.8.6/32", `"fd00::1/32"`),
			Want: "ProtocolIP fd00::1/32 must be an IPv4 address: invalid gateway", Path: []any{"protocolIP"}},
		{Name: "VTEP IP /24", Object: "gw-01", Spec: gw("172.30.12.6/32", "172.30.12.6/24"),
			Want: "VTEPIP 172.30.12.6/24 must be a /32 prefix: invalid gateway", Path: []any{"vtepIP"}},
		{Name: "loopback VTEP IP", Object: "gw-01", Spec: gw("172.30.12.6/32", "127.0.0.5/32"),
			Want: "VTEPIP 127.0.0.5/32 must be a unicast IPv4 address: invalid gateway", Path: []any{"vtepIP"}},
		{Name: "empty VTEP MAC", Object: "gw-01", Spec: gw("ca:fe:ba:be:00:01", `""`),
			Want: "VTEPMAC must be set: invalid gateway", Path: []any{"vtepMAC"}},
		{Name: "short VTEP MAC", Object: "gw-01", Spec: gw("ca:fe:ba:be:00:01", `"ca:fe:ba:be:00"`),
			Want: "invalid VTEPMAC ca:fe:ba:be:00: address ca:fe:ba:be:00: invalid MAC address\ninvalid gateway", Path: []any{"vtepMAC"}},
		{Name: "zero VTEP MAC", Object: "gw-01", Spec: gw("ca:fe:ba:be:00:01", `"00:00:00:00:00:00"`),
			Want: "VTEPMAC must not be all zeros: invalid gateway", Path: []any{"vtepMAC"}},
		{Name: "multicast VTEP MAC", Object: "gw-01", Spec: gw("ca:fe:ba:be:00:01", `"01:00:5e:00:00:01"`),
			Want: "VTEPMAC 01:00:5e:00:00:01 must be a unicast MAC address: invalid gateway", Path: []any{"vtepMAC"}},
		{Name: "ASN 0", Object: "gw-01", Spec: gw("asn: 65534", "asn: 0"), Want: "ASN must be set: invalid gateway", Path: []any{"asn"}},
		{Name: "no interfaces", Object: "gw-01", Spec: iface("  {}\n"),
			Want: "at least one interface must be defined: invalid gateway", Path: []any{"interfaces"}},
		{Name: "interface name of 11 characters", Object: "gw-01", Spec: iface("  enp2s1f0np0: {ips: [172.30.128.1/31]}\n"),
			Want: "interface name enp2s1f0np0 must be a valid linux interface name (2-10 characters): invalid gateway",
			Path: []any{"interfaces", "enp2s1f0np0"}},
		{Name: "interface name of 16 characters", Object: "gw-01", Spec: iface("  enp2s1f0np0abcde: {ips: [172.30.128.1/31]}\n"),
			Want: "interface name enp2s1f0np0abcde is too long: invalid gateway", Path: []any{"interfaces", "enp2s1f0np0abcde"}},
		{Name: "interface IP without prefix length", Object: "gw-01", Spec: iface("  e1: {ips: [172.30.128.1]}\n"),
			Want: "invalid interface e1 IP invalid Prefix: netip.ParsePrefix(\"172.30.128.1\"): no '/'\ninvalid gateway",
			Path: []any{"interfaces", "e1", "ips"}},
		{Name: "IPv6 interface IP", Object: "gw-01", Spec: iface(`  e1: {ips: ["fd00::1/127"]}` + "\n"),
			Want: "interface e1 IP fd00::1/127 must be an IPv4 address: invalid gateway", Path: []any{"interfaces", "e1", "ips"}},
		{Name: "PCI and kernel", Object: "gw-01", Spec: iface("  e1: {ips: [172.30.128.1/31], pci: '0000:02:00.0', kernel: enp2s1}\n"),
			Want: "interface e1 cannot have both PCI address and kernel names: invalid gateway", Path: []any{"interfaces", "e1", "pci"}},
		{Name: "short PCI address", Object: "gw-01", Spec: iface("  e1: {ips: [172.30.128.1/31], pci: '02:00.0'}\n"),
			Want: "interface e1 PCI 02:00.0 must be a valid PCI address (e.g. 0000:02:00.0): invalid gateway",
			Path: []any{"interfaces", "e1", "pci"}},
		{Name: "PCI function 8", Object: "gw-01", Spec: iface("  e1: {ips: [172.30.128.1/31], pci: '0000:02:00.8'}\n"),
			Want: "invalid interface e1 PCI address 0000:02:00.8 function (0-7): invalid gateway", Path: []any{"interfaces", "e1", "pci"}},
		{Name: "PCI device 20", Object: "gw-01", Spec: iface("  e1: {ips: [172.30.128.1/31], pci: '0000:02:20.0'}\n"),
			Want: "invalid interface e1 PCI address 0000:02:20.0 device (0-1F): invalid gateway", Path: []any{"interfaces", "e1", "pci"}},
		{Name: "PCI bus not hex", Object: "gw-01", Spec: iface("  e1: {ips: [172.30.128.1/31], pci: '0000:0g:00.0'}\n"),
			Want: "invalid interface e1 PCI address 0000:0g:00.0 bus: strconv.ParseInt: parsing \"0g\": invalid syntax\ninvalid gateway",
			Path: []any{"interfaces", "e1", "pci"}},
		{Name: "valid PCI and kernel interfaces mixed", Object: "gw-01",
			Spec: iface("  e1: {ips: [172.30.128.1/31], pci: '0000:02:1f.7'}\n  e2: {ips: [172.30.128.3/31], kernel: enp2s2}\n")},
		{Name: "kernel name equal to the key", Object: "gw-01", Spec: iface("  enp2s1: {ips: [172.30.128.1/31], kernel: enp2s1}\n"),
			Want: "interface name enp2s1 cannot be the same as kernel interface name: invalid gateway",
			Path: []any{"interfaces", "enp2s1", "kernel"}},
		{Name: "kernel name too long", Object: "gw-01", Spec: iface("  e1: {ips: [172.30.128.1/31], kernel: enp2s1f0np0}\n"),
			Want: "kernel name enp2s1f0np0 must be a valid linux interface name (2-10 characters): invalid gateway",
			Path: []any{"interfaces", "e1", "kernel"}},
		{Name: "neighbour without IP", Object: "gw-01", Spec: gw("ip: 172.30.128.0, ", `ip: "", `),
			Want: "BGP neighbor must have an IP address: invalid gateway", Path: []any{"neighbors", 0, "ip"}},
		{Name: "neighbour IP with prefix length", Object: "gw-01", Spec: gw("ip: 172.30.128.0, ", "ip: 172.30.128.0/31, "),
			Want: "invalid neighbor IP 172.30.128.0/31: ParseAddr(\"172.30.128.0/31\"): unexpected character (at \"/31\")\ninvalid gateway",
			Path: []any{"neighbors", 0, "ip"}},
		{Name: "multicast neighbour", Object: "gw-01", Spec: gw("ip: 172.30.128.2, ", "ip: 224.0.0.1, "),
			Want: "BGP neighbor IP 224.0.0.1 must be a unicast IPv4 address: invalid gateway", Path: []any{"neighbors", 1, "ip"}},
		{Name: "neighbour without ASN", Object: "gw-01", Spec: gw("ip: 172.30.128.0, asn: 65100", "ip: 172.30.128.0, asn: 0"),
			Want: "BGP neighbor 172.30.128.0 must have an ASN: invalid gateway", Path: []any{"neighbors", 0, "asn"}},
		{Name: "group twice", Object: "gw-01", Spec: gw() + "groups: [{name: default}, {name: default, priority: 10}]\n",
			Want: "gateway gw-01 group default is duplicate: invalid gateway", Path: []any{"groups"}},
		{Name: "two groups", Object: "gw-01", Spec: gw() + "groups: [{name: edge, priority: 10}, {name: default}]\n"},
	})
}

// Values not known at plan time are skipped, never reported.
func TestGatewayRulesSkipUnknown(t *testing.T) {
	s := kindtest.Spec(t, gw())
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
	kindtest.CheckDefaults(t, Gateway, []kindtest.Default{
		{Name: "GW-01 logs, workers, groups and profiling", Request: gw(), Stored: gw() + `groups: [{name: default}]
workers: 4
logs: {default: info, tags: {all: info}}
profiling: {}
`},
		{Name: "explicit values kept, groups sorted by name", Request: gw() + `groups: [{name: edge, priority: 10}, {name: default}]
workers: 8
logs: {default: debug, tags: {nat: trace}}
profiling: {enabled: true}
`, Stored: gw() + `groups: [{name: default}, {name: edge, priority: 10}]
workers: 8
logs: {default: debug, tags: {nat: trace}}
profiling: {enabled: true}
`},
		{Name: "rate limit defaults when present", Request: gw() + "logs: {rateLimit: {}}\n",
			Stored: gw() + `groups: [{name: default}]
workers: 4
logs: {default: info, tags: {all: info}, rateLimit: {burst: 50, replenishPerSecond: 5}}
profiling: {}
`},
	})
}
