package fabricsim

import (
	"fmt"
	"strconv"
)

// The built-in switch profiles the stand-in's controller keeps: the virtual
// switch of Hedgehog's virtual lab and five hardware models, with their real
// names, ports, port groups, port profiles and features (facts of
// githedgehog/fabric's switch profile catalog), built here from their
// layout rather than listed port by port.

// breakoutModes maps a breakout mode to the NOS port offsets of its ports.
type breakoutModes map[string][]int

var (
	qsfp28Modes = breakoutModes{"1x100G": {0}, "1x40G": {0}, "2x50G": {0, 2}, "1x50G": {0}, "4x25G": {0, 1, 2, 3},
		"4x10G": {0, 1, 2, 3}, "1x25G": {0}, "1x10G": {0}}
	qsfpDD400Modes = breakoutModes{"1x400G": {0}, "1x200G": {0}, "1x100G": {0}, "1x40G": {0}, "1x50G": {0}, "1x25G": {0},
		"1x10G": {0}, "2x200G": {0, 4}, "2x100G": {0, 4}, "2x40G": {0, 4}, "4x100G": {0, 2, 4, 6}, "4x25G": {0, 1, 2, 3},
		"4x10G": {0, 1, 2, 3}, "8x50G": {0, 1, 2, 3, 4, 5, 6, 7}, "8x25G": {0, 1, 2, 3, 4, 5, 6, 7}, "8x10G": {0, 1, 2, 3, 4, 5, 6, 7}}
)

func (m breakoutModes) only(names ...string) breakoutModes {
	out := breakoutModes{}
	for _, n := range names {
		out[n] = m[n]
	}
	return out
}

// profileBuilder assembles a profile's spec.
type profileBuilder struct {
	spec                     map[string]any
	ports, groups, portProfs map[string]any
}

func newProfile(displayName, silicon, nos, platform string, features ...string) *profileBuilder {
	f := map[string]any{}
	for _, name := range features {
		f[name] = true
	}
	b := &profileBuilder{ports: map[string]any{"M1": map[string]any{"nos": "Management0", "management": true, "oniePortName": "eth0"}},
		groups: map[string]any{}, portProfs: map[string]any{}}
	b.spec = map[string]any{"displayName": displayName, "switchSilicon": silicon, "features": f, "nosType": nos,
		"platform": platform, "ports": b.ports, "portProfiles": b.portProfs}
	return b
}

// grouped adds ports E1/first..last, Ethernet<nos>.., in groups of size
// (numbered from group), all groups of the speed profile pp.
func (b *profileBuilder) grouped(first, last, nos, size, group int, pp string) *profileBuilder {
	for i := first; i <= last; i++ {
		g := strconv.Itoa(group + (i-first)/size)
		b.ports[fmt.Sprintf("E1/%d", i)] = map[string]any{"nos": fmt.Sprintf("Ethernet%d", nos+i-first), "label": strconv.Itoa(i),
			"group": g}
		b.groups[g] = map[string]any{"nos": g, "profile": pp}
	}
	b.spec["portGroups"] = b.groups
	return b
}

// breakout adds ports E1/first..last with breakouts: NOS name 1/<n> (n from
// nosFirst, stepping nosStep), base NOS name Ethernet<base> stepping by
// width; pipeline, when set, is a port's pipeline number by index.
func (b *profileBuilder) breakout(first, last, nosFirst, nosStep, base, width int, pp string, pipeline func(int) string) *profileBuilder {
	for i := first; i <= last; i++ {
		port := map[string]any{"nos": fmt.Sprintf("1/%d", nosFirst+(i-first)*nosStep),
			"baseNOSName": fmt.Sprintf("Ethernet%d", base+(i-first)*width), "label": strconv.Itoa(i), "profile": pp}
		if pipeline != nil {
			port["pipeline"] = pipeline(i)
		}
		b.ports[fmt.Sprintf("E1/%d", i)] = port
	}
	return b
}

// direct adds one port with a profile of its own.
func (b *profileBuilder) direct(i, nos int, label, pp string) *profileBuilder {
	b.ports[fmt.Sprintf("E1/%d", i)] = map[string]any{"nos": fmt.Sprintf("Ethernet%d", nos), "label": label, "profile": pp}
	return b
}

func (b *profileBuilder) speed(name, def string, supported ...string) *profileBuilder {
	b.portProfs[name] = map[string]any{"speed": map[string]any{"default": def, "supported": anyStrings(supported)}}
	return b
}

func (b *profileBuilder) breakouts(name, def string, modes breakoutModes, autoNeg bool) *profileBuilder {
	supported := map[string]any{}
	for mode, offsets := range modes {
		l := make([]any, len(offsets))
		for i, o := range offsets {
			l[i] = strconv.Itoa(o)
		}
		supported[mode] = map[string]any{"offsets": l}
	}
	pp := map[string]any{"breakout": map[string]any{"default": def, "supported": supported}}
	if autoNeg {
		pp["autoNegAllowed"] = true
	}
	b.portProfs[name] = pp
	return b
}

func (b *profileBuilder) with(key string, value any) *profileBuilder {
	b.spec[key] = value
	return b
}

func anyStrings(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// leafFeatures are what the leaf-capable models support.
var leafFeatures = []string{"subinterfaces", "acls", "l2vni", "l3vni", "roce", "mclag", "eslag"}

// BuiltinSwitchProfiles are the profiles the stand-in's controller keeps, by
// name.
func BuiltinSwitchProfiles() map[string]map[string]any {
	s5248 := newProfile("Dell S5248F-ON", "Broadcom TD3-X7 3.2T", "sonic-bcm-base", "x86_64-dellemc_s5248f_c3538-r0", leafFeatures...).
		grouped(1, 48, 0, 4, 1, "SFP28-25G").breakout(49, 56, 49, 1, 48, 4, "QSFP28-100G", nil).
		speed("SFP28-25G", "25G", "10G", "25G").breakouts("QSFP28-100G", "1x100G", qsfp28Modes, false)
	// The virtual switch is the S5248F-ON without its breakout ports.
	vs := newProfile("Virtual Switch", "vs", "sonic-bcm-vs", "x86_64-kvm_x86_64-r0",
		"subinterfaces", "l2vni", "l3vni", "roce", "mclag", "eslag").
		grouped(1, 48, 0, 4, 1, "SFP28-25G").speed("SFP28-25G", "25G", "10G", "25G").
		with("config", map[string]any{"maxPathsEBGP": int64(16)})
	s5232 := newProfile("Dell S5232F-ON", "Broadcom TD3-X7 3.2T", "sonic-bcm-base", "x86_64-dellemc_s5232f_c3538-r0", leafFeatures...).
		breakout(1, 31, 1, 1, 0, 4, "QSFP28-100G", nil).direct(32, 124, "32", "QSFP28-100G-nb").
		direct(33, 128, "33", "SFP28-10G").direct(34, 129, "34", "SFP28-10G").
		speed("SFP28-10G", "10G", "1G", "10G").speed("QSFP28-100G-nb", "100G", "40G", "100G").
		breakouts("QSFP28-100G", "1x100G", qsfp28Modes, false)
	ds3000 := newProfile("Celestica DS3000", "Broadcom TD3-X7 3.2T", "sonic-bcm-base", "x86_64-cel_seastone_2-r0",
		append([]string{"portLocator"}, leafFeatures...)...).
		breakout(1, 32, 1, 1, 0, 4, "QSFP28-100G", nil).direct(33, 128, "33", "SFP28-10G").
		speed("SFP28-10G", "10G", "1G", "10G").
		breakouts("QSFP28-100G", "1x100G", qsfp28Modes.only("1x100G", "1x40G", "1x50G", "2x50G", "4x25G", "4x10G"), true).
		with("otherNames", []any{"Celestica Seastone2"})
	dcs203 := newProfile("Edgecore DCS203", "Broadcom TD3-X7 2.0T", "sonic-bcm-base", "x86_64-accton_as7326_56x-r0", leafFeatures...).
		grouped(1, 48, 0, 12, 1, "SFP28-25G").breakout(49, 55, 49, 4, 48, 4, "QSFP28-100G", nil).
		direct(56, 76, "56", "QSFP28-100G-nb").direct(57, 80, "57", "SFP28-10G").direct(58, 81, "58", "SFP28-10G").
		speed("SFP28-25G", "25G", "10G", "25G").speed("SFP28-10G", "10G", "1G", "10G").
		speed("QSFP28-100G-nb", "100G", "40G", "100G").
		breakouts("QSFP28-100G", "1x100G", qsfp28Modes.only("1x100G", "1x40G", "4x25G", "4x10G"), false).
		with("otherNames", []any{"Edgecore AS7326-56X"})
	// A spine: no VXLAN, port budgets per pipeline.
	pipelines := map[string]any{}
	for p := 1; p <= 8; p++ {
		pipelines[strconv.Itoa(p)] = map[string]any{"maxPorts": int64(18)}
	}
	z9332 := newProfile("Dell Z9332F-ON", "Broadcom TH3", "sonic-bcm-base", "x86_64-dellemc_z9332f_d1508-r0", "acls", "roce",
		"portLocator").
		breakout(1, 32, 1, 1, 0, 8, "QSFPDD-400G", func(i int) string { return strconv.Itoa((i-1)/4 + 1) }).
		direct(33, 256, "M1", "SFP28-10G").direct(34, 257, "M2", "SFP28-10G").
		speed("SFP28-10G", "10G", "1G", "10G").breakouts("QSFPDD-400G", "1x400G", qsfpDD400Modes, false).
		with("maxPorts", int64(144)).with("pipelines", pipelines)
	return map[string]map[string]any{"vs": vs.spec, "dell-s5248f-on": s5248.spec, "dell-s5232f-on": s5232.spec,
		"celestica-ds3000": ds3000.spec, "edgecore-dcs203": dcs203.spec, "dell-z9332f-on": z9332.spec}
}
