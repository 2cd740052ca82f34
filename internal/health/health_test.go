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

// A kind's problems are the cluster's where its CRD is installed, or where
// it cannot be told that it is not; always when required; never when only
// reported.
func TestCounting(t *testing.T) {
	for _, c := range []struct {
		counts Counting
		absent bool
		want   bool
	}{
		{CountsWhereInstalled, false, true}, {CountsWhereInstalled, true, false},
		{CountsAlways, true, true}, {CountsAlways, false, true},
		{CountsNever, false, false}, {CountsNever, true, false},
	} {
		k := KindReport{Kind: Kind{Counts: c.counts}, Absent: c.absent}
		if got := k.counts(); got != c.want {
			t.Errorf("counts %d, absent %v: got %v, want %v", c.counts, c.absent, got, c.want)
		}
	}
}
