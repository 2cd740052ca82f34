package fabricsim

import (
	"context"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

const (
	// external01 and external02 are the Externals of Hedgehog's attachment
	// vectors: a BGP one and a static one.
	external01 = vpcAPI + "External\nmetadata: {name: external-01}\nspec: {inboundCommunity: '50000:1001', ipv4Namespace: default, " +
		"outboundCommunity: '50000:1002'}"
	external02   = vpcAPI + "External\nmetadata: {name: external-02}\nspec: {ipv4Namespace: default, static: {prefixes: [0.0.0.0/0]}}"
	extConn      = vlab + "Connection\nmetadata: {name: leaf-01--external}\nspec: {external: {link: {switch: {port: leaf-01/E1/1}}}}"
	unbundledCon = vlab + "Connection\nmetadata: {name: server-01--unbundled--leaf-01}\n" +
		"spec: {unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/2}}}}"
)

func external(name, spec string) string {
	return vpcAPI + "External\nmetadata: {name: " + name + "}\nspec: " + spec
}

func externalAttachment(name, spec string) string {
	return vpcAPI + "ExternalAttachment\nmetadata: {name: " + name + "}\nspec: " + spec
}

// The EXT-* cases are Hedgehog's validation vectors for Externals, with
// upstream's messages; the webhook's defaults and labels are D-EXT-1's.
func TestExternalWebhook(t *testing.T) {
	h := standIn(t, DefaultFabricConfig, ipv4Default)
	for _, c := range []struct{ name, obj, want string }{
		{"EXT-01", external("valid-bgp", "{inboundCommunity: '50000:1001', ipv4Namespace: default, outboundCommunity: '50000:1002'}"), ""},
		{"EXT-02", external("this-is-a-name-longer-than-possible", "{inboundCommunity: '50000:1001', ipv4Namespace: default}"),
			"error validating external: name this-is-a-name-longer-than-possible is too long, must be <= 11 characters"},
		{"EXT-06", external("invalid-bgp", "{inboundCommunity: InboundCommunity, ipv4Namespace: default}"),
			"error validating external: inboundCommunity InboundCommunity is not a valid community, example 50000:50001"},
		{"EXT-08", external("valid-st", "{ipv4Namespace: default, static: {prefixes: [0.0.0.0/0]}}"), ""},
		{"EXT-09", external("invalid-st", "{inboundCommunity: '50000:1001', ipv4Namespace: default, static: {prefixes: [0.0.0.0/0]}}"),
			"error validating external: inboundCommunity and outboundCommunity must be empty when static configuration is present"},
		{"EXT-11", external("invalid-st", "{ipv4Namespace: default, static: {prefixes: []}}"),
			"error validating external: at least one prefix must be specified for static externals"},
		{"EXT-12", external("invalid-st", "{ipv4Namespace: default, static: {prefixes: [0.0.0.0/0, 10.10.0.0/24]}}"),
			"error validating external: static prefixes 0.0.0.0/0 and 10.10.0.0/24 overlap with each other"},
		{"EXT-C1", external("ext-01", "{inboundCommunity: '65102:5000', outboundCommunity: '5000:65102'}"), ""},
		{"namespace missing", external("ext-01", "{ipv4Namespace: nope}"), "error validating external: IPv4Namespace nope not found"},
	} {
		if got, _ := admit(t, h, c.obj, ""); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	_, stored := admit(t, h, external("ext-01", "{inboundCommunity: '65102:5000', outboundCommunity: '5000:65102'}"), "")
	if ns := Spec(stored)["ipv4Namespace"]; ns != "default" {
		t.Errorf("ipv4Namespace %v, want default", ns)
	}
	if got := stored.GetLabels(); !equalMaps(got, map[string]string{"fabric.githedgehog.com/ipv4ns": "default"}) {
		t.Errorf("labels %v", got)
	}
}

// The EXTATT-* cases are Hedgehog's validation vectors for External
// attachments (EXTATT-01s in the virtual lab, which has no external-01).
func TestExternalAttachmentWebhook(t *testing.T) {
	clash := externalAttachment("vlan-clash", "{connection: leaf-01--external, external: external-02, "+
		"static: {proxy: true, remoteIP: 10.45.0.2, vlan: 100}}")
	h := standIn(t, DefaultFabricConfig, vsProfile(), nsDefault, ipv4Default, server01, sw("leaf-01", leafSpec), external01, external02,
		extConn, unbundledCon, clash)
	bgp := func(name, external, conn string, vlan string) string {
		return externalAttachment(name, "{connection: "+conn+", external: "+external+", neighbor: {asn: 64000, ip: 10.90.0.4}, "+
			"switch: {ip: 10.90.0.5/31, vlan: "+vlan+"}}")
	}
	for _, c := range []struct{ name, obj, want string }{
		{"EXTATT-05 BGP attachment to a static External", bgp("ext-att-05", "external-02", "leaf-01--external", "100"),
			"failed to validate external attachment: external attachment is not static but external external-02 is"},
		{"EXTATT-07 VLAN used on the connection", bgp("ext-att-07", "external-01", "leaf-01--external", "100"),
			"failed to validate external attachment: connection leaf-01--external already has an external attachment with VLAN 100"},
		{"EXTATT-01s External missing", bgp("ext-att-01", "external-09", "leaf-01--external", "101"),
			"failed to validate external attachment: external external-09 not found"},
		{"BGP attachment on another VLAN", bgp("ext-att-01", "external-01", "leaf-01--external", "101"), ""},
		{"the clashing attachment itself, updated", clash, ""},
		{"static attachment to a BGP External", externalAttachment("st", "{connection: leaf-01--external, external: external-01, "+
			"static: {proxy: true, remoteIP: 10.45.0.2, vlan: 300}}"),
			"failed to validate external attachment: external attachment is static but external external-01 is not"},
		{"connection missing", bgp("a", "external-01", "leaf-09--external", "101"),
			"failed to validate external attachment: connection leaf-09--external not found"},
		{"connection not external", bgp("a", "external-01", "server-01--unbundled--leaf-01", "101"),
			"failed to validate external attachment: connection server-01--unbundled--leaf-01 is not external"},
		{"EXTATT-C1 without switch.ip", externalAttachment("ea-1", "{connection: leaf-01--external, external: external-01, "+
			"neighbor: {asn: 64000, ip: 10.90.0.4}, switch: {vlan: 100}}"),
			"failed to validate external attachment: switch.ip is required"},
	} {
		if got, _ := admit(t, h, c.obj, ""); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	_, stored := admit(t, h, clash, "")
	spec := Spec(stored)
	if spec["switch"] == nil || spec["neighbor"] == nil {
		t.Errorf("a static attachment is stored with empty switch and neighbor: %v", spec)
	}
	want := map[string]string{"fabric.githedgehog.com/connection": "leaf-01--external", "fabric.githedgehog.com/external": "external-02"}
	if got := stored.GetLabels(); !equalMaps(got, want) {
		t.Errorf("labels %v, want %v", got, want)
	}
}

// Externals, their namespaces and connections cannot be deleted while used.
func TestExternalDeleteBlocked(t *testing.T) {
	h := standIn(t, DefaultFabricConfig, vsProfile(), nsDefault, ipv4Default, sw("leaf-01", leafSpec), external01, external02, extConn,
		externalAttachment("a", "{connection: leaf-01--external, external: external-02, static: {proxy: true, remoteIP: 10.45.0.2}}"))
	for _, c := range []struct{ obj, want string }{
		{external02, "external has attachments"},
		{external01, ""},
		{ipv4Default, "IPv4Namespace has externals"},
		{extConn, "connection has external attachments"},
	} {
		err := h.Validate(context.Background(), admissionv1.Delete, nil, object(t, c.obj))
		if got := errText(err); got != c.want {
			t.Errorf("delete %s: got %q, want %q", object(t, c.obj).GetName(), got, c.want)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
