package vpc

import (
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// defaultVPC is the webhook's Default: the default namespaces; per subnet
// the empty DHCP object that re-marshalling adds, the gateway, and with DHCP
// on the range, the options' defaults and sorted lists, and MAC keys in
// their canonical form; with DHCP off the range and options are dropped.
// Values not known yet (plan time) are left as they are.
func defaultVPC(spec map[string]any) {
	for _, field := range []string{"ipv4Namespace", "vlanNamespace"} {
		if s, _ := spec[field].(string); s == "" && spec[field] != kinds.Unknown {
			spec[field] = DefaultNamespace
		}
	}
	subnets, _ := spec["subnets"].(map[string]any)
	for _, v := range subnets {
		if subnet, ok := v.(map[string]any); ok {
			defaultSubnet(subnet)
		}
	}
}

func defaultSubnet(subnet map[string]any) {
	if subnet["dhcp"] == nil {
		subnet["dhcp"] = map[string]any{}
	}
	prefix, ok := subnetPrefix(subnet)
	if !ok {
		return
	}
	hostBGP := subnet["hostBGP"]
	if gw, _ := subnet["gateway"].(string); gw == "" && subnet["gateway"] != kinds.Unknown && hostBGP != kinds.Unknown &&
		hostBGP != true {
		subnet["gateway"] = meta.NthIP(prefix, 1).String()
	}
	if prefix.Bits() > maxSubnetPrefixLen {
		return
	}
	dhcp, _ := subnet["dhcp"].(map[string]any)
	if dhcp == nil || dhcp["enable"] == kinds.Unknown {
		return
	}
	if dhcp["enable"] != true {
		delete(dhcp, "range")
		delete(dhcp, "options")
		return
	}
	defaultRange(dhcp, prefix)
	defaultOptions(dhcp)
	if static, ok := dhcp["static"].(map[string]any); ok {
		for mac, lease := range static {
			hw, err := net.ParseMAC(mac)
			if err == nil && hw.String() != mac {
				delete(static, mac)
				static[hw.String()] = lease
			}
		}
	}
}

// subnetPrefix parses a subnet's prefix as the webhook does (IPv4 only;
// host bits allowed).
func subnetPrefix(subnet map[string]any) (netip.Prefix, bool) {
	s, ok := subnet["subnet"].(string)
	if !ok {
		return netip.Prefix{}, false
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, false
	}
	return p, true
}

func defaultRange(dhcp map[string]any, prefix netip.Prefix) {
	if dhcp["range"] == kinds.Unknown {
		return
	}
	r, _ := dhcp["range"].(map[string]any)
	if r == nil {
		r = map[string]any{}
		dhcp["range"] = r
	}
	if s, _ := r["start"].(string); s == "" && r["start"] != kinds.Unknown {
		r["start"] = meta.NthIP(prefix, 2).String()
	}
	if s, _ := r["end"].(string); s == "" && r["end"] != kinds.Unknown {
		r["end"] = meta.LastIP(prefix).String()
	}
}

func defaultOptions(dhcp map[string]any) {
	o, ok := dhcp["options"].(map[string]any)
	if !ok {
		return
	}
	if optionsEmpty(o) {
		delete(dhcp, "options")
		return
	}
	if zeroNumber(o["interfaceMTU"]) {
		o["interfaceMTU"] = int64(DefaultInterfaceMTU)
	}
	if zeroNumber(o["leaseTimeSeconds"]) {
		o["leaseTimeSeconds"] = int64(DefaultLeaseTime)
	}
	for _, field := range []string{"dnsServers", "timeServers"} {
		switch l := o[field].(type) {
		case nil:
			o[field] = []any{}
		case []any:
			sortKnownStrings(l)
		}
	}
	if routes, ok := o["advertisedRoutes"].([]any); ok && meta.Known(routes) {
		slices.SortStableFunc(routes, func(a, b any) int {
			ra, _ := a.(map[string]any)
			rb, _ := b.(map[string]any)
			da, _ := ra["destination"].(string)
			db, _ := rb["destination"].(string)
			if c := strings.Compare(da, db); c != 0 {
				return c
			}
			ga, _ := ra["gateway"].(string)
			gb, _ := rb["gateway"].(string)
			return strings.Compare(ga, gb)
		})
	}
}

// optionsEmpty is the webhook's test for options that say nothing: an empty
// list written out ([]) says something.
func optionsEmpty(o map[string]any) bool {
	for _, field := range []string{"dnsServers", "timeServers", "advertisedRoutes"} {
		if o[field] != nil {
			return false
		}
	}
	pxe, _ := o["pxeURL"].(string)
	return pxe == "" && o["pxeURL"] != kinds.Unknown && zeroNumber(o["interfaceMTU"]) && zeroNumber(o["leaseTimeSeconds"]) &&
		o["disableDefaultRoute"] != true && o["disableDefaultRoute"] != kinds.Unknown
}

// zeroNumber tells absent and 0 (not unknown).
func zeroNumber(v any) bool {
	if v == nil {
		return true
	}
	n, ok := meta.Int(map[string]any{"v": v}, "v")
	return ok && n == 0
}

// sortKnownStrings sorts a list of known strings in place (lists with unknown
// elements are left as they are).
func sortKnownStrings(l []any) {
	s := meta.Strings(l)
	if len(s) != len(l) {
		return
	}
	slices.Sort(s)
	for i := range s {
		l[i] = s[i]
	}
}
