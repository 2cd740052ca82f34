package fabricsim

import (
	"context"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

const (
	unbundled01 = vlab + `Connection
metadata: {name: server-01--unbundled--leaf-01}
spec: {unbundled: {link: {server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/2}}}}`
	fabric01 = vlab + `Connection
metadata: {name: spine-01--fabric--leaf-01}
spec: {fabric: {links: [{spine: {port: spine-01/E1/1}, leaf: {port: leaf-01/E1/1}}]}}`
)

func attachment(name, spec string) string {
	return vpcAPI + "VPCAttachment\nmetadata: {name: " + name + "}\nspec: " + spec
}

// peering is the VPCPeering p.
func peering(spec string) string {
	return vpcAPI + "VPCPeering\nmetadata: {name: p}\nspec: " + spec
}

// The attachment and peering webhooks' cross-object rules, and the VPC's
// delete protection while they use it.
func TestVPCAttachmentAndPeeringWebhooks(t *testing.T) {
	spine := sw("spine-01", "  role: spine\n  profile: vs\n  asn: 65100\n  ip: 172.30.0.7/21\n  protocolIP: 172.30.8.0/32\n")
	vpc1 := vpcObject("vpc-01", "{subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001}, web: {subnet: 10.0.2.0/24, vlan: 1002}}}")
	vpc2 := vpcObject("vpc-02", "{subnets: {default: {subnet: 10.0.3.0/24, vlan: 1003}}}")
	otherNS := vpcAPI + "IPv4Namespace\nmetadata: {name: other}\nspec: {subnets: [10.1.0.0/16]}"
	vpc3 := vpcObject("vpc-03", "{ipv4Namespace: other, subnets: {default: {subnet: 10.1.3.0/24, vlan: 1004}}}")
	taken := attachment("taken", "{subnet: vpc-01/web, connection: server-01--unbundled--leaf-01, nativeVLAN: true}")
	h := standIn(t, DefaultFabricConfig, vsProfile(), nsDefault, ipv4Default, otherNS, server01, spine, sw("leaf-01", leafSpec),
		unbundled01, fabric01, vpc1, vpc2, vpc3, taken)
	for _, c := range []struct{ name, obj, want string }{
		{"valid, bare VPC name", attachment("a", "{subnet: vpc-01, connection: server-01--unbundled--leaf-01}"), ""},
		{"VPC missing", attachment("a", "{subnet: vpc-09/default, connection: server-01--unbundled--leaf-01}"),
			"failed to validate vpc attachment: vpc vpc-09 not found"},
		{"subnet missing", attachment("a", "{subnet: vpc-01/db, connection: server-01--unbundled--leaf-01}"),
			"failed to validate vpc attachment: subnet db not found in vpc vpc-01"},
		{"connection missing", attachment("a", "{subnet: vpc-01/default, connection: nope}"),
			"failed to validate vpc attachment: connection nope not found"},
		{"fabric connection", attachment("a", "{subnet: vpc-01/default, connection: spine-01--fabric--leaf-01}"),
			"failed to validate vpc attachment: vpc can be attached only to Unbundled, Bundled or ESLAG connections"},
		{"subnet attached twice", attachment("a", "{subnet: vpc-01/web, connection: server-01--unbundled--leaf-01}"),
			"failed to validate vpc attachment: connection server-01--unbundled--leaf-01 already attached to vpc subnet vpc-01/web"},
		{"second native VLAN", attachment("a", "{subnet: vpc-02, connection: server-01--unbundled--leaf-01, nativeVLAN: true}"),
			"failed to validate vpc attachment: connection server-01--unbundled--leaf-01 already attached with native VLAN"},
		{"plan-time rule, in the API's words", attachment("a", "{subnet: /default, connection: c}"),
			"failed to validate vpc attachment: subnet should be in <vpc>/<subnet> format, vpc is missing"},
		{"valid peering", peering("{permit: [{vpc-02: {}, vpc-01: {subnets: [web]}}]}"), ""},
		{"peering of a missing VPC", peering("{permit: [{vpc-01: {}, vpc-09: {}}]}"),
			"failed to validate vpc peering: vpc vpc-09 not found"},
		{"peering of a missing subnet", peering("{permit: [{vpc-01: {subnets: [db]}, vpc-02: {}}]}"),
			"failed to validate vpc peering: subnet db not found in VPC vpc-01"},
		{"peering across IPv4 namespaces", peering("{permit: [{vpc-01: {}, vpc-03: {}}]}"),
			"failed to validate vpc peering: VPCs must be in the same IPv4 namespace"},
		{"peering of one VPC", peering("{permit: [{vpc-01: {}}]}"),
			"failed to validate vpc peering: each permit policy must have exactly 2 VPCs (idx 0)"},
	} {
		if got, _ := admit(t, h, c.obj, ""); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	_, stored := admit(t, h, attachment("a", "{subnet: vpc-01, connection: server-01--unbundled--leaf-01}"), "")
	if got := Spec(stored)["subnet"]; got != "vpc-01/default" {
		t.Errorf("stored subnet %v", got)
	}
	if got := stored.GetLabels(); !equalMaps(got, map[string]string{"fabric.githedgehog.com/vpc": "vpc-01",
		"fabric.githedgehog.com/subnet": "default", "fabric.githedgehog.com/connection": "server-01--unbundled--leaf-01"}) {
		t.Errorf("attachment labels %v", got)
	}
	_, stored = admit(t, h, peering("{permit: [{vpc-02: {}, vpc-01: {}}]}"), "")
	if got := stored.GetLabels(); !equalMaps(got, map[string]string{"fabric.githedgehog.com/vpc1": "vpc-01",
		"fabric.githedgehog.com/vpc2": "vpc-02", "vpc.fabric.githedgehog.com/vpc-01": "true", "vpc.fabric.githedgehog.com/vpc-02": "true"}) {
		t.Errorf("peering labels %v", got)
	}
	lab := DefaultFabricConfig
	lab.VPCPeeringDisabled = true
	h2 := standIn(t, lab, nsDefault, ipv4Default, vpc1, vpc2)
	if got, _ := admit(t, h2, peering("{permit: [{vpc-02: {}, vpc-01: {}}]}"), ""); got != "failed to validate vpc peering: vpc peering is not allowed" {
		t.Errorf("peering disabled: %q", got)
	}
	// Delete protection: the VPC while attached, the connection while attachments use it.
	for _, c := range []struct{ obj, want string }{
		{vpc1, "VPC has attachments"},
		{unbundled01, "connection has attachments"},
	} {
		if err := h.Validate(context.Background(), admissionv1.Delete, nil, object(t, c.obj)); err == nil || err.Error() != c.want {
			t.Errorf("delete %s: got %v, want %q", object(t, c.obj).GetName(), err, c.want)
		}
	}
	h3 := standIn(t, DefaultFabricConfig, nsDefault, ipv4Default, vpc1, vpc2, peering("{permit: [{vpc-02: {}, vpc-01: {}}]}"))
	if err := h3.Validate(context.Background(), admissionv1.Delete, nil, object(t, vpc2)); err == nil || err.Error() != "VPC has peerings" {
		t.Errorf("delete a peered VPC: %v", err)
	}
}
