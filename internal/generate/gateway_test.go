package generate

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

func specObj(name string, spec map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": name, "namespace": "default"},
		"spec": spec}}
}

// A gateway peering's sides are map keys that name a VPC, or with "ext." an
// External: the configuration refers to their resources there too, and in
// the ACL's from and to; gateways and peerings refer to their groups.
func TestGatewayReferences(t *testing.T) {
	objs := []Object{
		{Kind: vpc.VPC, U: specObj("vpc-01", map[string]any{"subnets": map[string]any{"default": map[string]any{"subnet": "10.0.1.0/24", "vlan": int64(1001)}}})},
		{Kind: vpc.External, U: specObj("internet", map[string]any{"ipv4Namespace": "default"})},
		{Kind: gateway.GatewayGroup, U: specObj("default", map[string]any{})},
		{Kind: gateway.Gateway, U: specObj("gw-01", map[string]any{"groups": []any{map[string]any{"name": "default"}}})},
		{Kind: gateway.GatewayPeering, U: specObj("vpc-01--internet", map[string]any{
			"gatewayGroup": "default",
			"peering": map[string]any{
				"vpc-01":       map[string]any{"expose": []any{map[string]any{"ips": []any{map[string]any{"cidr": "10.0.1.0/24"}}}}},
				"ext.internet": map[string]any{"expose": []any{map[string]any{"default": true}}},
			},
			"acl": map[string]any{"default": "deny", "rules": []any{map[string]any{"from": "vpc-01", "to": "ext.internet", "action": "allow"}}},
		})},
		{Kind: gateway.GatewayPeering, U: specObj("vpc-01--vpc-99", map[string]any{"gatewayGroup": "default",
			"peering": map[string]any{"vpc-01": map[string]any{"expose": []any{map[string]any{"default": true}}},
				"vpc-99": map[string]any{"expose": []any{map[string]any{"default": true}}}}})},
	}
	raw, _, err := Config(objs, hedgehog.Kinds(), Options{Imports: true, Source: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, diags := hclsyntax.ParseConfig(raw, "generated.tf", hcl.InitialPos); diags.HasErrors() {
		t.Fatalf("the configuration does not parse: %v\n%s", diags, raw)
	}
	out := strings.Join(strings.Fields(string(raw)), " ")
	for _, want := range []string{
		`(hedgehog_vpc.vpc-01.name) = { expose = [{ ips = [{ cidr = "10.0.1.0/24" }] }] }`,
		`"ext.${hedgehog_external.internet.name}" = { expose = [{ default = true }] }`,
		`"vpc-99" = { expose = [{ default = true }] }`, // no resource: the name as it is
		`from = hedgehog_vpc.vpc-01.name`,
		`to = "ext.${hedgehog_external.internet.name}"`,
		`gateway_group = hedgehog_gateway_group.default.name`,
		`groups = [{ name = hedgehog_gateway_group.default.name }]`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %s:\n%s", want, raw)
		}
	}
	// Creates need groups before gateways, and VPCs and Externals before peerings.
	order := []string{"hedgehog_vpc.vpc-01", "hedgehog_external.internet", "hedgehog_gateway_group.default",
		"hedgehog_gateway.gw-01", "hedgehog_gateway_peering.vpc-01--internet"}
	last := -1
	for _, addr := range order {
		at := strings.Index(out, `resource "`+strings.Replace(addr, ".", `" "`, 1))
		if at < last {
			t.Errorf("%s comes before what it needs:\n%s", addr, raw)
		}
		last = at
	}
}
