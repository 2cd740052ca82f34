package gateway

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// The API's defaults and values for peerings.
const (
	DefaultIdleTimeout = "2m0s" // of masquerade and port forwarding
	DefaultACLAction   = "deny-unless-exposed"
	DefaultRuleScope   = "flow"
	maxRuleName        = 64
)

// Enumerations of the peering API.
var (
	NATProtocols      = []string{"", "tcp", "udp"}
	ACLDefaultActions = []string{"deny", "deny-unless-exposed"}
	ACLActions        = []string{"allow", "deny"}
	ACLScopes         = []string{"flow", "packet"}
)

// sideRef: a peering side names a VPC, or with "ext." an External.
var sideRef = &kinds.Ref{Kind: "VPC", Prefixes: map[string]string{ExtPrefix: "External"}}

// GatewayPeering is what two VPCs (or a VPC and an External) expose to each
// other through a gateway group: prefixes, NAT, and an ACL.
var GatewayPeering = &kinds.Kind{
	TypeName: "gateway_peering", ListTypeName: "gateway_peerings",
	Group: Group, Version: Version, Kind: "GatewayPeering", Plural: "gatewaypeerings", Namespace: meta.Namespace,
	NamespaceMessage: "gatewaypeering namespace must be default",
	ServerLabel:      serverLabel,
	Description: "A Hedgehog gateway peering (`gatewaypeerings.gateway.githedgehog.com/v1alpha1`): the prefixes two VPCs, " +
		"or a VPC and an External, expose to each other through the gateways of a gateway group, optionally behind NAT " +
		"(static, masquerade or port forwarding) and filtered by an ACL. The sides are keyed by VPC name, or `ext.` and " +
		"the External's name: write them as references (`(hedgehog_vpc.a.name)`, `\"ext.${hedgehog_external.x.name}\"`) " +
		"and Terraform creates the VPCs first and deletes the peering first. Hedgehog checks when it is created or " +
		"changed that its group exists and has a gateway, that the VPCs and Externals exist, that exposed CIDRs are " +
		"inside the VPC's subnets, and that what a side exposes does not overlap what the other side's other peerings " +
		"expose to it; it refuses every gateway object unless the fabric enables the gateway.",
	Spec: []kinds.Attr{
		{Name: "gateway_group", JSON: "gatewayGroup", Type: kinds.String, Computed: true, Ref: &kinds.Ref{Kind: "GatewayGroup"},
			Description: fmt.Sprintf("The GatewayGroup whose gateways carry the peering; it must exist and have a gateway. "+
				"Default `%s`.", DefaultGroup)},
		{Name: "peering", JSON: "peering", Type: kinds.Map, Required: true, Ref: sideRef,
			Description: "The two sides, exactly two, by VPC name or `ext.<external>` (an External): what each side exposes " +
				"to the other.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "expose", JSON: "expose", Type: kinds.List, Elem: &kinds.Attr{Type: kinds.Object, Attrs: exposeAttrs()},
					Description: "What this side exposes, block by block. Left out or empty, nothing."},
			}}},
		{Name: "acl", JSON: "acl", Type: kinds.Object, Attrs: aclAttrs(),
			Description: "An ACL of the peering: rules that allow or deny traffic beyond what is exposed. Left out, none."},
	},
	Check:   checkPeering,
	Default: defaultPeering,
	ListFilters: []kinds.ListFilter{
		{Name: "vpc", Description: "Only the peerings with this side: a VPC name, or `ext.<external>`.",
			Selector: func(v string) string { return VPCLabel(v) + "=true" }},
	},
}

func exposeAttrs() []kinds.Attr {
	return []kinds.Attr{
		{Name: "ips", JSON: "ips", Type: kinds.List,
			Description: "This side's own addresses it exposes, at least one item unless `default`: each exactly one of " +
				"`cidr`, `not` or `vpc_subnet`.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "cidr", JSON: "cidr", Type: kinds.String,
					Description: "A prefix to expose, such as `10.0.1.0/24`; on a VPC side, inside one of its subnets."},
				{Name: "not", JSON: "not", Type: kinds.String,
					Description: "A prefix to leave out of the others, such as `10.0.1.0/28`."},
				{Name: "vpc_subnet", JSON: "vpcSubnet", Type: kinds.String,
					Description: "The name of one of the VPC's subnets, exposed whole (not on an External side)."},
			}}},
		{Name: "as", JSON: "as", Type: kinds.List,
			Description: "The addresses the other side sees instead (NAT), each exactly one of `cidr` or `not`. With `nat` " +
				"and only with it.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "cidr", JSON: "cidr", Type: kinds.String, Description: "A prefix, such as `192.168.1.0/24`."},
				{Name: "not", JSON: "not", Type: kinds.String, Description: "A prefix to leave out of the others."},
			}}},
		{Name: "nat", JSON: "nat", Type: kinds.Object,
			Description: "How `ips` become `as`: exactly one of `static`, `masquerade` or `port_forward`. With `as` and only " +
				"with it. Only one side of a peering may use stateful NAT (masquerade or port forwarding), and not facing " +
				"a side that uses static NAT.",
			Attrs: []kinds.Attr{
				{Name: "static", JSON: "static", Type: kinds.Object, Attrs: []kinds.Attr{},
					Description: "Stateless one-to-one NAT between `ips` and `as`: write `static = {}`."},
				{Name: "masquerade", JSON: "masquerade", Type: kinds.Object,
					Description: "Stateful source NAT of this side's addresses behind `as`.",
					Attrs:       []kinds.Attr{idleTimeout()}},
				{Name: "port_forward", JSON: "portForward", Type: kinds.Object,
					Description: "Stateful destination NAT: ports of `as` forwarded to ports of `ips`.",
					Attrs: []kinds.Attr{
						idleTimeout(),
						{Name: "ports", JSON: "ports", Type: kinds.List,
							Description: "The forwarded ports, at least one.",
							Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
								{Name: "proto", JSON: "proto", Type: kinds.String,
									Description: "`tcp` or `udp`; left out, both."},
								{Name: "port", JSON: "port", Type: kinds.String,
									Description: "The port of `ips`: a port `N` or a range `N-M`, 1 to 65535, no spaces."},
								{Name: "as", JSON: "as", Type: kinds.String,
									Description: "The port of `as` the other side connects to, in the same form."},
							}}},
					}},
			}},
		{Name: "default", JSON: "default", Type: kinds.Bool, OmitZero: true,
			Description: "Expose this side as the default destination (everything else, such as the Internet behind an " +
				"External); nothing else may be set in the block. Default `false`."},
	}
}

func idleTimeout() kinds.Attr {
	return kinds.Attr{Name: "idle_timeout", JSON: "idleTimeout", Type: kinds.String, Computed: true,
		String: []validator.String{goDuration{}},
		Description: fmt.Sprintf("How long a flow may be idle before the gateway forgets it, a Go duration such as `5m` or "+
			"`90s` (the API stores it in Go's form: `5m` as `5m0s`; both mean the same here). Default `%s`.", DefaultIdleTimeout)}
}

func aclAttrs() []kinds.Attr {
	endpoint := &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
		{Name: "cidr", JSON: "cidr", Type: kinds.String, Description: "A prefix, such as `10.0.2.0/24`. Not with `vpc_subnet`."},
		{Name: "vpc_subnet", JSON: "vpcSubnet", Type: kinds.String,
			Description: "A subnet of the side's VPC, by name. Not with `cidr`."},
		{Name: "ports", JSON: "ports", Type: kinds.List, Elem: kinds.StringElem,
			Description: "Ports or port ranges (`443`, `8000-8080`). Left out, every port."},
	}}
	return []kinds.Attr{
		{Name: "default", JSON: "default", Type: kinds.String, Computed: true,
			Description: fmt.Sprintf("What happens to traffic no rule matches: `deny`, or `deny-unless-exposed` (allowed when "+
				"the peering exposes it). Default `%s`.", DefaultACLAction)},
		{Name: "rules", JSON: "rules", Type: kinds.List,
			Description: "The rules, in order.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "name", JSON: "name", Type: kinds.String,
					Description: fmt.Sprintf("A name for logs and messages: at most %d lower-case letters, digits, `-` and `.` "+
						"(an RFC 1123 subdomain).", maxRuleName)},
				{Name: "from", JSON: "from", Type: kinds.String, Ref: sideRef,
					Description: "The side the traffic comes from, one of the two keys of `peering`. Left out, the side other " +
						"than `to`; at least one of `from` and `to`."},
				{Name: "to", JSON: "to", Type: kinds.String, Ref: sideRef,
					Description: "The side the traffic goes to, one of the two keys of `peering`. Left out, the side other " +
						"than `from`."},
				{Name: "action", JSON: "action", Type: kinds.String, Required: true,
					Description: "`allow` or `deny`."},
				{Name: "match", JSON: "match", Type: kinds.Object, Computed: true,
					Description: "What the rule matches. Left out, everything in the rule's direction.",
					Attrs: []kinds.Attr{
						{Name: "src", JSON: "src", Type: kinds.List, Elem: endpoint,
							Description: "Source addresses (the `from` side's own addresses) and ports."},
						{Name: "dst", JSON: "dst", Type: kinds.List, Elem: endpoint,
							Description: "Destination addresses (as the `to` side exposes them) and ports."},
						{Name: "proto", JSON: "proto", Type: kinds.String,
							Description: "`tcp`, `udp` or a protocol number. Left out, any protocol."},
					}},
				{Name: "scope", JSON: "scope", Type: kinds.String, Computed: true,
					String: []validator.String{stringvalidator.OneOf(ACLScopes...)},
					Description: fmt.Sprintf("`flow` (the rule decides for the whole connection) or `packet`. Default `%s`.",
						DefaultRuleScope)},
				{Name: "log", JSON: "log", Type: kinds.Bool, OmitZero: true,
					Description: "Log what the rule matches. Default `false`."},
			}}},
	}
}
