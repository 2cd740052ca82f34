package provider

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func fabricWithStatus(generation int64, status map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"status": status}}
	u.SetGeneration(generation)
	return u
}

func readyCondition(status string, generation int64) []any {
	return []any{map[string]any{"type": "Ready", "status": status, "observedGeneration": generation}}
}

func TestFabricReady(t *testing.T) {
	cases := []struct {
		name    string
		fabric  *unstructured.Unstructured
		ready   bool
		failure bool
	}{
		{"pending", fabricWithStatus(1, map[string]any{"phase": "Pending"}), false, false},
		{"ready now", fabricWithStatus(3, map[string]any{"phase": "Ready", "conditions": readyCondition("True", 3)}), true, false},
		{"ready for an older generation", fabricWithStatus(3, map[string]any{"phase": "Ready", "conditions": readyCondition("True", 2)}), false, false},
		{"failed now", fabricWithStatus(2, map[string]any{"phase": "Failed", "sync_error": "leaf-1 down", "conditions": readyCondition("False", 2)}), false, true},
		{"failed for an older generation", fabricWithStatus(3, map[string]any{"phase": "Failed", "conditions": readyCondition("False", 2)}), false, false},
		{"no conditions, phase decides", fabricWithStatus(5, map[string]any{"phase": "Ready"}), true, false},
	}
	for _, c := range cases {
		ready, err := fabricReady(c.fabric)
		if ready != c.ready || (err != nil) != c.failure {
			t.Errorf("%s: ready=%v err=%v", c.name, ready, err)
		}
	}
	_, err := fabricReady(fabricWithStatus(1, map[string]any{"phase": "Failed", "sync_error": "leaf-1 down"}))
	if err == nil || err.Error() != "the fabric operator reports status.phase Failed: leaf-1 down" {
		t.Errorf("failure message: %v", err)
	}
}
