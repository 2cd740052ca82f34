package vpc

import (
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
)

// The cases named EXT-* are Hedgehog's validation vectors for Externals:
// the same objects, and the messages the real webhook returned.
func TestExternalRules(t *testing.T) {
	kindtest.CheckRules(t, External, []kindtest.Rule{
		{Name: "EXT-01 BGP with both communities", Object: "valid-bgp",
			Spec: "{ipv4Namespace: default, inboundCommunity: '50000:1001', outboundCommunity: '50000:1002'}"},
		{Name: "EXT-02 name too long", Object: "this-is-a-name-longer-than-possible",
			Spec: "{ipv4Namespace: default, inboundCommunity: '50000:1001', outboundCommunity: '50000:1002'}",
			Want: "name this-is-a-name-longer-than-possible is too long, must be <= 11 characters", Path: []any{"metadata", "name"}},
		{Name: "EXT-06 inbound community not N:N", Object: "invalid-bgp", Spec: "{ipv4Namespace: default, inboundCommunity: InboundCommunity}",
			Want: "inboundCommunity InboundCommunity is not a valid community, example 50000:50001", Path: []any{"inboundCommunity"}},
		{Name: "outbound community beyond 16 bits", Object: "e", Spec: "{outboundCommunity: '65536:1'}",
			Want: "outboundCommunity 65536:1 is not a valid community, example 50000:50001", Path: []any{"outboundCommunity"}},
		{Name: "community with a leading zero", Object: "e", Spec: "{inboundCommunity: '065000:1'}",
			Want: "inboundCommunity 065000:1 is not a valid community, example 50000:50001", Path: []any{"inboundCommunity"}},
		{Name: "communities at the bounds", Object: "e", Spec: "{inboundCommunity: '0:65535', outboundCommunity: '65535:0'}"},
		{Name: "BGP without communities", Object: "e", Spec: "{}"},
		{Name: "EXT-08 static with 0.0.0.0/0", Object: "valid-st", Spec: "{ipv4Namespace: default, static: {prefixes: [0.0.0.0/0]}}"},
		{Name: "EXT-09 static with a community", Object: "invalid-st",
			Spec: "{ipv4Namespace: default, inboundCommunity: '50000:1001', static: {prefixes: [0.0.0.0/0]}}",
			Want: "inboundCommunity and outboundCommunity must be empty when static configuration is present",
			Path: []any{"inboundCommunity"}},
		{Name: "EXT-11 static without prefixes", Object: "invalid-st", Spec: "{ipv4Namespace: default, static: {prefixes: []}}",
			Want: "at least one prefix must be specified for static externals", Path: []any{"static", "prefixes"}},
		{Name: "static, prefixes left out", Object: "invalid-st", Spec: "{static: {}}",
			Want: "at least one prefix must be specified for static externals", Path: []any{"static", "prefixes"}},
		{Name: "EXT-12 overlapping prefixes", Object: "invalid-st", Spec: "{ipv4Namespace: default, static: {prefixes: [0.0.0.0/0, 10.10.0.0/24]}}",
			Want: "static prefixes 0.0.0.0/0 and 10.10.0.0/24 overlap with each other", Path: []any{"static", "prefixes", 1}},
		{Name: "invalid prefix", Object: "e", Spec: "{static: {prefixes: [10.0.0.0/8, 10.1.0.0/33]}}",
			Want: `invalid prefix 10.1.0.0/33 in static external configuration: netip.ParsePrefix("10.1.0.0/33"): prefix length out of range`,
			Path: []any{"static", "prefixes", 1}},
	})
	// Values not known at plan time skip the rules.
	for _, spec := range []map[string]any{
		{"static": kinds.Unknown, "inboundCommunity": "x"},
		{"static": map[string]any{"prefixes": kinds.Unknown}},
		{"static": map[string]any{"prefixes": []any{"0.0.0.0/0", kinds.Unknown}}},
		{"inboundCommunity": kinds.Unknown},
	} {
		if p := External.Check("e", spec); len(p) > 0 {
			t.Errorf("unknown values must not be checked: %v: %+v", spec, p)
		}
	}
}

// D-EXT-1 and D-EXT-2 of Hedgehog's defaulting examples.
func TestExternalDefaults(t *testing.T) {
	kindtest.CheckDefaults(t, External, []kindtest.Default{
		{Name: "D-EXT-1 IPv4 namespace left out", Request: "{inboundCommunity: '65102:5000', outboundCommunity: '5000:65102'}",
			Stored: "{inboundCommunity: '65102:5000', ipv4Namespace: default, outboundCommunity: '5000:65102'}"},
		{Name: "D-EXT-2 static: unchanged", Request: "{ipv4Namespace: default, static: {prefixes: [0.0.0.0/0]}}",
			Stored: "{ipv4Namespace: default, static: {prefixes: [0.0.0.0/0]}}"},
		{Name: "prefixes keep their order", Request: "{ipv4Namespace: ns-1, static: {prefixes: [10.2.0.0/16, 10.1.0.0/16]}}",
			Stored: "{ipv4Namespace: ns-1, static: {prefixes: [10.2.0.0/16, 10.1.0.0/16]}}"},
	})
}
