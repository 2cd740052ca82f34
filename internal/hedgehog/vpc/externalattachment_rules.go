package vpc

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// ACL enums, in the API's order; one list feeds the rules and the docs.
var (
	aclActions   = []string{"deny", "discard", "permit", "transit"}
	aclProtocols = []string{"ip", "tcp", "udp", "icmp"}
	// tcpFlags are the TCP flag filters; each has a "not" twin.
	tcpFlags = []string{"fin", "syn", "rst", "psh", "ack", "urg"}
)

// aclMinSeq is the lowest sequence number of user rules: lower ones are
// Hedgehog's own security rules.
const aclMinSeq = 10

func aclAttr() kinds.Attr {
	filters := []kinds.Attr{{Name: "established", JSON: "established", Type: kinds.Bool, OmitZero: true,
		Description: "Match packets of established connections (ACK or RST set); not with the single flags. Default `false`."}}
	for _, f := range tcpFlags {
		upper := strings.ToUpper(f)
		filters = append(filters,
			kinds.Attr{Name: f, JSON: f, Type: kinds.Bool, OmitZero: true,
				Description: "Match packets with " + upper + " set. Default `false`."},
			kinds.Attr{Name: "not_" + f, JSON: "not" + upper[:1] + f[1:], Type: kinds.Bool, OmitZero: true,
				Description: "Match packets with " + upper + " not set; not together with `" + f + "`. Default `false`."})
	}
	port := func(name, json, desc string) kinds.Attr {
		return kinds.Attr{Name: name, JSON: json, Type: kinds.Int64, OmitZero: true, Description: desc,
			Int64: []validator.Int64{int64validator.Between(1, 65535)}}
	}
	icmp := func(name, json, desc string) kinds.Attr {
		return kinds.Attr{Name: name, JSON: json, Type: kinds.Int64, Description: desc,
			Int64: []validator.Int64{int64validator.Between(0, 255)}}
	}
	prefix := func(name, json, desc string) kinds.Attr {
		return kinds.Attr{Name: name, JSON: json, Type: kinds.String, Required: true, Description: desc}
	}
	return kinds.Attr{Name: "inbound_acl", JSON: "inboundACL", Type: kinds.Object, Attrs: []kinds.Attr{
		{Name: "statements", JSON: "statements", Type: kinds.List,
			Description: "The statements, each with its own sequence number.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "seq", JSON: "seq", Type: kinds.Int64, Required: true,
					Description: fmt.Sprintf("The sequence number, %d to 65535 (lower ones are Hedgehog's own security rules), "+
						"unique in the list.", aclMinSeq),
					Int64: []validator.Int64{int64validator.Between(0, 65535)}},
				{Name: "action", JSON: "action", Type: kinds.String, Required: true,
					Description: "What to do with matching packets: `" + strings.Join(aclActions, "`, `") + "`."},
				{Name: "protocol", JSON: "protocol", Type: kinds.String, Required: true,
					Description: "The protocol matched: `" + strings.Join(aclProtocols, "`, `") + "`."},
				prefix("src_prefix", "srcPrefix", "The source prefix matched, in CIDR notation, or `any`."),
				prefix("dst_prefix", "dstPrefix", "The destination prefix matched, in CIDR notation, or `any`."),
				port("port_range_begin", "portRangeBegin", "The first port matched, for `tcp` and `udp`."),
				port("port_range_end", "portRangeEnd", "The last port matched, for `tcp` and `udp`; not below `port_range_begin`."),
				{Name: "tcp_filters", JSON: "tcpFilters", Type: kinds.Object, Attrs: filters,
					Description: "TCP flags matched, for `tcp` only."},
				icmp("icmp_type", "icmpType", "The ICMP type matched, 0 to 255, for `icmp` only."),
				icmp("icmp_code", "icmpCode", "The ICMP code matched, 0 to 255, for `icmp` only."),
			}}},
	}, Description: "An IPv4 access list on the traffic that enters the fabric through the attachment."}
}

func checkExternalAttachment(_ string, spec map[string]any) []kinds.Problem {
	for _, field := range []string{"external", "connection"} {
		if v, present := spec[field]; present && v != kinds.Unknown && v == "" {
			return []kinds.Problem{meta.Problem(field+" is required", field)}
		}
	}
	var out []kinds.Problem
	shape := bgpAttachmentProblem
	if static, ok := spec["static"]; ok && static != nil {
		shape = staticAttachmentProblem
	}
	if p, bad := shape(spec); bad {
		out = append(out, p)
	}
	if p, bad := aclProblem(spec); bad {
		out = append(out, p)
	}
	return out
}

// bgpAttachmentProblem is the first rule of BGP attachments broken.
func bgpAttachmentProblem(spec map[string]any) (kinds.Problem, bool) {
	for _, member := range []string{"switch", "neighbor"} {
		if !meta.Known(spec[member]) {
			return kinds.Problem{}, false
		}
	}
	ip, _ := meta.Str(spec, "switch", "ip")
	asn, _ := meta.Int(spec, "neighbor", "asn")
	neighbor, _ := meta.Str(spec, "neighbor", "ip")
	switch {
	case ip == "":
		return meta.Problem("switch.ip is required", "switch", "ip"), true
	case !validCIDR(ip):
		return meta.Problem("switch.ip is not a valid IP CIDR", "switch", "ip"), true
	case asn == 0:
		return meta.Problem("neighbor.asn is required", "neighbor", "asn"), true
	case neighbor == "":
		return meta.Problem("neighbor.ip is required", "neighbor", "ip"), true
	case net.ParseIP(neighbor) == nil:
		return meta.Problem("neighbor.ip is not a valid IP address", "neighbor", "ip"), true
	}
	return kinds.Problem{}, false
}

// staticAttachmentProblem is the first rule of static attachments broken.
func staticAttachmentProblem(spec map[string]any) (kinds.Problem, bool) {
	for _, member := range []string{"switch", "neighbor", "static"} {
		if !meta.Known(spec[member]) {
			return kinds.Problem{}, false
		}
	}
	swIP, _ := meta.Str(spec, "switch", "ip")
	swVLAN, _ := meta.Int(spec, "switch", "vlan")
	asn, _ := meta.Int(spec, "neighbor", "asn")
	neighbor, _ := meta.Str(spec, "neighbor", "ip")
	remote, _ := meta.Str(spec, "static", "remoteIP")
	ip, _ := meta.Str(spec, "static", "ip")
	proxy := meta.Bool(spec, "static", "proxy")
	_, remoteErr := netip.ParseAddr(remote)
	switch {
	case swIP != "" || swVLAN != 0:
		return meta.Problem("switch parameters must not be set for static external attachment", "switch"), true
	case asn != 0 || neighbor != "":
		return meta.Problem("neighbor parameters must not be set for static external attachment", "neighbor"), true
	case remote == "":
		return meta.Problem("static.remoteIP is required for static external attachment", "static", "remoteIP"), true
	case remoteErr != nil:
		return meta.Problem("static.remoteIP is not a valid IP address", "static", "remoteIP"), true
	case (ip == "") == !proxy:
		return meta.Problem("either static.ip or static.proxy must be set for static external attachment", "static"), true
	case ip != "" && !validCIDR(ip):
		return meta.Problem("static.ip is not a valid IP CIDR", "static", "ip"), true
	}
	return kinds.Problem{}, false
}

func validCIDR(s string) bool {
	_, _, err := net.ParseCIDR(s)
	return err == nil
}

// aclProblem is the first rule of the inbound ACL broken, in the API's
// words (which name the statement by its sequence number).
func aclProblem(spec map[string]any) (kinds.Problem, bool) {
	statements, _ := meta.List(spec, "inboundACL", "statements")
	if !meta.Known(spec["inboundACL"]) {
		return kinds.Problem{}, false
	}
	seen := map[int64]bool{}
	for i, raw := range statements {
		st, _ := raw.(map[string]any)
		msg, field := aclStatementProblem(st, seen)
		if msg == "" {
			continue
		}
		path := []any{"inboundACL", "statements", i}
		if field != "" {
			path = append(path, field)
		}
		return meta.Problem("invalid inboundACL: "+msg, path...), true
	}
	return kinds.Problem{}, false
}

func aclStatementProblem(st map[string]any, seen map[int64]bool) (string, string) {
	seq, _ := meta.Int(st, "seq")
	action, _ := meta.Str(st, "action")
	protocol, _ := meta.Str(st, "protocol")
	switch {
	case seq < aclMinSeq:
		return fmt.Sprintf("sequence number %d is reserved for security rules (user-defined rules must use seq >= %d)", seq,
			aclMinSeq), "seq"
	case seen[seq]:
		return fmt.Sprintf("duplicate sequence number %d", seq), "seq"
	}
	seen[seq] = true
	switch {
	case !slices.Contains(aclActions, action):
		return fmt.Sprintf("invalid action %q in statement %d", action, seq), "action"
	case !slices.Contains(aclProtocols, protocol):
		return fmt.Sprintf("invalid protocol %q in statement %d", protocol, seq), "protocol"
	}
	for _, p := range []struct{ json, name string }{{"srcPrefix", "srcPrefix"}, {"dstPrefix", "dstPrefix"}} {
		v, _ := meta.Str(st, p.json)
		switch {
		case v == "":
			return fmt.Sprintf("%s is required in statement %d", p.name, seq), p.json
		case v != "any" && !validCIDR(v):
			return fmt.Sprintf("invalid %s %q in statement %d", p.name, v, seq), p.json
		}
	}
	if filters, ok := meta.Map(st, "tcpFilters"); ok {
		if protocol != "tcp" {
			return fmt.Sprintf("tcpFilters can only be used with tcp protocol in statement %d", seq), "tcpFilters"
		}
		single, contradictory := false, false
		for _, f := range tcpFlags {
			not := "not" + strings.ToUpper(f[:1]) + f[1:]
			single = single || meta.Bool(filters, f) || meta.Bool(filters, not)
			contradictory = contradictory || (meta.Bool(filters, f) && meta.Bool(filters, not))
		}
		if meta.Bool(filters, "established") && single {
			return fmt.Sprintf("established is mutually exclusive with individual TCP flags in statement %d", seq), "tcpFilters"
		}
		if contradictory {
			return fmt.Sprintf("contradictory TCP flags (flag and its negation) in statement %d", seq), "tcpFilters"
		}
	}
	_, icmpType := meta.Int(st, "icmpType")
	_, icmpCode := meta.Int(st, "icmpCode")
	if (icmpType || icmpCode) && protocol != "icmp" {
		return fmt.Sprintf("icmpType/icmpCode can only be used with icmp protocol in statement %d", seq), "protocol"
	}
	begin, _ := meta.Int(st, "portRangeBegin")
	end, _ := meta.Int(st, "portRangeEnd")
	if begin > 0 || end > 0 {
		switch {
		case protocol != "tcp" && protocol != "udp":
			return fmt.Sprintf("portRange can only be used with tcp or udp protocol in statement %d", seq), "protocol"
		case begin == 0:
			return fmt.Sprintf("portRangeBegin must be >= 1 in statement %d", seq), "portRangeBegin"
		case begin > end:
			return fmt.Sprintf("portRangeBegin must be <= portRangeEnd in statement %d", seq), "portRangeBegin"
		}
	}
	return "", ""
}
