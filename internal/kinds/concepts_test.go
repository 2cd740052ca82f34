package kinds

import (
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// A list filter is one more term of the label selector; filters left out add
// nothing, and the configuration's own selector comes first.
func TestListSelectorJoinsFilters(t *testing.T) {
	k := &Kind{ListFilters: []ListFilter{
		{Name: "switch", Selector: func(v string) string { return "switch.example.com/" + v + "=true" }},
		{Name: "type", Selector: func(v string) string { return "example.com/type=" + v }},
	}}
	for _, c := range []struct {
		given   string
		filters map[string]string
		want    string
	}{
		{"", nil, ""},
		{"site=ams1", nil, "site=ams1"},
		{"", map[string]string{"type": "fabric"}, "example.com/type=fabric"},
		{"site=ams1", map[string]string{"type": "fabric", "switch": "leaf-01"},
			"site=ams1,switch.example.com/leaf-01=true,example.com/type=fabric"},
	} {
		if got := k.listSelector(c.given, c.filters); got != c.want {
			t.Errorf("listSelector(%q, %v) = %q, want %q", c.given, c.filters, got, c.want)
		}
	}
}

// Keys the server computes are never read into the state, among annotations
// as among labels.
func TestServerKeysStayOutOfTheState(t *testing.T) {
	k := &Kind{ServerLabel: func(key string) bool { return key == "server.example.com/x" }}
	u := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{
		"name": "a", "namespace": "default",
		"labels":      map[string]any{"server.example.com/x": "1", "team": "net"},
		"annotations": map[string]any{"server.example.com/x": "1", "note": "hi"},
	}}}
	vals := k.metaValues(u, nil, imported)
	for _, field := range []string{"labels", "annotations"} {
		var m map[string]tftypes.Value
		if err := vals[field].As(&m); err != nil {
			t.Fatal(err)
		}
		if _, ok := m["server.example.com/x"]; ok || len(m) != 1 {
			t.Errorf("%s = %v, want only the user's key", field, m)
		}
	}
}

// A Computed set that the configuration sets, and that the webhook adds to
// (a switch's groups gain its redundancy group): no difference while the
// server stores what the configuration means.
func TestComputedSetTheConfigurationSets(t *testing.T) {
	k := &Kind{Kind: "Box", Spec: []Attr{
		{Name: "group", JSON: "group", Type: String},
		{Name: "groups", JSON: "groups", Type: Set, Elem: StringElem, Computed: true},
	}, Default: func(spec map[string]any) {
		if g, ok := spec["group"].(string); ok {
			l, _ := spec["groups"].([]any)
			if !slices.Contains(l, any(g)) {
				spec["groups"] = append(l, g)
			}
		}
	}}
	set := func(s ...string) tftypes.Value {
		var vals []tftypes.Value
		for _, e := range s {
			vals = append(vals, tftypes.NewValue(tftypes.String, e))
		}
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, vals)
	}
	prior := map[string]tftypes.Value{"group": tftypes.NewValue(tftypes.String, "b"), "groups": set("a")}
	u := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": "x", "namespace": "n"},
		"spec": map[string]any{"group": "b", "groups": []any{"a", "b"}}}}
	vals, err := k.stateValues(u, prior, refreshed)
	if err != nil {
		t.Fatal(err)
	}
	if !vals["groups"].Equal(set("a")) {
		t.Errorf("groups = %v, want the configuration's [a]", vals["groups"])
	}
	// Someone else's change is still read.
	u.Object["spec"] = map[string]any{"group": "b", "groups": []any{"a", "b", "c"}}
	vals, _ = k.stateValues(u, prior, refreshed)
	if !vals["groups"].Equal(set("a", "b", "c")) {
		t.Errorf("groups = %v, want the server's [a b c]", vals["groups"])
	}
}
