// The Gateway's defaults and plan-time rules (longer than most files:
// addresses, MAC, interfaces with their PCI and kernel names, neighbours and
// groups, in upstream's order and words).

package gateway

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// defaultGateway is the webhook's Default: the log level and tags, the rate
// limit's burst and replenish rate when there is a rate limit, the empty
// profiling object, 4 workers, the groups sorted by name or else `default`.
// Values not known yet (plan time) are left as they are.
func defaultGateway(spec map[string]any) {
	if spec["logs"] != kinds.Unknown {
		logs, _ := spec["logs"].(map[string]any)
		if logs == nil {
			logs = map[string]any{}
			spec["logs"] = logs
		}
		if s, _ := logs["default"].(string); s == "" && logs["default"] != kinds.Unknown {
			logs["default"] = DefaultLogLevel
		}
		if tags, _ := logs["tags"].(map[string]any); len(tags) == 0 && logs["tags"] != kinds.Unknown {
			logs["tags"] = map[string]any{"all": DefaultLogLevel}
		}
		if rate, ok := logs["rateLimit"].(map[string]any); ok {
			defaultZero(rate, "burst", DefaultRateBurst)
			defaultZero(rate, "replenishPerSecond", DefaultRateReplenish)
		}
	}
	if spec["profiling"] == nil {
		spec["profiling"] = map[string]any{}
	}
	defaultZero(spec, "workers", DefaultWorkers)
	switch groups := spec["groups"].(type) {
	case nil:
		spec["groups"] = []any{map[string]any{"name": DefaultGroup}}
	case []any:
		if len(groups) == 0 {
			spec["groups"] = []any{map[string]any{"name": DefaultGroup}}
		} else if meta.Known(groups) {
			slices.SortStableFunc(groups, func(a, b any) int {
				na, _ := meta.Str(asMap(a), "name")
				nb, _ := meta.Str(asMap(b), "name")
				return strings.Compare(na, nb)
			})
		}
	}
}

// defaultZero sets field to value when it is absent or 0 (not unknown).
func defaultZero(m map[string]any, field string, value int64) {
	if m[field] == kinds.Unknown {
		return
	}
	if n, ok := meta.Int(m, field); !ok || n == 0 {
		m[field] = value
	}
}

// linuxName is the webhook's rule for interface names.
var linuxName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_.-]{0,8}[a-zA-Z0-9]$`)

// invalid ends a message as the gateway webhook does; joined is its form for
// a wrapped parse error (the two errors joined by a newline).
func invalid(format string, args ...any) string {
	return fmt.Sprintf(format, args...) + ": invalid gateway"
}

func joined(prefix string, err error) string {
	return prefix + ": " + err.Error() + "\ninvalid gateway"
}

// checkGateway holds the webhook's rules that need nothing but the gateway,
// in its order and words, on the gateway as the webhook stores it. The
// webhook stops at the first; these go on to the other attributes (one
// problem per attribute, interface and neighbour).
func checkGateway(name string, spec map[string]any) []kinds.Problem {
	gw, _ := clone(spec).(map[string]any)
	defaultGateway(gw)
	var out []kinds.Problem
	add := func(msg string, path ...any) {
		if msg != "" {
			out = append(out, meta.Problem(msg, path...))
		}
	}
	if n, ok := meta.Int(gw, "workers"); ok && (n < 1 || n > maxWorkers) {
		add(invalid("workers should be between 1 and %d", maxWorkers), "workers")
	}
	if s, ok := meta.Str(gw, "protocolIP"); ok {
		add(hostPrefixProblem("ProtocolIP", s, false), "protocolIP")
	}
	if s, ok := meta.Str(gw, "vtepIP"); ok {
		add(hostPrefixProblem("VTEPIP", s, true), "vtepIP")
	}
	if s, ok := meta.Str(gw, "vtepMAC"); ok {
		add(macProblem(s), "vtepMAC")
	}
	if n, ok := meta.Int(gw, "asn"); ok && n == 0 {
		add(invalid("ASN must be set"), "asn")
	}
	if interfaces, ok := meta.Map(gw, "interfaces"); ok {
		if len(interfaces) == 0 {
			add(invalid("at least one interface must be defined"), "interfaces")
		}
		for _, ifName := range meta.SortedKeys(interfaces) {
			msg, field := interfaceProblem(ifName, asMap(interfaces[ifName]))
			path := []any{"interfaces", ifName}
			if field != "" {
				path = append(path, field)
			}
			add(msg, path...)
		}
	}
	if neighbors, ok := meta.List(gw, "neighbors"); ok {
		if len(neighbors) == 0 {
			add(invalid("at least one BGP neighbor must be defined"), "neighbors")
		}
		for i, n := range neighbors {
			msg, field := neighborProblem(asMap(n))
			add(msg, "neighbors", i, field)
		}
	}
	if groups, ok := meta.List(gw, "groups"); ok {
		seen := map[string]bool{}
		for _, g := range groups {
			group, ok := meta.Str(asMap(g), "name")
			if !ok {
				continue
			}
			if seen[group] {
				add(invalid("gateway %s group %s is duplicate", name, group), "groups")
				break
			}
			seen[group] = true
		}
	}
	return out
}

// hostPrefixProblem checks a /32 IPv4 prefix; vtep adds the VTEP's unicast
// rule.
func hostPrefixProblem(what, s string, vtep bool) string {
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		return joined(fmt.Sprintf("invalid %s %s", what, s), err)
	case p.Bits() != 32:
		return invalid("%s %s must be a /32 prefix", what, s)
	case !p.Addr().Is4():
		return invalid("%s %s must be an IPv4 address", what, s)
	case vtep && (p.Addr().IsMulticast() || p.Addr().IsLoopback() || p.Addr().IsUnspecified()):
		return invalid("%s %s must be a unicast IPv4 address", what, s)
	}
	return ""
}

func macProblem(s string) string {
	if s == "" {
		return invalid("VTEPMAC must be set")
	}
	hw, err := net.ParseMAC(s)
	switch {
	case err != nil:
		return joined("invalid VTEPMAC "+s, err)
	case hw.String() == "00:00:00:00:00:00":
		return invalid("VTEPMAC must not be all zeros")
	case hw[0]&1 == 1:
		return invalid("VTEPMAC %s must be a unicast MAC address", s)
	}
	return ""
}

// interfaceProblem is the first rule an interface breaks, and the field it
// is about ("" for the interface's name).
func interfaceProblem(name string, iface map[string]any) (string, string) {
	if len(name) > maxInterfaceNameLength {
		return invalid("interface name %s is too long", name), ""
	}
	if !linuxName.MatchString(name) {
		return invalid("interface name %s must be a valid linux interface name (2-10 characters)", name), ""
	}
	if iface["ips"] == kinds.Unknown {
		return "", ""
	}
	ips, _ := meta.List(iface, "ips")
	if len(ips) == 0 {
		return invalid("interface %s must have at least one IP address", name), "ips"
	}
	for _, ip := range meta.Strings(ips) {
		p, err := netip.ParsePrefix(ip)
		if err != nil {
			// Upstream prints the zero prefix it failed to parse.
			return joined(fmt.Sprintf("invalid interface %s IP %s", name, netip.Prefix{}), err), "ips"
		}
		if !p.Addr().Is4() {
			return invalid("interface %s IP %s must be an IPv4 address", name, p), "ips"
		}
	}
	pci, _ := meta.Str(iface, "pci")
	kernel, _ := meta.Str(iface, "kernel")
	if pci != "" && kernel != "" {
		return invalid("interface %s cannot have both PCI address and kernel names", name), "pci"
	}
	if pci != "" {
		if msg := pciProblem(name, pci); msg != "" {
			return msg, "pci"
		}
	}
	if kernel != "" {
		if !linuxName.MatchString(kernel) {
			return invalid("kernel name %s must be a valid linux interface name (2-10 characters)", kernel), "kernel"
		}
		if kernel == name {
			return invalid("interface name %s cannot be the same as kernel interface name", name), "kernel"
		}
	}
	return "", ""
}

// pciProblem checks a PCI address DDDD:BB:DD.F as the webhook does.
func pciProblem(name, pci string) string {
	bad := invalid("interface %s PCI %s must be a valid PCI address (e.g. 0000:02:00.0)", name, pci)
	if len(pci) != 12 {
		return bad
	}
	head, function, ok := strings.Cut(pci, ".")
	if !ok || strings.Contains(function, ".") {
		return bad
	}
	if msg := pciField(name, pci, "function", function, "0-7", 7); msg != "" {
		return msg
	}
	parts := strings.Split(head, ":")
	if len(parts) != 3 {
		return bad
	}
	for i, f := range []struct {
		what, bounds string
		most         int64
	}{{"domain", "0-FFFF", 0xFFFF}, {"bus", "0-FF", 0xFF}, {"device", "0-1F", 0x1F}} {
		if msg := pciField(name, pci, f.what, parts[i], f.bounds, f.most); msg != "" {
			return msg
		}
	}
	return ""
}

func pciField(name, pci, what, s, bounds string, most int64) string {
	v, err := strconv.ParseInt(s, 16, 64)
	if err != nil {
		return joined(fmt.Sprintf("invalid interface %s PCI address %s %s", name, pci, what), err)
	}
	if v < 0 || v > most {
		return invalid("invalid interface %s PCI address %s %s (%s)", name, pci, what, bounds)
	}
	return ""
}

// neighborProblem is the first rule a BGP neighbour breaks, and its field.
func neighborProblem(n map[string]any) (string, string) {
	ip, ok := meta.Str(n, "ip")
	if !ok {
		return "", "" // not known yet
	}
	if ip == "" {
		return invalid("BGP neighbor must have an IP address"), "ip"
	}
	addr, err := netip.ParseAddr(ip)
	switch {
	case err != nil:
		return joined("invalid neighbor IP "+ip, err), "ip"
	case !addr.Is4():
		return invalid("BGP neighbor IP %s must be an IPv4 address", ip), "ip"
	case addr.IsMulticast() || addr.IsUnspecified():
		return invalid("BGP neighbor IP %s must be a unicast IPv4 address", ip), "ip"
	}
	if asn, ok := meta.Int(n, "asn"); ok && asn == 0 {
		return invalid("BGP neighbor %s must have an ASN", ip), "asn"
	}
	return "", ""
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// clone copies a spec so that the rules can default it without changing the
// caller's.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = clone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = clone(e)
		}
		return out
	}
	return v
}
