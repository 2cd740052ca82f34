package fabricsim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
)

// A switch profile's ports as a switch uses them: which port names its
// connections, port locators, auto-negotiation and FEC settings may name,
// given the switch's breakout modes (upstream's SwitchProfileSpec helpers).

// portMode is the breakout mode a port is in on a switch: its own setting
// or the profile's default; ok is false for ports without breakouts.
func portMode(profile, sw map[string]any, name string) (mode string, offsets []any, ok bool, err error) {
	pp := text(obj(profile, "ports", name), "profile")
	breakout, isBreakout := meta.Map(profile, "portProfiles", pp, "breakout")
	if pp == "" || !isBreakout {
		return "", nil, false, nil
	}
	mode = text(breakout, "default")
	if m := text(sw, "portBreakouts", name); m != "" {
		mode = m
	}
	supported, found := meta.Map(breakout, "supported", mode)
	if !found {
		return mode, nil, true, fmt.Errorf("port %q has a breakout %q not supported by profile %q", name, mode, pp)
	}
	offsets, _ = meta.List(supported, "offsets")
	return mode, offsets, true, nil
}

// connectablePorts are the port names a switch's connections may use: every
// port of the profile, management included, and for a port with breakouts
// each port of its mode (the port's own name being its first one).
func connectablePorts(profile, sw map[string]any) (map[string]bool, error) {
	ports, _ := meta.Map(profile, "ports")
	out := map[string]bool{}
	for _, name := range meta.SortedKeys(ports) {
		_, offsets, isBreakout, err := portMode(profile, sw, name)
		if err != nil {
			return nil, err
		}
		if !isBreakout {
			out[name] = true
			continue
		}
		base := text(asObject(ports[name]), "baseNOSName")
		if _, err := strconv.Atoi(strings.TrimPrefix(base, "Ethernet")); err != nil || !strings.HasPrefix(base, "Ethernet") {
			return nil, fmt.Errorf("port %q base NOS name %q is invalid", name, base)
		}
		for i := range offsets {
			if i == 0 {
				out[name] = true
			}
			out[fmt.Sprintf("%s/%d", name, i+1)] = true
		}
	}
	return out, nil
}

// dataPorts are the data ports of a switch (breakout ports as their
// sub-ports in the switch's mode): what port locators may name.
func dataPorts(profile, sw map[string]any) (map[string]bool, error) {
	ports, _ := meta.Map(profile, "ports")
	out := map[string]bool{}
	for _, name := range meta.SortedKeys(ports) {
		port := asObject(ports[name])
		if meta.Bool(port, "management") {
			continue
		}
		_, offsets, isBreakout, err := portMode(profile, sw, name)
		switch {
		case err != nil:
			return nil, err
		case isBreakout:
			for i := range offsets {
				out[fmt.Sprintf("%s/%d", name, i+1)] = true
			}
		case text(port, "profile") != "" || text(port, "group") != "":
			out[name] = true
		default:
			return nil, fmt.Errorf("port %q must have a profile or group", text(port, "nos"))
		}
	}
	return out, nil
}

// autoNegPorts are the ports whose auto-negotiation a switch may set: ports
// of a speed profile that allows it, and the sub-ports of breakout ports
// whose profile allows it. Group members never may.
func autoNegPorts(profile, sw map[string]any) (map[string]bool, error) {
	ports, _ := meta.Map(profile, "ports")
	out := map[string]bool{}
	for _, name := range meta.SortedKeys(ports) {
		pp, ok := meta.Map(profile, "portProfiles", text(asObject(ports[name]), "profile"))
		if !ok {
			continue
		}
		_, offsets, isBreakout, err := portMode(profile, sw, name)
		switch {
		case err != nil:
			return nil, err
		case isBreakout:
			for i := range offsets {
				out[fmt.Sprintf("%s/%d", name, i+1)] = meta.Bool(pp, "autoNegAllowed")
			}
		default:
			out[name] = meta.Bool(pp, "autoNegAllowed")
		}
	}
	return out, nil
}

// fecPorts are the ports whose FEC a switch may set: ports with a profile of
// their own; for a breakout port its sub-ports, and its own name too while
// it is not broken out (one port in its mode).
func fecPorts(profile, sw map[string]any) (map[string]bool, error) {
	ports, _ := meta.Map(profile, "ports")
	out := map[string]bool{}
	for _, name := range meta.SortedKeys(ports) {
		if text(asObject(ports[name]), "profile") == "" {
			continue
		}
		_, offsets, isBreakout, err := portMode(profile, sw, name)
		switch {
		case err != nil:
			return nil, err
		case !isBreakout:
			out[name] = true
		default:
			for i := range offsets {
				out[fmt.Sprintf("%s/%d", name, i+1)] = true
			}
			out[name] = len(offsets) == 1
		}
	}
	return out, nil
}

// portsSummary is upstream's fabric.githedgehog.com/ports annotation: the
// data ports counted by port profile (a group's for its members, without
// the -nb suffix of non-breakout exceptions), most first (ties by name).
func portsSummary(profile map[string]any) (string, error) {
	ports, _ := meta.Map(profile, "ports")
	count := map[string]int{}
	for _, name := range meta.SortedKeys(ports) {
		port := asObject(ports[name])
		if meta.Bool(port, "management") {
			continue
		}
		pp := text(port, "profile")
		if g := text(port, "group"); g != "" {
			group, ok := meta.Map(profile, "portGroups", g)
			if !ok {
				return "", fmt.Errorf("port %q references non-existent group %q", text(port, "nos"), g)
			}
			pp = text(group, "profile")
		}
		if pp == "" {
			return "", fmt.Errorf("port %q must have a profile or group", text(port, "nos"))
		}
		count[strings.TrimSuffix(pp, "-nb")]++
	}
	kinds := make([]string, 0, len(count))
	for k := range count {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b string) int {
		if count[a] != count[b] {
			return count[b] - count[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%dx%s", count[k], k)
	}
	return strings.Join(parts, ", "), nil
}
