package fabricsim

import (
	"context"
	"encoding/json"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

const (
	vpcAPI      = "apiVersion: vpc.githedgehog.com/v1beta1\nkind: "
	ipv4Default = vpcAPI + "IPv4Namespace\nmetadata: {name: default}\nspec: {subnets: [10.0.0.0/16]}"
)

func vpcObject(name, spec string) string {
	return vpcAPI + "VPC\nmetadata: {name: " + name + "}\nspec: " + spec
}

// The VPC webhook's cross-object rules, as the vectors of the real webhook
// show them (the virtual lab's namespaces: 10.0.0.0/16 and VLANs 1000-2999).
func TestVPCWebhook(t *testing.T) {
	lab := DefaultFabricConfig
	lab.ReservedSubnets = append([]string{"10.0.200.0/24"}, lab.ReservedSubnets...)
	other := vpcObject("other-vpc", "{subnets: {default: {subnet: 10.0.1.0/24, vlan: 1001}}}")
	h := standIn(t, lab, nsDefault, ipv4Default, other)
	for _, c := range []struct{ name, obj, want string }{
		{"valid", vpcObject("vpc-01", "{subnets: {default: {subnet: 10.0.2.0/24, vlan: 1002}}}"), ""},
		{"VLAN outside the namespace", vpcObject("vpc-01", "{subnets: {default: {subnet: 10.0.2.0/24, vlan: 100}}}"),
			"failed to validate vpc: vpc subnet default (10.0.2.0/24) vlan 100 doesn't belong to the VLANNamespace default"},
		{"subnet outside the namespace", vpcObject("vpc-01", "{subnets: {default: {subnet: 172.16.0.0/24, vlan: 1002}}}"),
			"failed to validate vpc: vpc subnet default (172.16.0.0/24) doesn't belong to the IPv4Namespace default"},
		{"subnet of another VPC", vpcObject("vpc-01", "{subnets: {default: {subnet: 10.0.1.0/24, vlan: 1002}}}"),
			"failed to validate vpc: subnet 10.0.1.0/24 overlaps with subnet 10.0.1.0/24 of VPC other-vpc"},
		{"VLAN of another VPC", vpcObject("vpc-01", "{subnets: {default: {subnet: 10.0.2.0/24, vlan: 1001}}}"),
			"failed to validate vpc: vlan 1001 is already used by other VPC"},
		{"reserved subnet", vpcObject("vpc-01", "{subnets: {default: {subnet: 10.0.200.0/24, vlan: 1002}}}"),
			"failed to validate vpc: subnet default: subnet 10.0.200.0/24 is reserved"},
		{"IPv4 namespace missing", vpcObject("vpc-01", "{ipv4Namespace: nope, subnets: {default: {subnet: 10.0.2.0/24, vlan: 1002}}}"),
			"failed to validate vpc: IPv4Namespace nope not found"},
		{"VLAN namespace missing", vpcObject("vpc-01", "{vlanNamespace: nope, subnets: {default: {subnet: 10.0.2.0/24, vlan: 1002}}}"),
			"failed to validate vpc: VLANNamespace nope not found"},
		{"relay VPC missing", vpcObject("vpc-01", "{subnets: {default: {subnet: 10.0.2.0/24, vlan: 1002, dhcp: {relay: 10.0.1.5/32, relayVPC: nope}}}}"),
			"failed to validate vpc: subnet default: dhcp relay VPC nope not found"},
		{"plan-time rule, in the API's words", vpcObject("vpc-toolong-n", "{subnets: {default: {subnet: 10.0.2.0/24, vlan: 1002}}}"),
			"failed to validate vpc: name vpc-toolong-n is too long, must be <= 11 characters"},
		{"options without DHCP: dropped and accepted", vpcObject("vpc-01",
			"{subnets: {default: {subnet: 10.0.2.0/24, vlan: 1002, dhcp: {options: {pxeURL: http://x/y}}}}}"), ""},
		{"updating itself", other, ""},
		{"own subnets overlap", vpcObject("vpc-01", "{subnets: {a: {subnet: 10.0.2.0/24, vlan: 1002}, b: {subnet: 10.0.2.128/25, vlan: 1003}}}"),
			"failed to validate vpc: failed to verify no overlap subnets: subnets 10.0.2.0/24 and 10.0.2.128/25 overlap"},
	} {
		if got, _ := admit(t, h, c.obj, ""); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	_, stored := admit(t, h, vpcObject("vpc-01", "{subnets: {default: {subnet: 10.0.2.0/24, vlan: 1002, dhcp: {enable: true}}}}"), "")
	raw, _ := json.Marshal(Spec(stored))
	if want := `{"ipv4Namespace":"default","subnets":{"default":{"dhcp":{"enable":true,"range":{"end":"10.0.2.255",` +
		`"start":"10.0.2.2"}},"gateway":"10.0.2.1","subnet":"10.0.2.0/24","vlan":1002}},"vlanNamespace":"default"}`; string(raw) != want {
		t.Errorf("stored spec:\n got %s\nwant %s", raw, want)
	}
	if got := stored.GetLabels(); !equalMaps(got, map[string]string{"fabric.githedgehog.com/ipv4ns": "default",
		"fabric.githedgehog.com/vlanns": "default"}) {
		t.Errorf("labels %v", got)
	}
	// The namespaces refuse deletion while the VPC uses them.
	for _, c := range []struct{ obj, want string }{
		{nsDefault, "VLANNamespace has VPCs"},
		{ipv4Default, "IPv4Namespace has VPCs"},
	} {
		if err := h.Validate(context.Background(), admissionv1.Delete, nil, object(t, c.obj)); err == nil || err.Error() != c.want {
			t.Errorf("delete %s: got %v, want %q", object(t, c.obj).GetName(), err, c.want)
		}
	}
}
