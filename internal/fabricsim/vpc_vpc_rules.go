// The stand-in's VPC rules that need nothing but the VPC and the fabric
// configuration, in upstream's order (longer than most files: subnets,
// gateways, VLANs, host BGP, DHCP, permit lists and static routes).

package fabricsim

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
)

// vpcModes are the VPC modes upstream knows ("" is L2VNI).
var vpcModes = []string{"", "l3vni", "l3flat"}

func validateVPC(f FabricConfig, name string, spec map[string]any) error {
	switch {
	case len(name) > 11:
		return fmt.Errorf("name %s is too long, must be <= 11 characters", name)
	case strings.HasPrefix(name, "ext."):
		return fmt.Errorf("vpc name cannot start with 'ext.': %s", name)
	case text(spec, "ipv4Namespace") == "":
		return errors.New("ipv4Namespace is required")
	case text(spec, "vlanNamespace") == "":
		return errors.New("vlanNamespace is required")
	}
	subnets, _ := meta.Map(spec, "subnets")
	switch mode := text(spec, "mode"); {
	case len(subnets) == 0:
		return errors.New("at least one subnet is required")
	case len(subnets) > 20:
		return errors.New("too many subnets, max is 20")
	case mode != "" && mode != "l3vni" && mode != "l3flat":
		return fmt.Errorf("invalid mode %s, must be one of [%s]", mode, strings.Join(vpcModes, " "))
	case mode == "l3flat":
		return errors.New("L3Flat mode is not supported yet")
	}
	var prefixes []netip.Prefix
	vlans := map[int64]bool{}
	hostBGP := 0
	for _, sn := range meta.SortedKeys(subnets) {
		subnet := asObject(subnets[sn])
		p, err := validateVPCSubnet(f, subnet)
		if err != nil {
			return fmt.Errorf("subnet %s: %w", sn, err)
		}
		if meta.Bool(subnet, "hostBGP") {
			hostBGP++
			extra, _ := meta.Map(subnet, "hostBGPExtraPrefixes")
			for _, key := range meta.SortedKeys(extra) {
				ep, _ := netip.ParsePrefix(key)
				prefixes = append(prefixes, ep)
			}
		} else {
			vlans[num(subnet, "vlan")] = true
		}
		prefixes = append(prefixes, p)
	}
	if len(vlans) != len(subnets)-hostBGP {
		return errors.New("duplicate subnet VLANs")
	}
	if err := overlapping(prefixes); err != nil {
		return fmt.Errorf("failed to verify no overlap subnets: %w", err)
	}
	permit, _ := meta.List(spec, "permit")
	for idx, e := range permit {
		policy, _ := e.([]any)
		if len(policy) < 2 {
			return errors.New("each permit policy must have at least 2 subnets in it")
		}
		seen := map[string]bool{}
		for _, s := range meta.Strings(policy) {
			if _, ok := subnets[s]; !ok {
				return fmt.Errorf("permit policy #%d: subnet %s not found", idx, s)
			}
			seen[s] = true
		}
		if len(seen) != len(policy) {
			return fmt.Errorf("permit policy #%d: duplicate subnets", idx)
		}
	}
	routes, _ := meta.List(spec, "staticRoutes")
	for idx, e := range routes {
		route := asObject(e)
		prefix := text(route, "prefix")
		if prefix == "" {
			return fmt.Errorf("static route #%d: prefix is required", idx)
		}
		p, err := netip.ParsePrefix(prefix)
		switch {
		case err != nil:
			return fmt.Errorf("static route #%d: failed to parse prefix %s: %w", idx, prefix, err)
		case p.Addr() != p.Masked().Addr():
			return fmt.Errorf("static route #%d: prefix %s is invalid: inconsistent IP address and mask", idx, prefix)
		case len(strs(route, "nextHops")) == 0:
			return fmt.Errorf("static route #%d: at least one next hop is required", idx)
		}
	}
	return nil
}

// validateVPCSubnet is upstream's check of one subnet (its messages start
// with the subnet's name); it returns the subnet's prefix.
func validateVPCSubnet(f FabricConfig, subnet map[string]any) (netip.Prefix, error) {
	cidr := text(subnet, "subnet")
	if cidr == "" {
		return netip.Prefix{}, errors.New("missing subnet")
	}
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return p, fmt.Errorf("failed to parse subnet %s: %w", cidr, err)
	}
	if p.Bits() > 30 {
		return p, fmt.Errorf("prefix length %d is too large, must be <= 30", p.Bits())
	}
	for _, r := range f.reserved() {
		if r.Overlaps(p) {
			return p, fmt.Errorf("subnet %s is reserved", cidr)
		}
	}
	dhcp := obj(subnet, "dhcp")
	enabled := meta.Bool(dhcp, "enable")
	var gateway netip.Addr
	if meta.Bool(subnet, "hostBGP") {
		if err := validateHostBGP(f, subnet, p, enabled); err != nil {
			return p, err
		}
	} else {
		gw := text(subnet, "gateway")
		switch extra, _ := meta.Map(subnet, "hostBGPExtraPrefixes"); {
		case len(extra) > 0:
			return p, errors.New("cannot specify hostBGP extra prefixes on non-hostBGP subnet")
		case num(subnet, "hostBGPMinPrefixLen") != 0 || num(subnet, "hostBGPMaxPrefixLen") != 0:
			return p, errors.New("cannot specify hostBGP prefix lengths on non-hostBGP subnet")
		case gw == "":
			return p, errors.New("gateway is required")
		}
		if gateway, err = netip.ParseAddr(gw); err != nil {
			return p, fmt.Errorf("gateway %s is not a valid IP address", gw)
		}
		switch {
		case !p.Contains(gateway):
			return p, fmt.Errorf("gateway %s is not in the subnet", gw)
		case num(subnet, "vlan") == 0:
			return p, errors.New("vlan is required")
		}
	}
	relay := text(dhcp, "relay")
	switch {
	case relay != "" && enabled:
		return p, errors.New("dhcp relay and dhcp server cannot be enabled at the same time")
	case relay != "":
		if _, err := netip.ParsePrefix(relay); err != nil {
			return p, fmt.Errorf("failed to parse dhcp relay %s: %w", relay, err)
		}
	case text(dhcp, "relayVPC") != "":
		return p, errors.New("dhcp relay VPC specified but dhcp relay is not enabled")
	}
	if o, ok := meta.Map(dhcp, "options"); ok && !enabled {
		for _, field := range []struct{ json, word string }{{"pxeURL", "pxeURL"}, {"dnsServers", "DNSServer"},
			{"timeServers", "TimeServer"}, {"interfaceMTU", "InterfaceMTU"}, {"leaseTimeSeconds", "LeaseTimeSeconds"},
			{"disableDefaultRoute", "DisableDefaultRoute"}, {"advertisedRoutes", "AdvertisedRoutes"}} {
			if says(o[field.json]) {
				return p, fmt.Errorf("%s is set but dhcp is disabled", field.word)
			}
		}
	}
	if enabled {
		return p, validateDHCP(dhcp, p, gateway, text(subnet, "gateway"))
	}
	r := obj(dhcp, "range")
	if text(r, "start") != "" || text(r, "end") != "" {
		return p, errors.New("dhcp range start or end is set but dhcp is disabled")
	}
	if static, _ := meta.Map(dhcp, "static"); len(static) > 0 {
		return p, errors.New("static IPs are not supported when DHCP is disabled")
	}
	return p, nil
}

// says tells whether an option value sets something.
func says(v any) bool {
	switch x := v.(type) {
	case string:
		return x != ""
	case bool:
		return x
	case []any:
		return len(x) > 0
	case int64:
		return x > 0
	case float64:
		return x > 0
	}
	return false
}

func validateHostBGP(f FabricConfig, subnet map[string]any, p netip.Prefix, dhcp bool) error {
	if dhcp {
		return errors.New("dhcp should not be enabled for hostBGP subnets")
	}
	minLen, maxLen := lens(subnet, "hostBGPMinPrefixLen", "hostBGPMaxPrefixLen", 32, 32)
	if err := prefixLens(p, minLen, maxLen); err != nil {
		return err
	}
	extra, _ := meta.Map(subnet, "hostBGPExtraPrefixes")
	if len(extra) > 100 {
		return fmt.Errorf("too many hostBGP extra prefixes (%d), maximum is %d", len(extra), 100)
	}
	for _, key := range meta.SortedKeys(extra) {
		ep, err := netip.ParsePrefix(key)
		switch {
		case err != nil:
			return fmt.Errorf("invalid hostBGP extra prefix %s: %w", key, err)
		case !ep.Addr().Is4():
			return fmt.Errorf("invalid hostBGP extra prefix %s: prefix is not a valid IPv4 prefix", key)
		case ep.Addr() != ep.Masked().Addr():
			return fmt.Errorf("invalid hostBGP extra prefix %s: prefix is not in canonical form", key)
		}
		eMin, eMax := lens(asObject(extra[key]), "minPrefixLen", "maxPrefixLen", minLen, maxLen)
		if err := prefixLens(ep, eMin, eMax); err != nil {
			return fmt.Errorf("hostBGP extra prefix %s: %w", key, err)
		}
		for _, r := range f.reserved() {
			if r.Overlaps(ep) {
				return fmt.Errorf("hostBGP extra prefix %s is reserved", key)
			}
		}
	}
	return nil
}

func lens(m map[string]any, minField, maxField string, minDefault, maxDefault int64) (int64, int64) {
	minLen, maxLen := num(m, minField), num(m, maxField)
	if minLen == 0 {
		minLen = minDefault
	}
	if maxLen == 0 {
		maxLen = maxDefault
	}
	return minLen, maxLen
}

func prefixLens(p netip.Prefix, minLen, maxLen int64) error {
	switch {
	case minLen > maxLen:
		return fmt.Errorf("hostBGP min prefix length %d is greater than max prefix length %d", minLen, maxLen)
	case maxLen > 32:
		return fmt.Errorf("hostBGP max prefix length %d is greater than %d", maxLen, 32)
	case int(minLen) < p.Bits():
		return fmt.Errorf("hostBGP min prefix length %d is shorter than the prefix length of %s", minLen, p)
	}
	return nil
}

// validateDHCP is upstream's check of a subnet's DHCP server: its range,
// options and static leases.
func validateDHCP(dhcp map[string]any, p netip.Prefix, gateway netip.Addr, gatewayText string) error {
	r, ok := meta.Map(dhcp, "range")
	if !ok {
		return errors.New("dhcp range is required")
	}
	var bounds [2]netip.Addr
	for i, end := range []string{"start", "end"} {
		s := text(r, end)
		if s == "" {
			return fmt.Errorf("dhcp range %s is required", end)
		}
		a, err := netip.ParseAddr(s)
		switch {
		case err != nil:
			return fmt.Errorf("invalid dhcp range %s %s", end, s)
		case a == p.Masked().Addr():
			return fmt.Errorf("dhcp range %s %s is equal to subnet", end, s)
		case a == gateway:
			return fmt.Errorf("dhcp range %s %s is equal to gateway", end, s)
		case !p.Contains(a):
			return fmt.Errorf("dhcp range %s %s is not in the subnet", end, s)
		}
		bounds[i] = a
	}
	if !bounds[0].Less(bounds[1]) {
		return fmt.Errorf("dhcp range start %s does not come before dhcp range end %s", text(r, "start"), text(r, "end"))
	}
	if o, ok := meta.Map(dhcp, "options"); ok {
		if err := validateDHCPOptions(o, p); err != nil {
			return err
		}
	}
	static, _ := meta.Map(dhcp, "static")
	seen := map[string]bool{}
	for _, mac := range meta.SortedKeys(static) {
		ip := text(asObject(static[mac]), "ip")
		a, err := netip.ParseAddr(ip)
		_, macErr := net.ParseMAC(mac)
		switch {
		case ip == "":
			return fmt.Errorf("empty static IP assigned to MAC %s", mac)
		case mac == "":
			return fmt.Errorf("static IP %s assigned to empty MAC address", ip)
		case macErr != nil:
			return fmt.Errorf("invalid MAC %s for static IP %s", mac, ip)
		case err != nil:
			return fmt.Errorf("invalid static IP %s", ip)
		case !p.Contains(a):
			return fmt.Errorf("static IP %s is not in the subnet", ip)
		case a == p.Masked().Addr():
			return fmt.Errorf("static IP %s is the same as the subnet IP", ip)
		case ip == gatewayText:
			return fmt.Errorf("static IP %s is the same as the gateway IP", ip)
		case ip == broadcast(p).String():
			return fmt.Errorf("static IP %s is the same as the broadcast IP", ip)
		case seen[ip]:
			return fmt.Errorf("static IP %s is already assigned to another MAC address", ip)
		}
		seen[ip] = true
	}
	return nil
}

func validateDHCPOptions(o map[string]any, p netip.Prefix) error {
	for _, s := range strs(o, "dnsServers") {
		if _, err := netip.ParseAddr(s); err != nil {
			return fmt.Errorf("dns address %s is not a valid IP", s)
		}
	}
	for _, s := range strs(o, "timeServers") {
		if _, err := netip.ParseAddr(s); err != nil {
			return fmt.Errorf("time server %s address is not a valid IP", s)
		}
	}
	switch mtu := num(o, "interfaceMTU"); {
	case mtu < 96:
		return errors.New("MTU cannot be set smaller than 96")
	case mtu > 9036:
		return errors.New("MTU cannot be set greater than 9036")
	case num(o, "leaseTimeSeconds") < 1:
		return errors.New("LeaseTimeSeconds cannot be set smaller than 1")
	}
	routes, _ := meta.List(o, "advertisedRoutes")
	for _, e := range routes {
		route := asObject(e)
		dest, gw := text(route, "destination"), text(route, "gateway")
		switch {
		case dest == "":
			return errors.New("advertised route destination is required")
		case gw == "":
			return errors.New("advertised route gateway is required")
		}
		if _, err := netip.ParsePrefix(dest); err != nil {
			return fmt.Errorf("failed to parse advertised route destination %s: %w", dest, err)
		}
		a, err := netip.ParseAddr(gw)
		if err != nil {
			return fmt.Errorf("invalid advertised route gateway %s", gw)
		}
		if !p.Contains(a) {
			return fmt.Errorf("advertised route gateway %s is not in the subnet", gw)
		}
	}
	return nil
}
