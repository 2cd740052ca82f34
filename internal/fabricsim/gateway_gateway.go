// The stand-in's GatewayGroup and Gateway webhooks (longer than most files:
// the Gateway's rules on addresses, MAC, interfaces with their PCI and
// kernel names, neighbours and groups, then its uniqueness in the cluster).

package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// The gateway webhooks answer without a prefix: every denial is Bare.

var gatewayGroupBehaviour = Behaviour{
	Kind: gateway.GatewayGroup,
	Cross: func(_ context.Context, s *Store, _ *unstructured.Unstructured) error {
		if !s.Fabric.GatewayEnabled {
			return Bare(errors.New("gateway support is not enabled"))
		}
		return nil
	},
}

var gatewayBehaviour = Behaviour{
	Kind: gateway.Gateway,
	Defaulting: func(spec map[string]any) {
		var gw gwSpec
		if decodeSpec(spec, &gw) != nil {
			return
		}
		gw.defaults()
		encodeSpec(&gw, spec)
	},
	Cross: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		return Bare(admitGateway(ctx, s, u))
	},
}

// errInvalidGW ends every Gateway denial.
var errInvalidGW = errors.New("invalid gateway")

func (gw *gwSpec) defaults() {
	if gw.Logs.Default == "" {
		gw.Logs.Default = "info"
	}
	if len(gw.Logs.Tags) == 0 {
		gw.Logs.Tags = map[string]string{"all": "info"}
	}
	if r := gw.Logs.RateLimit; r != nil {
		if r.Burst == 0 {
			r.Burst = 50
		}
		if r.ReplenishPerSecond == 0 {
			r.ReplenishPerSecond = 5
		}
	}
	if gw.Workers == 0 {
		gw.Workers = 4
	}
	slices.SortFunc(gw.Groups, func(a, b gwMembership) int { return strings.Compare(a.Name, b.Name) })
	if len(gw.Groups) == 0 {
		gw.Groups = []gwMembership{{Name: "default"}}
	}
}

func admitGateway(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	if !s.Fabric.GatewayEnabled {
		return fmt.Errorf("gateway support is not enabled: %w", errInvalidGW)
	}
	var gw gwSpec
	if err := decodeSpec(Spec(u), &gw); err != nil {
		return err
	}
	if err := gw.validate(u.GetName()); err != nil {
		return err
	}
	return gw.unique(ctx, s, u.GetName())
}

var ifaceName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_.-]{0,8}[a-zA-Z0-9]$`)

// validate is upstream's Gateway.Validate without a cluster: the first rule
// broken.
func (gw *gwSpec) validate(name string) error {
	if gw.Workers < 1 || gw.Workers > 64 {
		return fmt.Errorf("workers should be between 1 and 64: %w", errInvalidGW)
	}
	if r := gw.Logs.RateLimit; r != nil && r.Burst == 0 {
		return fmt.Errorf("log rate limit burst must be greater than 0: %w", errInvalidGW)
	}
	if r := gw.Logs.RateLimit; r != nil && r.ReplenishPerSecond == 0 {
		return fmt.Errorf("log rate limit replenishPerSecond must be greater than 0: %w", errInvalidGW)
	}
	proto, err := netip.ParsePrefix(gw.ProtocolIP)
	switch {
	case err != nil:
		return fmt.Errorf("invalid ProtocolIP %s: %w", gw.ProtocolIP, errors.Join(err, errInvalidGW))
	case proto.Bits() != 32:
		return fmt.Errorf("ProtocolIP %s must be a /32 prefix: %w", gw.ProtocolIP, errInvalidGW)
	case !proto.Addr().Is4():
		return fmt.Errorf("ProtocolIP %s must be an IPv4 address: %w", gw.ProtocolIP, errInvalidGW)
	}
	vtep, err := netip.ParsePrefix(gw.VTEPIP)
	switch {
	case err != nil:
		return fmt.Errorf("invalid VTEPIP %s: %w", gw.VTEPIP, errors.Join(err, errInvalidGW))
	case vtep.Bits() != 32:
		return fmt.Errorf("VTEPIP %s must be a /32 prefix: %w", gw.VTEPIP, errInvalidGW)
	case !vtep.Addr().Is4():
		return fmt.Errorf("VTEPIP %s must be an IPv4 address: %w", gw.VTEPIP, errInvalidGW)
	case vtep.Addr().IsMulticast() || vtep.Addr().IsLoopback() || vtep.Addr().IsUnspecified():
		return fmt.Errorf("VTEPIP %s must be a unicast IPv4 address: %w", gw.VTEPIP, errInvalidGW)
	}
	if gw.VTEPMAC == "" {
		return fmt.Errorf("VTEPMAC must be set: %w", errInvalidGW)
	}
	mac, err := net.ParseMAC(gw.VTEPMAC)
	switch {
	case err != nil:
		return fmt.Errorf("invalid VTEPMAC %s: %w", gw.VTEPMAC, errors.Join(err, errInvalidGW))
	case mac.String() == "00:00:00:00:00:00":
		return fmt.Errorf("VTEPMAC must not be all zeros: %w", errInvalidGW)
	case mac[0]&1 == 1:
		return fmt.Errorf("VTEPMAC %s must be a unicast MAC address: %w", gw.VTEPMAC, errInvalidGW)
	}
	if gw.ASN == 0 {
		return fmt.Errorf("ASN must be set: %w", errInvalidGW)
	}
	if len(gw.Interfaces) == 0 {
		return fmt.Errorf("at least one interface must be defined: %w", errInvalidGW)
	}
	for name, iface := range gw.Interfaces {
		if err := iface.validate(name); err != nil {
			return err
		}
	}
	if len(gw.Neighbors) == 0 {
		return fmt.Errorf("at least one BGP neighbor must be defined: %w", errInvalidGW)
	}
	for _, n := range gw.Neighbors {
		if err := n.validate(); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, g := range gw.Groups {
		if seen[g.Name] {
			return fmt.Errorf("gateway %s group %s is duplicate: %w", name, g.Name, errInvalidGW)
		}
		seen[g.Name] = true
	}
	return nil
}

func (iface gwIface) validate(name string) error {
	if len(name) > 15 {
		return fmt.Errorf("interface name %s is too long: %w", name, errInvalidGW)
	}
	if !ifaceName.MatchString(name) {
		return fmt.Errorf("interface name %s must be a valid linux interface name (2-10 characters): %w", name, errInvalidGW)
	}
	if len(iface.IPs) == 0 {
		return fmt.Errorf("interface %s must have at least one IP address: %w", name, errInvalidGW)
	}
	for _, ip := range iface.IPs {
		p, err := netip.ParsePrefix(ip)
		if err != nil {
			// upstream prints the prefix that failed to parse: "invalid Prefix"
			return fmt.Errorf("invalid interface %s IP %s: %w", name, p, errors.Join(err, errInvalidGW))
		}
		if !p.Addr().Is4() {
			return fmt.Errorf("interface %s IP %s must be an IPv4 address: %w", name, p, errInvalidGW)
		}
	}
	if iface.PCI != "" && iface.Kernel != "" {
		return fmt.Errorf("interface %s cannot have both PCI address and kernel names: %w", name, errInvalidGW)
	}
	if iface.PCI != "" {
		if err := validPCI(name, iface.PCI); err != nil {
			return err
		}
	}
	if iface.Kernel != "" {
		if !ifaceName.MatchString(iface.Kernel) {
			return fmt.Errorf("kernel name %s must be a valid linux interface name (2-10 characters): %w", iface.Kernel, errInvalidGW)
		}
		if iface.Kernel == name {
			return fmt.Errorf("interface name %s cannot be the same as kernel interface name: %w", name, errInvalidGW)
		}
	}
	return nil
}

func validPCI(name, pci string) error {
	bad := fmt.Errorf("interface %s PCI %s must be a valid PCI address (e.g. 0000:02:00.0): %w", name, pci, errInvalidGW)
	dot := strings.Split(pci, ".")
	if len(pci) != 12 || len(dot) != 2 {
		return bad
	}
	if err := pciPart(name, pci, "function", dot[1], "0-7", 7); err != nil {
		return err
	}
	colon := strings.Split(dot[0], ":")
	if len(colon) != 3 {
		return bad
	}
	bounds := []string{"0-FFFF", "0-FF", "0-1F"}
	most := []int64{0xFFFF, 0xFF, 0x1F}
	for i, what := range []string{"domain", "bus", "device"} {
		if err := pciPart(name, pci, what, colon[i], bounds[i], most[i]); err != nil {
			return err
		}
	}
	return nil
}

func pciPart(name, pci, what, value, bounds string, most int64) error {
	v, err := strconv.ParseInt(value, 16, 64)
	if err != nil {
		return fmt.Errorf("invalid interface %s PCI address %s %s: %w", name, pci, what, errors.Join(err, errInvalidGW))
	}
	if v < 0 || v > most {
		return fmt.Errorf("invalid interface %s PCI address %s %s (%s): %w", name, pci, what, bounds, errInvalidGW)
	}
	return nil
}

func (n gwNeighbor) validate() error {
	if n.IP == "" {
		return fmt.Errorf("BGP neighbor must have an IP address: %w", errInvalidGW)
	}
	ip, err := netip.ParseAddr(n.IP)
	switch {
	case err != nil:
		return fmt.Errorf("invalid neighbor IP %s: %w", n.IP, errors.Join(err, errInvalidGW))
	case !ip.Is4():
		return fmt.Errorf("BGP neighbor IP %s must be an IPv4 address: %w", n.IP, errInvalidGW)
	case ip.IsMulticast() || ip.IsUnspecified():
		return fmt.Errorf("BGP neighbor IP %s must be a unicast IPv4 address: %w", n.IP, errInvalidGW)
	case n.ASN == 0:
		return fmt.Errorf("BGP neighbor %s must have an ASN: %w", n.IP, errInvalidGW)
	}
	return nil
}

// unique is upstream's cluster part: addresses no other gateway (and no
// switch) has, groups that exist.
func (gw *gwSpec) unique(ctx context.Context, s *Store, name string) error {
	proto, _ := netip.ParsePrefix(gw.ProtocolIP)
	vtep, _ := netip.ParsePrefix(gw.VTEPIP)
	others, err := s.List(ctx, gateway.Gateway)
	if err != nil {
		return err
	}
	switches, err := s.List(ctx, wiring.Switch)
	if err != nil {
		return err
	}
	usedProto, usedVTEP := map[netip.Addr]bool{}, map[netip.Addr]bool{}
	var macs []string
	for _, o := range append(others, switches...) {
		if o.GetKind() == "Gateway" && o.GetName() == name {
			continue
		}
		for field, used := range map[string]map[netip.Addr]bool{"protocolIP": usedProto, "vtepIP": usedVTEP} {
			if v, ok := meta.Str(Spec(&o), field); ok {
				if p, err := netip.ParsePrefix(v); err == nil {
					used[p.Addr()] = true
				}
			}
		}
		if mac, ok := meta.Str(Spec(&o), "vtepMAC"); ok && o.GetKind() == "Gateway" {
			macs = append(macs, mac)
		}
	}
	switch {
	case usedProto[proto.Addr()]:
		return fmt.Errorf("gateway %s protocol IP %s is already in use: %w", name, proto, errInvalidGW)
	case usedVTEP[vtep.Addr()]:
		return fmt.Errorf("gateway %s VTEP IP %s is already in use: %w", name, vtep, errInvalidGW)
	case slices.ContainsFunc(macs, func(m string) bool { return strings.EqualFold(m, gw.VTEPMAC) }):
		return fmt.Errorf("gateway %s VTEP MAC %s is already in use: %w", name, gw.VTEPMAC, errInvalidGW)
	}
	for _, g := range gw.Groups {
		group, err := s.Get(ctx, gateway.GatewayGroup, g.Name)
		if err != nil {
			return err
		}
		if group == nil {
			return fmt.Errorf("gateway group %s not found: %w", g.Name, errInvalidGW)
		}
	}
	return nil
}
