// The stand-in's wiring behaviour against upstream's vectors (longer than
// most files: one table per wiring kind).

package fabricsim

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
)

// object reads one object written in YAML (numbers as int64, as the API
// server decodes them).
func object(t *testing.T, text string) *unstructured.Unstructured {
	t.Helper()
	u := kindtest.Object(t, text)
	if u.GetNamespace() == "" {
		u.SetNamespace(meta.Namespace)
	}
	return u
}

// standIn is the stand-in's webhook logic on a fake cluster holding objects
// (each stored as the webhook would have stored it), with a fabric config.
func standIn(t *testing.T, fabric FabricConfig, objects ...string) *Hedgehog {
	t.Helper()
	lists := map[schema.GroupVersionResource]string{}
	for _, k := range hedgehog.Kinds() {
		lists[k.GVR(nil)] = k.Kind + "List"
	}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), lists)
	h := NewHedgehog(client, fabric)
	for _, text := range objects {
		u := object(t, text)
		if err := h.Mutate(context.Background(), admissionv1.Create, u); err != nil {
			t.Fatal(err)
		}
		k := h.store.kinds[u.GetKind()]
		if _, err := client.Resource(k.GVR(nil)).Namespace(meta.Namespace).Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// admit runs the mutating and the validating webhook on a create (old nil)
// or an update, and returns the denial ("" when allowed).
func admit(t *testing.T, h *Hedgehog, text string, old string) (string, *unstructured.Unstructured) {
	t.Helper()
	u := object(t, text)
	op, var0 := admissionv1.Create, (*unstructured.Unstructured)(nil)
	if old != "" {
		op, var0 = admissionv1.Update, object(t, old)
		if err := h.Mutate(context.Background(), admissionv1.Create, var0); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Mutate(context.Background(), op, u); err != nil {
		t.Fatal(err)
	}
	if err := h.Validate(context.Background(), op, u, var0); err != nil {
		return err.Error(), u
	}
	return "", u
}

const (
	vlab         = "apiVersion: wiring.githedgehog.com/v1beta1\nkind: "
	nsDefault    = vlab + "VLANNamespace\nmetadata: {name: default}\nspec: {ranges: [{from: 1000, to: 2999}]}"
	groupESLAG   = vlab + "SwitchGroup\nmetadata: {name: eslag-1}\nspec: {}"
	server01     = vlab + "Server\nmetadata: {name: server-01}\nspec: {}"
	switchHeader = vlab + "Switch\nmetadata: {name: %s}\nspec:\n"
)

func vsProfile() string { return builtinProfile("vs") }

// builtinProfile is a built-in switch profile as the stand-in seeds it.
func builtinProfile(name string) string {
	raw, _ := json.Marshal(map[string]any{"apiVersion": "wiring.githedgehog.com/v1beta1", "kind": "SwitchProfile",
		"metadata": map[string]any{"name": name}, "spec": BuiltinSwitchProfiles()[name]})
	return string(raw)
}

func sw(name, body string) string {
	return strings.Replace(switchHeader, "%s", name, 1) + body
}

const leafSpec = `  role: server-leaf
  profile: vs
  asn: 65101
  ip: 172.30.0.8/21
  vtepIP: 172.30.12.0/32
  protocolIP: 172.30.8.2/32
`

func TestVLANNamespaceWebhook(t *testing.T) {
	lab := DefaultFabricConfig
	lab.VPCIRBVLANs = []VLANRange{{From: 3000, To: 3199}}
	h := standIn(t, lab)
	ns := func(ranges string) string {
		return vlab + "VLANNamespace\nmetadata: {name: ns-1}\nspec: {ranges: " + ranges + "}"
	}
	for _, c := range []struct{ name, obj, want string }{
		{"reserved IRB VLANs", ns("[{from: 2900, to: 3000}]"),
			"failed to validate vlannamespace: ranges overlap with Fabric reserved VLANs: VLAN ranges overlap: 2900-3000 and 3000-3199"},
		{"invalid range: dropped and accepted", ns("[{from: 3500, to: 4500}]"), ""},
		{"TH5 workaround VLANs", ns("[{from: 3500, to: 4000}]"),
			"failed to validate vlannamespace: ranges overlap with VLANs reserved for the TH5 workaround: VLAN ranges overlap: " +
				"3500-4000 and 3900-3999"},
		{"no collision", ns("[{from: 10, to: 1500}]"), ""},
		{"own ranges overlap", ns("[{from: 200, to: 300}, {from: 150, to: 300}, {from: 100, to: 250}]"),
			"failed to validate vlannamespace: ranges overlap with Fabric reserved VLANs: VLAN ranges overlap: 100-250 and 150-300"},
	} {
		if got, _ := admit(t, h, c.obj, ""); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	if _, stored := admit(t, h, ns("[{from: 3500, to: 4500}]"), ""); Spec(stored)["ranges"] != nil {
		t.Error("an invalid range must leave the stored object without ranges")
	}
}

func TestConnectionWebhook(t *testing.T) {
	lab := DefaultFabricConfig
	lab.ReservedSubnets = []string{"172.30.1.0/24"}
	lab.FabricSubnet = "172.30.128.0/24"
	spine := sw("spine-01", "  role: spine\n  profile: vs\n  asn: 65100\n  ip: 172.30.0.7/21\n  protocolIP: 172.30.8.0/32\n")
	h := standIn(t, lab, vsProfile(), nsDefault, server01, spine, sw("leaf-01", leafSpec),
		sw("leaf-02", strings.NewReplacer("65101", "65102", "0.8/21", "0.9/21", "12.0/32", "12.1/32", "8.2/32", "8.3/32").Replace(leafSpec)),
		vlab+`Connection
metadata: {name: fabric-2}
spec: {fabric: {links: [{spine: {port: spine-01/E1/1, ip: 172.30.128.40/31}, leaf: {port: leaf-01/E1/1, ip: 172.30.128.41/31}}]}}`)
	conn := func(name, spec string) string {
		return vlab + "Connection\nmetadata: {name: " + name + "}\nspec: " + spec
	}
	for _, c := range []struct{ name, obj, want string }{
		{"default route twice", conn("c1", `{staticExternal: {link: {switch: {port: leaf-02/E1/9, ip: 192.168.1.2/24,
  nextHop: 192.168.1.1, subnets: [0.0.0.0/0, 0.0.0.0/0]}}}}`),
			"error validating connection: default route should be the only subnet"},
		{"reserved subnet", conn("c1", `{staticExternal: {link: {switch: {port: leaf-02/E1/9, ip: 192.168.1.2/24,
  nextHop: 192.168.1.1, subnets: [172.30.1.0/24]}}}}`),
			"error validating connection: subnets overlap with reserved subnets: subnets 172.30.1.0/24 and 172.30.1.0/24 overlap"},
		{"port used by another connection", conn("fabric-1", `{fabric: {links: [{spine: {port: spine-01/E1/1, ip: 172.30.128.0/31},
  leaf: {port: leaf-01/E1/1, ip: 172.30.128.1/31}}]}}`),
			"error validating connection: port spine-01/E1/1 is already used by other connection fabric-2"},
		{"two types: the API uses the first", conn("c1", `{unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/2}}},
  external: {link: {switch: {port: leaf-01/E1/3}}}}`), ""},
		{"no type", conn("c1", "{}"), "error validating connection: exactly one connection type must be used"},
		{"valid unbundled", conn("server-01--unbundled--leaf-01", `{unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/2}}}}`), ""},
		{"switch missing", conn("c1", `{unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-09/E1/2}}}}`),
			"error validating connection: switch leaf-09 not found"},
		{"server missing", conn("c1", `{unbundled: {link: {server: {port: server-09/enp2s1}, switch: {port: leaf-01/E1/2}}}}`),
			"error validating connection: server server-09 not found"},
		{"port not in the profile", conn("c1", `{unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/99}}}}`),
			"error validating connection: port leaf-01/E1/99 is not allowed for switch leaf-01"},
		{"ESLAG without redundancy groups", conn("c1", `{eslag: {links: [{server: {port: server-01/a}, switch: {port: leaf-01/E1/5}},
  {server: {port: server-01/b}, switch: {port: leaf-02/E1/5}}]}}`),
			"error validating connection: all switches in ESLAG connection should have redundancy group"},
		{"MTU above the fabric's", conn("c1", `{unbundled: {mtu: 9100, link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/2}}}}`),
			"error validating connection: unbundled connection mtu 9100 is greater than fabric mtu 9100 - server facing mtu offset 64"},
		{"fabric link IP outside the fabric subnet", conn("f3", `{fabric: {links: [{spine: {port: spine-01/E1/7, ip: 172.30.129.0/31},
  leaf: {port: leaf-02/E1/7, ip: 172.30.129.1/31}}]}}`),
			"error validating connection: fabric connection f3 link 0 spine IP 172.30.129.0 is not in the fabric subnet 172.30.128.0/24"},
		{"fabric link IP in use", conn("f3", `{fabric: {links: [{spine: {port: spine-01/E1/7, ip: 172.30.128.40/31},
  leaf: {port: leaf-02/E1/7, ip: 172.30.128.41/31}}]}}`),
			"error validating connection: fabric connection f3 link 0 spine IP 172.30.128.40 is already in use"},
		{"mclag is accepted (with a warning upstream)", conn("c1", `{mclag: {links: [{server: {port: server-01/a}, switch: {port: leaf-01/E1/8}}]}}`), ""},
	} {
		if got, _ := admit(t, h, c.obj, ""); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	unbundled := conn("server-01--unbundled--leaf-01", `{unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/2}}}}`)
	bundled := conn("server-01--unbundled--leaf-01", `{bundled: {links: [{server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/2}}]}}`)
	if got, _ := admit(t, h, bundled, unbundled); got != "connection type is immutable" {
		t.Errorf("type change: %q", got)
	}
	_, stored := admit(t, h, conn("spine-01--fabric--leaf-02", `{fabric: {links: [{spine: {port: spine-01/E1/2, ip: 172.30.128.2/31},
  leaf: {port: leaf-02/E1/2, ip: 172.30.128.3/31}}]}}`), "")
	want := map[string]string{"fabric.githedgehog.com/connection-type": "fabric", "switch.fabric.githedgehog.com/leaf-02": "true",
		"switch.fabric.githedgehog.com/spine-01": "true"}
	if got := stored.GetLabels(); !equalMaps(got, want) {
		t.Errorf("labels %v, want %v", got, want)
	}
	if got := stored.GetAnnotations(); got["fabric.githedgehog.com/switches"] != "leaf-02,spine-01" {
		t.Errorf("annotations %v", got)
	}
}

func TestSwitchWebhook(t *testing.T) {
	h := standIn(t, DefaultFabricConfig, vsProfile(), nsDefault, groupESLAG)
	for _, c := range []struct{ name, obj, want string }{
		{"leaf without VTEP IP", sw("leaf-01", "  role: server-leaf\n  profile: vs\n  asn: 65101\n  ip: 172.30.0.8/21\n  protocolIP: 172.30.8.2/32\n"),
			"error validating switch: VTEP IP is required for leaf switches in spine-leaf mode"},
		{"spine with VTEP IP", sw("spine-01", "  role: spine\n  profile: vs\n  asn: 65100\n  ip: 172.30.0.8/21\n  vtepIP: 172.30.12.0/32\n  protocolIP: 172.30.8.2/32\n"),
			"error validating switch: VTEP IP is not allowed for spine switches"},
		{"redundancy group without type", sw("leaf-01", leafSpec+"  redundancy: {group: eslag-1}\n"),
			"error validating switch: redundancy group specified without type"},
		{"port speed on a grouped port", sw("leaf-01", leafSpec+"  redundancy: {group: eslag-1, type: eslag}\n  portSpeeds: {E1/1: SPEED_25GB}\n  linkFlapErrDisable: {}\n"),
			"error validating switch: port profile  for port E1/1 not found in switch profile"},
		{"port group speed", sw("leaf-01", leafSpec+"  portGroupSpeeds: {\"1\": SPEED_10G}\n"), ""},
		{"port group speed not supported", sw("leaf-01", leafSpec+"  portGroupSpeeds: {\"1\": 100G}\n"),
			"error validating switch: port group 1 does not support specified speed 100G"},
		{"missing VLAN namespace", sw("leaf-01", leafSpec+"  vlanNamespaces: [nope]\n"),
			"error validating switch: specified VLANNamespace nope does not exist"},
		{"missing group", sw("leaf-01", leafSpec+"  groups: [nope]\n"), "error validating switch: switch group nope does not exist"},
		{"missing profile", sw("leaf-01", strings.Replace(leafSpec, "profile: vs", "profile: nope", 1)),
			"error validating switch: switch profile nope does not exist"},
		{"management IP in the DHCP range", sw("leaf-01", strings.Replace(leafSpec, "172.30.0.8/21", "172.30.5.8/21", 1)),
			"error validating switch: failed hydration validation: switch leaf-01 management IP 172.30.5.8/21 is in the management " +
				"DHCP range starting at 172.30.4.0"},
		{"spine ASN", sw("spine-01", "  role: spine\n  profile: vs\n  asn: 65101\n  ip: 172.30.0.8/21\n  protocolIP: 172.30.8.2/32\n"),
			"error validating switch: failed hydration validation: spine spine-01 ASN 65101 is not the expected spine ASN 65100"},
		{"FEC on a grouped port", sw("leaf-01", leafSpec+"  portFECs: {E1/1: rs}\n"),
			"error validating switch: port E1/1 does not support configuring FEC (a broken-out port must be configured per sub-port, e.g. E1/53/1)"},
		{"valid hydrated leaf", sw("leaf-01", leafSpec), ""},
	} {
		if got, _ := admit(t, h, c.obj, ""); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	// The leaf ASN range of the fabric (upstream's leafASNOutOfRange).
	lab := DefaultFabricConfig
	lab.LeafASNEnd = 65200
	h = standIn(t, lab, vsProfile(), nsDefault)
	out := sw("leaf-out-of-range", strings.Replace(leafSpec, "65101", "65000", 1))
	if got, _ := admit(t, h, out, ""); got != "error validating switch: failed hydration validation: leaf leaf-out-of-range ASN "+
		"65000 is not within the fabric leaf ASN range 65101-65200" {
		t.Errorf("ASN range: %q", got)
	}
	// Addresses in use by another switch.
	h = standIn(t, DefaultFabricConfig, vsProfile(), nsDefault, sw("leaf-01", leafSpec))
	if got, _ := admit(t, h, sw("leaf-02", strings.Replace(leafSpec, "65101", "65102", 1)), ""); got != "error validating switch: "+
		"failed hydration validation: switch leaf-02 (management) IP 172.30.0.8/21 is already in use" {
		t.Errorf("management IP in use: %q", got)
	}
	// Breakouts may not change while RoCE is on (checked once the switch is
	// valid: a vs port has no breakouts at all).
	dell := strings.Replace(leafSpec, "profile: vs", "profile: dell-s5248f-on", 1)
	before := sw("leaf-01", dell+"  roce: true\n  portBreakouts: {E1/49: 4x25G}\n")
	after := sw("leaf-01", dell+"  roce: true\n  portBreakouts: {E1/49: 1x100G}\n")
	h = standIn(t, DefaultFabricConfig, builtinProfile("dell-s5248f-on"), nsDefault, before)
	if got, _ := admit(t, h, after, before); got != "port breakouts cannot be changed when RoCEv2 is enabled" {
		t.Errorf("breakouts with RoCE: %q", got)
	}
	// Defaults and labels as upstream stores them.
	_, stored := admit(t, h, sw("leaf-03", leafSpec+"  groups: [zz, aa]\n  redundancy: {group: eslag-1, type: eslag}\n"), "")
	labels := stored.GetLabels()
	for _, k := range []string{"switchgroup.fabric.githedgehog.com/aa", "switchgroup.fabric.githedgehog.com/eslag-1",
		"vlanns.fabric.githedgehog.com/default"} {
		if labels[k] != "true" {
			t.Errorf("label %s missing: %v", k, labels)
		}
	}
	if labels["fabric.githedgehog.com/profile"] != "vs" {
		t.Errorf("profile label: %v", labels)
	}
}

func TestDeleteBlockedWhileReferenced(t *testing.T) {
	h := standIn(t, DefaultFabricConfig, vsProfile(), nsDefault, server01, sw("leaf-01", leafSpec),
		vlab+`Connection
metadata: {name: server-01--unbundled--leaf-01}
spec: {unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/2}}}}`)
	for _, c := range []struct{ obj, want string }{
		{sw("leaf-01", leafSpec), "switch has connections"},
		{server01, "server has connections"},
		{nsDefault, "VLANNamespace has switches"},
		{vsProfile(), "default switch profiles are immutable"},
	} {
		err := h.Validate(context.Background(), admissionv1.Delete, nil, object(t, c.obj))
		if err == nil || err.Error() != c.want {
			t.Errorf("delete %s: got %v, want %q", object(t, c.obj).GetName(), err, c.want)
		}
	}
}

func TestServerLabelsCleaned(t *testing.T) {
	h := standIn(t, DefaultFabricConfig)
	_, stored := admit(t, h, vlab+`Server
metadata: {name: server-01, labels: {fabric.githedgehog.com/x: val, keep: me}}
spec: {description: S-01}`, "")
	if got := stored.GetLabels(); !equalMaps(got, map[string]string{"keep": "me"}) {
		t.Errorf("labels %v", got)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The labels upstream's Connection webhook computes (type, devices, VPC).
func TestConnectionLabels(t *testing.T) {
	for _, c := range []struct {
		spec string
		want map[string]string
	}{
		{`{unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}}}}`, map[string]string{
			"fabric.githedgehog.com/connection-type": "unbundled", "server.fabric.githedgehog.com/server-01": "true",
			"switch.fabric.githedgehog.com/leaf-01": "true"}},
		{`{eslag: {links: [{server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}},
  {server: {port: server-01/enp2s2}, switch: {port: leaf-02/E1/1}}]}}`, map[string]string{
			"fabric.githedgehog.com/connection-type": "eslag", "server.fabric.githedgehog.com/server-01": "true",
			"switch.fabric.githedgehog.com/leaf-01": "true", "switch.fabric.githedgehog.com/leaf-02": "true"}},
		{`{staticExternal: {withinVPC: vpc-01, link: {switch: {port: leaf-01/E1/5, ip: 172.31.0.1/24, nextHop: 172.31.0.5,
  subnets: [10.99.0.0/24]}}}}`, map[string]string{
			"fabric.githedgehog.com/connection-type": "static-external", "fabric.githedgehog.com/vpc": "vpc-01",
			"switch.fabric.githedgehog.com/leaf-01": "true"}},
	} {
		u := object(t, vlab+"Connection\nmetadata: {name: c}\nspec: "+c.spec)
		if got := connectionBehaviour.Labels(Spec(u)); !equalMaps(got, c.want) {
			t.Errorf("labels %v, want %v", got, c.want)
		}
	}
}
