package vpc

import (
	"context"
	"fmt"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
)

func TestVPCAttachmentRules(t *testing.T) {
	kindtest.CheckRules(t, VPCAttachment, []kindtest.Rule{
		{Name: "bare VPC name", Spec: "{subnet: vpc-01, connection: server-01--unbundled--leaf-01}"},
		{Name: "VPC and subnet", Spec: "{subnet: vpc-01/web, connection: server-01--unbundled--leaf-01, nativeVLAN: true}"},
		{Name: "VPC missing", Spec: "{subnet: /default, connection: c}", Want: "subnet should be in <vpc>/<subnet> format, vpc is missing",
			Path: []any{"subnet"}},
		{Name: "connection missing", Spec: "{subnet: vpc-01/default, connection: ''}", Want: "connection is required", Path: []any{"connection"}},
		{Name: "subnet empty", Spec: "{subnet: '', connection: c}", Want: "subnet is required", Path: []any{"subnet"}},
	})
}

func TestVPCAttachmentDefaults(t *testing.T) {
	kindtest.CheckDefaults(t, VPCAttachment, []kindtest.Default{
		{Name: "bare VPC name: its default subnet", Request: "{subnet: vpc-01, connection: c}", Stored: "{subnet: vpc-01/default, connection: c}"},
		{Name: "empty subnet part: left as it is", Request: "{subnet: vpc-01/, connection: c}", Stored: "{subnet: vpc-01/, connection: c}"},
		{Name: "VPC part empty: left as it is", Request: "{subnet: /x, connection: c}", Stored: "{subnet: /x, connection: c}"},
	})
}

func TestVPCPeeringRules(t *testing.T) {
	kindtest.CheckRules(t, VPCPeering, []kindtest.Rule{
		{Name: "two VPCs", Spec: "{permit: [{vpc-2: {}, vpc-1: {subnets: [default]}}]}"},
		{Name: "one VPC", Spec: "{permit: [{vpc-1: {}}]}", Want: "each permit policy must have exactly 2 VPCs (idx 0)", Path: []any{"permit", 0}},
		{Name: "three VPCs", Spec: "{permit: [{vpc-1: {}, vpc-2: {}}, {vpc-1: {}, vpc-3: {}}]}", Want: "VPCPeering must have exactly 2 VPCs",
			Path: []any{"permit"}},
		{Name: "remote", Spec: "{remote: border, permit: [{vpc-1: {}, vpc-2: {}}]}",
			Want: "remote field is deprecated and no longer supported", Path: []any{"remote"}},
	})
	if got := PeeredVPCs(kindtest.Spec(t, "{permit: [{vpc-2: {}, vpc-1: {}}]}")); fmt.Sprint(got) != "[vpc-1 vpc-2]" {
		t.Errorf("peered VPCs %v", got)
	}
	if p := VPCPeering.Check("p", map[string]any{"permit": []any{kinds.Unknown}}); len(p) > 0 {
		t.Errorf("a policy not known yet must not be checked: %+v", p)
	}
}

// fakeLookup serves objects by kind.
type fakeLookup map[string][]*unstructured.Unstructured

func (f fakeLookup) Get(_ context.Context, k *kinds.Kind, name string) (*unstructured.Unstructured, error) {
	for _, u := range f[k.Kind] {
		if u.GetName() == name {
			return u, nil
		}
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Group: k.Group, Resource: k.Plural}, name)
}

func (f fakeLookup) List(_ context.Context, k *kinds.Kind) ([]*unstructured.Unstructured, error) {
	return f[k.Kind], nil
}

func named(name string, spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	u.SetName(name)
	return u
}

// The switches each kind's wait_for_applied waits for: an attachment's
// connection's, a VPC's attachments', a peering's two VPCs'.
func TestAppliedSwitches(t *testing.T) {
	l := fakeLookup{
		wiring.Connection.Kind: {
			named("c1", kindtest.Spec(t, "unbundled: {link: {server: {port: s/a}, switch: {port: leaf-01/E1/1}}}")),
			named("c2", kindtest.Spec(t, "eslag: {links: [{server: {port: s/b}, switch: {port: leaf-02/E1/1}}, {server: {port: s/c}, switch: {port: leaf-03/E1/1}}]}")),
		},
		VPCAttachment.Kind: {
			named("a1", kindtest.Spec(t, "{subnet: vpc-1/default, connection: c1}")),
			named("a2", kindtest.Spec(t, "{subnet: vpc-2/default, connection: c2}")),
			named("a3", kindtest.Spec(t, "{subnet: vpc-1/web, connection: gone}")),
		},
	}
	ctx := context.Background()
	check := func(what string, k *kinds.Kind, u *unstructured.Unstructured, want string) {
		got, err := k.Applied.Switches(ctx, l, u)
		if err != nil || fmt.Sprint(got) != want {
			t.Errorf("%s: got %v, %v; want %s", what, got, err, want)
		}
	}
	check("attachment", VPCAttachment, l[VPCAttachment.Kind][1], "[leaf-02 leaf-03]")
	check("VPC", VPC, named("vpc-1", nil), "[leaf-01]")
	check("VPC without attachments", VPC, named("vpc-9", nil), "[]")
	check("peering", VPCPeering, named("p", kindtest.Spec(t, "{permit: [{vpc-1: {}, vpc-2: {}}]}")), "[leaf-01 leaf-02 leaf-03]")
}
