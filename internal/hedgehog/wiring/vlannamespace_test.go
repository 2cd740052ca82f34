package wiring

import (
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// An invalid range is a plan-only rule: the API accepts the namespace and
// stores it without any range (see the defaults below).
func TestVLANNamespaceRules(t *testing.T) {
	runRules(t, VLANNamespace, []ruleCase{
		{name: "valid", spec: "ranges: [{from: 10, to: 1500}]"},
		{name: "one VLAN without to", spec: "ranges: [{from: 1500}]"},
		{name: "from above to", spec: "ranges: [{from: 1000, to: 1099}, {from: 2000, to: 1999}]",
			want: "invalid ranges: invalid range 1: from > to", path: []any{"ranges", 1, "to"}, planOnly: true},
		{name: "to beyond 4094", spec: "ranges: [{from: 3500, to: 4500}]",
			want: "invalid ranges: invalid range 0: to < 1 || to > 4094", path: []any{"ranges", 0, "to"}, planOnly: true},
		{name: "from beyond 4094", spec: "ranges: [{from: 4095}]",
			want: "invalid ranges: invalid range 0: from < 1 || from > 4094", path: []any{"ranges", 0, "from"}, planOnly: true},
		{name: "overlapping ranges, first pair once sorted", spec: "ranges: [{from: 200, to: 300}, {from: 150, to: 300}, {from: 100, to: 250}]",
			want: "ranges overlap with Fabric reserved VLANs: VLAN ranges overlap: 100-250 and 150-300", path: []any{"ranges"}},
		{name: "overlap of two ranges", spec: "ranges: [{from: 1000, to: 1999}, {from: 1500, to: 2500}]",
			want: "ranges overlap with Fabric reserved VLANs: VLAN ranges overlap: 1000-1999 and 1500-2500", path: []any{"ranges"}},
		{name: "a to equal to the next from overlaps", spec: "ranges: [{from: 1000, to: 1100}, {from: 1100}]",
			want: "ranges overlap with Fabric reserved VLANs: VLAN ranges overlap: 1000-1100 and 1100-1100", path: []any{"ranges"}},
	})
	// Values not known at plan time skip the rules.
	if p := VLANNamespace.Check("ns", map[string]any{"ranges": []any{map[string]any{"from": kinds.Unknown}}}); len(p) > 0 {
		t.Errorf("unknown values must not be checked: %+v", p)
	}
}

func TestVLANNamespaceDefaults(t *testing.T) {
	runDefaults(t, VLANNamespace, []defaultCase{
		{"sorted, to filled in", "ranges: [{from: 2000, to: 2099}, {from: 1500}, {from: 1000, to: 1099}]",
			"ranges: [{from: 1000, to: 1099}, {from: 1500, to: 1500}, {from: 2000, to: 2099}]"},
		{"overlaps are not merged", "ranges: [{from: 1000, to: 1999}, {from: 1500, to: 2500}]",
			"ranges: [{from: 1000, to: 1999}, {from: 1500, to: 2500}]"},
		{"an invalid range drops them all", "ranges: [{from: 1000, to: 5000}]", "{}"},
		{"no ranges", "{}", "{}"},
	})
}
