package vpc

import (
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
)

// EXTPEER-03 and EXTPEER-12 are Hedgehog's validation vectors for External
// peerings (the rules that need no other object).
func TestExternalPeeringRules(t *testing.T) {
	kindtest.CheckRules(t, ExternalPeering, []kindtest.Rule{
		{Name: "EXTPEER-12 valid", Spec: "permit: {external: {name: external-01, prefixes: [{prefix: 0.0.0.0/0}]}, " +
			"vpc: {name: vpc-01, subnets: [subnet-a]}}"},
		{Name: "EXTPEER-03 vpc.name missing", Spec: "permit: {external: {name: external-01, prefixes: [{prefix: 0.0.0.0/0}]}, " +
			"vpc: {name: '', subnets: [subnet-a]}}", Want: "vpc.name is required", Path: []any{"permit", "vpc", "name"}},
		{Name: "vpc.name left out", Spec: "permit: {external: {name: e}, vpc: {subnets: [a]}}",
			Want: "vpc.name is required", Path: []any{"permit", "vpc", "name"}},
		{Name: "external.name missing", Spec: "permit: {external: {name: ''}, vpc: {name: vpc-01}}",
			Want: "external.name is required", Path: []any{"permit", "external", "name"}},
		{Name: "empty prefix", Spec: "permit: {external: {name: e, prefixes: [{prefix: 10.0.0.0/8}, {prefix: ''}]}, vpc: {name: v}}",
			Want: "external.prefixes.prefix is required", Path: []any{"permit", "external", "prefixes", 1, "prefix"}},
		{Name: "no subnets, no prefixes", Spec: "permit: {external: {name: e}, vpc: {name: v}}"},
	})
	// A prefix that is no prefix: refused at plan time only (Hedgehog takes it).
	p := ExternalPeering.Check("p", kindtest.Spec(t, "permit: {external: {name: e, prefixes: [{prefix: any}]}, vpc: {name: v}}"))
	if len(p) != 1 || !p[0].PlanOnly || p[0].Message != `external.prefixes.prefix any is not an IPv4 prefix: netip.ParsePrefix("any"): no '/'` {
		t.Errorf("a prefix that is no prefix: %+v", p)
	}
	for _, spec := range []map[string]any{
		{"permit": kinds.Unknown},
		{"permit": map[string]any{"vpc": kinds.Unknown, "external": kinds.Unknown}},
		{"permit": map[string]any{"vpc": map[string]any{"name": kinds.Unknown}, "external": map[string]any{"name": "e",
			"prefixes": []any{map[string]any{"prefix": kinds.Unknown}}}}},
	} {
		if p := ExternalPeering.Check("p", spec); len(p) > 0 {
			t.Errorf("unknown values must not be checked: %v: %+v", spec, p)
		}
	}
}

// D-EXTPEER-1 and D-EXTPEER-2 of Hedgehog's defaulting examples.
func TestExternalPeeringDefaults(t *testing.T) {
	kindtest.CheckDefaults(t, ExternalPeering, []kindtest.Default{
		{Name: "D-EXTPEER-1 unsorted subnets and prefixes", Request: "permit: {vpc: {name: vpc-01, subnets: [sub-b, sub-a]}, " +
			"external: {name: ext-01, prefixes: [{prefix: 10.0.0.0/8}, {prefix: 0.0.0.0/0}]}}",
			Stored: "permit: {external: {name: ext-01, prefixes: [{prefix: 0.0.0.0/0}, {prefix: 10.0.0.0/8}]}, vpc: {name: vpc-01, subnets: [sub-a, sub-b]}}"},
		{Name: "D-EXTPEER-2 no subnets or prefixes", Request: "permit: {vpc: {name: vpc-01}, external: {name: ext-01}}",
			Stored: "permit: {external: {name: ext-01}, vpc: {name: vpc-01}}"},
	})
	spec := map[string]any{"permit": map[string]any{"vpc": map[string]any{"subnets": []any{"b", kinds.Unknown, "a"}}}}
	ExternalPeering.Default(spec)
	if l, _ := spec["permit"].(map[string]any)["vpc"].(map[string]any)["subnets"].([]any); l[0] != "b" {
		t.Errorf("a list with unknown elements must stay as it is: %v", l)
	}
}
