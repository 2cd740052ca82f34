package meta

// The Hedgehog fabric releases that introduced fields the declarations
// carry (kinds.Attr.Since). The declarations follow fabric v0.129.1; these
// fields are the ones its v1beta1 API has and earlier releases' do not, so
// an older fabric's CRD lacks them.
const (
	// PortLocatorsSince: Switch spec.portLocators.
	PortLocatorsSince = "v0.129.0"
	// HostBGPPrefixesSince: VPC subnets' hostBGPMinPrefixLen,
	// hostBGPMaxPrefixLen and hostBGPExtraPrefixes.
	HostBGPPrefixesSince = "v0.129.0"
)
