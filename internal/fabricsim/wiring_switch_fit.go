// The stand-in's switch rules against its profile and the fabric (longer
// than most files: port settings, features and port budgets, then the
// hydrated addresses and ASNs, in upstream's order).

package fabricsim

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// switchFitsProfile checks a switch's port settings and features against
// its profile, in upstream's order and words.
func switchFitsProfile(profileName string, profile, spec map[string]any) error {
	groupSpeeds := obj(spec, "portGroupSpeeds")
	for _, name := range meta.SortedKeys(groupSpeeds) {
		group, ok := meta.Map(profile, "portGroups", name)
		if !ok {
			return fmt.Errorf("port group %s not found in switch profile", name)
		}
		if err := speedFits(profile, text(group, "profile"), "group", "port group", name, groupSpeeds[name]); err != nil {
			return err
		}
	}
	speeds := obj(spec, "portSpeeds")
	for _, name := range meta.SortedKeys(speeds) {
		port, ok := meta.Map(profile, "ports", name)
		if !ok {
			return fmt.Errorf("port %s not found in switch profile", name)
		}
		if err := speedFits(profile, text(port, "profile"), "port", "port", name, speeds[name]); err != nil {
			return err
		}
	}
	breakouts := obj(spec, "portBreakouts")
	for _, name := range meta.SortedKeys(breakouts) {
		port, ok := meta.Map(profile, "ports", name)
		if !ok {
			return fmt.Errorf("port %s not found in switch profile", name)
		}
		ppName := text(port, "profile")
		pp, ok := meta.Map(profile, "portProfiles", ppName)
		if !ok {
			return fmt.Errorf("port profile %s for port %s not found in switch profile", ppName, name)
		}
		supported, ok := meta.Map(pp, "breakout", "supported")
		if !ok {
			return fmt.Errorf("port profile %s for port %s has no supported breakouts", ppName, name)
		}
		if mode, _ := breakouts[name].(string); supported[mode] == nil {
			return fmt.Errorf("port %s does not support specified breakout %v", name, breakouts[name])
		}
	}
	if err := portSettingsFit(profileName, profile, spec); err != nil {
		return err
	}
	features := obj(profile, "features")
	switch {
	case meta.Bool(spec, "roce") && !meta.Bool(features, "roce"):
		return fmt.Errorf("RoCEv2 is not supported on switch profile %s", profileName)
	case meta.Bool(spec, "ecmp", "roceQPN") && !meta.Bool(features, "ecmpRoCEQPN"):
		return fmt.Errorf("ECMP RoCE QPN hashing is not supported on switch profile %s", profileName)
	case text(spec, "redundancy", "type") == "eslag" && !meta.Bool(features, "eslag"):
		return fmt.Errorf("ESLAG is not supported on switch profile %s", profileName)
	}
	return portBudget(profileName, profile, spec)
}

func speedFits(profile map[string]any, ppName, what, label, name string, speed any) error {
	pp, ok := meta.Map(profile, "portProfiles", ppName)
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

// portSettingsFit checks auto-negotiation, FEC and port locator settings
// against the ports that allow them.
func portSettingsFit(profileName string, profile, spec map[string]any) error {
	autoNeg, err := autoNegPorts(profile, spec)
	if err != nil {
		return fmt.Errorf("failed to get auto negotiation defaults: %w", err)
	}
	for _, name := range meta.SortedKeys(obj(spec, "portAutoNegs")) {
		if !autoNeg[name] {
			return fmt.Errorf("port %s does not support configuring auto negotiation", name)
		}
	}
	fec, err := fecPorts(profile, spec)
	if err != nil {
		return fmt.Errorf("failed to get FEC-configurable ports: %w", err)
	}
	for _, name := range meta.SortedKeys(obj(spec, "portFECs")) {
		if !fec[name] {
			return fmt.Errorf("port %s does not support configuring FEC (a broken-out port must be configured per sub-port, e.g. E1/53/1)",
				name)
		}
	}
	ports, err := dataPorts(profile, spec)
	if err != nil {
		return fmt.Errorf("failed to get available API ports: %w", err)
	}
	locators := obj(spec, "portLocators")
	if len(locators) > 0 && !meta.Bool(profile, "features", "portLocator") {
		return fmt.Errorf("port locators are not supported on switch profile %s", profileName)
	}
	for _, name := range meta.SortedKeys(locators) {
		if name != locatorAll && !ports[name] {
			return fmt.Errorf("port %s is not a valid port for port locators", name)
		}
		expire, _ := locators[name].(string)
		if _, _, err := normalizeLocator(expire, time.Now()); err != nil {
			return fmt.Errorf("invalid port locator expire %q for port %s: %w", expire, name, err)
		}
	}
	return nil
}

// portBudget counts the ports the switch uses (a broken-out port as its
// sub-ports) against the profile's maximum and its pipelines'.
func portBudget(profileName string, profile, spec map[string]any) error {
	ports, _ := meta.Map(profile, "ports")
	total := int64(0)
	perPipeline, names := map[string]int64{}, map[string][]string{}
	for _, name := range meta.SortedKeys(ports) {
		port := asObject(ports[name])
		if meta.Bool(port, "management") {
			continue
		}
		count := int64(1)
		if text(port, "group") == "" {
			ppName := text(port, "profile")
			if ppName == "" {
				return fmt.Errorf("port %s has no group or profile", name)
			}
			if _, ok := meta.Map(profile, "portProfiles", ppName); !ok {
				return fmt.Errorf("port %s has invalid profile %s", name, ppName)
			}
			mode, offsets, isBreakout, err := portMode(profile, spec, name)
			if err != nil {
				return fmt.Errorf("port %s has invalid breakout mode %s", name, mode)
			}
			if isBreakout {
				count = int64(len(offsets))
			}
		}
		total += count
		if p := text(port, "pipeline"); p != "" {
			perPipeline[p] += count
			names[p] = append(names[p], name)
		}
	}
	if limit := num(profile, "maxPorts"); limit > 0 && total > limit {
		return fmt.Errorf("switch %s has exceeded maximum ports: %d > %d", profileName, total, limit)
	}
	pipelines, ok := meta.Map(profile, "pipelines")
	if !ok {
		return nil
	}
	for _, p := range meta.SortedKeys(toAny(perPipeline)) {
		pipeline, known := meta.Map(pipelines, p)
		if !known {
			return fmt.Errorf("unknown port pipeline %s reference", p)
		}
		if limit := num(pipeline, "maxPorts"); perPipeline[p] > limit {
			return fmt.Errorf("pipeline %s (ports %s) has exceeded maximum ports: %d > %d", p, strings.Join(names[p], ", "),
				perPipeline[p], limit)
		}
	}
	return nil
}

func toAny[V any](m map[string]V) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// hydration is upstream's check of the addresses and ASNs that hhfab fills
// in: inside the fabric's subnets and ranges, and not used by another
// switch (nor, with the gateway on, by a gateway).
func hydration(ctx context.Context, s *Store, name string, spec map[string]any) error {
	f := s.Fabric
	parsed := map[string]netip.Prefix{}
	for _, field := range []struct{ what, value string }{{"VTEP subnet", f.VTEPSubnet}, {"protocol subnet", f.ProtocolSubnet},
		{"control VIP", f.ControlVIP}, {"management subnet", f.ManagementSubnet}} {
		p, err := netip.ParsePrefix(field.value)
		if err != nil {
			return fmt.Errorf("failed to parse Fabric %s %s: %w", field.what, field.value, err)
		}
		parsed[field.what] = p
	}
	dhcpStart, err := netip.ParseAddr(f.ManagementDHCPStart)
	if err != nil {
		return fmt.Errorf("failed to parse Fabric management DHCP start %s: %w", f.ManagementDHCPStart, err)
	}
	used, err := usedBySwitches(ctx, s, name)
	if err != nil {
		return err
	}
	used.mgmt[parsed["control VIP"].Addr()] = true
	if ip := text(spec, "ip"); ip != "" {
		p, err := netip.ParsePrefix(ip)
		switch {
		case err != nil:
			return fmt.Errorf("parsing switch %s IP %s: %w", name, ip, err)
		case !parsed["management subnet"].Contains(p.Addr()):
			return fmt.Errorf("switch %s management IP %s is not in the management subnet %s", name, p, parsed["management subnet"])
		case p.Addr().Compare(dhcpStart) >= 0:
			return fmt.Errorf("switch %s management IP %s is in the management DHCP range starting at %s", name, p, dhcpStart)
		case used.mgmt[p.Addr()]:
			return fmt.Errorf("switch %s (management) IP %s is already in use", name, p)
		}
	}
	if ip := text(spec, "protocolIP"); ip != "" {
		if err := slash32(name, "protocol IP", "protocol subnet", ip, parsed["protocol subnet"], used.protocol[ip]); err != nil {
			return err
		}
	}
	role, asn, mclag := text(spec, "role"), num(spec, "asn"), text(spec, "redundancy", "type") == "mclag"
	if isLeaf(role) {
		if used.leafASNs[asn] && !mclag {
			return fmt.Errorf("leaf %s ASN %d is already in use", name, asn)
		}
		if asn < f.LeafASNStart || asn > f.LeafASNEnd {
			return fmt.Errorf("leaf %s ASN %d is not within the fabric leaf ASN range %d-%d", name, asn, f.LeafASNStart, f.LeafASNEnd)
		}
	}
	if role == "spine" && asn != f.SpineASN {
		return fmt.Errorf("spine %s ASN %d is not the expected spine ASN %d", name, asn, f.SpineASN)
	}
	if isLeaf(role) {
		vtep := text(spec, "vtepIP")
		return slash32(name, "VTEP IP", "VTEP subnet", vtep, parsed["VTEP subnet"], used.vteps[vtep] && !mclag)
	}
	return nil
}

// slash32 checks one /32 of a switch: parsed, a /32, inside its subnet, and
// not used already.
func slash32(name, what, subnetName, ip string, subnet netip.Prefix, taken bool) error {
	p, err := netip.ParsePrefix(ip)
	switch {
	case err != nil:
		return fmt.Errorf("parsing switch %s %s %s: %w", name, what, ip, err)
	case p.Bits() != 32:
		return fmt.Errorf("switch %s %s %s must be a /32", name, what, p)
	case !subnet.Contains(p.Addr()):
		return fmt.Errorf("switch %s %s %s is not in the %s %s", name, what, p, subnetName, subnet)
	case taken:
		return fmt.Errorf("switch %s %s %s is already in use", name, what, p)
	}
	return nil
}

// taken are the addresses and leaf ASNs that other switches (and gateways)
// hold.
type taken struct {
	leafASNs        map[int64]bool
	vteps, protocol map[string]bool
	mgmt            map[netip.Addr]bool
}

func usedBySwitches(ctx context.Context, s *Store, name string) (taken, error) {
	t := taken{leafASNs: map[int64]bool{}, vteps: map[string]bool{}, protocol: map[string]bool{}, mgmt: map[netip.Addr]bool{}}
	others, err := s.List(ctx, wiring.Switch)
	if err != nil {
		return t, err
	}
	for _, o := range others {
		ospec := Spec(&o)
		if o.GetName() == name {
			continue
		}
		if asn := num(ospec, "asn"); asn != 0 && isLeaf(text(ospec, "role")) {
			t.leafASNs[asn] = true
		}
		if v := text(ospec, "vtepIP"); v != "" {
			t.vteps[v] = true
		}
		if v := text(ospec, "protocolIP"); v != "" {
			t.protocol[v] = true
		}
		if p, err := netip.ParsePrefix(text(ospec, "ip")); err == nil {
			t.mgmt[p.Addr()] = true
		}
	}
	if gateways := s.kinds["Gateway"]; s.Fabric.GatewayEnabled && gateways != nil {
		gws, err := s.List(ctx, gateways)
		if err != nil {
			return t, fmt.Errorf("failed to list gateways for hydration validation: %w", err)
		}
		for _, gw := range gws {
			if v := text(Spec(&gw), "vtepIP"); v != "" {
				t.vteps[v] = true
			}
			if v := text(Spec(&gw), "protocolIP"); v != "" {
				t.protocol[v] = true
			}
		}
	}
	return t, nil
}
