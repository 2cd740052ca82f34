package fabricsim

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestStatus(t *testing.T) {
	f := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"spine_count": int64(2), "leaf_count": int64(3)}}}
	f.SetGeneration(4)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	s := Status(f, now)
	if s["phase"] != "Ready" || s["last_sync_time"] != "2026-01-02T03:04:05Z" {
		t.Fatalf("status %v", s)
	}
	spines, _, _ := unstructured.NestedMap(s, "spine_status")
	leaves, _, _ := unstructured.NestedMap(s, "leaf_status")
	if len(spines) != 2 || len(leaves) != 3 {
		t.Fatalf("switches %v %v", spines, leaves)
	}
	if _, ok := leaves["leaf-3"]; !ok {
		t.Fatal("leaf-3 missing")
	}
	if readyGeneration(s) != 4 {
		t.Fatalf("Ready condition for generation %d, want 4", readyGeneration(s))
	}
	f.SetAnnotations(map[string]string{FailAnnotation: "boom"})
	failed := Status(f, now)
	if failed["phase"] != "Failed" || failed["sync_error"] != "boom" {
		t.Fatalf("failed status %v", failed)
	}
	if sameOutcome(s, failed) {
		t.Fatal("Ready and Failed are different outcomes")
	}
	f.SetAnnotations(nil)
	if !sameOutcome(s, Status(f, now.Add(time.Hour))) {
		t.Fatal("a later Ready for the same generation is the same outcome (no status write loop)")
	}
}
