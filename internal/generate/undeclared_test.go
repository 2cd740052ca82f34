package generate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

const lost = "zzUndeclared"

// inject adds a field no declaration has into every object of a value, as
// its declaration shapes it, and returns the paths it added.
func inject(a kinds.Attr, v any, at string) []string {
	var out []string
	switch a.Type {
	case kinds.Object:
		m, _ := v.(map[string]any)
		if m == nil {
			return nil
		}
		for _, sub := range a.Attrs {
			if e, ok := m[sub.JSON]; ok {
				out = append(out, inject(sub, e, at+"."+sub.JSON)...)
			}
		}
		m[lost] = "kept by the API"
		out = append(out, at+"."+lost)
	case kinds.Map:
		m, _ := v.(map[string]any)
		for key, e := range m {
			out = append(out, inject(*a.Elem, e, fmt.Sprintf("%s[%q]", at, key))...)
		}
	case kinds.List, kinds.Set:
		l, _ := v.([]any)
		for i, e := range l {
			out = append(out, inject(*a.Elem, e, fmt.Sprintf("%s[%d]", at, i))...)
		}
	}
	return out
}

// Every field of every fixture object that no attribute holds — at the top
// of the spec, in nested objects, in list elements and in map values — is
// named in the report and in the configuration, and written in no
// resource. So is metadata that no resource holds, and an unknown member
// beside the spec.
func TestEveryDroppedFieldIsNamed(t *testing.T) {
	var objs []Object
	var want []string
	for _, file := range []string{"testdata/vlab-fabric.yaml", "testdata/lab-wiring.yaml"} {
		for _, o := range read(t, file).objs {
			if o.U.Object["spec"] == nil {
				o.U.Object["spec"] = map[string]any{}
			}
			for _, p := range inject(kinds.Attr{Type: kinds.Object, Attrs: o.Kind.Spec}, o.U.Object["spec"], "spec") {
				want = append(want, fmt.Sprintf("%s %s: %s", o.Kind.Kind, o.U.GetName(), p))
			}
			objs = append(objs, o)
		}
	}
	first := objs[0]
	first.U.Object["extra"] = map[string]any{"note": "x"}
	first.U.SetFinalizers([]string{"example.com/keep"})
	want = append(want, fmt.Sprintf("%s %s: extra", first.Kind.Kind, first.U.GetName()),
		fmt.Sprintf("%s %s: metadata.finalizers", first.Kind.Kind, first.U.GetName()))
	nested, inList, inMap := 0, 0, 0
	for _, w := range want {
		switch {
		case strings.Contains(w, `"]`):
			inMap++
		case strings.Contains(w, "]"):
			inList++
		case strings.Count(w, ".") > 1:
			nested++
		}
	}
	if nested == 0 || inList == 0 || inMap == 0 {
		t.Fatalf("the fixtures should exercise nested objects (%d), list elements (%d) and map values (%d)", nested, inList, inMap)
	}

	out, r := generate(t, source{objs: objs}, true)
	notes := strings.Join(r.Notes, "\n")
	for _, w := range want {
		note := w + " is left out: no attribute of hedgehog_"
		if !strings.Contains(notes, note) {
			t.Errorf("the report does not name %s", w)
		}
		if !strings.Contains(out, "# - "+note) {
			t.Errorf("the configuration does not name %s", w)
		}
	}
	if len(r.Notes) != len(want) {
		t.Errorf("%d notes for %d dropped fields:\n%s", len(r.Notes), len(want), notes)
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") && strings.Contains(line, lost) {
			t.Errorf("a resource holds a field no attribute declares: %s", line)
		}
	}
	if r.Resources != len(objs) {
		t.Errorf("%d resources written for %d objects", r.Resources, len(objs))
	}
}

// Empty values (the server's {} and []) lose nothing and are not named.
func TestEmptyUndeclaredValuesAreNotNamed(t *testing.T) {
	o := read(t, "testdata/lab-wiring.yaml").objs[0]
	spec, _ := o.U.Object["spec"].(map[string]any)
	spec["status"] = map[string]any{}
	spec["list"] = []any{}
	if got := Undeclared(o.Kind, o.U); len(got) != 0 {
		t.Fatalf("got %q", got)
	}
}
