package vpc

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// dhcpProblems are the webhook's rules for a subnet whose DHCP server is on:
// the range inside the subnet and in order, options with valid addresses and
// bounds, static leases inside the subnet and not on its special addresses.
func dhcpProblems(sn string, dhcp map[string]any, prefix netip.Prefix, gateway netip.Addr) []kinds.Problem {
	at := func(field ...any) []any { return slices.Concat([]any{"subnets", sn, "dhcp"}, field) }
	fail := func(msg string, path []any) []kinds.Problem {
		return []kinds.Problem{meta.Problem(fmt.Sprintf("subnet %s: %s", sn, msg), path...)}
	}
	r, ok := meta.Map(dhcp, "range")
	if !ok {
		return fail("dhcp range is required", at("range"))
	}
	var bounds [2]netip.Addr
	var texts [2]string
	for i, end := range []string{"start", "end"} {
		s, _ := meta.Str(r, end)
		if s == "" {
			return fail(fmt.Sprintf("dhcp range %s is required", end), at("range", end))
		}
		a, err := netip.ParseAddr(s)
		switch {
		case err != nil:
			return fail(fmt.Sprintf("invalid dhcp range %s %s", end, s), at("range", end))
		case a == prefix.Masked().Addr():
			return fail(fmt.Sprintf("dhcp range %s %s is equal to subnet", end, s), at("range", end))
		case a == gateway:
			return fail(fmt.Sprintf("dhcp range %s %s is equal to gateway", end, s), at("range", end))
		case !prefix.Contains(a):
			return fail(fmt.Sprintf("dhcp range %s %s is not in the subnet", end, s), at("range", end))
		}
		bounds[i], texts[i] = a, s
	}
	if !bounds[0].Less(bounds[1]) {
		return fail(fmt.Sprintf("dhcp range start %s does not come before dhcp range end %s", texts[0], texts[1]), at("range", "start"))
	}
	if o, ok := meta.Map(dhcp, "options"); ok {
		if problems := optionProblems(sn, o, prefix); len(problems) > 0 {
			return problems
		}
	}
	static, _ := meta.Map(dhcp, "static")
	gw := gateway.String()
	seen := map[string]bool{}
	for _, mac := range meta.SortedKeys(static) {
		lease, _ := static[mac].(map[string]any)
		ip, _ := meta.Str(lease, "ip")
		where := at("static", mac)
		var msg string
		a, err := netip.ParseAddr(ip)
		switch {
		case ip == "":
			msg = fmt.Sprintf("empty static IP assigned to MAC %s", mac)
		case mac == "":
			msg = fmt.Sprintf("static IP %s assigned to empty MAC address", ip)
		case !validMAC(mac):
			msg = fmt.Sprintf("invalid MAC %s for static IP %s", mac, ip)
		case err != nil:
			msg = fmt.Sprintf("invalid static IP %s", ip)
		case !prefix.Contains(a):
			msg = fmt.Sprintf("static IP %s is not in the subnet", ip)
		case a == prefix.Masked().Addr():
			msg = fmt.Sprintf("static IP %s is the same as the subnet IP", ip)
		case ip == gw:
			msg = fmt.Sprintf("static IP %s is the same as the gateway IP", ip)
		case ip == meta.LastIP(prefix).String():
			msg = fmt.Sprintf("static IP %s is the same as the broadcast IP", ip)
		case seen[ip]:
			msg = fmt.Sprintf("static IP %s is already assigned to another MAC address", ip)
		}
		if msg != "" {
			return fail(msg, slices.Concat(where, []any{"ip"}))
		}
		seen[ip] = true
	}
	return nil
}

func optionProblems(sn string, o map[string]any, prefix netip.Prefix) []kinds.Problem {
	at := func(field ...any) []any { return slices.Concat([]any{"subnets", sn, "dhcp", "options"}, field) }
	fail := func(msg string, path []any) []kinds.Problem {
		return []kinds.Problem{meta.Problem(fmt.Sprintf("subnet %s: %s", sn, msg), path...)}
	}
	dns, _ := meta.List(o, "dnsServers")
	for _, s := range meta.Strings(dns) {
		if _, err := netip.ParseAddr(s); err != nil {
			return fail(fmt.Sprintf("dns address %s is not a valid IP", s), at("dnsServers"))
		}
	}
	ntp, _ := meta.List(o, "timeServers")
	for _, s := range meta.Strings(ntp) {
		if _, err := netip.ParseAddr(s); err != nil {
			return fail(fmt.Sprintf("time server %s address is not a valid IP", s), at("timeServers"))
		}
	}
	mtu, _ := meta.Int(o, "interfaceMTU")
	switch {
	case mtu < MinInterfaceMTU:
		return fail(fmt.Sprintf("MTU cannot be set smaller than %d", MinInterfaceMTU), at("interfaceMTU"))
	case mtu > DefaultInterfaceMTU:
		return fail(fmt.Sprintf("MTU cannot be set greater than %d", DefaultInterfaceMTU), at("interfaceMTU"))
	}
	if lease, _ := meta.Int(o, "leaseTimeSeconds"); lease < 1 {
		return fail("LeaseTimeSeconds cannot be set smaller than 1", at("leaseTimeSeconds"))
	}
	routes, _ := meta.List(o, "advertisedRoutes")
	for i, e := range routes {
		route, _ := e.(map[string]any)
		dest, _ := meta.Str(route, "destination")
		gw, _ := meta.Str(route, "gateway")
		var msg, field string
		switch {
		case dest == "":
			msg, field = "advertised route destination is required", "destination"
		case gw == "":
			msg, field = "advertised route gateway is required", "gateway"
		default:
			if _, err := netip.ParsePrefix(dest); err != nil {
				msg, field = fmt.Sprintf("failed to parse advertised route destination %s: %v", dest, err), "destination"
			} else if a, err := netip.ParseAddr(gw); err != nil {
				msg, field = fmt.Sprintf("invalid advertised route gateway %s", gw), "gateway"
			} else if !prefix.Contains(a) {
				msg, field = fmt.Sprintf("advertised route gateway %s is not in the subnet", gw), "gateway"
			}
		}
		if msg != "" {
			return fail(msg, at("advertisedRoutes", i, field))
		}
	}
	return nil
}
