package wiring

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// SwitchRoles are the roles the API knows (its CRD enum).
var SwitchRoles = []string{"spine", "server-leaf", "border-leaf", "mixed-leaf", "virtual-edge"}

// IsLeaf tells the roles the API treats as leaves.
func IsLeaf(role string) bool {
	return role == "server-leaf" || role == "border-leaf" || role == "mixed-leaf"
}

// PortFECModes are the FEC modes a port may be set to.
var PortFECModes = []string{"rs", "fc", "auto", "disabled"}

// RedundancyTypes are the redundancy types; mclag is deprecated.
var RedundancyTypes = []string{"eslag", "mclag"}

// Link-flap error-disable defaults (the webhook's and the CRD's).
const (
	DefaultLinkFlapThreshold        = 3
	DefaultLinkFlapSamplingInterval = 30
	DefaultLinkFlapRecoveryInterval = 300
)

// Switch is a switch of the fabric.
var Switch = &kinds.Kind{
	TypeName: "switch", ListTypeName: "switches",
	Group: Group, Version: Version, Kind: "Switch", Plural: "switches", Namespace: meta.Namespace,
	ServerLabel: meta.ServerLabel,
	Description: "A Hedgehog switch (`switches.wiring.githedgehog.com/v1beta1`) with its hydrated addresses: the API refuses " +
		"a switch without its ASN, management IP and protocol IP (and, for a leaf of a spine-leaf fabric, its VTEP IP), " +
		"which `hhfab build` fills into wiring files. Its profile and the VLAN namespaces and groups it names must exist; " +
		"port settings are checked against the profile. Hedgehog refuses to delete a switch while connections use it. " +
		"Its agent (see `hedgehog_agent`) reports what the switch applied.",
	Spec: []kinds.Attr{
		{Name: "role", JSON: "role", Type: kinds.String, Required: true,
			Description: "The switch's role: `" + strings.Join(SwitchRoles, "`, `") + "`.",
			String:      []validator.String{stringvalidator.OneOf(SwitchRoles...)}},
		{Name: "description", JSON: "description", Type: kinds.String, Description: "A description of the switch, free text."},
		{Name: "profile", JSON: "profile", Type: kinds.String, Required: true, Ref: &kinds.Ref{Kind: "SwitchProfile"},
			Description: "The SwitchProfile of the hardware, such as `vs` for the virtual switch (see `hedgehog_switch_profiles`)."},
		{Name: "groups", JSON: "groups", Type: kinds.Set, Elem: kinds.StringElem, Computed: true,
			Ref:         &kinds.Ref{Kind: "SwitchGroup"},
			Description: "The SwitchGroups the switch belongs to. The API adds `redundancy.group` and keeps them sorted."},
		{Name: "redundancy", JSON: "redundancy", Type: kinds.Object, Description: "The switch's redundancy group, for ESLAG.",
			Attrs: []kinds.Attr{
				{Name: "group", JSON: "group", Type: kinds.String, Ref: &kinds.Ref{Kind: "SwitchGroup"},
					Description: "The SwitchGroup of the redundancy group; needs `type`."},
				{Name: "type", JSON: "type", Type: kinds.String,
					Description: "The redundancy type: `eslag`, or `mclag`, which Hedgehog deprecates and still accepts (the plan warns: \"MCLAG is deprecated and no longer supported\"); needs `group`. Two switches of an MCLAG pair may share an ASN and a VTEP IP.",
					String:      []validator.String{stringvalidator.OneOf(RedundancyTypes...)}},
			}},
		{Name: "vlan_namespaces", JSON: "vlanNamespaces", Type: kinds.Set, Elem: kinds.StringElem, Computed: true,
			Ref: &kinds.Ref{Kind: "VLANNamespace"},
			Description: "The VLANNamespaces the switch uses; their ranges must not overlap. Default `[\"default\"]` (the API's " +
				"default)."},
		{Name: "asn", JSON: "asn", Type: kinds.Int64, Required: true,
			Description: "The switch's BGP ASN: the fabric's spine ASN for spines (65100 by default), a unique ASN of the leaf " +
				"range (65101-65533 by default) for leaves.",
			Int64: []validator.Int64{int64validator.Between(1, 4294967295)}},
		{Name: "ip", JSON: "ip", Type: kinds.String, Required: true,
			Description: "The management IP in CIDR notation (such as `172.30.0.8/21`): inside the management subnet, below its " +
				"DHCP range, unique."},
		{Name: "vtep_ip", JSON: "vtepIP", Type: kinds.String,
			Description: "The VTEP IP, a /32 of the VTEP subnet, unique: needed by leaves of a spine-leaf fabric, refused for spines."},
		{Name: "protocol_ip", JSON: "protocolIP", Type: kinds.String, Required: true,
			Description: "The protocol IP (the BGP router ID), a /32 of the protocol subnet, unique."},
		{Name: "port_group_speeds", JSON: "portGroupSpeeds", Type: kinds.Map, Elem: kinds.StringElem,
			Description: "Speeds of port groups, by group name, such as `{\"1\" = \"10G\"}`; each must be one the profile supports. " +
				"A `SPEED_` prefix is dropped by the API."},
		{Name: "port_speeds", JSON: "portSpeeds", Type: kinds.Map, Elem: kinds.StringElem,
			Description: "Speeds of ports, by port name (`E1/1`); each must be one the profile supports. A `SPEED_` prefix is " +
				"dropped by the API."},
		{Name: "port_breakouts", JSON: "portBreakouts", Type: kinds.Map, Elem: kinds.StringElem,
			Description: "Breakout modes of ports, by port name, such as `{\"E1/55\" = \"4x25G\"}`; each must be one the profile " +
				"supports. They cannot change while `roce` is on."},
		{Name: "port_auto_negs", JSON: "portAutoNegs", Type: kinds.Map, Elem: kinds.BoolElem,
			Description: "Auto-negotiation of ports, by port name; only for ports whose profile allows it."},
		{Name: "port_fecs", JSON: "portFECs", Type: kinds.Map, Elem: kinds.StringElem,
			Description: "FEC modes of ports, by port name: `" + strings.Join(PortFECModes, "`, `") + "`. Removing a port does " +
				"not reset its FEC on the device.",
			Map: []validator.Map{mapvalidator.ValueStringsAre(stringvalidator.OneOf(PortFECModes...))}},
		{Name: "port_locators", JSON: "portLocators", Since: meta.PortLocatorsSince, Type: kinds.Map, Elem: kinds.StringElem,
			Description: "Port locator LEDs, by port name or `*` for every port: empty (5 minutes), a duration such as `10m`, or " +
				"an exact UTC time `2026-08-05 18:45:47`. The API turns each into an exact time at most 20 minutes away and drops " +
				"expired ones, so every apply while this is set lights the LEDs again and a plan shows it as a change: remove it " +
				"once the ports are found."},
		{Name: "boot", JSON: "boot", Type: kinds.Object, Description: "How the switch is identified when it boots.",
			Attrs: []kinds.Attr{
				{Name: "serial", JSON: "serial", Type: kinds.String, Description: "The switch's serial number."},
				{Name: "mac", JSON: "mac", Type: kinds.String, Description: "The MAC address of the management port."},
			}},
		{Name: "enable_all_ports", JSON: "enableAllPorts", Type: kinds.Bool, OmitZero: true,
			Description: "Enable every port, used or not. Default `false`."},
		{Name: "roce", JSON: "roce", Type: kinds.Bool, OmitZero: true,
			Description: "Enable RoCEv2 (lossless queues and QoS); the profile must support it. Default `false`."},
		{Name: "ecmp", JSON: "ecmp", Type: kinds.Object, Description: "ECMP settings.", Attrs: []kinds.Attr{
			{Name: "roce_qpn", JSON: "roceQPN", Type: kinds.Bool, OmitZero: true,
				Description: "Hash on the RoCE queue pair number; the profile must support it. Default `false`."},
		}},
		{Name: "link_flap_err_disable", JSON: "linkFlapErrDisable", Type: kinds.Object,
			Description: "Set (even as `{}`) to error-disable fabric-facing ports that flap.", Attrs: []kinds.Attr{
				{Name: "flap_threshold", JSON: "flapThreshold", Type: kinds.Int64, Computed: true,
					Description: "Link-down events within `sampling_interval` that disable a port, 1 to 50. Default 3.",
					Int64:       []validator.Int64{int64validator.Between(1, 50)}},
				{Name: "sampling_interval", JSON: "samplingInterval", Type: kinds.Int64, Computed: true,
					Description: "The window in which flaps are counted, in seconds, 1 to 65535. Default 30.",
					Int64:       []validator.Int64{int64validator.Between(1, 65535)}},
				{Name: "recovery_interval", JSON: "recoveryInterval", Type: kinds.Int64, Computed: true,
					Description: "Seconds until a disabled port is enabled again, 0 (never) to 65534. Default 300.",
					Int64:       []validator.Int64{int64validator.Between(0, 65534)}},
			}},
	},
	Check:   checkSwitch,
	Default: defaultSwitch,
	ListFilters: []kinds.ListFilter{
		{Name: "group", Description: "Only switches in this SwitchGroup.",
			Selector: func(v string) string { return SwitchGroupLabel(v) + "=true" }},
		{Name: "vlan_namespace", Description: "Only switches that use this VLANNamespace.",
			Selector: func(v string) string { return VLANNamespaceLabel(v) + "=true" }},
		{Name: "profile", Description: "Only switches of this SwitchProfile.",
			Selector: func(v string) string { return LabelProfile + "=" + v }},
	},
	Applied: &kinds.AppliedRule{Agents: agent.Agent, AgentOwn: "switch",
		Description: "the switch's agent has applied the switch's configuration.",
		Switches: func(_ context.Context, _ kinds.Lookup, u *unstructured.Unstructured) ([]string, error) {
			return []string{u.GetName()}, nil
		}},
}
