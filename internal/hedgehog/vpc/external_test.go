package vpc

import (
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// The cases named EXT-* are Hedgehog's validation vectors for Externals:
// the same objects, and the messages the real webhook returned.
func TestExternalRules(t *testing.T) {
	runExtRules(t, External, []extRule{
		{name: "EXT-01 BGP with both communities", object: "valid-bgp",
			spec: "{ipv4Namespace: default, inboundCommunity: '50000:1001', outboundCommunity: '50000:1002'}"},
		{name: "EXT-02 name too long", object: "this-is-a-name-longer-than-possible",
			spec: "{ipv4Namespace: default, inboundCommunity: '50000:1001', outboundCommunity: '50000:1002'}",
			want: "name this-is-a-name-longer-than-possible is too long, must be <= 11 characters", path: []any{"metadata", "name"}},
		{name: "EXT-06 inbound community not N:N", object: "invalid-bgp", spec: "{ipv4Namespace: default, inboundCommunity: InboundCommunity}",
			want: "inboundCommunity InboundCommunity is not a valid community, example 50000:50001", path: []any{"inboundCommunity"}},
		{name: "outbound community beyond 16 bits", object: "e", spec: "{outboundCommunity: '65536:1'}",
			want: "outboundCommunity 65536:1 is not a valid community, example 50000:50001", path: []any{"outboundCommunity"}},
		{name: "community with a leading zero", object: "e", spec: "{inboundCommunity: '065000:1'}",
			want: "inboundCommunity 065000:1 is not a valid community, example 50000:50001", path: []any{"inboundCommunity"}},
		{name: "communities at the bounds", object: "e", spec: "{inboundCommunity: '0:65535', outboundCommunity: '65535:0'}"},
		{name: "BGP without communities", object: "e", spec: "{}"},
		{name: "EXT-08 static with 0.0.0.0/0", object: "valid-st", spec: "{ipv4Namespace: default, static: {prefixes: [0.0.0.0/0]}}"},
		{name: "EXT-09 static with a community", object: "invalid-st",
			spec: "{ipv4Namespace: default, inboundCommunity: '50000:1001', static: {prefixes: [0.0.0.0/0]}}",
			want: "inboundCommunity and outboundCommunity must be empty when static configuration is present",
			path: []any{"inboundCommunity"}},
		{name: "EXT-11 static without prefixes", object: "invalid-st", spec: "{ipv4Namespace: default, static: {prefixes: []}}",
			want: "at least one prefix must be specified for static externals", path: []any{"static", "prefixes"}},
		{name: "static, prefixes left out", object: "invalid-st", spec: "{static: {}}",
			want: "at least one prefix must be specified for static externals", path: []any{"static", "prefixes"}},
		{name: "EXT-12 overlapping prefixes", object: "invalid-st", spec: "{ipv4Namespace: default, static: {prefixes: [0.0.0.0/0, 10.10.0.0/24]}}",
			want: "static prefixes 0.0.0.0/0 and 10.10.0.0/24 overlap with each other", path: []any{"static", "prefixes", 1}},
		{name: "invalid prefix", object: "e", spec: "{static: {prefixes: [10.0.0.0/8, 10.1.0.0/33]}}",
			want: `invalid prefix 10.1.0.0/33 in static external configuration: netip.ParsePrefix("10.1.0.0/33"): prefix length out of range`,
			path: []any{"static", "prefixes", 1}},
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
	runExtDefaults(t, External, [][3]string{
		{"D-EXT-1 IPv4 namespace left out", "{inboundCommunity: '65102:5000', outboundCommunity: '5000:65102'}",
			"{inboundCommunity: '65102:5000', ipv4Namespace: default, outboundCommunity: '5000:65102'}"},
		{"D-EXT-2 static: unchanged", "{ipv4Namespace: default, static: {prefixes: [0.0.0.0/0]}}",
			"{ipv4Namespace: default, static: {prefixes: [0.0.0.0/0]}}"},
		{"prefixes keep their order", "{ipv4Namespace: ns-1, static: {prefixes: [10.2.0.0/16, 10.1.0.0/16]}}",
			"{ipv4Namespace: ns-1, static: {prefixes: [10.2.0.0/16, 10.1.0.0/16]}}"},
	})
}
