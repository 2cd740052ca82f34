// The stand-in's switch rules that need the cluster (longer than most files:
// addresses, ASNs, groups, profiles and ports, in upstream's order).

package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

var switchBehaviour = Behaviour{
	Kind:    wiring.Switch,
	Default: declaredDefault(wiring.Switch), Validate: declaredValidate(wiring.Switch),
	Prefix: "error validating switch",
	Labels: func(spec map[string]any) map[string]string {
		out := map[string]string{}
		for _, field := range []struct {
			json  string
			label func(string) string
		}{{"groups", wiring.SwitchGroupLabel}, {"vlanNamespaces", wiring.VLANNamespaceLabel}} {
			l, _ := meta.List(spec, field.json)
			for _, name := range meta.Strings(l) {
				out[field.label(name)] = "true"
			}
		}
		profile, _ := meta.Str(spec, "profile")
		out[wiring.LabelProfile] = profile
		return out
	},
	Update: func(old, u *unstructured.Unstructured) error {
		before, after := Spec(old), Spec(u)
		if (meta.Bool(before, "roce") || meta.Bool(after, "roce")) && !reflect.DeepEqual(before["portBreakouts"], after["portBreakouts"]) {
			return errors.New("port breakouts cannot be changed when RoCEv2 is enabled")
		}
		return nil
	},
	Cross: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		spec := Spec(u)
		role, _ := meta.Str(spec, "role")
		if vtep, _ := meta.Str(spec, "vtepIP"); wiring.IsLeaf(role) && s.Fabric.FabricMode == "spine-leaf" && vtep == "" {
			return errors.New("VTEP IP is required for leaf switches in spine-leaf mode")
		}
		if err := switchReferences(ctx, s, spec); err != nil {
			return err
		}
		profileName, _ := meta.Str(spec, "profile")
		profile, err := s.Get(ctx, wiring.SwitchProfile, profileName)
		if err != nil {
			return err
		}
		if profile == nil {
			return fmt.Errorf("switch profile %s does not exist", profileName)
		}
		if err := switchPortsFit(profileName, Spec(profile), spec); err != nil {
			return err
		}
		if err := hydration(ctx, s, u.GetName(), spec); err != nil {
			return fmt.Errorf("failed hydration validation: %w", err)
		}
		return nil
	},
	DeleteBlocked: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		conns, err := s.ListByLabel(ctx, wiring.Connection.Kind, wiring.SwitchLabel(u.GetName()), "true")
		if err != nil {
			return err
		}
		if len(conns) > 0 {
			return errors.New("switch has connections")
		}
		return nil
	},
}

// switchReferences checks the VLAN namespaces (which must exist and not
// overlap) and the groups (which must exist).
func switchReferences(ctx context.Context, s *Store, spec map[string]any) error {
	l, _ := meta.List(spec, "vlanNamespaces")
	var ranges []wiring.VLANRange
	for _, name := range meta.Strings(l) {
		ns, err := s.Get(ctx, wiring.VLANNamespace, name)
		if err != nil {
			return err
		}
		if ns == nil {
			return fmt.Errorf("specified VLANNamespace %s does not exist", name)
		}
		r, _ := wiring.VLANRanges(Spec(ns))
		ranges = append(ranges, r...)
	}
	if msg, overlap := wiring.VLANOverlap(ranges); overlap {
		return fmt.Errorf("invalid VLANNamespaces: %s", msg)
	}
	groups, _ := meta.List(spec, "groups")
	for _, name := range meta.Strings(groups) {
		if name == "" {
			return errors.New("group name cannot be empty")
		}
		g, err := s.Get(ctx, wiring.SwitchGroup, name)
		if err != nil {
			return err
		}
		if g == nil {
			return fmt.Errorf("switch group %s does not exist", name)
		}
	}
	return nil
}

// hydration is upstream's check of the addresses and ASNs that hhfab fills
// in: inside the fabric's subnets and ranges, and not used by another switch.
func hydration(ctx context.Context, s *Store, name string, spec map[string]any) error {
	f := s.Fabric
	others, err := s.List(ctx, wiring.Switch)
	if err != nil {
		return err
	}
	leafASNs, vteps, protocolIPs, mgmtIPs := map[int64]bool{}, map[string]bool{}, map[string]bool{}, map[netip.Addr]bool{}
	if vip, err := netip.ParsePrefix(f.ControlVIP); err == nil {
		mgmtIPs[vip.Addr()] = true
	}
	for _, o := range others {
		if o.GetName() == name {
			continue
		}
		os := Spec(&o)
		role, _ := meta.Str(os, "role")
		if asn, ok := meta.Int(os, "asn"); ok && asn != 0 && wiring.IsLeaf(role) {
			leafASNs[asn] = true
		}
		if v, _ := meta.Str(os, "vtepIP"); v != "" {
			vteps[v] = true
		}
		if v, _ := meta.Str(os, "protocolIP"); v != "" {
			protocolIPs[v] = true
		}
		if v, _ := meta.Str(os, "ip"); v != "" {
			if p, err := netip.ParsePrefix(v); err == nil {
				mgmtIPs[p.Addr()] = true
			}
		}
	}
	mgmt, _ := netip.ParsePrefix(f.ManagementSubnet)
	dhcpStart, _ := netip.ParseAddr(f.ManagementDHCPStart)
	if ip, _ := meta.Str(spec, "ip"); ip != "" {
		p, err := netip.ParsePrefix(ip)
		switch {
		case err != nil:
			return fmt.Errorf("parsing switch %s IP %s: %w", name, ip, err)
		case !mgmt.Contains(p.Addr()):
			return fmt.Errorf("switch %s management IP %s is not in the management subnet %s", name, p, mgmt)
		case p.Addr().Compare(dhcpStart) >= 0:
			return fmt.Errorf("switch %s management IP %s is in the management DHCP range starting at %s", name, p, dhcpStart)
		case mgmtIPs[p.Addr()]:
			return fmt.Errorf("switch %s (management) IP %s is already in use", name, p)
		}
	}
	if err := hydratedSlash32(name, "protocol IP", "protocol subnet", spec, "protocolIP", f.ProtocolSubnet, protocolIPs, true); err != nil {
		return err
	}
	role, _ := meta.Str(spec, "role")
	asn, _ := meta.Int(spec, "asn")
	redundancy, _ := meta.Str(spec, "redundancy", "type")
	if wiring.IsLeaf(role) {
		if leafASNs[asn] && redundancy != "mclag" {
			return fmt.Errorf("leaf %s ASN %d is already in use", name, asn)
		}
		if asn < f.LeafASNStart || asn > f.LeafASNEnd {
			return fmt.Errorf("leaf %s ASN %d is not within the fabric leaf ASN range %d-%d", name, asn, f.LeafASNStart, f.LeafASNEnd)
		}
	}
	if role == "spine" && asn != f.SpineASN {
		return fmt.Errorf("spine %s ASN %d is not the expected spine ASN %d", name, asn, f.SpineASN)
	}
	if wiring.IsLeaf(role) {
		return hydratedSlash32(name, "VTEP IP", "VTEP subnet", spec, "vtepIP", f.VTEPSubnet, vteps, redundancy != "mclag")
	}
	return nil
}

// hydratedSlash32 checks one /32 of a switch: parsed, a /32, inside its
// subnet and (when unique) not used by another switch.
func hydratedSlash32(name, what, subnetName string, spec map[string]any, field, subnet string, used map[string]bool, unique bool) error {
	ip, _ := meta.Str(spec, field)
	if ip == "" && field != "vtepIP" {
		return nil
	}
	p, err := netip.ParsePrefix(ip)
	if err != nil {
		return fmt.Errorf("parsing switch %s %s %s: %w", name, what, ip, err)
	}
	within, _ := netip.ParsePrefix(subnet)
	switch {
	case p.Bits() != 32:
		return fmt.Errorf("switch %s %s %s must be a /32", name, what, p)
	case !within.Contains(p.Addr()):
		return fmt.Errorf("switch %s %s %s is not in the %s %s", name, what, p, subnetName, within)
	case unique && used[ip]:
		return fmt.Errorf("switch %s %s %s is already in use", name, what, p)
	}
	return nil
}

// switchPortsFit checks the switch's port settings and features against its
// profile, in upstream's order and words.
func switchPortsFit(profileName string, profile, spec map[string]any) error {
	ports, _ := meta.Map(profile, "ports")
	groups, _ := meta.Map(profile, "portGroups")
	profiles, _ := meta.Map(profile, "portProfiles")
	speeds, _ := meta.Map(spec, "portGroupSpeeds")
	for _, name := range meta.SortedKeys(speeds) {
		group, ok := meta.Map(groups, name)
		if !ok {
			return fmt.Errorf("port group %s not found in switch profile", name)
		}
		pp, _ := meta.Str(group, "profile")
		if err := speedSupported(profiles, pp, "group", "port group", name, speeds[name]); err != nil {
			return err
		}
	}
	speeds, _ = meta.Map(spec, "portSpeeds")
	for _, name := range meta.SortedKeys(speeds) {
		port, ok := meta.Map(ports, name)
		if !ok {
			return fmt.Errorf("port %s not found in switch profile", name)
		}
		pp, _ := meta.Str(port, "profile")
		if err := speedSupported(profiles, pp, "port", "port", name, speeds[name]); err != nil {
			return err
		}
	}
	breakouts, _ := meta.Map(spec, "portBreakouts")
	for _, name := range meta.SortedKeys(breakouts) {
		port, ok := meta.Map(ports, name)
		if !ok {
			return fmt.Errorf("port %s not found in switch profile", name)
		}
		ppName, _ := meta.Str(port, "profile")
		pp, ok := meta.Map(profiles, ppName)
		if !ok {
			return fmt.Errorf("port profile %s for port %s not found in switch profile", ppName, name)
		}
		supported, ok := meta.Map(pp, "breakout", "supported")
		if !ok {
			return fmt.Errorf("port profile %s for port %s has no supported breakouts", ppName, name)
		}
		if mode, _ := breakouts[name].(string); supported[mode] == nil {
			return fmt.Errorf("port %s does not support specified breakout %s", name, mode)
		}
	}
	autoNegs, _ := meta.Map(spec, "portAutoNegs")
	for _, name := range meta.SortedKeys(autoNegs) {
		if pp, ok := portProfileOf(ports, groups, profiles, name); !ok || !meta.Bool(pp, "autoNegAllowed") {
			return fmt.Errorf("port %s does not support configuring auto negotiation", name)
		}
	}
	fecs, _ := meta.Map(spec, "portFECs")
	for _, name := range meta.SortedKeys(fecs) {
		// FEC is set on ports with a profile of their own (not on group
		// members, not on a port that is broken out).
		if pp, ok := portProfileOf(ports, groups, profiles, name); !ok || pp["speed"] == nil || inGroup(ports, name) {
			return fmt.Errorf("port %s does not support configuring FEC (a broken-out port must be configured per sub-port, e.g. E1/53/1)", name)
		}
	}
	if locators, _ := meta.Map(spec, "portLocators"); len(locators) > 0 {
		if !meta.Bool(profile, "features", "portLocator") {
			return fmt.Errorf("port locators are not supported on switch profile %s", profileName)
		}
		for _, name := range meta.SortedKeys(locators) {
			if port, ok := meta.Map(ports, name); name != wiring.PortLocatorAllPorts && (!ok || meta.Bool(port, "management")) {
				return fmt.Errorf("port %s is not a valid port for port locators", name)
			}
		}
	}
	for _, f := range []struct {
		on      bool
		feature string
		what    string
	}{
		{meta.Bool(spec, "roce"), "roce", "RoCEv2"},
		{meta.Bool(spec, "ecmp", "roceQPN"), "ecmpRoCEQPN", "ECMP RoCE QPN hashing"},
	} {
		if f.on && !meta.Bool(profile, "features", f.feature) {
			return fmt.Errorf("%s is not supported on switch profile %s", f.what, profileName)
		}
	}
	if t, _ := meta.Str(spec, "redundancy", "type"); t == "eslag" && !meta.Bool(profile, "features", "eslag") {
		return fmt.Errorf("ESLAG is not supported on switch profile %s", profileName)
	}
	return nil
}

func speedSupported(profiles map[string]any, ppName, what, label, name string, speed any) error {
	pp, ok := meta.Map(profiles, ppName)
	if !ok {
		return fmt.Errorf("port profile %s for %s %s not found in switch profile", ppName, what, name)
	}
	supported, ok := meta.List(pp, "speed", "supported")
	if !ok {
		return fmt.Errorf("port profile %s for %s %s has no supported speeds", ppName, what, name)
	}
	if !slices.Contains(supported, speed) {
		return fmt.Errorf("%s %s does not support specified speed %v", label, name, speed)
	}
	return nil
}

// portProfileOf is the port profile of a port: its own, or its group's.
func portProfileOf(ports, groups, profiles map[string]any, name string) (map[string]any, bool) {
	port, ok := meta.Map(ports, name)
	if !ok {
		return nil, false
	}
	pp, _ := meta.Str(port, "profile")
	if g, ok := meta.Str(port, "group"); ok && g != "" {
		pp, _ = meta.Str(groups, g, "profile")
	}
	return meta.Map(profiles, pp)
}

func inGroup(ports map[string]any, name string) bool {
	g, _ := meta.Str(ports, name, "group")
	return g != ""
}
