package fabricsim

import (
	"fmt"
	"net/netip"
	"os"
	"slices"

	"sigs.k8s.io/yaml"
)

// VLANRange is a range of VLANs, from and to included.
type VLANRange struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

func (r VLANRange) String() string { return fmt.Sprintf("%d-%d", r.From, r.To) }

// FabricConfig is the part of Hedgehog's fabric configuration (the fabric
// controller's config.yaml) that its webhooks consult, under upstream's
// names so that a file written for Hedgehog reads the same here.
// DefaultFabricConfig is the virtual lab's.
type FabricConfig struct {
	// ControlVIP is the control node's address: no switch may take it.
	ControlVIP string `json:"controlVIP,omitempty"`
	// ReservedSubnets: VPC, IPv4Namespace and static external subnets may
	// not overlap these.
	ReservedSubnets []string `json:"reservedSubnets,omitempty"`
	// FabricMode is spine-leaf (leaves need VTEP IPs; ESLAG and gateway
	// connections allowed) or another mode.
	FabricMode string `json:"fabricMode,omitempty"`
	// Switch addresses: management IPs inside ManagementSubnet and below
	// ManagementDHCPStart; protocol and VTEP IPs /32s of their subnets;
	// fabric link IPs inside FabricSubnet.
	ManagementSubnet    string `json:"managementSubnet,omitempty"`
	ManagementDHCPStart string `json:"managementDHCPStart,omitempty"`
	ManagementDHCPEnd   string `json:"managementDHCPEnd,omitempty"`
	ProtocolSubnet      string `json:"protocolSubnet,omitempty"`
	VTEPSubnet          string `json:"vtepSubnet,omitempty"`
	FabricSubnet        string `json:"fabricSubnet,omitempty"`
	// ASNs: spines use SpineASN, each leaf its own of LeafASNStart..End.
	SpineASN     int64 `json:"spineASN,omitempty"`
	LeafASNStart int64 `json:"leafASNStart,omitempty"`
	LeafASNEnd   int64 `json:"leafASNEnd,omitempty"`
	// Reserved VLANs: VLAN namespaces may not overlap them.
	VPCIRBVLANs        []VLANRange `json:"vpcIRBVLANRange,omitempty"`
	TH5WorkaroundVLANs []VLANRange `json:"th5WorkaroundVLANRange,omitempty"`
	// Server-facing connections' MTU is at most FabricMTU - ServerFacingMTUOffset.
	FabricMTU             int64 `json:"fabricMTU,omitempty"`
	ServerFacingMTUOffset int64 `json:"serverFacingMTUOffset,omitempty"`
	// AllowExtraSwitchProfiles lets users create profiles beyond the built-in ones.
	AllowExtraSwitchProfiles bool `json:"allowExtraSwitchProfiles,omitempty"`
	// VPCPeeringDisabled refuses every VPCPeering.
	VPCPeeringDisabled bool `json:"vpcPeeringDisabled,omitempty"`
	// GatewayEnabled: the fabric runs Hedgehog's gateway (upstream's
	// enableGateway); without it every gateway object is refused.
	GatewayEnabled bool `json:"enableGateway,omitempty"`
}

// DefaultFabricConfig is the fabric configuration of Hedgehog's virtual lab.
var DefaultFabricConfig = FabricConfig{
	ControlVIP:       "172.30.0.1/32",
	ReservedSubnets:  []string{"172.28.0.0/16", "172.29.0.0/16", "172.30.0.0/16", "172.31.0.0/16"},
	FabricMode:       "spine-leaf",
	ManagementSubnet: "172.30.0.0/21", ManagementDHCPStart: "172.30.4.0", ManagementDHCPEnd: "172.30.7.254",
	ProtocolSubnet: "172.30.8.0/22", VTEPSubnet: "172.30.12.0/22", FabricSubnet: "172.30.128.0/17",
	SpineASN: 65100, LeafASNStart: 65101, LeafASNEnd: 65533,
	VPCIRBVLANs: []VLANRange{{From: 3000, To: 3899}}, TH5WorkaroundVLANs: []VLANRange{{From: 3900, To: 3999}},
	FabricMTU: 9100, ServerFacingMTUOffset: 64,
}

// LoadFabricConfig reads a fabric configuration (YAML or JSON, upstream's
// field names) over the virtual lab's: what the file leaves out keeps the
// virtual lab's value. Unknown fields are an error, as upstream's loader has
// them.
func LoadFabricConfig(path string) (FabricConfig, error) {
	f := DefaultFabricConfig.Clone()
	raw, err := os.ReadFile(path)
	if err != nil {
		return f, fmt.Errorf("reading the fabric configuration: %w", err)
	}
	if err := yaml.UnmarshalStrict(raw, &f); err != nil {
		return f, fmt.Errorf("reading the fabric configuration %s: %w", path, err)
	}
	for _, s := range f.ReservedSubnets {
		if _, err := netip.ParsePrefix(s); err != nil {
			return f, fmt.Errorf("the fabric configuration %s: reservedSubnets: invalid subnet %s: %w", path, s, err)
		}
	}
	return f, nil
}

// Clone is a copy that shares no list with f (reading a file over the copy
// must leave f as it is).
func (f FabricConfig) Clone() FabricConfig {
	f.ReservedSubnets = slices.Clone(f.ReservedSubnets)
	f.VPCIRBVLANs = slices.Clone(f.VPCIRBVLANs)
	f.TH5WorkaroundVLANs = slices.Clone(f.TH5WorkaroundVLANs)
	return f
}

// reserved are the reserved subnets as upstream holds them (masked).
func (f FabricConfig) reserved() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(f.ReservedSubnets))
	for _, s := range f.ReservedSubnets {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
		}
	}
	return out
}
