package health

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestKindReport(t *testing.T) {
	k := KindReport{Kind: Kind{Kind: "Fabric", GVR: schema.GroupVersionResource{Group: "wiring.githedgehog.com", Version: "v1alpha2",
		Resource: "fabrics"}}}
	if k.CRD() != "fabrics.wiring.githedgehog.com" {
		t.Fatalf("CRD name %q", k.CRD())
	}
	if k.Permitted() {
		t.Fatal("a kind whose rights were not checked is not permitted")
	}
	k.Allowed = []bool{true, true, true, true, true, true, true}
	if !k.Permitted() {
		t.Fatal("every verb allowed: permitted")
	}
	k.Allowed[6] = false
	if k.Permitted() {
		t.Fatal("delete denied: not permitted")
	}
}
