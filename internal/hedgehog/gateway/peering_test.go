package gateway

import (
	"strings"
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
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
	checkRules(t, GatewayPeering, []rule{
		{name: "GWPEER-01 minimal", object: "vpc-01--vpc-02", spec: peer()},
		{name: "GWPEER-02 by subnet name", object: "vpc-01--vpc-02",
			spec: peer(one, "    expose: [{ips: [{vpcSubnet: subnet-01}, {vpcSubnet: subnet-02}]}]\n")},
		{name: "GWPEER-03 static NAT", object: "vpc-01--vpc-02",
			spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], nat: {static: {}}}]\n")},
		{name: "GWPEER-04 masquerade", object: "vpc-01--vpc-02", spec: peer(one, masq("192.168.100.1/32"))},
		{name: "GWPEER-05 port forward", object: "vpc-01--vpc-02", spec: peer(two, pf("{proto: tcp, port: '22', as: '2222'}"))},
		{name: "GWPEER-06 external default destination", object: "vpc-01--internet",
			spec: external + "    expose: [{default: true}]\n"},
		{name: "GWPEER-07 ACL", object: "vpc-01--vpc-02",
			spec: withACL("{name: allow-https, from: vpc-01, action: allow, match: {proto: tcp, dst: [{cidr: 10.0.2.0/24, ports: ['443']}]}}")},
		{name: "GWPEER-08 not", object: "vpc-01--vpc-02",
			spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}, {not: 10.0.1.128/25}]}]\n")},
		{name: "GWPEER-09 idle timeout 5m", object: "vpc-01--vpc-02",
			spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.100.1/32}], nat: {masquerade: {idleTimeout: 5m}}}]\n")},
		{name: "GWPEER-10 masquerade and port forward on one side", object: "vpc-01--vpc-02", spec: peer(one, `    expose:
      - {ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.100.1/32}], nat: {masquerade: {}}}
      - {ips: [{cidr: 10.0.1.10/32}], as: [{cidr: 192.168.100.2/32}], nat: {portForward: {ports: [{proto: tcp, port: '80', as: '8080'}]}}}
`)},
		{name: "GWPEER-13 one VPC", object: "vpc-01--vpc-02",
			spec: "gatewayGroup: default\npeering:\n  vpc-01:\n" + one,
			want: "peering must have exactly 2 VPCs, got 1", path: []any{"peering"}},
		{name: "GWPEER-14 one VPC and no group", object: "vpc-01--vpc-02", spec: "peering:\n  vpc-01:\n" + one,
			want: "gateway group must be specified vpc-01--vpc-02", path: []any{"gatewayGroup"}},
		{name: "GWPEER-15 default with ips", object: "vpc-01--internet",
			spec: external + "    expose: [{default: true, ips: [{cidr: 0.0.0.0/0}]}]\n",
			want: "default flag should be the only thing set in expose of VPC ext.internet",
			path: []any{"peering", "ext.internet", "expose", 0, "default"}},
		{name: "GWPEER-16 expose without ips", object: "vpc-01--vpc-02", spec: peer(two, "    expose: [{}]\n"),
			want: "at least one IP block must be specified in peering expose of VPC vpc-02",
			path: []any{"peering", "vpc-02", "expose", 0, "ips"}},
		{name: "GWPEER-17 CIDR without prefix length", object: "vpc-01--vpc-02", spec: peer("10.0.1.0/24", "10.0.1.0"),
			want: "invalid CIDR 10.0.1.0 in peering expose IPs of VPC vpc-01: netip.ParsePrefix(\"10.0.1.0\"): no '/'",
			path: []any{"peering", "vpc-01", "expose", 0, "ips", 0, "cidr"}},
		{name: "GWPEER-18 cidr and not", object: "vpc-01--vpc-02", spec: peer("{cidr: 10.0.1.0/24}", "{cidr: 10.0.1.0/24, not: 10.0.1.1/32}"),
			want: "exactly one of cidr, not or vpcSubnet must be set in peering expose IPs of VPC vpc-01",
			path: []any{"peering", "vpc-01", "expose", 0, "ips", 0}},
		{name: "GWPEER-19 vpcSubnet on the external side", object: "vpc-01--internet",
			spec: external + "    expose: [{ips: [{vpcSubnet: subnet-01}]}]\n",
			want: "external internet cannot have an IP block with VPC Subnets specified",
			path: []any{"peering", "ext.internet", "expose", 0, "ips", 0, "vpcSubnet"}},
		{name: "GWPEER-20 as without nat", object: "vpc-01--vpc-02",
			spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}]}]\n"),
			want: "expose.As and expose.NAT must both be set or both be empty in peering expose of VPC vpc-01",
			path: []any{"peering", "vpc-01", "expose", 0, "as"}},
		{name: "GWPEER-21 static and masquerade", object: "vpc-01--vpc-02",
			spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], nat: {static: {}, masquerade: {}}}]\n"),
			want: "exactly one of masquerade, static, or portForward must be set in NAT section for peering expose of VPC vpc-01",
			path: []any{"peering", "vpc-01", "expose", 0, "nat"}},
		{name: "GWPEER-22 port forward without ports", object: "vpc-01--vpc-02",
			spec: peer(two, "    expose: [{ips: [{cidr: 10.0.2.10/32}], as: [{cidr: 192.168.200.10/32}], nat: {portForward: {}}}]\n"),
			want: "at least one port forwarding rule must be set in NAT section for peering expose of VPC vpc-02",
			path: []any{"peering", "vpc-02", "expose", 0, "nat", "portForward", "ports"}},
		{name: "GWPEER-23 port 0", object: "vpc-01--vpc-02", spec: peer(two, pf("{proto: tcp, port: '0', as: '2222'}")),
			want: "invalid port \"0\" in port forwarding rule 0 in NAT section for peering expose of VPC vpc-02: invalid port 0: " +
				"port should be between 1 and 65535",
			path: []any{"peering", "vpc-02", "expose", 0, "nat", "portForward", "ports", 0, "port"}},
		{name: "GWPEER-24 masquerade on both sides", object: "vpc-01--vpc-02",
			spec: peer(one, masq("192.168.100.1/32"), two,
				"    expose: [{ips: [{cidr: 10.0.2.0/24}], as: [{cidr: 192.168.100.2/32}], nat: {masquerade: {}}}]\n"),
			want: "unsupported configuration, only one side of a peering can use stateful NAT (i.e. masquerade or portForward)",
			path: []any{"peering"}},
		{name: "GWPEER-25 static facing port forward", object: "vpc-01--vpc-02",
			spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], nat: {static: {}}}]\n",
				two, pf("{proto: udp, port: '53', as: '53'}")),
			want: "unsupported configuration, one side of a peering using static NAT cannot peer with a side using stateful NAT",
			path: []any{"peering"}},
		{name: "GWPEER-26 rule without from and to", object: "vpc-01--vpc-02", spec: withACL("{name: web, action: allow}"),
			want: "at least one of from and to must be specified in ACL rule 0 (web)", path: []any{"acl", "rules", 0}},
		{name: "GWPEER-27 rule from another VPC", object: "vpc-01--vpc-02", spec: withACL("{from: vpc-03, action: allow}"),
			want: `invalid from "vpc-03" in ACL rule 0, it has to match one of the two VPCs of the peering: ["vpc-01" "vpc-02"]`,
			path: []any{"acl", "rules", 0, "from"}},
		{name: "GWPEER-28 rule name with capitals", object: "vpc-01--vpc-02",
			spec: withACL("{name: Web_Traffic, from: vpc-01, action: allow}"),
			want: `invalid rule name "Web_Traffic" in ACL rule 0`, path: []any{"acl", "rules", 0, "name"}},
		{name: "GWPEER-29 protocol icmp", object: "vpc-01--vpc-02", spec: withACL("{from: vpc-01, action: deny, match: {proto: icmp}}"),
			want: `invalid protocol "icmp" in ACL rule 0: strconv.Atoi: parsing "icmp": invalid syntax`,
			path: []any{"acl", "rules", 0, "match", "proto"}},
		{name: "static on both sides", object: "p", spec: peer(
			one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], nat: {static: {}}}]\n",
			two, "    expose: [{ips: [{cidr: 10.0.2.0/24}], as: [{cidr: 192.168.2.0/24}], nat: {static: {}}}]\n")},
		{name: "empty side", object: "p", spec: peer(two, "    expose: []\n")},
		{name: "invalid not", object: "p", spec: peer("{cidr: 10.0.1.0/24}", "{not: 10.0.1.300/32}"),
			want: "invalid Not CIDR 10.0.1.300/32 in peering expose IPs of VPC vpc-01: netip.ParsePrefix(\"10.0.1.300/32\"): " +
				"ParseAddr(\"10.0.1.300\"): IPv4 field has value >255",
			path: []any{"peering", "vpc-01", "expose", 0, "ips", 0, "not"}},
		{name: "as /33", object: "p",
			spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/33}], nat: {static: {}}}]\n"),
			want: "invalid CIDR 192.168.1.0/33 in peering expose AS of VPC vpc-01: netip.ParsePrefix(\"192.168.1.0/33\"): " +
				"prefix length out of range",
			path: []any{"peering", "vpc-01", "expose", 0, "as", 0, "cidr"}},
		{name: "as with cidr and not", object: "p",
			spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24, not: 192.168.1.0/28}], nat: {static: {}}}]\n"),
			want: "exactly one of cidr or not must be set in peering expose AS of VPC vpc-01",
			path: []any{"peering", "vpc-01", "expose", 0, "as", 0}},
		{name: "nat without as", object: "p", spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], nat: {static: {}}}]\n"),
			want: "expose.As and expose.NAT must both be set or both be empty in peering expose of VPC vpc-01",
			path: []any{"peering", "vpc-01", "expose", 0, "nat"}},
		{name: "empty nat", object: "p",
			spec: peer(one, "    expose: [{ips: [{cidr: 10.0.1.0/24}], as: [{cidr: 192.168.1.0/24}], nat: {}}]\n"),
			want: "exactly one of masquerade, static, or portForward must be set in NAT section for peering expose of VPC vpc-01",
			path: []any{"peering", "vpc-01", "expose", 0, "nat"}},
		{name: "port as not a number", object: "p", spec: peer(two, pf("{port: '22', as: ssh}")),
			want: "invalid as \"ssh\" in port forwarding rule 0 in NAT section for peering expose of VPC vpc-02: invalid port \"ssh\": " +
				"strconv.Atoi: parsing \"ssh\": invalid syntax",
			path: []any{"peering", "vpc-02", "expose", 0, "nat", "portForward", "ports", 0, "as"}},
		{name: "port forward protocol icmp", object: "p", spec: peer(two, pf("{proto: icmp, port: '22', as: '22'}")),
			want: "invalid protocol \"icmp\" in port forwarding rule 0 in NAT section for peering expose of VPC vpc-02",
			path: []any{"peering", "vpc-02", "expose", 0, "nat", "portForward", "ports", 0, "proto"}},
		{name: "port ranges", object: "p", spec: peer(two, pf("{port: '8000-8080', as: '9000-9080'}"))},
		{name: "ACL default allow", object: "p", spec: peer() + "acl: {default: allow}\n",
			want: `invalid default action "allow" in ACL`, path: []any{"acl", "default"}},
		{name: "rule without action", object: "p", spec: withACL(`{name: no-action, from: vpc-01, action: ""}`),
			want: `invalid action "" in ACL rule 0 (no-action)`, path: []any{"acl", "rules", 0, "action"}},
		{name: "rule name too long", object: "p", spec: withACL("{name: " + strings.Repeat("a", 65) + ", from: vpc-01, action: allow}"),
			want: `rule name "` + strings.Repeat("a", 65) + `" in ACL rule 0 is too long, must be 64 characters or less`,
			path: []any{"acl", "rules", 0, "name"}},
		{name: "rule to another VPC", object: "p", spec: withACL("{name: web, to: vpc-03, action: allow}"),
			want: `invalid to "vpc-03" in ACL rule 0 (web), it has to match one of the two VPCs of the peering: ["vpc-01" "vpc-02"]`,
			path: []any{"acl", "rules", 0, "to"}},
		{name: "source cidr and vpcSubnet", object: "p",
			spec: withACL("{from: vpc-01, action: allow, match: {src: [{cidr: 10.0.1.0/24, vpcSubnet: subnet-01}]}}"),
			want: "at most one of cidr and vpcSubnet can be specified in source match for rule 0",
			path: []any{"acl", "rules", 0, "match", "src", 0}},
		{name: "destination CIDR /33", object: "p",
			spec: withACL("{name: web, from: vpc-01, action: allow, match: {dst: [{cidr: 10.0.2.0/33}]}}"),
			want: `invalid destination CIDR "10.0.2.0/33" in ACL rule 0 (web): netip.ParsePrefix("10.0.2.0/33"): prefix length out of range`,
			path: []any{"acl", "rules", 0, "match", "dst", 0, "cidr"}},
		{name: "source port 70000", object: "p",
			spec: withACL("{from: vpc-01, action: allow, match: {src: [{ports: ['70000']}]}}"),
			want: `invalid source port "70000" in ACL rule 0: invalid port 70000: port should be between 1 and 65535`,
			path: []any{"acl", "rules", 0, "match", "src", 0, "ports"}},
		{name: "numeric protocols", object: "p", spec: withACL("{from: vpc-01, action: allow, match: {proto: '6'}}")},
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
	s := spec(t, peer())
	s["peering"] = kinds.Unknown
	if problems := GatewayPeering.Check("p", s); len(problems) > 0 {
		t.Fatalf("unknown sides reported: %+v", problems)
	}
	s = spec(t, withACL("{from: vpc-01, action: allow}"))
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
	checkDefaults(t, GatewayPeering, []stored{
		{name: "GWPEER-01 group", request: peer(), want: peer() + "gatewayGroup: default\n"},
		{name: "GWPEER-04 masquerade idle timeout", request: peer(one, masq("")),
			want: peer(one, masq("idleTimeout: 2m0s")) + "gatewayGroup: default\n"},
		{name: "GWPEER-09 5m stored as 5m0s", request: peer(one, masq("idleTimeout: 5m")),
			want: peer(one, masq("idleTimeout: 5m0s")) + "gatewayGroup: default\n"},
		{name: "port forward idle timeout", request: peer(two,
			"    expose: [{ips: [{cidr: 10.0.2.10/32}], as: [{cidr: 192.168.200.10/32}], nat: {portForward: {ports: [{proto: tcp, port: '22', as: '2222'}]}}}]\n"),
			want: peer(two, "    expose: [{ips: [{cidr: 10.0.2.10/32}], as: [{cidr: 192.168.200.10/32}], nat: {portForward: {ports: "+
				"[{proto: tcp, port: '22', as: '2222'}], idleTimeout: 2m0s}}}]\n") + "gatewayGroup: default\n"},
		{name: "GWPEER-07 ACL default and scope", request: withACL("{name: allow-https, from: vpc-01, action: allow, match: {proto: tcp}}"),
			want: peer() + "acl: {default: deny-unless-exposed, rules: [{name: allow-https, from: vpc-01, action: allow, " +
				"match: {proto: tcp}, scope: flow}]}\ngatewayGroup: default\n"},
		{name: "GWPEER-26 empty match", request: withACL("{name: web, action: allow}"),
			want: peer() + "acl: {default: deny-unless-exposed, rules: [{name: web, action: allow, match: {}, scope: flow}]}\n" +
				"gatewayGroup: default\n"},
		{name: "GWPEER-13 one side: nothing", request: "peering:\n  vpc-01:\n" + one, want: "peering:\n  vpc-01:\n" + one},
		{name: "explicit group kept", request: peer() + "gatewayGroup: edge\n", want: peer() + "gatewayGroup: edge\n"},
	})
}
