package gateway

import (
	"strings"
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
)

// peer is the peering of vector GWPEER-01 (vpc-01 exposes 10.0.1.0/24,
// vpc-02 10.0.2.0/24) with one side or a part of it replaced, and more lines.
func peer(replace ...string) string {
	s := `peering:
  vpc-01:
    expose: [{ips: [{cidr: 10.0.1.0/24}]}]
  vpc-02:
    expose: [{ips: [{cidr: 10.0.2.0/24}]}]
`
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			panic("no " + replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	return s
}

// Sides of peer to replace.
const (
	one = "    expose: [{ips: [{cidr: 10.0.1.0/24}]}]\n"
	two = "    expose: [{ips: [{cidr: 10.0.2.0/24}]}]\n"
)

// withACL is peer with an ACL of one rule.
func withACL(ruleYAML string) string { return peer() + "acl: {rules: [" + ruleYAML + "]}\n" }

// The vectors' valid peerings (GWPEER-01..10) and the object-only invalid
// ones (GWPEER-13..29; 11 and 12 depend on the fabric and the namespace),
// then more of upstream's rules.
func TestPeeringRules(t *testing.T) {
	masq := func(as string) string {
		return "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: " + as + "}], nat: {masquerade: {}}}]\n"
	}
	pf := func(ports string) string {
		return "    expose: [{ips: [{cidr: 10.0.2.10/32}], as: [{cidr: 192.168.200.10/32}], nat: {portForward: {ports: [" + ports + "]}}}]\n"
	}
	external := "peering:\n  vpc-01:\n" + one + "  ext.internet:\n"
	kindtest.CheckRules(t, GatewayPeering, []kindtest.Rule{
		{Name: "GWPEER-01 minimal", Object: "vpc-01--vpc-02", Spec: peer()},
		{Name: "GWPEER-02 by subnet name", Object: "vpc-01--vpc-02",
			Spec: peer(one, "    expose: [{ips: [{vpcSubnet: subnet-01}, {vpcSubnet: subnet-02}]}]\n")},
		{Name: "GWPEER-03 static NAT", Object: "vpc-01--vpc-02",
			Spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], nat: {static: {}}}]\n")},
		{Name: "GWPEER-04 masquerade", Object: "vpc-01--vpc-02", Spec: peer(one, masq("192.168.100.1/32"))},
		{Name: "GWPEER-05 port forward", Object: "vpc-01--vpc-02", Spec: peer(two, pf("{proto: tcp, port: '22', as: '2222'}"))},
		{Name: "GWPEER-06 external default destination", Object: "vpc-01--internet",
			Spec: external + "    expose: [{default: true}]\n"},
		{Name: "GWPEER-07 ACL", Object: "vpc-01--vpc-02",
			Spec: withACL("{name: allow-https, from: vpc-01, action: allow, match: {proto: tcp, dst: [{cidr: 10.0.2.0/24, ports: ['443']}]}}")},
		{Name: "GWPEER-08 not", Object: "vpc-01--vpc-02",
			Spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}, {not: 10.0.1.128/25}]}]\n")},
		{Name: "GWPEER-09 idle timeout 5m", Object: "vpc-01--vpc-02",
			Spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.100.1/32}], nat: {masquerade: {idleTimeout: 5m}}}]\n")},
		{Name: "GWPEER-10 masquerade and port forward on one side", Object: "vpc-01--vpc-02", Spec: peer(one, `    expose:
      - {ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.100.1/32}], nat: {masquerade: {}}}
      - {ips: [{cidr: 10.0.1.10/32}], as: [{cidr: 192.168.100.2/32}], nat: {portForward: {ports: [{proto: tcp, port: '80', as: '8080'}]}}}
`)},
		{Name: "GWPEER-13 one VPC", Object: "vpc-01--vpc-02",
			Spec: "gatewayGroup: default\npeering:\n  vpc-01:\n" + one,
			Want: "peering must have exactly 2 VPCs, got 1", Path: []any{"peering"}},
		{Name: "GWPEER-14 one VPC and no group", Object: "vpc-01--vpc-02", Spec: "peering:\n  vpc-01:\n" + one,
			Want: "gateway group must be specified vpc-01--vpc-02", Path: []any{"gatewayGroup"}},
		{Name: "GWPEER-15 default with ips", Object: "vpc-01--internet",
			Spec: external + "    expose: [{default: true, ips: [{cidr: 0.0.0.0/0}]}]\n",
			Want: "default flag should be the only thing set in expose of VPC ext.internet",
			Path: []any{"peering", "ext.internet", "expose", 0, "default"}},
		{Name: "GWPEER-16 expose without ips", Object: "vpc-01--vpc-02", Spec: peer(two, "    expose: [{}]\n"),
			Want: "at least one IP block must be specified in peering expose of VPC vpc-02",
			Path: []any{"peering", "vpc-02", "expose", 0, "ips"}},
		{Name: "GWPEER-17 CIDR without prefix length", Object: "vpc-01--vpc-02", Spec: peer("10.0.1.0/24", "10.0.1.0"),
			Want: "invalid CIDR 10.0.1.0 in peering expose IPs of VPC vpc-01: netip.ParsePrefix(\"10.0.1.0\"): no '/'",
			Path: []any{"peering", "vpc-01", "expose", 0, "ips", 0, "cidr"}},
		{Name: "GWPEER-18 cidr and not", Object: "vpc-01--vpc-02", Spec: peer("{cidr: 10.0.1.0/24}", "{cidr: 10.0.1.0/24, not: 10.0.1.1/32}"),
			Want: "exactly one of cidr, not or vpcSubnet must be set in peering expose IPs of VPC vpc-01",
			Path: []any{"peering", "vpc-01", "expose", 0, "ips", 0}},
		{Name: "GWPEER-19 vpcSubnet on the external side", Object: "vpc-01--internet",
			Spec: external + "    expose: [{ips: [{vpcSubnet: subnet-01}]}]\n",
			Want: "external internet cannot have an IP block with VPC Subnets specified",
			Path: []any{"peering", "ext.internet", "expose", 0, "ips", 0, "vpcSubnet"}},
		{Name: "GWPEER-20 as without nat", Object: "vpc-01--vpc-02",
			Spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}]}]\n"),
			Want: "expose.As and expose.NAT must both be set or both be empty in peering expose of VPC vpc-01",
			Path: []any{"peering", "vpc-01", "expose", 0, "as"}},
		{Name: "GWPEER-21 static and masquerade", Object: "vpc-01--vpc-02",
			Spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], nat: {static: {}, masquerade: {}}}]\n"),
			Want: "exactly one of masquerade, static, or portForward must be set in NAT section for peering expose of VPC vpc-01",
			Path: []any{"peering", "vpc-01", "expose", 0, "nat"}},
		{Name: "GWPEER-22 port forward without ports", Object: "vpc-01--vpc-02",
			Spec: peer(two, "    expose: [{ips: [{cidr: 10.0.2.10/32}], as: [{cidr: 192.168.200.10/32}], nat: {portForward: {}}}]\n"),
			Want: "at least one port forwarding rule must be set in NAT section for peering expose of VPC vpc-02",
			Path: []any{"peering", "vpc-02", "expose", 0, "nat", "portForward", "ports"}},
		{Name: "GWPEER-23 port 0", Object: "vpc-01--vpc-02", Spec: peer(two, pf("{proto: tcp, port: '0', as: '2222'}")),
			Want: "invalid port \"0\" in port forwarding rule 0 in NAT section for peering expose of VPC vpc-02: invalid port 0: " +
				"port should be between 1 and 65535",
			Path: []any{"peering", "vpc-02", "expose", 0, "nat", "portForward", "ports", 0, "port"}},
		{Name: "GWPEER-24 masquerade on both sides", Object: "vpc-01--vpc-02",
			Spec: peer(one, masq("192.168.100.1/32"), two,
				"    expose: [{ips: [{cidr: 10.0.2.0/24}], as: [{cidr: 192.168.100.2/32}], nat: {masquerade: {}}}]\n"),
			Want: "unsupported configuration, only one side of a peering can use stateful NAT (i.e. masquerade or portForward)",
			Path: []any{"peering"}},
		{Name: "GWPEER-25 static facing port forward", Object: "vpc-01--vpc-02",
			Spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], nat: {static: {}}}]\n",
				two, pf("{proto: udp, port: '53', as: '53'}")),
			Want: "unsupported configuration, one side of a peering using static NAT cannot peer with a side using stateful NAT",
			Path: []any{"peering"}},
		{Name: "GWPEER-26 rule without from and to", Object: "vpc-01--vpc-02", Spec: withACL("{name: web, action: allow}"),
			Want: "at least one of from and to must be specified in ACL rule 0 (web)", Path: []any{"acl", "rules", 0}},
		{Name: "GWPEER-27 rule from another VPC", Object: "vpc-01--vpc-02", Spec: withACL("{from: vpc-03, action: allow}"),
			Want: `invalid from "vpc-03" in ACL rule 0, it has to match one of the two VPCs of the peering: ["vpc-01" "vpc-02"]`,
			Path: []any{"acl", "rules", 0, "from"}},
		{Name: "GWPEER-28 rule name with capitals", Object: "vpc-01--vpc-02",
			Spec: withACL("{name: Web_Traffic, from: vpc-01, action: allow}"),
			Want: `invalid rule name "Web_Traffic" in ACL rule 0`, Path: []any{"acl", "rules", 0, "name"}},
		{Name: "GWPEER-29 protocol icmp", Object: "vpc-01--vpc-02", Spec: withACL("{from: vpc-01, action: deny, match: {proto: icmp}}"),
			Want: `invalid protocol "icmp" in ACL rule 0: strconv.Atoi: parsing "icmp": invalid syntax`,
			Path: []any{"acl", "rules", 0, "match", "proto"}},
		{Name: "static on both sides", Object: "p", Spec: peer(
			one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], nat: {static: {}}}]\n",
			two, "    expose: [{ips: [{cidr: 10.0.2.0/24}], as: [{cidr: 192.168.2.0/24}], nat: {static: {}}}]\n")},
		{Name: "empty side", Object: "p", Spec: peer(two, "    expose: []\n")},
		{Name: "invalid not", Object: "p", Spec: peer("{cidr: 10.0.1.0/24}", "{not: 10.0.1.300/32}"),
			Want: "invalid Not CIDR 10.0.1.300/32 in peering expose IPs of VPC vpc-01: netip.ParsePrefix(\"10.0.1.300/32\"): " +
				"ParseAddr(\"10.0.1.300\"): IPv4 field has value >255",
			Path: []any{"peering", "vpc-01", "expose", 0, "ips", 0, "not"}},
		{Name: "as /33", Object: "p",
			Spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/33}], nat: {static: {}}}]\n"),
			Want: "invalid CIDR 192.168.1.0/33 in peering expose AS of VPC vpc-01: netip.ParsePrefix(\"192.168.1.0/33\"): " +
				"prefix length out of range",
			Path: []any{"peering", "vpc-01", "expose", 0, "as", 0, "cidr"}},
		{Name: "as with cidr and not", Object: "p",
			Spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24, not: 192.168.1.0/28}], nat: {static: {}}}]\n"),
			Want: "exactly one of cidr or not must be set in peering expose AS of VPC vpc-01",
			Path: []any{"peering", "vpc-01", "expose", 0, "as", 0}},
		{Name: "nat without as", Object: "p", Spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], nat: {static: {}}}]\n"),
			Want: "expose.As and expose.NAT must both be set or both be empty in peering expose of VPC vpc-01",
			Path: []any{"peering", "vpc-01", "expose", 0, "nat"}},
		{Name: "empty nat", Object: "p",
			Spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], nat: {}}]\n"),
			Want: "exactly one of masquerade, static, or portForward must be set in NAT section for peering expose of VPC vpc-01",
			Path: []any{"peering", "vpc-01", "expose", 0, "nat"}},
		{Name: "port as not a number", Object: "p", Spec: peer(two, pf("{port: '22', as: ssh}")),
			Want: "invalid as \"ssh\" in port forwarding rule 0 in NAT section for peering expose of VPC vpc-02: invalid port \"ssh\": " +
				"strconv.Atoi: parsing \"ssh\": invalid syntax",
			Path: []any{"peering", "vpc-02", "expose", 0, "nat", "portForward", "ports", 0, "as"}},
		{Name: "port forward protocol icmp", Object: "p", Spec: peer(two, pf("{proto: icmp, port: '22', as: '22'}")),
			Want: "invalid protocol \"icmp\" in port forwarding rule 0 in NAT section for peering expose of VPC vpc-02",
			Path: []any{"peering", "vpc-02", "expose", 0, "nat", "portForward", "ports", 0, "proto"}},
		{Name: "port ranges", Object: "p", Spec: peer(two, pf("{port: '8000-8080', as: '9000-9080'}"))},
		{Name: "ACL default allow", Object: "p", Spec: peer() + "acl: {default: allow}\n",
			Want: `invalid default action "allow" in ACL`, Path: []any{"acl", "default"}},
		{Name: "rule without action", Object: "p", Spec: withACL(`{name: no-action, from: vpc-01, action: ""}`),
			Want: `invalid action "" in ACL rule 0 (no-action)`, Path: []any{"acl", "rules", 0, "action"}},
		{Name: "rule name too long", Object: "p", Spec: withACL("{name: " + strings.Repeat("a", 65) + ", from: vpc-01, action: allow}"),
			Want: `rule name "` + strings.Repeat("a", 65) + `" in ACL rule 0 is too long, must be 64 characters or less`,
			Path: []any{"acl", "rules", 0, "name"}},
		{Name: "rule to another VPC", Object: "p", Spec: withACL("{name: web, to: vpc-03, action: allow}"),
			Want: `invalid to "vpc-03" in ACL rule 0 (web), it has to match one of the two VPCs of the peering: ["vpc-01" "vpc-02"]`,
			Path: []any{"acl", "rules", 0, "to"}},
		{Name: "source cidr and vpcSubnet", Object: "p",
			Spec: withACL("{from: vpc-01, action: allow, match: {src: [{cidr: 10.0.1.0/24, vpcSubnet: subnet-01}]}}"),
			Want: "at most one of cidr and vpcSubnet can be specified in source match for rule 0",
			Path: []any{"acl", "rules", 0, "match", "src", 0}},
		{Name: "destination CIDR /33", Object: "p",
			Spec: withACL("{name: web, from: vpc-01, action: allow, match: {dst: [{cidr: 10.0.2.0/33}]}}"),
			Want: `invalid destination CIDR "10.0.2.0/33" in ACL rule 0 (web): netip.ParsePrefix("10.0.2.0/33"): prefix length out of range`,
			Path: []any{"acl", "rules", 0, "match", "dst", 0, "cidr"}},
		{Name: "source port 70000", Object: "p",
			Spec: withACL("{from: vpc-01, action: allow, match: {src: [{ports: ['70000']}]}}"),
			Want: `invalid source port "70000" in ACL rule 0: invalid port 70000: port should be between 1 and 65535`,
			Path: []any{"acl", "rules", 0, "match", "src", 0, "ports"}},
		{Name: "numeric protocols", Object: "p", Spec: withACL("{from: vpc-01, action: allow, match: {proto: '6'}}")},
	})
}

func TestValidatePort(t *testing.T) {
	for in, want := range map[string]string{
		"22": "", "1-65535": "", "": "port entry should not be empty",
		" 22":    `invalid port " 22": should not contain leading or trailing whitespace`,
		"22,23":  `invalid port "22,23": should be a single port or range`,
		"80-":    "invalid port range 80-: both start and end should not be empty",
		"100-50": "invalid port range 100-50: start port 100 is greater than end port 50",
		"1-2-3":  "invalid port range 1-2-3: should be in format start-end",
		"0-10":   "invalid start port 0: port should be between 1 and 65535",
		"10-x":   `invalid end port x: strconv.Atoi: parsing "x": invalid syntax`,
		"65536":  "invalid port 65536: port should be between 1 and 65535",
	} {
		got := ""
		if err := validatePort(in); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("validatePort(%q) = %q, want %q", in, got, want)
		}
	}
}

// Sides known by reference only (unknown keys at plan time) skip every rule.
func TestPeeringRulesSkipUnknown(t *testing.T) {
	s := kindtest.Spec(t, peer())
	s["peering"] = kinds.Unknown
	if problems := GatewayPeering.Check("p", s); len(problems) > 0 {
		t.Fatalf("unknown sides reported: %+v", problems)
	}
	s = kindtest.Spec(t, withACL("{from: vpc-01, action: allow}"))
	rules, _ := meta.List(s, "acl", "rules")
	first, _ := rules[0].(map[string]any)
	first["from"] = kinds.Unknown
	sides, _ := meta.Map(s, "peering")
	sides["vpc-02"] = kinds.Unknown
	if problems := GatewayPeering.Check("p", s); len(problems) > 0 {
		t.Fatalf("unknown values reported: %+v", problems)
	}
}

func TestPeeringDefaults(t *testing.T) {
	masq := func(timeout string) string {
		return "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.100.1/32}], nat: {masquerade: {" + timeout + "}}}]\n"
	}
	kindtest.CheckDefaults(t, GatewayPeering, []kindtest.Default{
		{Name: "GWPEER-01 group", Request: peer(), Stored: peer() + "gatewayGroup: default\n"},
		{Name: "GWPEER-04 masquerade idle timeout", Request: peer(one, masq("")),
			Stored: peer(one, masq("idleTimeout: 2m0s")) + "gatewayGroup: default\n"},
		{Name: "GWPEER-09 5m stored as 5m0s", Request: peer(one, masq("idleTimeout: 5m")),
			Stored: peer(one, masq("idleTimeout: 5m0s")) + "gatewayGroup: default\n"},
		{Name: "port forward idle timeout", Request: peer(two,
			"    expose: [{ips: [{cidr: 10.0.2.10/32}], as: [{cidr: 192.168.200.10/32}], nat: {portForward: {ports: [{proto: tcp, port: '22', as: '2222'}]}}}]\n"),
			Stored: peer(two, "    expose: [{ips: [{cidr: 10.0.2.10/32}], as: [{cidr: 192.168.200.10/32}], nat: {portForward: {ports: "+
				"[{proto: tcp, port: '22', as: '2222'}], idleTimeout: 2m0s}}}]\n") + "gatewayGroup: default\n"},
		{Name: "GWPEER-07 ACL default and scope", Request: withACL("{name: allow-https, from: vpc-01, action: allow, match: {proto: tcp}}"),
			Stored: peer() + "acl: {default: deny-unless-exposed, rules: [{name: allow-https, from: vpc-01, action: allow, " +
				"match: {proto: tcp}, scope: flow}]}\ngatewayGroup: default\n"},
		{Name: "GWPEER-26 empty match", Request: withACL("{name: web, action: allow}"),
			Stored: peer() + "acl: {default: deny-unless-exposed, rules: [{name: web, action: allow, match: {}, scope: flow}]}\n" +
				"gatewayGroup: default\n"},
		{Name: "GWPEER-13 one side: nothing", Request: "peering:\n  vpc-01:\n" + one, Stored: "peering:\n  vpc-01:\n" + one},
		{Name: "explicit group kept", Request: peer() + "gatewayGroup: edge\n", Stored: peer() + "gatewayGroup: edge\n"},
	})
}
