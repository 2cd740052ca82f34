package fabricsim

import (
	"context"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func externalPeering(name, permit string) string {
	return vpcAPI + "ExternalPeering\nmetadata: {name: " + name + "}\nspec: {permit: " + permit + "}"
}

// The EXTPEER-* cases are Hedgehog's validation vectors for External
// peerings (EXTPEER-12 in the virtual lab, which has no vpc-01), with the
// objects they need: vpc-01 with two subnets, external-01 in the default
// IPv4 namespace, external-other-ns in another.
func TestExternalPeeringWebhook(t *testing.T) {
	other := vpcAPI + "IPv4Namespace\nmetadata: {name: other}\nspec: {subnets: [10.1.0.0/16]}"
	vpc01 := vpcObject("vpc-01", "{ipv4Namespace: default, subnets: {subnet-a: {subnet: 10.0.1.0/24, vlan: 1001}, "+
		"subnet-b: {subnet: 10.0.2.0/24, vlan: 1002}}}")
	otherNS := external("external-other-ns", "{inboundCommunity: '50000:2001', ipv4Namespace: other, outboundCommunity: '50000:2002'}")
	h := standIn(t, DefaultFabricConfig, nsDefault, ipv4Default, other, vpc01, external01, otherNS)
	for _, c := range []struct{ name, obj, want string }{
		{"valid", externalPeering("ext-peer-12", "{external: {name: external-01, prefixes: [{prefix: 0.0.0.0/0}]}, "+
			"vpc: {name: vpc-01, subnets: [subnet-a]}}"), ""},
		{"EXTPEER-03 vpc.name missing", externalPeering("ext-peer-03", "{external: {name: external-01, prefixes: [{prefix: 0.0.0.0/0}]}, "+
			"vpc: {subnets: [subnet-a]}}"), "failed to validate external peering: vpc.name is required"},
		{"EXTPEER-08 different IPv4 namespaces", externalPeering("ext-peer-08", "{external: {name: external-other-ns, prefixes: "+
			"[{prefix: 0.0.0.0/0}]}, vpc: {name: vpc-01, subnets: [subnet-a]}}"),
			"failed to validate external peering: vpc's IPv4 namespace default is different from the external's IPv4 namespace other"},
		{"EXTPEER-12 in the virtual lab: no vpc-02", externalPeering("p", "{external: {name: external-01}, vpc: {name: vpc-02}}"),
			"failed to validate external peering: vpc vpc-02 not found"},
		{"External missing", externalPeering("p", "{external: {name: external-09}, vpc: {name: vpc-01}}"),
			"failed to validate external peering: external external-09 not found"},
		{"subnet not the VPC's", externalPeering("p", "{external: {name: external-01}, vpc: {name: vpc-01, subnets: [subnet-a, subnet-c]}}"),
			"failed to validate external peering: vpc vpc-01 does not have subnet subnet-c"},
	} {
		if got, _ := admit(t, h, c.obj, ""); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	// D-EXTPEER-1: sorted, and labelled with the VPC and the External.
	_, stored := admit(t, h, externalPeering("vpc-01--ext-01", "{vpc: {name: vpc-01, subnets: [subnet-b, subnet-a]}, "+
		"external: {name: external-01, prefixes: [{prefix: 10.0.0.0/8}, {prefix: 0.0.0.0/0}]}}"), "")
	subnets, _, _ := unstructured.NestedStringSlice(stored.Object, "spec", "permit", "vpc", "subnets")
	if len(subnets) != 2 || subnets[0] != "subnet-a" {
		t.Errorf("subnets not sorted: %v", subnets)
	}
	prefixes, _, _ := unstructured.NestedSlice(stored.Object, "spec", "permit", "external", "prefixes")
	if first, _ := prefixes[0].(map[string]any); first["prefix"] != "0.0.0.0/0" {
		t.Errorf("prefixes not sorted: %v", prefixes)
	}
	want := map[string]string{"fabric.githedgehog.com/vpc": "vpc-01", "fabric.githedgehog.com/external": "external-01"}
	if got := stored.GetLabels(); !equalMaps(got, want) {
		t.Errorf("labels %v, want %v", got, want)
	}
}

// Neither the External nor the VPC of a peering can be deleted.
func TestExternalPeeringBlocksDeletes(t *testing.T) {
	vpc01 := vpcObject("vpc-01", "{ipv4Namespace: default, subnets: {subnet-a: {subnet: 10.0.1.0/24, vlan: 1001}}}")
	h := standIn(t, DefaultFabricConfig, nsDefault, ipv4Default, vpc01, external01,
		externalPeering("vpc-01--external-01", "{vpc: {name: vpc-01}, external: {name: external-01}}"))
	for _, c := range []struct{ obj, want string }{
		{external01, "external has peerings"},
		{vpc01, "VPC has external peerings"},
	} {
		err := h.Validate(context.Background(), admissionv1.Delete, nil, object(t, c.obj))
		if got := errText(err); got != c.want {
			t.Errorf("delete %s: got %q, want %q", object(t, c.obj).GetName(), got, c.want)
		}
	}
}
