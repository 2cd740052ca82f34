package wiring

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Port locators: the API's default and longest expiry, the key for every
// port, and the format of exact times.
const (
	PortLocatorDefaultExpire = 5 * time.Minute
	PortLocatorMaxExpire     = 20 * time.Minute
	PortLocatorAllPorts      = "*"
	portLocatorTimeFormat    = time.DateTime
)

func checkSwitch(name string, spec map[string]any) []kinds.Problem {
	var out []kinds.Problem
	role, roleKnown := meta.Str(spec, "role")
	vtep, vtepSet := meta.Str(spec, "vtepIP")
	if roleKnown && role == "spine" && vtepSet && vtep != "" {
		out = append(out, meta.Problem("VTEP IP is not allowed for spine switches", "vtepIP"))
	}
	redundancy, _ := spec["redundancy"].(map[string]any)
	group, _ := redundancy["group"].(string)
	typ, _ := redundancy["type"].(string)
	if spec["redundancy"] != kinds.Unknown && redundancy["group"] != kinds.Unknown && redundancy["type"] != kinds.Unknown {
		switch {
		case group != "" && typ == "":
			out = append(out, meta.Problem("redundancy group specified without type", "redundancy", "group"))
		case group == "" && typ != "":
			out = append(out, meta.Problem("redundancy type specified without group", "redundancy", "type"))
		}
	}
	if typ == "mclag" {
		p := meta.Problem(deprecationReason, "redundancy", "type")
		p.Warning = true
		out = append(out, p)
	}
	// The rules of hhfab's hydration that need nothing but the switch.
	const hydration = "failed hydration validation: "
	if ip, ok := meta.Str(spec, "ip"); ok && ip != "" {
		if _, err := netip.ParsePrefix(ip); err != nil {
			out = append(out, meta.Problem(fmt.Sprintf("%sparsing switch %s IP %s: %v", hydration, name, ip, err), "ip"))
		}
	}
	if ip, ok := meta.Str(spec, "protocolIP"); ok && ip != "" {
		out = append(out, slash32(hydration, name, "protocol IP", ip, "protocolIP")...)
	}
	if roleKnown && IsLeaf(role) && vtepSet && vtep != "" {
		out = append(out, slash32(hydration, name, "VTEP IP", vtep, "vtepIP")...)
	}
	locators, _ := meta.Map(spec, "portLocators")
	for _, port := range meta.SortedKeys(locators) {
		expire, ok := locators[port].(string)
		if !ok {
			continue
		}
		if _, _, err := NormalizePortLocator(expire, time.Now()); err != nil {
			out = append(out, meta.Problem(fmt.Sprintf("invalid port locator expire %q for port %s: %v", expire, port, err),
				"portLocators", port))
		}
	}
	return out
}

func slash32(prefix, name, what, ip string, field string) []kinds.Problem {
	p, err := netip.ParsePrefix(ip)
	if err != nil {
		return []kinds.Problem{meta.Problem(fmt.Sprintf("%sparsing switch %s %s %s: %v", prefix, name, what, ip, err), field)}
	}
	if p.Bits() != 32 {
		return []kinds.Problem{meta.Problem(fmt.Sprintf("%sswitch %s %s %s must be a /32", prefix, name, what, p), field)}
	}
	return nil
}

// NormalizePortLocator reads a port locator value as the API does: empty
// (the default expiry), a duration from now, or an exact UTC time. ok is
// false when it has expired; expire is the exact time, at most
// PortLocatorMaxExpire from now.
func NormalizePortLocator(in string, now time.Time) (ok bool, expire string, err error) {
	now = now.UTC()
	var at time.Time
	if in == "" {
		at = now.Add(PortLocatorDefaultExpire)
	} else if d, derr := time.ParseDuration(in); derr == nil {
		at = now.Add(d)
	} else if exact, perr := time.ParseInLocation(portLocatorTimeFormat, in, time.UTC); perr == nil {
		at = exact.UTC()
	} else {
		return false, "", fmt.Errorf("expected an empty value, a duration such as 10m or an exact UTC time in the %q format: %w",
			portLocatorTimeFormat, perr)
	}
	if at.Before(now.Add(time.Second)) {
		return false, "", nil
	}
	if latest := now.Add(PortLocatorMaxExpire); at.After(latest) {
		at = latest
	}
	return true, at.Format(portLocatorTimeFormat), nil
}

// defaultSwitch is the webhook's Default: SPEED_ prefixes dropped, port
// locators made exact, the default VLAN namespace, the redundancy group among
// the groups, link-flap defaults, sorted lists, and the empty objects that
// re-marshalling adds.
func defaultSwitch(spec map[string]any) {
	for _, field := range []string{"portGroupSpeeds", "portSpeeds"} {
		speeds, _ := spec[field].(map[string]any)
		for k, v := range speeds {
			if s, ok := v.(string); ok {
				speeds[k] = strings.TrimPrefix(s, "SPEED_")
			}
		}
	}
	if locators, ok := spec["portLocators"].(map[string]any); ok {
		if _, all := locators[PortLocatorAllPorts]; all {
			for k := range locators {
				if k != PortLocatorAllPorts {
					delete(locators, k)
				}
			}
		}
		for k, v := range locators {
			s, isString := v.(string)
			if !isString {
				continue
			}
			live, expire, err := NormalizePortLocator(s, time.Now())
			switch {
			case err != nil: // left for the validation to refuse
			case !live:
				delete(locators, k)
			default:
				locators[k] = expire
			}
		}
	}
	if l, _ := spec["vlanNamespaces"].([]any); len(l) == 0 && spec["vlanNamespaces"] != kinds.Unknown {
		spec["vlanNamespaces"] = []any{"default"}
	}
	redundancy, _ := spec["redundancy"].(map[string]any)
	if group, ok := redundancy["group"].(string); ok && group != "" {
		groups, isList := spec["groups"].([]any)
		if spec["groups"] == nil || isList {
			if !slices.Contains(groups, any(group)) {
				spec["groups"] = append(groups, group)
			}
		}
	}
	if flap, ok := spec["linkFlapErrDisable"].(map[string]any); ok {
		for field, def := range map[string]int64{"flapThreshold": DefaultLinkFlapThreshold,
			"samplingInterval": DefaultLinkFlapSamplingInterval, "recoveryInterval": DefaultLinkFlapRecoveryInterval} {
			if flap[field] == nil {
				flap[field] = def
			}
		}
	}
	for _, field := range []string{"groups", "vlanNamespaces"} {
		if l, ok := spec[field].([]any); ok && meta.Known(l) {
			s := meta.Strings(l)
			if len(s) == len(l) {
				slices.Sort(s)
				for i := range s {
					l[i] = s[i]
				}
			}
		}
	}
	for _, field := range []string{"redundancy", "boot", "ecmp"} {
		if spec[field] == nil {
			spec[field] = map[string]any{}
		}
	}
}
