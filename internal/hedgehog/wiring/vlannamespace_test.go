package wiring

import (
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
)

// An invalid range is a plan-only rule: the API accepts the namespace and
// stores it without any range (see the defaults below).
func TestVLANNamespaceRules(t *testing.T) {
	kindtest.CheckRules(t, VLANNamespace, []kindtest.Rule{
		{Name: "valid", Spec: "ranges: [{from: 10, to: 1500}]"},
		{Name: "one VLAN without to", Spec: "ranges: [{from: 1500}]"},
		{Name: "from above to", Spec: "ranges: [{from: 1000, to: 1099}, {from: 2000, to: 1999}]",
			Want: "invalid ranges: invalid range 1: from > to", Path: []any{"ranges", 1, "to"}, PlanOnly: true},
		{Name: "to beyond 4094", Spec: "ranges: [{from: 3500, to: 4500}]",
			Want: "invalid ranges: invalid range 0: to < 1 || to > 4094", Path: []any{"ranges", 0, "to"}, PlanOnly: true},
		{Name: "from beyond 4094", Spec: "ranges: [{from: 4095}]",
			Want: "invalid ranges: invalid range 0: from < 1 || from > 4094", Path: []any{"ranges", 0, "from"}, PlanOnly: true},
		{Name: "overlapping ranges, first pair once sorted", Spec: "ranges: [{from: 200, to: 300}, {from: 150, to: 300}, {from: 100, to: 250}]",
			Want: "ranges overlap with Fabric reserved VLANs: VLAN ranges overlap: 100-250 and 150-300", Path: []any{"ranges"}},
		{Name: "overlap of two ranges", Spec: "ranges: [{from: 1000, to: 1999}, {from: 1500, to: 2500}]",
			Want: "ranges overlap with Fabric reserved VLANs: VLAN ranges overlap: 1000-1999 and 1500-2500", Path: []any{"ranges"}},
		{Name: "a to equal to the next from overlaps", Spec: "ranges: [{from: 1000, to: 1100}, {from: 1100}]",
			Want: "ranges overlap with Fabric reserved VLANs: VLAN ranges overlap: 1000-1100 and 1100-1100", Path: []any{"ranges"}},
	})
	// Values not known at plan time skip the rules.
	if p := VLANNamespace.Check("ns", map[string]any{"ranges": []any{map[string]any{"from": kinds.Unknown}}}); len(p) > 0 {
		t.Errorf("unknown values must not be checked: %+v", p)
	}
}

func TestVLANNamespaceDefaults(t *testing.T) {
	kindtest.CheckDefaults(t, VLANNamespace, []kindtest.Default{
		{Name: "sorted, to filled in", Request: "ranges: [{from: 2000, to: 2099}, {from: 1500}, {from: 1000, to: 1099}]",
			Stored: "ranges: [{from: 1000, to: 1099}, {from: 1500, to: 1500}, {from: 2000, to: 2099}]"},
		{Name: "overlaps are not merged", Request: "ranges: [{from: 1000, to: 1999}, {from: 1500, to: 2500}]",
			Stored: "ranges: [{from: 1000, to: 1999}, {from: 1500, to: 2500}]"},
		{Name: "an invalid range drops them all", Request: "ranges: [{from: 1000, to: 5000}]", Stored: "{}"},
		{Name: "no ranges", Request: "{}", Stored: "{}"},
	})
}
