package wiring

import (
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// SwitchProfile describes a switch model: its ports, port groups, port
// profiles and features. The fabric controller owns the built-in profiles
// (such as vs): read-only for users, so data sources only.
var SwitchProfile = &kinds.Kind{
	TypeName: "switch_profile", ListTypeName: "switch_profiles",
	Group: Group, Version: Version, Kind: "SwitchProfile", Plural: "switchprofiles", Namespace: meta.Namespace,
	ReadOnly: true,
	Description: "A Hedgehog switch profile (`switchprofiles.wiring.githedgehog.com/v1beta1`): a switch model with its ports, " +
		"port groups, speeds, breakouts and features. The fabric controller creates the built-in profiles (such as `vs`, " +
		"the virtual switch) and refuses to change or delete them.",
	Spec: []kinds.Attr{
		{Name: "display_name", JSON: "displayName", Type: kinds.String, Description: "The model's name for people."},
		{Name: "other_names", JSON: "otherNames", Type: kinds.List, Elem: kinds.StringElem, Description: "Other names of the model."},
		{Name: "switch_silicon", JSON: "switchSilicon", Type: kinds.String, Description: "The switch ASIC."},
		{Name: "features", JSON: "features", Type: kinds.Object, Description: "What the model supports.", Attrs: []kinds.Attr{
			{Name: "subinterfaces", JSON: "subinterfaces", Type: kinds.Bool, Description: "Subinterfaces."},
			{Name: "acls", JSON: "acls", Type: kinds.Bool, Description: "ACLs."},
			{Name: "l2vni", JSON: "l2vni", Type: kinds.Bool, Description: "L2 VNIs."},
			{Name: "l3vni", JSON: "l3vni", Type: kinds.Bool, Description: "L3 VNIs."},
			{Name: "roce", JSON: "roce", Type: kinds.Bool, Description: "RoCEv2."},
			{Name: "mclag", JSON: "mclag", Type: kinds.Bool, Description: "MCLAG (deprecated)."},
			{Name: "eslag", JSON: "eslag", Type: kinds.Bool, Description: "ESLAG."},
			{Name: "ecmp_roce_qpn", JSON: "ecmpRoCEQPN", Type: kinds.Bool, Description: "ECMP hashing on RoCE queue pair numbers."},
			{Name: "port_locator", JSON: "portLocator", Type: kinds.Bool, Description: "Port locator LEDs."},
		}},
		{Name: "notes", JSON: "notes", Type: kinds.String, Description: "Notes on the model."},
		{Name: "config", JSON: "config", Type: kinds.Object, Description: "Model-specific settings.", Attrs: []kinds.Attr{
			{Name: "max_paths_ebgp", JSON: "maxPathsEBGP", Type: kinds.Int64, Description: "The most eBGP paths configured."},
		}},
		{Name: "ports", JSON: "ports", Type: kinds.Map, Description: "The ports, by API name (`M1`, `E1/1`).",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "nos", JSON: "nos", Type: kinds.String, Description: "The port's name in the NOS, such as `Ethernet0`."},
				{Name: "base_nos_name", JSON: "baseNOSName", Type: kinds.String, Description: "The NOS name breakouts derive from."},
				{Name: "label", JSON: "label", Type: kinds.String, Description: "The label on the switch's front panel."},
				{Name: "group", JSON: "group", Type: kinds.String, Description: "The port group it belongs to (not with `profile`)."},
				{Name: "profile", JSON: "profile", Type: kinds.String, Description: "Its port profile (not with `group`)."},
				{Name: "management", JSON: "management", Type: kinds.Bool, Description: "Whether it is the management port."},
				{Name: "onie_port_name", JSON: "oniePortName", Type: kinds.String, Description: "The management port's name in ONIE."},
				{Name: "pipeline", JSON: "pipeline", Type: kinds.String, Description: "The ASIC pipeline it belongs to."},
			}}},
		{Name: "port_groups", JSON: "portGroups", Type: kinds.Map, Description: "The port groups, by name.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "nos", JSON: "nos", Type: kinds.String, Description: "The group's name in the NOS."},
				{Name: "profile", JSON: "profile", Type: kinds.String, Description: "The group's port profile."},
			}}},
		{Name: "port_profiles", JSON: "portProfiles", Type: kinds.Map, Description: "The port profiles, by name.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "speed", JSON: "speed", Type: kinds.Object, Description: "Speeds, for ports without breakouts.",
					Attrs: []kinds.Attr{
						{Name: "default", JSON: "default", Type: kinds.String, Description: "The default speed."},
						{Name: "supported", JSON: "supported", Type: kinds.List, Elem: kinds.StringElem, Description: "The speeds supported."},
					}},
				{Name: "breakout", JSON: "breakout", Type: kinds.Object, Description: "Breakout modes, for ports that have them.",
					Attrs: []kinds.Attr{
						{Name: "default", JSON: "default", Type: kinds.String, Description: "The default mode."},
						{Name: "supported", JSON: "supported", Type: kinds.Map, Description: "The modes supported, by name.",
							Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
								{Name: "offsets", JSON: "offsets", Type: kinds.List, Elem: kinds.StringElem,
									Description: "The NOS port offsets of the mode's ports."},
							}}},
					}},
				{Name: "auto_neg_allowed", JSON: "autoNegAllowed", Type: kinds.Bool, Description: "Whether auto-negotiation may be set."},
				{Name: "auto_neg_default", JSON: "autoNegDefault", Type: kinds.Bool, Description: "Auto-negotiation by default."},
			}}},
		{Name: "nos_type", JSON: "nosType", Type: kinds.String, Description: "The NOS, such as `sonic-bcm-vs`."},
		{Name: "platform", JSON: "platform", Type: kinds.String, Description: "The platform ONIE reports."},
		{Name: "pipelines", JSON: "pipelines", Type: kinds.Map, Description: "The ASIC pipelines, by name.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "max_ports", JSON: "maxPorts", Type: kinds.Int64, Description: "The most ports the pipeline serves."},
			}}},
		{Name: "max_ports", JSON: "maxPorts", Type: kinds.Int64, Description: "The most ports the switch serves."},
	},
}
