// The peering's plan-time rules (longer than most files: sides, expose
// blocks, NAT, port forwarding and the ACL, in upstream's order and words).

package gateway

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// defaultPeering is the webhook's Default: with exactly two sides, the
// group `default`, NAT idle timeouts of 2m0s, the ACL's default action and
// each rule's scope; always, as the API re-serializes it, durations in Go's
// form and an empty match on rules without one. Values not known yet (plan
// time) are left as they are.
func defaultPeering(spec map[string]any) {
	peering, _ := spec["peering"].(map[string]any)
	two := len(peering) == 2
	for _, side := range peering {
		exposes, _ := meta.List(asMap(side), "expose")
		for _, e := range exposes {
			nat, _ := meta.Map(asMap(e), "nat")
			for _, mode := range []string{"masquerade", "portForward"} {
				m, ok := nat[mode].(map[string]any)
				if !ok || m["idleTimeout"] == kinds.Unknown {
					continue
				}
				s, _ := m["idleTimeout"].(string)
				def := ""
				if two {
					def = DefaultIdleTimeout
				}
				if stored, ok := storedDuration(s, def); ok && stored != "" {
					m["idleTimeout"] = stored
				}
			}
		}
	}
	acl, _ := spec["acl"].(map[string]any)
	rules, _ := meta.List(acl, "rules")
	for _, r := range rules {
		if rule := asMap(r); rule != nil && rule["match"] == nil {
			rule["match"] = map[string]any{}
		}
	}
	if !two {
		return
	}
	if g, _ := spec["gatewayGroup"].(string); g == "" && spec["gatewayGroup"] != kinds.Unknown {
		spec["gatewayGroup"] = DefaultGroup
	}
	if acl == nil {
		return
	}
	if d, _ := acl["default"].(string); d == "" && acl["default"] != kinds.Unknown {
		acl["default"] = DefaultACLAction
	}
	for _, r := range rules {
		if rule := asMap(r); rule != nil {
			if s, _ := rule["scope"].(string); s == "" && rule["scope"] != kinds.Unknown {
				rule["scope"] = DefaultRuleScope
			}
		}
	}
}

// checkPeering holds the webhook's rules that need nothing but the peering,
// in its order and words, on the peering as the webhook stores it. The
// webhook stops at the first; these go on to the other sides, blocks and
// rules (one problem each).
func checkPeering(name string, spec map[string]any) []kinds.Problem {
	p, _ := clone(spec).(map[string]any)
	defaultPeering(p)
	var out []kinds.Problem
	if p["peering"] == kinds.Unknown {
		return nil
	}
	peering, _ := meta.Map(p, "peering")
	if g, _ := p["gatewayGroup"].(string); g == "" && p["gatewayGroup"] != kinds.Unknown {
		out = append(out, meta.Problem("gateway group must be specified "+name, "gatewayGroup"))
	}
	if len(peering) != 2 {
		out = append(out, meta.Problem(fmt.Sprintf("peering must have exactly 2 VPCs, got %d", len(peering)), "peering"))
	}
	sides := meta.SortedKeys(peering)
	nat := map[string]natUse{}
	sideProblems := 0
	for _, side := range sides {
		exposes, _ := meta.List(asMap(peering[side]), "expose")
		for i, e := range exposes {
			msg, inside, use := exposeProblem(side, asMap(e))
			if msg != "" {
				out = append(out, meta.Problem(msg, append([]any{"peering", side, "expose", i}, inside...)...))
				sideProblems++
			}
			nat[side] = nat[side].or(use)
		}
	}
	if len(sides) != 2 {
		return out
	}
	a, b := nat[sides[0]], nat[sides[1]]
	switch {
	case sideProblems > 0:
	case a.stateful && b.stateful:
		out = append(out, meta.Problem("unsupported configuration, only one side of a peering can use stateful NAT "+
			"(i.e. masquerade or portForward)", "peering"))
	case a.static && b.stateful || b.static && a.stateful:
		out = append(out, meta.Problem("unsupported configuration, one side of a peering using static NAT cannot peer "+
			"with a side using stateful NAT", "peering"))
	}
	if acl, ok := meta.Map(p, "acl"); ok {
		out = append(out, aclProblems(acl, sides)...)
	}
	return out
}

// natUse is the NAT a side's blocks use.
type natUse struct{ static, stateful bool }

func (n natUse) or(o natUse) natUse { return natUse{n.static || o.static, n.stateful || o.stateful} }

// exposeProblem is the first rule an expose block of side breaks, with the
// path inside the block, and the NAT the block uses.
func exposeProblem(side string, e map[string]any) (string, []any, natUse) {
	var use natUse
	if !meta.Known(e) {
		return "", nil, use
	}
	ips, _ := meta.List(e, "ips")
	as, _ := meta.List(e, "as")
	nat, hasNAT := meta.Map(e, "nat")
	if meta.Bool(e, "default") {
		if len(ips) > 0 || len(as) > 0 || hasNAT {
			return "default flag should be the only thing set in expose of VPC " + side, []any{"default"}, use
		}
		return "", nil, use
	}
	if len(ips) == 0 {
		return "at least one IP block must be specified in peering expose of VPC " + side, []any{"ips"}, use
	}
	for j, item := range ips {
		if msg, field := ipProblem(side, asMap(item), "IPs", true); msg != "" {
			return msg, itemPath("ips", j, field), use
		}
	}
	for j, item := range as {
		if msg, field := ipProblem(side, asMap(item), "AS", false); msg != "" {
			return msg, itemPath("as", j, field), use
		}
	}
	if (len(as) == 0) != !hasNAT {
		field := "nat"
		if len(as) > 0 {
			field = "as"
		}
		return "expose.As and expose.NAT must both be set or both be empty in peering expose of VPC " + side, []any{field}, use
	}
	if !hasNAT {
		return "", nil, use
	}
	_, static := meta.Map(nat, "static")
	_, masquerade := meta.Map(nat, "masquerade")
	pf, portForward := meta.Map(nat, "portForward")
	use = natUse{static: static, stateful: masquerade || portForward}
	if n := btoi(static) + btoi(masquerade) + btoi(portForward); n != 1 {
		return "exactly one of masquerade, static, or portForward must be set in NAT section for peering expose of VPC " +
			side, []any{"nat"}, use
	}
	if !portForward {
		return "", nil, use
	}
	ports, _ := meta.List(pf, "ports")
	where := " in NAT section for peering expose of VPC " + side
	if len(ports) == 0 {
		return "at least one port forwarding rule must be set" + where, []any{"nat", "portForward", "ports"}, use
	}
	for k, entry := range ports {
		path := []any{"nat", "portForward", "ports", k}
		port, _ := meta.Str(asMap(entry), "port")
		if err := validatePort(port); err != nil {
			return fmt.Sprintf("invalid port %q in port forwarding rule %d%s: %v", port, k, where, err), append(path, "port"), use
		}
		to, _ := meta.Str(asMap(entry), "as")
		if err := validatePort(to); err != nil {
			return fmt.Sprintf("invalid as %q in port forwarding rule %d%s: %v", to, k, where, err), append(path, "as"), use
		}
		proto, _ := meta.Str(asMap(entry), "proto")
		if !slices.Contains(NATProtocols, proto) {
			return fmt.Sprintf("invalid protocol %q in port forwarding rule %d%s", proto, k, where), append(path, "proto"), use
		}
	}
	return "", nil, use
}

// ipProblem checks one item of ips (what is "IPs", with vpcSubnet) or of as
// (what is "AS").
func ipProblem(side string, item map[string]any, what string, withSubnet bool) (string, string) {
	set := 0
	for _, f := range []string{"cidr", "not"} {
		s, _ := meta.Str(item, f)
		if s == "" {
			continue
		}
		if _, err := netip.ParsePrefix(s); err != nil {
			kind := "CIDR"
			if f == "not" {
				kind = "Not CIDR"
			}
			return fmt.Sprintf("invalid %s %s in peering expose %s of VPC %s: %v", kind, s, what, side, err), f
		}
		set++
	}
	if s, _ := meta.Str(item, "vpcSubnet"); withSubnet && s != "" {
		if ext, isExternal := strings.CutPrefix(side, ExtPrefix); isExternal {
			return fmt.Sprintf("external %s cannot have an IP block with VPC Subnets specified", ext), "vpcSubnet"
		}
		set++
	}
	if set != 1 {
		if withSubnet {
			return "exactly one of cidr, not or vpcSubnet must be set in peering expose IPs of VPC " + side, ""
		}
		return "exactly one of cidr or not must be set in peering expose AS of VPC " + side, ""
	}
	return "", ""
}

// itemPath is a path that ends at a field of a list item, or at the item when
// field is "".
func itemPath(list string, i int, field string) []any {
	if field == "" {
		return []any{list, i}
	}
	return []any{list, i, field}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ruleName is the webhook's rule for ACL rule names.
var ruleName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// aclProblems checks the ACL of a peering with the two sides.
func aclProblems(acl map[string]any, sides []string) []kinds.Problem {
	var out []kinds.Problem
	if d, ok := meta.Str(acl, "default"); ok && !slices.Contains(ACLDefaultActions, d) {
		out = append(out, meta.Problem(fmt.Sprintf("invalid default action %q in ACL", d), "acl", "default"))
	}
	rules, _ := meta.List(acl, "rules")
	for i, r := range rules {
		if msg, field := ruleProblem(i, asMap(r), sides); msg != "" {
			out = append(out, meta.Problem(msg, append([]any{"acl", "rules", i}, field...)...))
		}
	}
	return out
}

// ruleProblem is the first rule ACL rule i breaks, with the path inside it.
func ruleProblem(i int, rule map[string]any, sides []string) (string, []any) {
	blob := ""
	if name, _ := meta.Str(rule, "name"); name != "" {
		if !ruleName.MatchString(name) {
			return fmt.Sprintf("invalid rule name %q in ACL rule %d", name, i), []any{"name"}
		}
		if len(name) > maxRuleName {
			return fmt.Sprintf("rule name %q in ACL rule %d is too long, must be %d characters or less", name, i, maxRuleName),
				[]any{"name"}
		}
		blob = " (" + name + ")"
	}
	if action, ok := meta.Str(rule, "action"); ok && !slices.Contains(ACLActions, action) {
		return fmt.Sprintf("invalid action %q in ACL rule %d%s", action, i, blob), []any{"action"}
	}
	if rule["from"] == kinds.Unknown || rule["to"] == kinds.Unknown {
		return "", nil
	}
	from, _ := meta.Str(rule, "from")
	to, _ := meta.Str(rule, "to")
	if from == "" && to == "" {
		return fmt.Sprintf("at least one of from and to must be specified in ACL rule %d%s", i, blob), nil
	}
	for _, end := range []struct{ field, value string }{{"from", from}, {"to", to}} {
		if end.value != "" && !slices.Contains(sides, end.value) {
			return fmt.Sprintf("invalid %s %q in ACL rule %d%s, it has to match one of the two VPCs of the peering: %q",
				end.field, end.value, i, blob, sides), []any{end.field}
		}
	}
	match, _ := meta.Map(rule, "match")
	for _, m := range []struct{ field, what string }{{"src", "source"}, {"dst", "destination"}} {
		endpoints, _ := meta.List(match, m.field)
		for j, e := range endpoints {
			path := []any{"match", m.field, j}
			cidr, _ := meta.Str(asMap(e), "cidr")
			subnet, _ := meta.Str(asMap(e), "vpcSubnet")
			if cidr != "" && subnet != "" {
				return fmt.Sprintf("at most one of cidr and vpcSubnet can be specified in %s match for rule %d%s", m.what, i, blob), path
			}
			if cidr != "" {
				if _, err := netip.ParsePrefix(cidr); err != nil {
					return fmt.Sprintf("invalid %s CIDR %q in ACL rule %d%s: %v", m.what, cidr, i, blob, err), append(path, "cidr")
				}
			}
			ports, _ := meta.List(asMap(e), "ports")
			for _, port := range meta.Strings(ports) {
				if err := validatePort(port); err != nil {
					return fmt.Sprintf("invalid %s port %q in ACL rule %d%s: %v", m.what, port, i, blob, err), append(path, "ports")
				}
			}
		}
	}
	if proto, ok := meta.Str(match, "proto"); ok && proto != "tcp" && proto != "udp" && proto != "" {
		if _, err := strconv.Atoi(proto); err != nil {
			return fmt.Sprintf("invalid protocol %q in ACL rule %d%s: %v", proto, i, blob, err), []any{"match", "proto"}
		}
	}
	return "", nil
}

// validatePort checks a port "N" or a range "N-M" as the webhook does, in its
// words.
func validatePort(in string) error {
	if strings.TrimSpace(in) != in {
		return fmt.Errorf("invalid port %q: should not contain leading or trailing whitespace", in)
	}
	if strings.Contains(in, ",") {
		return fmt.Errorf("invalid port %q: should be a single port or range", in)
	}
	if in == "" {
		return errors.New("port entry should not be empty")
	}
	start, end, isRange := strings.Cut(in, "-")
	if !isRange {
		port, err := strconv.Atoi(in)
		if err != nil {
			return fmt.Errorf("invalid port %q: %w", in, err)
		}
		if port < 1 || port > 65535 {
			return fmt.Errorf("invalid port %d: port should be between 1 and 65535", port)
		}
		return nil
	}
	if strings.Contains(end, "-") {
		return fmt.Errorf("invalid port range %s: should be in format start-end", in)
	}
	start, end = strings.TrimSpace(start), strings.TrimSpace(end)
	if start == "" || end == "" {
		return fmt.Errorf("invalid port range %s: both start and end should not be empty", in)
	}
	first, err := rangeEnd("start", start)
	if err != nil {
		return err
	}
	last, err := rangeEnd("end", end)
	if err != nil {
		return err
	}
	if first > last {
		return fmt.Errorf("invalid port range %s: start port %d is greater than end port %d", in, first, last)
	}
	return nil
}

func rangeEnd(which, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("invalid %s port %s: %w", which, s, err)
	}
	if n < 1 || n > 65535 {
		return 0, fmt.Errorf("invalid %s port %d: port should be between 1 and 65535", which, n)
	}
	return n, nil
}
