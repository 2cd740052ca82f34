package acctest

import (
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// version is an Agent as the provider may receive it: its UID, generation,
// last applied generation and whether it carries the change.
func version(uid string, gen, appliedGen int64, carries bool) *unstructured.Unstructured {
	spec := map[string]any{}
	if carries {
		spec["vpcs"] = map[string]any{"v": map[string]any{}}
	}
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec,
		"status": map[string]any{"lastAppliedGen": appliedGen}}}
	u.SetUID(types.UID("uid-" + uid))
	u.SetGeneration(gen)
	return u
}

func carriesV(spec map[string]any) bool {
	vpcs, _ := spec["vpcs"].(map[string]any)
	_, ok := vpcs["v"]
	return ok
}

func TestAppliedIn(t *testing.T) {
	for _, c := range []struct {
		name     string
		versions []*unstructured.Unstructured
		change   int64
		applied  bool
	}{
		{"applied", []*unstructured.Unstructured{version("a", 1, 1, false), version("a", 2, 1, true), version("a", 2, 2, true)}, 2, true},
		{"carried, never applied", []*unstructured.Unstructured{version("a", 1, 1, false), version("a", 2, 1, true)}, 2, false},
		{"an earlier generation applied only", []*unstructured.Unstructured{version("a", 4, 3, true)}, 4, false},
		// Other changes raised the generation; the one applied is past the change.
		{"applied later", []*unstructured.Unstructured{version("a", 2, 1, true), version("a", 3, 1, true), version("a", 3, 3, true)}, 2, true},
		{"removed since", []*unstructured.Unstructured{version("a", 2, 2, true), version("a", 3, 2, false)}, 0, false},
		{"carried again, not applied again", []*unstructured.Unstructured{version("a", 2, 2, true), version("a", 3, 3, false),
			version("a", 4, 3, true)}, 4, false},
		{"a new Agent starts over", []*unstructured.Unstructured{version("a", 2, 2, true), version("b", 1, 0, true)}, 1, false},
		{"never received", nil, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			change, applied, _ := AppliedIn(c.versions, carriesV)
			if change != c.change || applied != c.applied {
				t.Errorf("change %d, applied %v; want %d, %v", change, applied, c.change, c.applied)
			}
		})
	}
}

func TestDecodeAgents(t *testing.T) {
	agentJSON := func(rv int) string {
		return fmt.Sprintf(`{"kind":"Agent","metadata":{"name":"leaf","resourceVersion":"%d","generation":3},"status":{"lastAppliedGen":2}}`, rv)
	}
	for _, c := range []struct {
		name, body string
		want       int
	}{
		{"an object", agentJSON(1), 1},
		{"a list", `{"kind":"AgentList","items":[` + agentJSON(1) + `,` + agentJSON(2) + `]}`, 2},
		{"a watch, its last event cut short", `{"type":"ADDED","object":` + agentJSON(1) + "}\n" +
			`{"type":"BOOKMARK","object":{"kind":"Agent","metadata":{"resourceVersion":"5"}}}` + "\n" +
			`{"type":"MODIFIED","object":` + agentJSON(6) + "}\n" + `{"type":"MODIFIED","obj`, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := DecodeAgents([]byte(c.body))
			if len(got) != c.want {
				t.Fatalf("%d objects, want %d", len(got), c.want)
			}
			if applied, _, _ := unstructured.NestedInt64(got[0].Object, "status", "lastAppliedGen"); applied != 2 || got[0].GetGeneration() != 3 {
				t.Errorf("numbers read as %v", got[0].Object)
			}
		})
	}
}

// A carried copy may hold the object's fabric annotations; nothing else
// the object lacks.
func TestSameSpec(t *testing.T) {
	spec := map[string]any{"subnet": "v/default", "nativeVLAN": true}
	if err := SameSpec(map[string]any{"subnet": "v/default", "nativeVLAN": true, "annotations": map[string]any{"a": "b"}}, spec); err != nil {
		t.Error(err)
	}
	if SameSpec(map[string]any{"subnet": "v/default", "nativeVLAN": false}, spec) == nil {
		t.Error("another nativeVLAN passed")
	}
	if SameSpec(map[string]any{"subnet": "v/default", "nativeVLAN": true, "connection": "c"}, spec) == nil {
		t.Error("a field the object lacks passed")
	}
}
