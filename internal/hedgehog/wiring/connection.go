package wiring

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// ConnectionTypes are the connection types in the API's order (its
// ConnectionSpec.Type): the JSON member and the type's name in labels.
var ConnectionTypes = []struct{ Member, Type string }{
	{"unbundled", "unbundled"}, {"bundled", "bundled"}, {"eslag", "eslag"}, {"fabric", "fabric"}, {"mesh", "mesh"},
	{"gateway", "gateway"}, {"vpcLoopback", "vpc-loopback"}, {"external", "external"}, {"staticExternal", "static-external"},
}

// deprecatedMembers are members the API still accepts, with a warning,
// but no longer supports.
var deprecatedMembers = []string{"mclag", "mclagDomain"}

// Connection is a cable (or a bundle of cables) between devices of the
// fabric; which member is set is its type.
var Connection = &kinds.Kind{
	TypeName: "connection", ListTypeName: "connections",
	Group: Group, Version: Version, Kind: "Connection", Plural: "connections", Namespace: meta.Namespace,
	ServerLabel: meta.ServerLabel,
	Description: "A Hedgehog connection (`connections.wiring.githedgehog.com/v1beta1`): the cables between two devices of " +
		"the fabric. Exactly one of `unbundled`, `bundled`, `eslag`, `fabric`, `mesh`, `gateway`, `vpc_loopback`, `external` " +
		"and `static_external` is set (or one of the deprecated `mclag` and `mclag_domain`, which Hedgehog accepts with a " +
		"warning), and it is the connection's type: changing the type replaces the connection. Ports " +
		"are written `<device>/<port>` (`leaf-01/E1/5`, `server-01/enp2s1`); each port may be used by one connection only, " +
		"and the switches and servers named must exist. Hedgehog refuses to delete a connection while VPC or External " +
		"attachments use it. The conventional name is `<left>--<type>--<right>`, such as `server-01--unbundled--leaf-01`.",
	Spec: []kinds.Attr{
		{Name: "unbundled", JSON: "unbundled", Type: kinds.Object, Attrs: []kinds.Attr{
			serverLink("link", "link", "The one server-to-switch link.", true), mtu()},
			Description: "A server on one switch port, without a port channel."},
		{Name: "bundled", JSON: "bundled", Type: kinds.Object, Attrs: []kinds.Attr{
			serverLinks("The server-to-switch links, all between the same server and switch.", 0), mtu(), fallback()},
			Description: "A server on several ports of one switch, as a port channel (LACP)."},
		{Name: "eslag", JSON: "eslag", Type: kinds.Object, Attrs: []kinds.Attr{
			serverLinks("The server-to-switch links, at least 2, from one server to 2 to 4 switches of one ESLAG redundancy group.", 2),
			mtu(), fallback()},
			Description: "A server multi-homed to 2 to 4 switches of an ESLAG redundancy group, as one port channel."},
		{Name: "mclag", JSON: "mclag", Type: kinds.Object, Attrs: []kinds.Attr{
			serverLinks("The server-to-switch links.", 0), mtu(), fallback()},
			Description: "A server dual-homed to the two switches of an MCLAG pair, as one port channel. Hedgehog deprecates " +
				"MCLAG and still accepts it, checking nothing more: the plan warns (\"MCLAG is deprecated and no longer supported\"). " +
				"New fabrics use `eslag`."},
		{Name: "mclag_domain", JSON: "mclagDomain", Type: kinds.Object, Attrs: []kinds.Attr{
			switchLinks("peer_links", "peerLinks", "The peer links between the two switches."),
			switchLinks("session_links", "sessionLinks", "The session links between the two switches."),
		}, Description: "The peer and session links that make two switches an MCLAG pair. Hedgehog deprecates MCLAG and " +
			"still accepts it, checking nothing more: the plan warns (\"MCLAG is deprecated and no longer supported\")."},
		{Name: "fabric", JSON: "fabric", Type: kinds.Object, Attrs: []kinds.Attr{
			ipLinks("The spine-to-leaf links, at least 1.", "spine", "spine", "The spine side.", "Switch",
				"leaf", "leaf", "The leaf side.", "Switch")},
			Description: "Links between one spine and one leaf. Link addresses are /31s of the fabric subnet, the two sides of " +
				"a link in the same /31 (or both left out, for an unnumbered link)."},
		{Name: "mesh", JSON: "mesh", Type: kinds.Object, Attrs: []kinds.Attr{
			ipLinks("The leaf-to-leaf links, at least 1.", "leaf1", "leaf1", "One leaf's side.", "Switch",
				"leaf2", "leaf2", "The other leaf's side.", "Switch")},
			Description: "Direct links between two leaves (a mesh fabric). Link addresses as for `fabric`."},
		{Name: "gateway", JSON: "gateway", Type: kinds.Object, Attrs: []kinds.Attr{
			ipLinks("The switch-to-gateway links, at least 1.", "switch", "switch", "The switch side.", "Switch",
				"gateway", "gateway", "The gateway side.", "Gateway")},
			Description: "Links between one switch and a Hedgehog gateway. Both sides need addresses, /31s of the fabric subnet."},
		{Name: "vpc_loopback", JSON: "vpcLoopback", Type: kinds.Object, Attrs: []kinds.Attr{
			switchLinks("links", "links", "The port pairs, at least 1, both ports on the same switch.")},
			Description: "Port pairs looped back on one switch, for Hedgehog's VPC loopback workaround."},
		{Name: "external", JSON: "external", Type: kinds.Object, Attrs: []kinds.Attr{
			{Name: "link", JSON: "link", Type: kinds.Object, Required: true, Description: "The link.", Attrs: []kinds.Attr{
				endpoint("switch", "switch", "The switch side.", "Switch", false)}}},
			Description: "A switch port facing an external router (BGP through External attachments)."},
		{Name: "static_external", JSON: "staticExternal", Type: kinds.Object, Attrs: []kinds.Attr{
			{Name: "link", JSON: "link", Type: kinds.Object, Required: true, Description: "The link.", Attrs: []kinds.Attr{
				{Name: "switch", JSON: "switch", Type: kinds.Object, Required: true, Description: "The switch side.", Attrs: []kinds.Attr{
					portAttr("The switch port, `<switch>/<port>`.", "Switch"),
					{Name: "ip", JSON: "ip", Type: kinds.String, Required: true,
						Description: "The switch port's address, in CIDR notation."},
					{Name: "next_hop", JSON: "nextHop", Type: kinds.String, Required: true,
						Description: "The next hop of the static routes, an address inside `ip`'s subnet."},
					{Name: "subnets", JSON: "subnets", Type: kinds.List, Elem: kinds.StringElem,
						Description: "The prefixes routed to `next_hop`, each with no host bits set; `0.0.0.0/0` only alone."},
					{Name: "vlan", JSON: "vlan", Type: kinds.Int64, OmitZero: true, Description: "A VLAN on the port, 1 to 4094.",
						Int64: []validator.Int64{int64validator.Between(1, 4094)}},
				}}}},
			{Name: "within_vpc", JSON: "withinVPC", Type: kinds.String, Immutable: true, Ref: &kinds.Ref{Kind: "VPC"},
				Description: "A VPC whose VRF gets the static routes instead of the default one. Changing it replaces the connection."},
		}, Description: "A switch port with static routes to an external next hop."},
	},
	Check: checkConnection,
	RequiresReplace: func(prior, planned map[string]any) []string {
		before, after := connectionMember(prior), connectionMember(planned)
		if before == "" || after == "" || before == after {
			return nil
		}
		return []string{before, after}
	},
	ListFilters: []kinds.ListFilter{
		{Name: "switch", Description: "Only connections with a port on this switch.",
			Selector: func(v string) string { return SwitchLabel(v) + "=true" }},
		{Name: "server", Description: "Only connections with a port on this server.",
			Selector: func(v string) string { return ServerLabel(v) + "=true" }},
		{Name: "type", Description: "Only connections of this type: `" + strings.Join(connectionTypeNames(), "`, `") + "`.",
			Selector: func(v string) string { return LabelConnectionType + "=" + v },
			String:   []validator.String{stringvalidator.OneOf(connectionTypeNames()...)}},
	},
	Applied: &kinds.AppliedRule{Agents: agent.Agent, AgentMap: "connections",
		Description: "every switch with a port in the connection has applied it.",
		Switches: func(_ context.Context, _ kinds.Lookup, u *unstructured.Unstructured) ([]string, error) {
			spec, _ := u.Object["spec"].(map[string]any)
			return ConnectionEndpoints(spec).Switches, nil
		}},
}

func connectionTypeNames() []string {
	out := make([]string, len(ConnectionTypes))
	for i, t := range ConnectionTypes {
		out[i] = t.Type
	}
	return out
}

// connectionMember is the first member set (its JSON name), deprecated ones
// included; "" when none.
func connectionMember(spec map[string]any) string {
	for _, t := range ConnectionTypes {
		if v, ok := spec[t.Member]; ok && v != nil {
			return t.Member
		}
	}
	for _, m := range deprecatedMembers {
		if v, ok := spec[m]; ok && v != nil {
			return m
		}
	}
	return ""
}

func portAttr(desc, kind string) kinds.Attr {
	return kinds.Attr{Name: "port", JSON: "port", Type: kinds.String, Required: true, Description: desc,
		Ref: &kinds.Ref{Kind: kind, Device: true}}
}

// endpoint is one side of a link: a port, and an address when withIP.
func endpoint(name, json, desc, kind string, withIP bool) kinds.Attr {
	attrs := []kinds.Attr{portAttr("The port, `<"+strings.ToLower(kind)+">/<port>`.", kind)}
	if withIP {
		attrs = append(attrs, kinds.Attr{Name: "ip", JSON: "ip", Type: kinds.String,
			Description: "The port's address, a /31 in CIDR notation (such as `172.30.128.0/31`)."})
	}
	return kinds.Attr{Name: name, JSON: json, Type: kinds.Object, Required: true, Description: desc, Attrs: attrs}
}

func serverLinkAttrs() []kinds.Attr {
	return []kinds.Attr{
		endpoint("server", "server", "The server side.", "Server", false),
		endpoint("switch", "switch", "The switch side.", "Switch", false),
	}
}

func serverLink(name, json, desc string, required bool) kinds.Attr {
	return kinds.Attr{Name: name, JSON: json, Type: kinds.Object, Required: required, Description: desc, Attrs: serverLinkAttrs()}
}

func serverLinks(desc string, atLeast int) kinds.Attr {
	a := kinds.Attr{Name: "links", JSON: "links", Type: kinds.List, Required: true, Description: desc,
		Elem: &kinds.Attr{Type: kinds.Object, Attrs: serverLinkAttrs()}}
	if atLeast > 0 {
		a.List = []validator.List{listvalidator.SizeAtLeast(atLeast)}
	}
	return a
}

func switchLinks(name, json, desc string) kinds.Attr {
	return kinds.Attr{Name: name, JSON: json, Type: kinds.List, Required: true, Description: desc,
		List: []validator.List{listvalidator.SizeAtLeast(1)},
		Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
			endpoint("switch1", "switch1", "One port.", "Switch", false),
			endpoint("switch2", "switch2", "The other port.", "Switch", false),
		}}}
}

func ipLinks(desc, aName, aJSON, aDesc, aKind, bName, bJSON, bDesc, bKind string) kinds.Attr {
	return kinds.Attr{Name: "links", JSON: "links", Type: kinds.List, Required: true, Description: desc,
		List: []validator.List{listvalidator.SizeAtLeast(1)},
		Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
			endpoint(aName, aJSON, aDesc, aKind, true),
			endpoint(bName, bJSON, bDesc, bKind, true),
		}}}
}

func mtu() kinds.Attr {
	return kinds.Attr{Name: "mtu", JSON: "mtu", Type: kinds.Int64, OmitZero: true,
		Description: "The MTU of the switch port or port channel, at most the fabric MTU minus the server-facing offset " +
			"(9100 - 64 by default). Left out, the switch's default.",
		Int64: []validator.Int64{int64validator.Between(1, 65535)}}
}

func fallback() kinds.Attr {
	return kinds.Attr{Name: "fallback", JSON: "fallback", Type: kinds.Bool, OmitZero: true,
		Description: "Let one link of the LACP port channel work as a fallback link when LACP is down. Default `false`."}
}
