package gateway

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// The API's defaults and bounds for gateways.
const (
	DefaultWorkers         = 4
	maxWorkers             = 64
	DefaultLogLevel        = "info"
	DefaultRateBurst       = 50
	DefaultRateReplenish   = 5
	maxInterfaceNameLength = 15
)

// LogLevels are the levels the dataplane knows (the API does not check them).
var LogLevels = []string{"off", "error", "warning", "info", "debug", "trace"}

// Gateway is one gateway node: its addresses, uplinks, BGP neighbours, groups
// and dataplane settings.
var Gateway = &kinds.Kind{
	TypeName: "gateway", ListTypeName: "gateways",
	Group: Group, Version: Version, Kind: "Gateway", Plural: "gateways", Namespace: meta.Namespace,
	NamespaceMessage: "gateway namespace must be default: invalid gateway",
	Description: "A Hedgehog gateway (`gateways.gateway.githedgehog.com/v1alpha1`): one gateway node that routes and NATs " +
		"the traffic of gateway peerings: its loopback and VTEP addresses, its uplink interfaces to the fabric (a " +
		"`gateway` connection links them to a leaf), its BGP neighbours, the gateway groups it serves and its dataplane " +
		"settings. Usually the installer writes it. Its groups must exist first (`default` unless `groups` says " +
		"otherwise); Hedgehog refuses a protocol or VTEP address another gateway or a switch has, a VTEP MAC another " +
		"gateway has, and every gateway object unless the fabric enables the gateway.",
	Spec: []kinds.Attr{
		{Name: "protocol_ip", JSON: "protocolIP", Type: kinds.String, Required: true,
			Description: "The loopback address and BGP router ID, an IPv4 /32 prefix such as `172.30.8.6/32`, used by no other " +
				"gateway and no switch."},
		{Name: "vtep_ip", JSON: "vtepIP", Type: kinds.String, Required: true,
			Description: "The VTEP address, a unicast IPv4 /32 prefix (not in 127.0.0.0/8) such as `172.30.12.6/32`, used by no " +
				"other gateway and no switch."},
		{Name: "vtep_mac", JSON: "vtepMAC", Type: kinds.String, Required: true,
			Description: "The VTEP MAC address, unicast and not all zeros, such as `ca:fe:ba:be:00:01`, used by no other gateway."},
		{Name: "asn", JSON: "asn", Type: kinds.Int64, Required: true, Int64: int32Range(),
			Description: "The gateway's ASN, 1 to 2147483647 (the installer uses the fabric's gateway ASN, 65534 in the " +
				"virtual lab)."},
		{Name: "vtep_mtu", JSON: "vtepMTU", Type: kinds.Int64, OmitZero: true, Int64: int32Range(),
			Description: "The MTU of the VTEP interface. Left out, the dataplane's default."},
		{Name: "interfaces", JSON: "interfaces", Type: kinds.Map, Required: true,
			Description: fmt.Sprintf("The uplink interfaces, at least one, by name: 2 to 10 letters, digits, `_`, `.` and `-`, "+
				"starting with a letter and ending with a letter or digit (a Linux interface name, at most %d characters).",
				maxInterfaceNameLength),
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "ips", JSON: "ips", Type: kinds.List, Elem: kinds.StringElem,
					Description: "The interface's addresses, at least one (Hedgehog refuses an interface without), each an IPv4 " +
						"prefix such as `172.30.128.1/31`."},
				{Name: "pci", JSON: "pci", Type: kinds.String,
					Description: "The PCI address of the interface for the DPDK driver, `DDDD:BB:DD.F` such as `0000:02:00.0` " +
						"(function 0 to 7, device at most 1F). Not together with `kernel`."},
				{Name: "kernel", JSON: "kernel", Type: kinds.String,
					Description: "The kernel name of the interface for the kernel driver, a Linux interface name other than the " +
						"key. Not together with `pci`."},
				{Name: "mtu", JSON: "mtu", Type: kinds.Int64, OmitZero: true, Int64: int32Range(),
					Description: "The interface's MTU. Left out, the dataplane's default."},
			}}},
		{Name: "neighbors", JSON: "neighbors", Type: kinds.List, Required: true,
			Description: "The BGP neighbours, at least one: the leaf ends of the gateway's links.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "ip", JSON: "ip", Type: kinds.String, Required: true,
					Description: "The neighbour's address, a unicast IPv4 address without prefix length, such as `172.30.128.0`."},
				{Name: "asn", JSON: "asn", Type: kinds.Int64, Required: true, Int64: int32Range(),
					Description: "The neighbour's ASN, 1 to 2147483647."},
				{Name: "source", JSON: "source", Type: kinds.String,
					Description: "The interface the session starts from, such as `enp2s1`."},
			}}},
		{Name: "logs", JSON: "logs", Type: kinds.Object, Computed: true,
			Description: fmt.Sprintf("The dataplane's logging. Default: level `%s` for everything (`default = \"%s\"`, "+
				"`tags = { all = \"%s\" }`).", DefaultLogLevel, DefaultLogLevel, DefaultLogLevel),
			Attrs: []kinds.Attr{
				{Name: "default", JSON: "default", Type: kinds.String, Computed: true,
					Description: fmt.Sprintf("The default level: one of %s (Hedgehog does not check it). Default `%s`.",
						quoted(LogLevels), DefaultLogLevel)},
				{Name: "tags", JSON: "tags", Type: kinds.Map, Elem: kinds.StringElem, Computed: true,
					Description: fmt.Sprintf("Levels by log tag. Default (when empty) `{ all = \"%s\" }`.", DefaultLogLevel)},
				{Name: "rate_limit", JSON: "rateLimit", Type: kinds.Object,
					Description: "Limits the rate of log messages. Left out, no limit.",
					Attrs: []kinds.Attr{
						{Name: "burst", JSON: "burst", Type: kinds.Int64, Computed: true, Int64: int32Range(),
							Description: fmt.Sprintf("How many messages may come at once. Default (or 0) %d.", DefaultRateBurst)},
						{Name: "replenish_per_second", JSON: "replenishPerSecond", Type: kinds.Int64, Computed: true,
							Int64: int32Range(),
							Description: fmt.Sprintf("How many messages the limit lets through per second. Default (or 0) %d.",
								DefaultRateReplenish)},
					}},
			}},
		{Name: "profiling", JSON: "profiling", Type: kinds.Object,
			Description: "The dataplane's profiling. Left out, off (the API always stores an empty object).",
			Attrs: []kinds.Attr{
				{Name: "enabled", JSON: "enabled", Type: kinds.Bool, OmitZero: true,
					Description: "Whether profiling is on. Default `false`."},
			}},
		{Name: "workers", JSON: "workers", Type: kinds.Int64, Computed: true,
			Description: fmt.Sprintf("The dataplane's worker threads, 1 to %d. Default %d.", maxWorkers, DefaultWorkers)},
		{Name: "groups", JSON: "groups", Type: kinds.Set, Computed: true,
			Description: fmt.Sprintf("The gateway groups the gateway serves, each at most once; they must exist. Default: `%s` "+
				"alone. (The API keeps them sorted by name.)", DefaultGroup),
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "name", JSON: "name", Type: kinds.String, Required: true, Ref: &kinds.Ref{Kind: "GatewayGroup"},
					Description: "The GatewayGroup's name."},
				{Name: "priority", JSON: "priority", Type: kinds.Int64, OmitZero: true, Int64: int32Range(),
					Description: "The gateway's priority in the group: lower comes first. Default 0."},
			}}},
		{Name: "flow_table_capacity", JSON: "flowTableCapacity", Type: kinds.Int64, OmitZero: true, Int64: int32Range(),
			Description: "The size of the dataplane's flow table. Left out, the dataplane's default."},
	},
	Check:   checkGateway,
	Default: defaultGateway,
}

// int32Range bounds an integer that the API keeps in an unsigned field of an
// int32-format CRD property: 0 to 2147483647 (the rules say more of 0).
func int32Range() []validator.Int64 {
	return []validator.Int64{int64validator.Between(0, maxInt32)}
}

func quoted(values []string) string {
	out := ""
	for i, v := range values {
		if i > 0 {
			out += ", "
		}
		out += "`" + v + "`"
	}
	return out
}
