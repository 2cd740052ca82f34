package vpc

import (
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
)

const (
	bgpAttachment = `connection: leaf-01--external
external: external-01
neighbor: {asn: 64000, ip: 10.90.0.4}
switch: {ip: 10.90.0.5/31, vlan: 100}
`
	staticAttachment = `connection: leaf-01--external
external: external-02
static: {remoteIP: 10.45.0.2, vlan: 200, proxy: true}
`
)

func acl(statement string) string {
	return bgpAttachment + "inboundACL: {statements: [" + statement + "]}\n"
}

// The cases named EXTATT-* and ACL-* are Hedgehog's validation vectors for
// External attachments: the same objects, and the messages the real webhook
// returned (the rules that need no other object).
func TestExternalAttachmentRules(t *testing.T) {
	kindtest.CheckRules(t, ExternalAttachment, []kindtest.Rule{
		{Name: "EXTATT-01s BGP", Spec: bgpAttachment},
		{Name: "EXTATT-02s static with proxy", Spec: staticAttachment},
		{Name: "EXTATT-09s static with both ip and proxy",
			Spec: "connection: c\nexternal: e\nstatic: {ip: 10.45.0.1/24, proxy: true, remoteIP: 10.45.0.2, vlan: 200}",
			Want: "either static.ip or static.proxy must be set for static external attachment", Path: []any{"static"}},
		{Name: "EXTATT-10s static with neither ip nor proxy", Spec: "connection: c\nexternal: e\nstatic: {remoteIP: 10.45.0.2, vlan: 200}",
			Want: "either static.ip or static.proxy must be set for static external attachment", Path: []any{"static"}},
		{Name: "EXTATT-C1 BGP without switch.ip", Spec: "connection: c\nexternal: e\nneighbor: {asn: 64000, ip: 10.90.0.4}\nswitch: {vlan: 100}",
			Want: "switch.ip is required", Path: []any{"switch", "ip"}},
		{Name: "BGP without switch at all", Spec: "connection: c\nexternal: e",
			Want: "switch.ip is required", Path: []any{"switch", "ip"}},
		{Name: "switch.ip without prefix length", Spec: "connection: c\nexternal: e\nneighbor: {asn: 1, ip: 10.0.0.2}\nswitch: {ip: 10.0.0.1}",
			Want: "switch.ip is not a valid IP CIDR", Path: []any{"switch", "ip"}},
		{Name: "BGP without neighbor ASN", Spec: "connection: c\nexternal: e\nneighbor: {ip: 10.0.0.2}\nswitch: {ip: 10.0.0.1/24}",
			Want: "neighbor.asn is required", Path: []any{"neighbor", "asn"}},
		{Name: "BGP without neighbor IP", Spec: "connection: c\nexternal: e\nneighbor: {asn: 1}\nswitch: {ip: 10.0.0.1/24}",
			Want: "neighbor.ip is required", Path: []any{"neighbor", "ip"}},
		{Name: "neighbor IP with a prefix length", Spec: "connection: c\nexternal: e\nneighbor: {asn: 1, ip: 10.0.0.2/24}\nswitch: {ip: 10.0.0.1/24}",
			Want: "neighbor.ip is not a valid IP address", Path: []any{"neighbor", "ip"}},
		{Name: "static with switch", Spec: staticAttachment + "switch: {vlan: 10}",
			Want: "switch parameters must not be set for static external attachment", Path: []any{"switch"}},
		{Name: "static with neighbor", Spec: staticAttachment + "neighbor: {asn: 10}",
			Want: "neighbor parameters must not be set for static external attachment", Path: []any{"neighbor"}},
		{Name: "static with empty switch and neighbor (as stored)", Spec: staticAttachment + "switch: {}\nneighbor: {}"},
		{Name: "static without remote IP", Spec: "connection: c\nexternal: e\nstatic: {proxy: true}",
			Want: "static.remoteIP is required for static external attachment", Path: []any{"static", "remoteIP"}},
		{Name: "static remote IP not an address", Spec: "connection: c\nexternal: e\nstatic: {remoteIP: 10.0.0.1/24, proxy: true}",
			Want: "static.remoteIP is not a valid IP address", Path: []any{"static", "remoteIP"}},
		{Name: "static ip not a CIDR", Spec: "connection: c\nexternal: e\nstatic: {remoteIP: 10.0.0.1, ip: 10.0.0.2}",
			Want: "static.ip is not a valid IP CIDR", Path: []any{"static", "ip"}},
		{Name: "empty external", Spec: "connection: c\nexternal: ''", Want: "external is required", Path: []any{"external"}},
		{Name: "ACL-05 established with notSyn",
			Spec: acl("{action: permit, dstPrefix: any, protocol: tcp, seq: 10, srcPrefix: any, tcpFilters: {established: true, notSyn: true}}"),
			Want: "invalid inboundACL: established is mutually exclusive with individual TCP flags in statement 10",
			Path: []any{"inboundACL", "statements", 0, "tcpFilters"}},
		{Name: "ACL-09 seq below 10", Spec: acl("{action: permit, dstPrefix: any, protocol: tcp, seq: 9, srcPrefix: any}"),
			Want: "invalid inboundACL: sequence number 9 is reserved for security rules (user-defined rules must use seq >= 10)",
			Path: []any{"inboundACL", "statements", 0, "seq"}},
		{Name: "ACL-18 port range reversed",
			Spec: acl("{action: permit, dstPrefix: any, portRangeBegin: 443, portRangeEnd: 80, protocol: tcp, seq: 10, srcPrefix: 10.0.0.0/8}"),
			Want: "invalid inboundACL: portRangeBegin must be <= portRangeEnd in statement 10",
			Path: []any{"inboundACL", "statements", 0, "portRangeBegin"}},
		{Name: "valid ACL", Spec: acl(`{action: permit, dstPrefix: any, protocol: tcp, seq: 10, srcPrefix: 10.0.0.0/8, portRangeBegin: 80,
  portRangeEnd: 443, tcpFilters: {syn: true, notAck: true}}, {action: deny, protocol: icmp, seq: 20, srcPrefix: any, dstPrefix: any,
  icmpType: 0, icmpCode: 0}`)},
		{Name: "duplicate seq", Spec: acl("{action: permit, dstPrefix: any, protocol: ip, seq: 10, srcPrefix: any}, " +
			"{action: deny, dstPrefix: any, protocol: ip, seq: 10, srcPrefix: any}"),
			Want: "invalid inboundACL: duplicate sequence number 10", Path: []any{"inboundACL", "statements", 1, "seq"}},
		{Name: "unknown action", Spec: acl("{action: allow, dstPrefix: any, protocol: ip, seq: 10, srcPrefix: any}"),
			Want: `invalid inboundACL: invalid action "allow" in statement 10`, Path: []any{"inboundACL", "statements", 0, "action"}},
		{Name: "unknown protocol", Spec: acl("{action: deny, dstPrefix: any, protocol: sctp, seq: 10, srcPrefix: any}"),
			Want: `invalid inboundACL: invalid protocol "sctp" in statement 10`, Path: []any{"inboundACL", "statements", 0, "protocol"}},
		{Name: "bad source prefix", Spec: acl("{action: deny, dstPrefix: any, protocol: ip, seq: 10, srcPrefix: 10.0.0.1}"),
			Want: `invalid inboundACL: invalid srcPrefix "10.0.0.1" in statement 10`, Path: []any{"inboundACL", "statements", 0, "srcPrefix"}},
		{Name: "empty destination", Spec: acl("{action: deny, dstPrefix: '', protocol: ip, seq: 10, srcPrefix: any}"),
			Want: "invalid inboundACL: dstPrefix is required in statement 10", Path: []any{"inboundACL", "statements", 0, "dstPrefix"}},
		{Name: "TCP filters on UDP", Spec: acl("{action: deny, dstPrefix: any, protocol: udp, seq: 10, srcPrefix: any, tcpFilters: {syn: true}}"),
			Want: "invalid inboundACL: tcpFilters can only be used with tcp protocol in statement 10",
			Path: []any{"inboundACL", "statements", 0, "tcpFilters"}},
		{Name: "contradictory flags", Spec: acl("{action: deny, dstPrefix: any, protocol: tcp, seq: 10, srcPrefix: any, tcpFilters: {rst: true, notRst: true}}"),
			Want: "invalid inboundACL: contradictory TCP flags (flag and its negation) in statement 10",
			Path: []any{"inboundACL", "statements", 0, "tcpFilters"}},
		{Name: "ICMP type on TCP", Spec: acl("{action: deny, dstPrefix: any, protocol: tcp, seq: 10, srcPrefix: any, icmpType: 8}"),
			Want: "invalid inboundACL: icmpType/icmpCode can only be used with icmp protocol in statement 10",
			Path: []any{"inboundACL", "statements", 0, "protocol"}},
		{Name: "ports on ICMP", Spec: acl("{action: deny, dstPrefix: any, protocol: icmp, seq: 10, srcPrefix: any, portRangeEnd: 8}"),
			Want: "invalid inboundACL: portRange can only be used with tcp or udp protocol in statement 10",
			Path: []any{"inboundACL", "statements", 0, "protocol"}},
		{Name: "port range without a beginning", Spec: acl("{action: deny, dstPrefix: any, protocol: udp, seq: 10, srcPrefix: any, portRangeEnd: 8}"),
			Want: "invalid inboundACL: portRangeBegin must be >= 1 in statement 10",
			Path: []any{"inboundACL", "statements", 0, "portRangeBegin"}},
	})
	for _, spec := range []map[string]any{
		{"external": "e", "connection": "c", "switch": kinds.Unknown},
		{"external": "e", "connection": "c", "static": map[string]any{"remoteIP": kinds.Unknown, "proxy": true}},
		{"external": kinds.Unknown, "connection": kinds.Unknown, "switch": map[string]any{"ip": "10.0.0.1/24"},
			"neighbor":   map[string]any{"asn": int64(1), "ip": "10.0.0.2"},
			"inboundACL": map[string]any{"statements": []any{map[string]any{"seq": kinds.Unknown}}}},
	} {
		if p := ExternalAttachment.Check("a", spec); len(p) > 0 {
			t.Errorf("unknown values must not be checked: %v: %+v", spec, p)
		}
	}
}

// D-EXTATT-1 and D-EXTATT-2 of Hedgehog's defaulting examples.
func TestExternalAttachmentDefaults(t *testing.T) {
	kindtest.CheckDefaults(t, ExternalAttachment, []kindtest.Default{
		{Name: "D-EXTATT-1 BGP: unchanged", Request: bgpAttachment, Stored: bgpAttachment},
		{Name: "D-EXTATT-2 static: empty switch and neighbor", Request: "{external: ext-st, connection: leaf-01--external, " +
			"static: {remoteIP: 100.1.20.1, vlan: 20, proxy: true}}",
			Stored: "{connection: leaf-01--external, external: ext-st, neighbor: {}, static: {proxy: true, remoteIP: 100.1.20.1, vlan: 20}, switch: {}}"},
	})
}

func TestAttachmentVLAN(t *testing.T) {
	if v := AttachmentVLAN(kindtest.Spec(t, bgpAttachment)); v != 100 {
		t.Errorf("BGP attachment VLAN %d", v)
	}
	if v := AttachmentVLAN(kindtest.Spec(t, staticAttachment+"switch: {}")); v != 200 {
		t.Errorf("static attachment VLAN %d", v)
	}
}
