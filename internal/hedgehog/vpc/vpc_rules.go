// The VPC's plan-time rules (longer than most files: subnets, gateways,
// VLANs, host BGP, permit lists and static routes, in upstream's order).

package vpc

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// checkVPC holds the webhook's rules that need nothing but the VPC, in its
// order and words, checked on the VPC as the webhook stores it (defaults
// applied). Before those come the plan-only rules: DHCP settings that the
// webhook would silently drop because DHCP is off.
func checkVPC(name string, spec map[string]any) []kinds.Problem {
	out := dropped(spec)
	stored, _ := cloneSpec(spec).(map[string]any)
	defaultVPC(stored)
	out = append(out, meta.NameAtMost(name, maxNameLength)...)
	if strings.HasPrefix(name, ExtPrefix) {
		out = append(out, meta.Problem(fmt.Sprintf("vpc name cannot start with '%s': %s", ExtPrefix, name), "metadata", "name"))
	}
	if stored["subnets"] == kinds.Unknown {
		return out
	}
	subnets, _ := meta.Map(stored, "subnets")
	switch {
	case len(subnets) == 0:
		out = append(out, meta.Problem("at least one subnet is required", "subnets"))
	case len(subnets) > maxSubnets:
		out = append(out, meta.Problem(fmt.Sprintf("too many subnets, max is %d", maxSubnets), "subnets"))
	}
	if mode, ok := meta.Str(stored, "mode"); ok {
		switch {
		case !slices.Contains(Modes, mode):
			out = append(out, meta.Problem(fmt.Sprintf("invalid mode %s, must be one of %v", mode, Modes), "mode"))
		case mode == "l3flat":
			out = append(out, meta.Problem("L3Flat mode is not supported yet", "mode"))
		}
	}
	var prefixes []string
	vlans := map[int64]bool{}
	vlanSubnets := 0
	allKnown := true
	for _, sn := range meta.SortedKeys(subnets) {
		subnet, _ := subnets[sn].(map[string]any)
		if !meta.Known(subnet) {
			allKnown = false
			continue
		}
		problems := checkSubnet(sn, subnet)
		out = append(out, problems...)
		if len(problems) > 0 {
			allKnown = false
			continue
		}
		p, _ := meta.Str(subnet, "subnet")
		prefixes = append(prefixes, p)
		extra, _ := meta.Map(subnet, "hostBGPExtraPrefixes")
		prefixes = append(prefixes, meta.SortedKeys(extra)...)
		if !meta.Bool(subnet, "hostBGP") {
			vlan, _ := meta.Int(subnet, "vlan")
			vlans[vlan] = true
			vlanSubnets++
		}
	}
	if allKnown && len(vlans) != vlanSubnets {
		out = append(out, meta.Problem("duplicate subnet VLANs", "subnets"))
	}
	slices.Sort(prefixes)
	if msg, overlap := meta.OverlapProblem(prefixes, func(a, b string) string {
		return fmt.Sprintf("failed to verify no overlap subnets: subnets overlap: subnets %s and %s overlap", a, b)
	}); overlap {
		out = append(out, meta.Problem(msg, "subnets"))
	}
	out = append(out, permitProblems(stored, subnets)...)
	return append(out, staticRouteProblems(stored)...)
}

// dropped are the plan-only rules: a DHCP range or options while DHCP is
// off, which the webhook removes (the plan would never be met), in the words
// the webhook's validation has for them.
func dropped(spec map[string]any) []kinds.Problem {
	subnets, _ := meta.Map(spec, "subnets")
	var out []kinds.Problem
	for _, sn := range meta.SortedKeys(subnets) {
		subnet, _ := subnets[sn].(map[string]any)
		dhcp, _ := meta.Map(subnet, "dhcp")
		if dhcp["enable"] == kinds.Unknown || dhcp["enable"] == true {
			continue
		}
		at := func(field ...any) []any { return slices.Concat([]any{"subnets", sn, "dhcp"}, field) }
		var p kinds.Problem
		if r, ok := meta.Map(dhcp, "range"); ok && (nonEmpty(r["start"]) || nonEmpty(r["end"])) {
			p = meta.Problem(fmt.Sprintf("subnet %s: dhcp range start or end is set but dhcp is disabled", sn), at("range")...)
		} else if o, ok := meta.Map(dhcp, "options"); ok {
			for _, f := range []struct{ json, word string }{{"pxeURL", "pxeURL"}, {"dnsServers", "DNSServer"},
				{"timeServers", "TimeServer"}, {"interfaceMTU", "InterfaceMTU"}, {"leaseTimeSeconds", "LeaseTimeSeconds"},
				{"disableDefaultRoute", "DisableDefaultRoute"}, {"advertisedRoutes", "AdvertisedRoutes"}} {
				if nonEmpty(o[f.json]) {
					p = meta.Problem(fmt.Sprintf("subnet %s: %s is set but dhcp is disabled", sn, f.word), at("options", f.json)...)
					break
				}
			}
		}
		if p.Message != "" {
			p.PlanOnly = true
			out = append(out, p)
		}
	}
	return out
}

func nonEmpty(v any) bool {
	switch x := v.(type) {
	case string:
		return x != ""
	case bool:
		return x
	case []any:
		return len(x) > 0
	case nil:
		return false
	}
	return !zeroNumber(v)
}

// checkSubnet is the webhook's rules for one subnet, the first it breaks.
func checkSubnet(sn string, subnet map[string]any) []kinds.Problem {
	at := func(field ...any) []any { return slices.Concat([]any{"subnets", sn}, field) }
	fail := func(msg string, path []any) []kinds.Problem {
		return []kinds.Problem{meta.Problem(fmt.Sprintf("subnet %s: %s", sn, msg), path...)}
	}
	s, _ := meta.Str(subnet, "subnet")
	if s == "" {
		return fail("missing subnet", at("subnet"))
	}
	prefix, err := netip.ParsePrefix(s)
	if err != nil {
		return fail(fmt.Sprintf("failed to parse subnet %s: %v", s, err), at("subnet"))
	}
	if prefix.Bits() > maxSubnetPrefixLen {
		return fail(fmt.Sprintf("prefix length %d is too large, must be <= %d", prefix.Bits(), maxSubnetPrefixLen), at("subnet"))
	}
	dhcp, _ := meta.Map(subnet, "dhcp")
	enabled := meta.Bool(dhcp, "enable")
	var gateway netip.Addr
	if meta.Bool(subnet, "hostBGP") {
		if problems := hostBGPProblems(sn, subnet, prefix, enabled); len(problems) > 0 {
			return problems
		}
	} else {
		extra, _ := meta.Map(subnet, "hostBGPExtraPrefixes")
		if len(extra) > 0 {
			return fail("cannot specify hostBGP extra prefixes on non-hostBGP subnet", at("hostBGPExtraPrefixes"))
		}
		for _, f := range []string{"hostBGPMinPrefixLen", "hostBGPMaxPrefixLen"} {
			if !zeroNumber(subnet[f]) {
				return fail("cannot specify hostBGP prefix lengths on non-hostBGP subnet", at(f))
			}
		}
		gw, _ := meta.Str(subnet, "gateway")
		if gw == "" {
			return fail("gateway is required", at("gateway"))
		}
		if gateway, err = netip.ParseAddr(gw); err != nil {
			return fail(fmt.Sprintf("gateway %s is not a valid IP address", gw), at("gateway"))
		}
		if !prefix.Contains(gateway) {
			return fail(fmt.Sprintf("gateway %s is not in the subnet", gw), at("gateway"))
		}
		if zeroNumber(subnet["vlan"]) {
			return fail("vlan is required", at("vlan"))
		}
	}
	relay, _ := meta.Str(dhcp, "relay")
	switch relayVPC, _ := meta.Str(dhcp, "relayVPC"); {
	case relay != "" && enabled:
		return fail("dhcp relay and dhcp server cannot be enabled at the same time", at("dhcp", "relay"))
	case relay != "":
		if _, err := netip.ParsePrefix(relay); err != nil {
			return fail(fmt.Sprintf("failed to parse dhcp relay %s: %v", relay, err), at("dhcp", "relay"))
		}
	case relayVPC != "":
		return fail("dhcp relay VPC specified but dhcp relay is not enabled", at("dhcp", "relayVPC"))
	}
	if enabled {
		return dhcpProblems(sn, dhcp, prefix, gateway)
	}
	if static, _ := meta.Map(dhcp, "static"); len(static) > 0 {
		return fail("static IPs are not supported when DHCP is disabled", at("dhcp", "static"))
	}
	return nil
}

func hostBGPProblems(sn string, subnet map[string]any, prefix netip.Prefix, dhcp bool) []kinds.Problem {
	at := func(field ...any) []any { return slices.Concat([]any{"subnets", sn}, field) }
	if dhcp {
		return []kinds.Problem{meta.Problem(fmt.Sprintf("subnet %s: dhcp should not be enabled for hostBGP subnets", sn),
			at("dhcp", "enable")...)}
	}
	minLen, maxLen := prefixLens(subnet, "hostBGPMinPrefixLen", "hostBGPMaxPrefixLen", defaultHostBGPPrefix, defaultHostBGPPrefix)
	if msg := prefixLenProblem(prefix, minLen, maxLen); msg != "" {
		return []kinds.Problem{meta.Problem(fmt.Sprintf("subnet %s: %s", sn, msg), at("hostBGPMinPrefixLen")...)}
	}
	extra, _ := meta.Map(subnet, "hostBGPExtraPrefixes")
	if len(extra) > maxHostBGPExtra {
		return []kinds.Problem{meta.Problem(fmt.Sprintf("subnet %s: too many hostBGP extra prefixes (%d), maximum is %d", sn,
			len(extra), maxHostBGPExtra), at("hostBGPExtraPrefixes")...)}
	}
	for _, key := range meta.SortedKeys(extra) {
		where := at("hostBGPExtraPrefixes", key)
		p, err := netip.ParsePrefix(key)
		var msg string
		switch {
		case err != nil:
			msg = fmt.Sprintf("invalid hostBGP extra prefix %s: %v", key, err)
		case !p.Addr().Is4():
			msg = fmt.Sprintf("invalid hostBGP extra prefix %s: prefix is not a valid IPv4 prefix", key)
		case p.Addr() != p.Masked().Addr():
			msg = fmt.Sprintf("invalid hostBGP extra prefix %s: prefix is not in canonical form", key)
		default:
			cfg, _ := extra[key].(map[string]any)
			eMin, eMax := prefixLens(cfg, "minPrefixLen", "maxPrefixLen", minLen, maxLen)
			if m := prefixLenProblem(p, eMin, eMax); m != "" {
				msg = fmt.Sprintf("hostBGP extra prefix %s: %s", key, m)
			}
		}
		if msg != "" {
			return []kinds.Problem{meta.Problem(fmt.Sprintf("subnet %s: %s", sn, msg), where...)}
		}
	}
	return nil
}

func prefixLens(m map[string]any, minField, maxField string, minDefault, maxDefault int64) (int64, int64) {
	minLen, maxLen := minDefault, maxDefault
	if v, ok := meta.Int(m, minField); ok && v != 0 {
		minLen = v
	}
	if v, ok := meta.Int(m, maxField); ok && v != 0 {
		maxLen = v
	}
	return minLen, maxLen
}

func prefixLenProblem(p netip.Prefix, minLen, maxLen int64) string {
	switch {
	case minLen > maxLen:
		return fmt.Sprintf("hostBGP min prefix length %d is greater than max prefix length %d", minLen, maxLen)
	case maxLen > defaultHostBGPPrefix:
		return fmt.Sprintf("hostBGP max prefix length %d is greater than %d", maxLen, defaultHostBGPPrefix)
	case int(minLen) < p.Bits():
		return fmt.Sprintf("hostBGP min prefix length %d is shorter than the prefix length of %s", minLen, p)
	}
	return ""
}

func permitProblems(spec, subnets map[string]any) []kinds.Problem {
	permit, _ := meta.List(spec, "permit")
	for idx, e := range permit {
		l, ok := e.([]any)
		if !ok || !meta.Known(l) {
			continue
		}
		if len(l) < 2 {
			return []kinds.Problem{meta.Problem("each permit policy must have at least 2 subnets in it", "permit", idx)}
		}
		seen := map[string]bool{}
		for _, s := range meta.Strings(l) {
			if _, ok := subnets[s]; !ok {
				return []kinds.Problem{meta.Problem(fmt.Sprintf("permit policy #%d: subnet %s not found", idx, s), "permit", idx)}
			}
			seen[s] = true
		}
		if len(seen) != len(l) {
			return []kinds.Problem{meta.Problem(fmt.Sprintf("permit policy #%d: duplicate subnets", idx), "permit", idx)}
		}
	}
	return nil
}

func staticRouteProblems(spec map[string]any) []kinds.Problem {
	routes, _ := meta.List(spec, "staticRoutes")
	for idx, e := range routes {
		r, _ := e.(map[string]any)
		if !meta.Known(r) {
			continue
		}
		at := func(f string) []any { return []any{"staticRoutes", idx, f} }
		p, _ := meta.Str(r, "prefix")
		if p == "" {
			return []kinds.Problem{meta.Problem(fmt.Sprintf("static route #%d: prefix is required", idx), at("prefix")...)}
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			return []kinds.Problem{meta.Problem(fmt.Sprintf("static route #%d: failed to parse prefix %s: %v", idx, p, err), at("prefix")...)}
		}
		if prefix.Addr() != prefix.Masked().Addr() {
			return []kinds.Problem{meta.Problem(fmt.Sprintf("static route #%d: prefix %s is invalid: inconsistent IP address and mask",
				idx, p), at("prefix")...)}
		}
		if hops, _ := meta.List(r, "nextHops"); len(hops) == 0 {
			return []kinds.Problem{meta.Problem(fmt.Sprintf("static route #%d: at least one next hop is required", idx), at("nextHops")...)}
		}
	}
	return nil
}

// validMAC tells a MAC address the API accepts.
func validMAC(s string) bool {
	_, err := net.ParseMAC(s)
	return err == nil
}

func cloneSpec(j any) any {
	switch x := j.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, v := range x {
			out[k] = cloneSpec(v)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			out[i] = cloneSpec(v)
		}
		return out
	}
	return j
}
