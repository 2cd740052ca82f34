package vpc

import (
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
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
	runExtRules(t, ExternalAttachment, []extRule{
		{name: "EXTATT-01s BGP", spec: bgpAttachment},
		{name: "EXTATT-02s static with proxy", spec: staticAttachment},
		{name: "EXTATT-09s static with both ip and proxy",
			spec: "connection: c\nexternal: e\nstatic: {ip: 10.45.0.1/24, proxy: true, remoteIP: 10.45.0.2, vlan: 200}",
			want: "either static.ip or static.proxy must be set for static external attachment", path: []any{"static"}},
		{name: "EXTATT-10s static with neither ip nor proxy", spec: "connection: c\nexternal: e\nstatic: {remoteIP: 10.45.0.2, vlan: 200}",
			want: "either static.ip or static.proxy must be set for static external attachment", path: []any{"static"}},
		{name: "EXTATT-C1 BGP without switch.ip", spec: "connection: c\nexternal: e\nneighbor: {asn: 64000, ip: 10.90.0.4}\nswitch: {vlan: 100}",
			want: "switch.ip is required", path: []any{"switch", "ip"}},
		{name: "BGP without switch at all", spec: "connection: c\nexternal: e",
			want: "switch.ip is required", path: []any{"switch", "ip"}},
		{name: "switch.ip without prefix length", spec: "connection: c\nexternal: e\nneighbor: {asn: 1, ip: 10.0.0.2}\nswitch: {ip: 10.0.0.1}",
			want: "switch.ip is not a valid IP CIDR", path: []any{"switch", "ip"}},
		{name: "BGP without neighbor ASN", spec: "connection: c\nexternal: e\nneighbor: {ip: 10.0.0.2}\nswitch: {ip: 10.0.0.1/24}",
			want: "neighbor.asn is required", path: []any{"neighbor", "asn"}},
		{name: "BGP without neighbor IP", spec: "connection: c\nexternal: e\nneighbor: {asn: 1}\nswitch: {ip: 10.0.0.1/24}",
			want: "neighbor.ip is required", path: []any{"neighbor", "ip"}},
		{name: "neighbor IP with a prefix length", spec: "connection: c\nexternal: e\nneighbor: {asn: 1, ip: 10.0.0.2/24}\nswitch: {ip: 10.0.0.1/24}",
			want: "neighbor.ip is not a valid IP address", path: []any{"neighbor", "ip"}},
		{name: "static with switch", spec: staticAttachment + "switch: {vlan: 10}",
			want: "switch parameters must not be set for static external attachment", path: []any{"switch"}},
		{name: "static with neighbor", spec: staticAttachment + "neighbor: {asn: 10}",
			want: "neighbor parameters must not be set for static external attachment", path: []any{"neighbor"}},
		{name: "static with empty switch and neighbor (as stored)", spec: staticAttachment + "switch: {}\nneighbor: {}"},
		{name: "static without remote IP", spec: "connection: c\nexternal: e\nstatic: {proxy: true}",
			want: "static.remoteIP is required for static external attachment", path: []any{"static", "remoteIP"}},
		{name: "static remote IP not an address", spec: "connection: c\nexternal: e\nstatic: {remoteIP: 10.0.0.1/24, proxy: true}",
			want: "static.remoteIP is not a valid IP address", path: []any{"static", "remoteIP"}},
		{name: "static ip not a CIDR", spec: "connection: c\nexternal: e\nstatic: {remoteIP: 10.0.0.1, ip: 10.0.0.2}",
			want: "static.ip is not a valid IP CIDR", path: []any{"static", "ip"}},
		{name: "empty external", spec: "connection: c\nexternal: ''", want: "external is required", path: []any{"external"}},
		{name: "ACL-05 established with notSyn",
			spec: acl("{action: permit, dstPrefix: any, protocol: tcp, seq: 10, srcPrefix: any, tcpFilters: {established: true, notSyn: true}}"),
			want: "invalid inboundACL: established is mutually exclusive with individual TCP flags in statement 10",
			path: []any{"inboundACL", "statements", 0, "tcpFilters"}},
		{name: "ACL-09 seq below 10", spec: acl("{action: permit, dstPrefix: any, protocol: tcp, seq: 9, srcPrefix: any}"),
			want: "invalid inboundACL: sequence number 9 is reserved for security rules (user-defined rules must use seq >= 10)",
			path: []any{"inboundACL", "statements", 0, "seq"}},
		{name: "ACL-18 port range reversed",
			spec: acl("{action: permit, dstPrefix: any, portRangeBegin: 443, portRangeEnd: 80, protocol: tcp, seq: 10, srcPrefix: 10.0.0.0/8}"),
			want: "invalid inboundACL: portRangeBegin must be <= portRangeEnd in statement 10",
			path: []any{"inboundACL", "statements", 0, "portRangeBegin"}},
		{name: "valid ACL", spec: acl(`{action: permit, dstPrefix: any, protocol: tcp, seq: 10, srcPrefix: 10.0.0.0/8, portRangeBegin: 80,
  portRangeEnd: 443, tcpFilters: {syn: true, notAck: true}}, {action: deny, protocol: icmp, seq: 20, srcPrefix: any, dstPrefix: any,
  icmpType: 0, icmpCode: 0}`)},
		{name: "duplicate seq", spec: acl("{action: permit, dstPrefix: any, protocol: ip, seq: 10, srcPrefix: any}, " +
			"{action: deny, dstPrefix: any, protocol: ip, seq: 10, srcPrefix: any}"),
			want: "invalid inboundACL: duplicate sequence number 10", path: []any{"inboundACL", "statements", 1, "seq"}},
		{name: "unknown action", spec: acl("{action: allow, dstPrefix: any, protocol: ip, seq: 10, srcPrefix: any}"),
			want: `invalid inboundACL: invalid action "allow" in statement 10`, path: []any{"inboundACL", "statements", 0, "action"}},
		{name: "unknown protocol", spec: acl("{action: deny, dstPrefix: any, protocol: sctp, seq: 10, srcPrefix: any}"),
			want: `invalid inboundACL: invalid protocol "sctp" in statement 10`, path: []any{"inboundACL", "statements", 0, "protocol"}},
		{name: "bad source prefix", spec: acl("{action: deny, dstPrefix: any, protocol: ip, seq: 10, srcPrefix: 10.0.0.1}"),
			want: `invalid inboundACL: invalid srcPrefix "10.0.0.1" in statement 10`, path: []any{"inboundACL", "statements", 0, "srcPrefix"}},
		{name: "empty destination", spec: acl("{action: deny, dstPrefix: '', protocol: ip, seq: 10, srcPrefix: any}"),
			want: "invalid inboundACL: dstPrefix is required in statement 10", path: []any{"inboundACL", "statements", 0, "dstPrefix"}},
		{name: "TCP filters on UDP", spec: acl("{action: deny, dstPrefix: any, protocol: udp, seq: 10, srcPrefix: any, tcpFilters: {syn: true}}"),
			want: "invalid inboundACL: tcpFilters can only be used with tcp protocol in statement 10",
			path: []any{"inboundACL", "statements", 0, "tcpFilters"}},
		{name: "contradictory flags", spec: acl("{action: deny, dstPrefix: any, protocol: tcp, seq: 10, srcPrefix: any, tcpFilters: {rst: true, notRst: true}}"),
			want: "invalid inboundACL: contradictory TCP flags (flag and its negation) in statement 10",
			path: []any{"inboundACL", "statements", 0, "tcpFilters"}},
		{name: "ICMP type on TCP", spec: acl("{action: deny, dstPrefix: any, protocol: tcp, seq: 10, srcPrefix: any, icmpType: 8}"),
			want: "invalid inboundACL: icmpType/icmpCode can only be used with icmp protocol in statement 10",
			path: []any{"inboundACL", "statements", 0, "protocol"}},
		{name: "ports on ICMP", spec: acl("{action: deny, dstPrefix: any, protocol: icmp, seq: 10, srcPrefix: any, portRangeEnd: 8}"),
			want: "invalid inboundACL: portRange can only be used with tcp or udp protocol in statement 10",
			path: []any{"inboundACL", "statements", 0, "protocol"}},
		{name: "port range without a beginning", spec: acl("{action: deny, dstPrefix: any, protocol: udp, seq: 10, srcPrefix: any, portRangeEnd: 8}"),
			want: "invalid inboundACL: portRangeBegin must be >= 1 in statement 10",
			path: []any{"inboundACL", "statements", 0, "portRangeBegin"}},
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
	runExtDefaults(t, ExternalAttachment, [][3]string{
		{"D-EXTATT-1 BGP: unchanged", bgpAttachment, bgpAttachment},
		{"D-EXTATT-2 static: empty switch and neighbor", "{external: ext-st, connection: leaf-01--external, " +
			"static: {remoteIP: 100.1.20.1, vlan: 20, proxy: true}}",
			"{connection: leaf-01--external, external: ext-st, neighbor: {}, static: {proxy: true, remoteIP: 100.1.20.1, vlan: 20}, switch: {}}"},
	})
}

func TestAttachmentVLAN(t *testing.T) {
	if v := AttachmentVLAN(extSpec(t, bgpAttachment)); v != 100 {
		t.Errorf("BGP attachment VLAN %d", v)
	}
	if v := AttachmentVLAN(extSpec(t, staticAttachment+"switch: {}")); v != 200 {
		t.Errorf("static attachment VLAN %d", v)
	}
}
