package vpc

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Labels the webhooks keep on VPC-side objects (list data sources and the
// stand-in select by them).
const (
	LabelIPv4Namespace = "fabric.githedgehog.com/ipv4ns"
	LabelVLANNamespace = "fabric.githedgehog.com/vlanns"
	LabelVPC           = wiring.LabelVPC
	LabelSubnet        = "fabric.githedgehog.com/subnet"
	LabelConnection    = "fabric.githedgehog.com/connection"
	LabelNativeVLAN    = "fabric.githedgehog.com/nativevlan"
	LabelVPC1          = "fabric.githedgehog.com/vpc1"
	LabelVPC2          = "fabric.githedgehog.com/vpc2"
)

// VPCLabel is the "vpc.fabric.githedgehog.com/<name>: true" label of
// peerings of a VPC.
func VPCLabel(name string) string { return "vpc.fabric.githedgehog.com/" + name }

// The API's bounds and defaults for VPCs.
const (
	maxNameLength        = 11 // of VPCs, Externals and IPv4Namespaces
	maxSubnets           = 20
	maxSubnetPrefixLen   = 30
	maxHostBGPExtra      = 100
	DefaultNamespace     = "default" // of IPv4 and VLAN namespaces
	DefaultInterfaceMTU  = 9036
	MinInterfaceMTU      = 96
	DefaultLeaseTime     = 3600
	defaultHostBGPPrefix = 32
	// ExtPrefix starts the names Hedgehog keeps for externals' VRFs.
	ExtPrefix = "ext."
)

// Modes are the VPC modes the API knows: "" (L2VNI, the default), l3vni and
// l3flat (not supported yet).
var Modes = []string{"", "l3vni", "l3flat"}

// VPC is a virtual private cloud: subnets with their VLANs and DHCP.
var VPC = &kinds.Kind{
	TypeName: "vpc", ListTypeName: "vpcs",
	Group: Group, Version: Version, Kind: "VPC", Plural: "vpcs", Namespace: meta.Namespace, NameMaxLength: maxNameLength,
	ServerLabel: meta.ServerLabel,
	Description: "A Hedgehog VPC (`vpcs.vpc.githedgehog.com/v1beta1`): an isolated network of 1 to 20 subnets, each with its " +
		"own VLAN and optionally Hedgehog's DHCP server or a DHCP relay. The subnets take their prefixes from an IPv4 namespace " +
		"and their VLANs from a VLAN namespace (both `default` unless set); subnets of different VPCs in one IPv4 namespace " +
		"never overlap, and VLANs are unique in the VLAN namespace. Servers reach a subnet through a `hedgehog_vpc_attachment`; " +
		"VPCs reach each other through a `hedgehog_vpc_peering`. Hedgehog refuses to delete a VPC while attachments or " +
		"peerings use it: reference the VPC's `name` from them and Terraform deletes them first.",
	Spec: []kinds.Attr{
		{Name: "mode", JSON: "mode", Type: kinds.String,
			Description: "How the switches implement the VPC: left out for L2VNI (a VRF per VPC and an L2VNI per subnet, the " +
				"default), `l3vni` (only an L3VNI; hosts use /32 addresses). `l3flat` is refused by Hedgehog (not supported yet)."},
		{Name: "ipv4_namespace", JSON: "ipv4Namespace", Type: kinds.String, Computed: true, Ref: &kinds.Ref{Kind: "IPv4Namespace"},
			Description: "The IPv4Namespace the subnets' prefixes come from; it must exist. Default `default` (the API's default)."},
		{Name: "vlan_namespace", JSON: "vlanNamespace", Type: kinds.String, Computed: true, Ref: &kinds.Ref{Kind: "VLANNamespace"},
			Description: "The VLANNamespace the subnets' VLANs come from; it must exist, and the switches the VPC is attached " +
				"through must use it. Default `default` (the API's default)."},
		{Name: "default_isolated", JSON: "defaultIsolated", Type: kinds.Bool, OmitZero: true,
			Description: "Whether subnets are isolated (no traffic to the VPC's other subnets unless a `permit` list allows " +
				"it) when they do not say. Default `false`."},
		{Name: "default_restricted", JSON: "defaultRestricted", Type: kinds.Bool, OmitZero: true,
			Description: "Whether subnets are restricted (no traffic between hosts of the same subnet) when they do not say. " +
				"Default `false`."},
		{Name: "subnets", JSON: "subnets", Type: kinds.Map, Required: true, Elem: &kinds.Attr{Type: kinds.Object, Attrs: subnetAttrs()},
			Description: fmt.Sprintf("The subnets, 1 to %d, by name (`default` is the name attachments use when they name only "+
				"the VPC).", maxSubnets)},
		{Name: "permit", JSON: "permit", Type: kinds.List, Elem: &kinds.Attr{Type: kinds.List, Elem: kinds.StringElem},
			Description: "Access policies between isolated subnets: each a list of at least 2 subnet names of this VPC that " +
				"may reach each other."},
		{Name: "static_routes", JSON: "staticRoutes", Type: kinds.List, Description: "More static routes in the VPC's VRF.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "prefix", JSON: "prefix", Type: kinds.String, Required: true,
					Description: "The destination, a prefix without host bits, such as `10.42.0.0/24`."},
				{Name: "next_hops", JSON: "nextHops", Type: kinds.List, Elem: kinds.StringElem, Required: true,
					Description: "The next hops, at least one, such as `10.99.0.1`."},
			}}},
	},
	Check:   checkVPC,
	Locate:  locateVPC,
	Default: defaultVPC,
	ListFilters: []kinds.ListFilter{
		{Name: "ipv4_namespace", Description: "Only VPCs in this IPv4Namespace.",
			Selector: func(v string) string { return LabelIPv4Namespace + "=" + v }},
		{Name: "vlan_namespace", Description: "Only VPCs in this VLANNamespace.",
			Selector: func(v string) string { return LabelVLANNamespace + "=" + v }},
	},
}

func subnetAttrs() []kinds.Attr {
	return []kinds.Attr{
		{Name: "subnet", JSON: "subnet", Type: kinds.String, Required: true,
			Description: fmt.Sprintf("The subnet's prefix in CIDR notation, at most /%d, such as `10.0.1.0/24`: inside the "+
				"IPv4 namespace, not overlapping the VPC's other subnets, other VPCs' subnets in the namespace or the fabric's "+
				"reserved subnets.", maxSubnetPrefixLen)},
		{Name: "gateway", JSON: "gateway", Type: kinds.String, Computed: true,
			Description: "The gateway address, inside the subnet. Default: the subnet's first address (the API's default; " +
				"none for `host_bgp` subnets)."},
		{Name: "vlan", JSON: "vlan", Type: kinds.Int64, OmitZero: true,
			Description: "The subnet's VLAN, 1 to 4094: required (except for `host_bgp` subnets), unique in the VPC and in " +
				"the VLAN namespace, inside the namespace's ranges.",
			Int64: []validator.Int64{int64validator.Between(1, 4094)}},
		{Name: "dhcp", JSON: "dhcp", Type: kinds.Object, Computed: true, Attrs: dhcpAttrs(),
			Description: "DHCP for the subnet: Hedgehog's DHCP server (`enable`) or a relay (`relay`), not both. Left out, " +
				"no DHCP (the API stores an empty object)."},
		{Name: "isolated", JSON: "isolated", Type: kinds.Bool,
			Description: "No traffic to and from the VPC's other subnets unless a `permit` list allows it. Left out, " +
				"`default_isolated`."},
		{Name: "restricted", JSON: "restricted", Type: kinds.Bool,
			Description: "No traffic between hosts of this subnet. Left out, `default_restricted`."},
		{Name: "host_bgp", JSON: "hostBGP", Type: kinds.Bool, OmitZero: true,
			Description: "A subnet for hosts that speak BGP and advertise their addresses (no VLAN, no gateway, no DHCP; " +
				"attached only over unbundled connections). Default `false`."},
		{Name: "host_bgp_min_prefix_len", JSON: "hostBGPMinPrefixLen", Since: meta.HostBGPPrefixesSince, Type: kinds.Int64, OmitZero: true,
			Description: "For `host_bgp` subnets: the shortest prefix accepted from hosts inside the subnet, 1 to 32, not " +
				"shorter than the subnet. Left out, 32.",
			Int64: []validator.Int64{int64validator.Between(1, 32)}},
		{Name: "host_bgp_max_prefix_len", JSON: "hostBGPMaxPrefixLen", Since: meta.HostBGPPrefixesSince, Type: kinds.Int64, OmitZero: true,
			Description: "For `host_bgp` subnets: the longest prefix accepted from hosts inside the subnet, 1 to 32. Left out, 32.",
			Int64:       []validator.Int64{int64validator.Between(1, 32)}},
		{Name: "host_bgp_extra_prefixes", JSON: "hostBGPExtraPrefixes", Since: meta.HostBGPPrefixesSince, Type: kinds.Map,
			Description: fmt.Sprintf("For `host_bgp` subnets: more prefixes (keys, without host bits) accepted from hosts, at "+
				"most %d.", maxHostBGPExtra),
			Map: []validator.Map{mapvalidator.SizeAtMost(maxHostBGPExtra)},
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "min_prefix_len", JSON: "minPrefixLen", Type: kinds.Int64, OmitZero: true,
					Description: "The shortest prefix accepted inside it, 1 to 32. Left out, the subnet's.",
					Int64:       []validator.Int64{int64validator.Between(1, 32)}},
				{Name: "max_prefix_len", JSON: "maxPrefixLen", Type: kinds.Int64, OmitZero: true,
					Description: "The longest prefix accepted inside it, 1 to 32. Left out, the subnet's.",
					Int64:       []validator.Int64{int64validator.Between(1, 32)}},
			}}},
	}
}

func dhcpAttrs() []kinds.Attr {
	return []kinds.Attr{
		{Name: "enable", JSON: "enable", Type: kinds.Bool, OmitZero: true,
			Description: "Run Hedgehog's DHCP server for the subnet. Default `false`."},
		{Name: "relay", JSON: "relay", Type: kinds.String,
			Description: "Relay DHCP to this server instead, a prefix in CIDR notation such as `10.99.0.10/32`."},
		{Name: "relay_vpc", JSON: "relayVPC", Type: kinds.String, Ref: &kinds.Ref{Kind: "VPC"},
			Description: "The VPC the relay's server is in; needs `relay`."},
		{Name: "range", JSON: "range", Type: kinds.Object, Computed: true,
			Description: "The addresses the server hands out, inside the subnet. Only with `enable`; then the API fills " +
				"in what is left out.",
			Attrs: []kinds.Attr{
				{Name: "start", JSON: "start", Type: kinds.String, Computed: true,
					Description: "The first address. Default: the subnet's third address (after the gateway)."},
				{Name: "end", JSON: "end", Type: kinds.String, Computed: true,
					Description: "The last address, after `start`. Default: the subnet's last address."},
			}},
		{Name: "options", JSON: "options", Type: kinds.Object, Attrs: dhcpOptionAttrs(),
			Description: "Options the server sends. Only with `enable`."},
		{Name: "static", JSON: "static", Type: kinds.Map,
			Description: "Static leases by MAC address (the API writes MACs lower-case with colons). Only with `enable`.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "ip", JSON: "ip", Type: kinds.String, Required: true,
					Description: "The address, inside the subnet and not its network, gateway or broadcast address."},
			}}},
	}
}

func dhcpOptionAttrs() []kinds.Attr {
	return []kinds.Attr{
		{Name: "pxe_url", JSON: "pxeURL", Type: kinds.String,
			Description: "A PXE boot URL, such as `http://10.10.10.99/bootfilename` (no query strings)."},
		{Name: "dns_servers", JSON: "dnsServers", Type: kinds.Set, Elem: kinds.StringElem, Computed: true,
			Description: "DNS server addresses (the API keeps them sorted). Default none."},
		{Name: "time_servers", JSON: "timeServers", Type: kinds.Set, Elem: kinds.StringElem, Computed: true,
			Description: "NTP server addresses (the API keeps them sorted). Default none."},
		{Name: "interface_mtu", JSON: "interfaceMTU", Type: kinds.Int64, Computed: true,
			Description: fmt.Sprintf("The MTU sent to clients, %d to %d. Default %d.", MinInterfaceMTU, DefaultInterfaceMTU,
				DefaultInterfaceMTU)},
		{Name: "lease_time_seconds", JSON: "leaseTimeSeconds", Type: kinds.Int64, Computed: true,
			Description: fmt.Sprintf("The lease time in seconds, at least 1. Default %d.", DefaultLeaseTime)},
		{Name: "disable_default_route", JSON: "disableDefaultRoute", Type: kinds.Bool, OmitZero: true,
			Description: "Do not advertise a default route through the gateway. Default `false`."},
		{Name: "advertised_routes", JSON: "advertisedRoutes", Type: kinds.List,
			Description: "Routes advertised to clients (classless static routes). The API keeps them sorted by destination, " +
				"then gateway; writing them in that order keeps the configuration as the server shows it.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "destination", JSON: "destination", Type: kinds.String, Required: true,
					Description: "The destination prefix, such as `10.42.0.0/16`."},
				{Name: "gateway", JSON: "gateway", Type: kinds.String, Required: true,
					Description: "The gateway, an address inside the subnet."},
			}}},
	}
}

// SubnetRef splits an attachment's "<vpc>/<subnet>" as the API reads it: a
// bare "<vpc>" (and "<vpc>/") names the subnet "default".
func SubnetRef(s string) (vpc, subnet string) {
	vpc, subnet, _ = strings.Cut(s, "/")
	if subnet == "" {
		subnet = "default"
	}
	return vpc, subnet
}

// The VPC's Applied rule reads other VPCs (whose subnets may relay DHCP
// through it), so it is set once VPC exists.
func init() {
	VPC.Applied = &kinds.AppliedRule{Agents: agent.Agent, AgentMap: "vpcs",
		Description: "every switch whose agent carries the VPC has applied it: those it is attached through (the switches of its " +
			"attachments' connections), those of the subnets that use it as their DHCP relay, and those of the VPCs and Externals " +
			"it is peered with.",
		Switches: func(ctx context.Context, l kinds.Lookup, u *unstructured.Unstructured) ([]string, error) {
			return VPCSwitches(ctx, l, u.GetName())
		}}
}
