package kinds

import (
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// gizmo declares defaults at both levels and a label the server computes.
var gizmo = &Kind{
	TypeName: "gizmo", Kind: "Gizmo", Plural: "gizmos", Group: "example.com", Version: "v1",
	Spec: []Attr{
		{Name: "size", JSON: "size", Type: Int64, Default: int64(1)},
		{Name: "count", JSON: "count", Type: Int64, Default: int64(0), OmitZero: true},
		{Name: "ports", JSON: "ports", Type: Map, Elem: &Attr{Type: Object, Attrs: []Attr{
			{Name: "speed", JSON: "speed", Type: String, Default: "10G"},
			{Name: "mtu", JSON: "mtu", Type: Int64},
		}}},
		{Name: "mode", JSON: "mode", Type: String, Computed: true},
	},
	Default: func(spec map[string]any) {
		if spec["mode"] == nil {
			spec["mode"] = "auto"
		}
	},
	ServerLabel: func(key string) bool { return key == "example.com/computed" },
}

func TestStoredFillsTheDeclaredDefaults(t *testing.T) {
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "example.com/v1", "kind": "Gizmo",
		"metadata": map[string]any{"name": "g"}}}
	spec := map[string]any{"ports": map[string]any{"e1": map[string]any{"mtu": int64(9000)}, "e2": nil}}
	got := gizmo.stored(obj, spec)
	want := map[string]any{
		"size":  int64(1),
		"ports": map[string]any{"e1": map[string]any{"mtu": int64(9000), "speed": "10G"}, "e2": nil},
		"mode":  "auto",
	}
	if !reflect.DeepEqual(got.Object["spec"], want) {
		t.Errorf("stored spec = %#v, want %#v (the zero count left out: the API drops it)", got.Object["spec"], want)
	}
	if _, ok := spec["size"]; ok || obj.Object["spec"] != nil {
		t.Error("stored changed what it was given")
	}
	if got.GetName() != "g" {
		t.Error("stored lost the metadata")
	}
}

func TestRecomputed(t *testing.T) {
	for path, want := range map[[3]string]bool{
		{"metadata", "labels", "example.com/computed"}:      true,
		{"metadata", "annotations", "example.com/computed"}: true,
		{"metadata", "labels", "site"}:                      false,
		{"spec", "labels", "example.com/computed"}:          false,
	} {
		if got := gizmo.recomputed(path[:]); got != want {
			t.Errorf("recomputed(%v) = %v, want %v", path, got, want)
		}
	}
	if widget.recomputed([]string{"metadata", "labels", "x"}) {
		t.Error("a kind without ServerLabel recomputes nothing")
	}
}
