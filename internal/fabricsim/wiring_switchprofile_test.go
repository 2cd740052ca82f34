package fabricsim

import (
	"context"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

// The built-in profiles as the webhook stores them: the port summary
// annotation upstream writes, and the profiles refuse to change or go.
func TestBuiltinSwitchProfiles(t *testing.T) {
	h, _ := clusterOf(t, DefaultFabricConfig, builtinProfiles())
	for name, want := range map[string]string{
		"vs":               "48xSFP28-25G",
		"dell-s5248f-on":   "48xSFP28-25G, 8xQSFP28-100G",
		"dell-s5232f-on":   "32xQSFP28-100G, 2xSFP28-10G",
		"celestica-ds3000": "32xQSFP28-100G, 1xSFP28-10G",
		"edgecore-dcs203":  "48xSFP28-25G, 8xQSFP28-100G, 2xSFP28-10G",
		"dell-z9332f-on":   "32xQSFPDD-400G, 2xSFP28-10G",
	} {
		got, _, stored := verdict(t, h, builtinProfile(name), builtinProfile(name))
		if got != "" {
			t.Errorf("%s: the unchanged built-in is refused: %s", name, got)
		}
		if a := stored.GetAnnotations()[PortsAnnotation]; a != want {
			t.Errorf("%s: ports annotation %q, want %q", name, a, want)
		}
		if err := h.Validate(context.Background(), admissionv1.Delete, nil, object(t, builtinProfile(name))); errText(err) !=
			"default switch profiles are immutable" {
			t.Errorf("%s: delete: %v", name, err)
		}
		if err := validateSwitchProfile(DefaultFabricConfig, name, BuiltinSwitchProfiles()[name]); err != nil {
			t.Errorf("%s breaks upstream's profile rules: %v", name, err)
		}
	}
	changed := strings.Replace(builtinProfile("vs"), `"displayName":"Virtual Switch"`, `"displayName":"My Switch"`, 1)
	if got, _, _ := verdict(t, h, changed, builtinProfile("vs")); got != "default switch profiles are immutable" {
		t.Errorf("a changed built-in: %q", got)
	}
	extra := strings.Replace(builtinProfile("vs"), `"name":"vs"`, `"name":"my-vs"`, 1)
	if got, _, _ := verdict(t, h, extra, ""); got != "only default switch profiles are allowed" {
		t.Errorf("an extra profile: %q", got)
	}
	allow := DefaultFabricConfig.Clone()
	allow.AllowExtraSwitchProfiles = true
	h, _ = clusterOf(t, allow, nil)
	if got, _, _ := verdict(t, h, extra, ""); got != "" {
		t.Errorf("an extra profile where the fabric allows them: %q", got)
	}
	broken := strings.Replace(extra, `"profile":"SFP28-25G"`, `"profile":"SFP28-50G"`, 1)
	if got, _, _ := verdict(t, h, broken, ""); got != `error validating switchprofile: group "1" references non-existent profile "SFP28-50G"` {
		t.Errorf("an extra profile with a group of an unknown port profile: %q", got)
	}
}

// Switch port settings and connection ports are checked against the
// switch's profile as upstream does: breakout modes make sub-ports, port
// groups take speeds, features gate settings, pipelines cap ports.
func TestSwitchPortsAgainstProfiles(t *testing.T) {
	h, _ := clusterOf(t, DefaultFabricConfig, append(builtinProfiles(), vlabObjects...))
	leaf := func(name, profile, extra string) string {
		return kobj("Switch", name, `{role: server-leaf, profile: `+profile+`, asn: 65110, ip: 172.30.0.20/21, `+
			`vtepIP: 172.30.12.20/32, protocolIP: 172.30.8.20/32`+extra+`}`)
	}
	spine := func(extra string) string {
		return kobj("Switch", "spine-09", `{role: spine, profile: dell-z9332f-on, asn: 65100, ip: 172.30.0.21/21, `+
			`protocolIP: 172.30.8.21/32`+extra+`}`)
	}
	const prefix = "error validating switch: "
	for _, c := range []struct{ name, obj, want string }{
		{"breakout mode of the profile", leaf("leaf-09", "dell-s5248f-on", ", portBreakouts: {E1/49: 4x25G}"), ""},
		{"breakout mode the port lacks", leaf("leaf-09", "edgecore-dcs203", ", portBreakouts: {E1/49: 2x50G}"),
			"port E1/49 does not support specified breakout 2x50G"},
		{"breakout of a grouped port", leaf("leaf-09", "dell-s5248f-on", ", portBreakouts: {E1/1: 4x25G}"),
			"port profile  for port E1/1 not found in switch profile"},
		{"speed of a port group", leaf("leaf-09", "dell-s5248f-on", ", portGroupSpeeds: {'12': 10G}"), ""},
		{"speed of a direct port", leaf("leaf-09", "dell-s5232f-on", ", portSpeeds: {E1/32: 40G}"), ""},
		{"speed a direct port lacks", leaf("leaf-09", "dell-s5232f-on", ", portSpeeds: {E1/33: 25G}"),
			"port E1/33 does not support specified speed 25G"},
		{"speed of a breakout port", leaf("leaf-09", "dell-s5232f-on", ", portSpeeds: {E1/1: 100G}"),
			"port profile QSFP28-100G for port E1/1 has no supported speeds"},
		{"auto-negotiation where allowed", leaf("leaf-09", "celestica-ds3000", ", portAutoNegs: {E1/1/1: true}"), ""},
		{"auto-negotiation elsewhere", leaf("leaf-09", "dell-s5232f-on", ", portAutoNegs: {E1/1/1: true}"),
			"port E1/1/1 does not support configuring auto negotiation"},
		{"FEC of a port not broken out", leaf("leaf-09", "dell-s5232f-on", ", portFECs: {E1/1: rs}"), ""},
		{"FEC of a broken-out port", leaf("leaf-09", "dell-s5232f-on", ", portBreakouts: {E1/1: 4x25G}, portFECs: {E1/1: rs}"),
			"port E1/1 does not support configuring FEC (a broken-out port must be configured per sub-port, e.g. E1/53/1)"},
		{"FEC of its sub-port", leaf("leaf-09", "dell-s5232f-on", ", portBreakouts: {E1/1: 4x25G}, portFECs: {E1/1/3: rs}"), ""},
		{"port locators where supported", leaf("leaf-09", "celestica-ds3000", ", portLocators: {E1/2/1: 10m}"), ""},
		{"port locators elsewhere", leaf("leaf-09", "vs", ", portLocators: {E1/2: 10m}"),
			"port locators are not supported on switch profile vs"},
		{"ESLAG on a spine model", spine(", redundancy: {group: eslag-1, type: eslag}"),
			"ESLAG is not supported on switch profile dell-z9332f-on"},
		{"ports within the pipeline", spine(", portBreakouts: {E1/1: 8x50G, E1/2: 8x50G}"), ""},
		{"ports beyond the pipeline", spine(", portBreakouts: {E1/1: 8x50G, E1/2: 8x50G, E1/3: 4x25G}"),
			"pipeline 1 (ports E1/1, E1/2, E1/3, E1/4) has exceeded maximum ports: 21 > 18"},
	} {
		want := c.want
		if want != "" {
			want = prefix + want
		}
		if got, _, _ := verdict(t, h, c.obj, ""); got != want {
			t.Errorf("%s: got %q, want %q", c.name, got, want)
		}
	}
	// A connection may use a switch's ports in the modes the switch sets.
	h, _ = clusterOf(t, DefaultFabricConfig, append(builtinProfiles(), append(vlabObjects,
		leaf("leaf-09", "dell-s5248f-on", ", portBreakouts: {E1/49: 4x25G}"), kobj("Server", "server-09", `{}`))...))
	conn := func(port string) string {
		return kobj("Connection", "server-09--unbundled--leaf-09", `{unbundled: {link: {server: {port: server-09/enp2s1}, `+
			`switch: {port: leaf-09/`+port+`}}}}`)
	}
	for _, c := range []struct{ port, want string }{
		{"E1/49/4", ""},
		{"E1/49", ""}, // the first sub-port's other name
		{"E1/49/5", "error validating connection: port leaf-09/E1/49/5 is not allowed for switch leaf-09"},
		{"E1/50/2", "error validating connection: port leaf-09/E1/50/2 is not allowed for switch leaf-09"},
		{"M1", ""}, // upstream lets connections name the management port
		{"E1/57", "error validating connection: port leaf-09/E1/57 is not allowed for switch leaf-09"},
	} {
		if got, _, _ := verdict(t, h, conn(c.port), ""); got != c.want {
			t.Errorf("connection on %s: got %q, want %q", c.port, got, c.want)
		}
	}
}
