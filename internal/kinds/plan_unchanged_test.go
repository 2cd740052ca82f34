package kinds

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestUnchangedPlanKeepsServerMeta(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	unknown := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	prior := map[string]tftypes.Value{"name": str("a"), "workers": str("4"), "resource_version": str("7"), "generation": str("1")}
	plan := map[string]tftypes.Value{"name": str("a"), "workers": str("4"), "resource_version": unknown, "generation": unknown}
	if !unchanged(prior, plan) {
		t.Fatal("a plan that only predicted the server's values again is no change")
	}
	keepServerMeta(prior, plan)
	if !plan["resource_version"].Equal(str("7")) || !plan["generation"].Equal(str("1")) {
		t.Fatalf("server attributes not kept: %v", plan)
	}
	plan["workers"] = str("8")
	if unchanged(prior, plan) {
		t.Fatal("a changed attribute is a change")
	}
}
