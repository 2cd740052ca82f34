package kinds

import (
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

var statusAttr = Attr{Type: Object, Attrs: []Attr{
	{Name: "phase", JSON: "phase", Type: String},
	{Name: "count", JSON: "count", Type: Int64},
	{Name: "ok", JSON: "ok", Type: Bool},
	{Name: "labels", JSON: "labels", Type: Map, Elem: StringElem},
	{Name: "items", JSON: "items", Type: List, Elem: &Attr{Type: Object, Attrs: []Attr{
		{Name: "type", JSON: "type", Type: String},
		{Name: "observed_generation", JSON: "observedGeneration", Type: Int64},
	}}},
	{Name: "by_name", JSON: "by_name", Type: Map, Elem: &Attr{Type: Object, Attrs: []Attr{
		{Name: "state", JSON: "state", Type: String},
	}}},
	{Name: "extra", JSON: "extra", Type: FreeForm},
}}

// decode reads JSON as the Kubernetes API machinery does (int64 for
// integers, float64 for the rest).
func decode(raw []byte) (any, bool) {
	var j any
	if err := utiljson.Unmarshal(raw, &j); err != nil {
		return nil, false
	}
	return j, true
}

// roundTrip converts JSON into a Terraform value and back, and back again:
// the JSON must mean the same, and the second Terraform value must be the
// first.
func roundTrip(t *testing.T, a Attr, j any) {
	t.Helper()
	v, err := FromJSON(a, j)
	if err != nil {
		t.Fatalf("FromJSON(%#v): %v", j, err)
	}
	back, _, err := ToJSON(a, v)
	if err != nil {
		t.Fatalf("ToJSON(FromJSON(%#v)): %v", j, err)
	}
	v2, err := FromJSON(a, back)
	if err != nil {
		t.Fatalf("FromJSON(%#v): %v", back, err)
	}
	if !v.Equal(v2) {
		t.Fatalf("not an identity:\n%v\n%v", v, v2)
	}
	if a.Type == FreeForm && !Equivalent(j, back) {
		t.Fatalf("free-form JSON changed meaning: %#v -> %#v", j, back)
	}
}

func FuzzFreeFormRoundTrip(f *testing.F) {
	for _, seed := range []string{
		`{"mtu": 9000, "vlans": [10, 20], "ntp": {"servers": ["10.0.0.1"]}}`,
		`{"ratio": 1.5, "big": 1e3, "neg": -7, "empty": {}, "list": [], "flag": true, "none": null}`,
		`{"nested": [[1, 2], [{"a": "b"}], [null, "x"]]}`,
		`{"huge": 12345678901234567890, "tiny": 0.000001}`,
		`[1, "two", false]`, `"text"`, `42`, `{}`, `null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		j, ok := decode(raw)
		if !ok || j == nil {
			return
		}
		roundTrip(t, Attr{Name: "x", Type: FreeForm}, j)
	})
}

func FuzzObjectRoundTrip(f *testing.F) {
	for _, seed := range []string{
		`{"phase": "Ready", "count": 3, "ok": true, "labels": {"a": "b"},
		  "items": [{"type": "Ready", "observedGeneration": 2}], "by_name": {"leaf-1": {"state": "Ready"}}, "extra": {"k": [1]}}`,
		`{"phase": 7, "count": "x", "items": "nope", "by_name": [1], "labels": {"a": 1}}`,
		`{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		j, ok := decode(raw)
		if !ok {
			return
		}
		// Whatever the API server sends, conversion must not panic, and
		// gives either a value of the attribute's type that means the same
		// as the JSON, or an error that names a field of the wrong type —
		// never a silent zero.
		v, err := FromJSON(statusAttr, j)
		if err != nil {
			if !strings.Contains(err.Error(), "where") {
				t.Fatalf("error does not say what was expected: %v", err)
			}
			return
		}
		if !v.Type().Equal(statusAttr.tfType()) {
			t.Fatalf("type %s, want %s", v.Type(), statusAttr.tfType())
		}
		back, _, err := ToJSON(statusAttr, v)
		if err != nil {
			t.Fatalf("ToJSON: %v", err)
		}
		if !Equivalent(keepDeclared(statusAttr, j), back) {
			t.Fatalf("the value changed meaning: %#v -> %#v", j, back)
		}
	})
}

// keepDeclared drops what the declaration does not know (the API machinery
// would prune it too).
func keepDeclared(a Attr, j any) any {
	switch a.Type {
	case Object:
		m, ok := j.(map[string]any)
		if !ok {
			return j
		}
		out := map[string]any{}
		for _, sub := range a.Attrs {
			if v, ok := m[sub.JSON]; ok {
				out[sub.JSON] = keepDeclared(sub, v)
			}
		}
		return out
	case List:
		l, _ := j.([]any)
		out := make([]any, len(l))
		for i, e := range l {
			out[i] = keepDeclared(*a.Elem, e)
		}
		return out
	case Map:
		m, _ := j.(map[string]any)
		out := map[string]any{}
		for k, e := range m {
			if e != nil {
				out[k] = keepDeclared(*a.Elem, e)
			}
		}
		return out
	}
	return j
}

func TestFromJSONWrongTypes(t *testing.T) {
	for raw, want := range map[string]string{
		`{"count": "x"}`:    `count holds "x" where an integer was expected`,
		`{"count": 1.5}`:    `count holds the number 1.5 where an integer was expected`,
		`{"phase": 7}`:      `phase holds the number 7 where a string was expected`,
		`{"ok": "yes"}`:     `ok holds "yes" where true or false was expected`,
		`{"items": "nope"}`: `items holds "nope" where a list was expected`,
		`{"items": [{"observedGeneration": "2"}]}`: `items[0].observedGeneration holds "2" where an integer was expected`,
		`{"by_name": {"leaf-1": {"state": 3}}}`:    `by_name["leaf-1"].state holds the number 3 where a string was expected`,
		`{"labels": {"a": 1}}`:                     `labels["a"] holds the number 1 where a string was expected`,
	} {
		j, _ := decode([]byte(raw))
		_, err := fromJSON(statusAttr, j, "")
		if err == nil || err.Error() != want {
			t.Errorf("%s: got %v, want %q", raw, err, want)
		}
	}
}

func FuzzParseImportID(f *testing.F) {
	for _, seed := range []string{"ns/name", "name", "a/b/c", "/name", "ns/", "UPPER/x", "", strings.Repeat("a", 64)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		ns, name, err := ParseImportID(id, "hedgehog-system", false)
		if err != nil {
			return
		}
		// What parses names an object that this provider would accept.
		want := ns + "/" + name
		if ns == "hedgehog-system" && !strings.Contains(id, "/") {
			want = name
		}
		if want != id {
			t.Fatalf("ParseImportID(%q) = %q, %q", id, ns, name)
		}
		if again, n2, err := ParseImportID(ns+"/"+name, "other", false); err != nil || again != ns || n2 != name {
			t.Fatalf("the canonical form of %q does not parse back: %v", id, err)
		}
	})
}

func TestEquivalent(t *testing.T) {
	same := [][2]string{
		{`{"a": 1, "b": 2}`, `{"b": 2.0, "a": 1}`},
		{`{"x": 1.50}`, `{"x": 1.5}`},
		{`{"x": 1e3}`, `{"x": 1000}`},
		{`{"a": {}, "b": 1}`, `{"b": 1}`},
		{`{"a": [], "b": ""}`, `{}`},
		{`{}`, `null`},
		{`{"a": null}`, `{}`},
	}
	for _, c := range same {
		a, _ := decode([]byte(c[0]))
		b, _ := decode([]byte(c[1]))
		if !Equivalent(a, b) {
			t.Errorf("%s and %s should be equivalent", c[0], c[1])
		}
	}
	different := [][2]string{
		{`{"a": 1}`, `{"a": 2}`},
		{`{"a": [1, 2]}`, `{"a": [2, 1]}`},
		{`{"a": "1"}`, `{"a": 1}`},
		{`{"a": false}`, `{}`},
	}
	for _, c := range different {
		a, _ := decode([]byte(c[0]))
		b, _ := decode([]byte(c[1]))
		if Equivalent(a, b) {
			t.Errorf("%s and %s should differ", c[0], c[1])
		}
	}
}

func TestToJSONNumbers(t *testing.T) {
	for in, want := range map[string]any{"9000": int64(9000), "1.5": 1.5, "-3": int64(-3)} {
		f, _, _ := big.ParseFloat(in, 10, 512, big.ToNearestEven)
		got, ok, err := ToJSON(Attr{Type: FreeForm}, tftypes.NewValue(tftypes.Number, f))
		if err != nil || !ok || got != want {
			t.Errorf("ToJSON(%s) = %#v, want %#v (%v)", in, got, want, err)
		}
	}
	if _, _, err := ToJSON(Attr{Name: "x", Type: Int64}, tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)); err == nil {
		t.Error("an unknown value cannot be converted")
	}
}
