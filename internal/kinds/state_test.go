package kinds

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// widget is a kind with every shape the engine handles; its Default stands
// for a webhook that fills in gateways and sorts tags.
var widget = &Kind{
	TypeName: "widget", Kind: "Widget", Plural: "widgets", Group: "example.com", Version: "v1",
	Spec: []Attr{
		{Name: "count", JSON: "count", Type: Int64},
		{Name: "mode", JSON: "mode", Type: String, Computed: true},
		{Name: "tags", JSON: "tags", Type: Set, Elem: StringElem},
		{Name: "extra", JSON: "extra", Type: FreeForm},
		{Name: "permit", JSON: "permit", Type: List, Elem: &Attr{Type: List, Elem: StringElem}},
		{Name: "subnets", JSON: "subnets", Type: Map, Elem: &Attr{Type: Object, Attrs: []Attr{
			{Name: "subnet", JSON: "subnet", Type: String},
			{Name: "gateway", JSON: "gateway", Type: String, Computed: true},
			{Name: "host_bgp", JSON: "hostBGP", Type: Bool, OmitZero: true},
		}}},
	},
	Default: func(spec map[string]any) {
		if spec["mode"] == nil {
			spec["mode"] = "l2"
		}
		subnets, _ := spec["subnets"].(map[string]any)
		for _, s := range subnets {
			m, _ := s.(map[string]any)
			if m["gateway"] == nil {
				if cidr, ok := m["subnet"].(string); ok {
					m["gateway"] = strings.TrimSuffix(cidr, ".0/24") + ".1"
				}
			}
		}
	},
}

// values builds the attributes of a widget state from JSON written with
// Terraform names (absent attributes are null).
func values(t *testing.T, raw string) map[string]tftypes.Value {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "w")}
	for _, a := range widget.Spec {
		v, err := fromJSON(renamed(a), m[a.Name], a.Name)
		if err != nil {
			t.Fatal(err)
		}
		out[a.Name] = v
	}
	return out
}

// renamed is a declaration whose JSON names are the Terraform names, to
// write test values in Terraform's terms.
func renamed(a Attr) Attr {
	a.JSON = a.Name
	if a.Elem != nil {
		e := renamed(*a.Elem)
		a.Elem = &e
	}
	attrs := make([]Attr, len(a.Attrs))
	for i, sub := range a.Attrs {
		attrs[i] = renamed(sub)
	}
	a.Attrs = attrs
	return a
}

func object(t *testing.T, spec string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON([]byte(`{"apiVersion": "example.com/v1", "kind": "Widget",
		"metadata": {"name": "w", "namespace": "ns", "uid": "u1"}, "spec": ` + spec + `}`)); err != nil {
		t.Fatal(err)
	}
	return u
}

func specOf(t *testing.T, vals map[string]tftypes.Value) string {
	t.Helper()
	spec, err := widget.specJSON(vals, false)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(spec)
	return string(raw)
}

func TestRefreshManagesOnlyWhatThePriorStateHolds(t *testing.T) {
	cases := []struct {
		name, prior, cluster, want string
	}{
		{"fields set by others are not drift",
			`{"count": 1}`,
			`{"count": 1, "tags": ["a"], "extra": {"lldp": true}, "permit": [["x", "y"]]}`,
			`{"count": 1, "mode": "l2"}`},
		{"a key set by others inside a free-form value is not drift",
			`{"extra": {"mtu": 9000}}`,
			`{"extra": {"mtu": 9000, "lldp": true}}`,
			`{"extra": {"mtu": 9000}, "mode": "l2"}`},
		{"a key of ours changed inside a free-form value is drift",
			`{"extra": {"mtu": 9000, "ntp": {"server": "a"}}}`,
			`{"extra": {"mtu": 1500, "ntp": {"server": "a", "other": 1}}}`,
			`{"extra": {"mtu": 1500, "ntp": {"server": "a"}}, "mode": "l2"}`},
		{"a field of ours changed is drift",
			`{"count": 1, "tags": ["b", "a"]}`,
			`{"count": 2, "tags": ["a"]}`,
			`{"count": 2, "tags": ["a"], "mode": "l2"}`},
		{"the server's form of our value is not drift",
			`{"tags": ["b", "a"], "subnets": {"s1": {"subnet": "10.0.1.0/24", "host_bgp": false}}}`,
			`{"tags": ["a", "b"], "subnets": {"s1": {"subnet": "10.0.1.0/24", "gateway": "10.0.1.1"}}}`,
			`{"tags": ["a", "b"], "mode": "l2", "subnets": {"s1": {"subnet": "10.0.1.0/24", "gateway": "10.0.1.1", "hostBGP": false}}}`},
		{"map keys of others are not drift; a key of ours removed is",
			`{"subnets": {"s1": {"subnet": "10.0.1.0/24"}, "s2": {"subnet": "10.0.2.0/24"}}}`,
			`{"subnets": {"s1": {"subnet": "10.0.1.0/24"}, "s3": {"subnet": "10.0.3.0/24"}}}`,
			`{"mode": "l2", "subnets": {"s1": {"subnet": "10.0.1.0/24", "gateway": "10.0.1.1"}}}`},
		{"computed values are read back, also when someone changes them",
			`{"mode": "l3", "subnets": {"s1": {"subnet": "10.0.1.0/24", "gateway": "10.0.1.1"}}}`,
			`{"mode": "l2", "subnets": {"s1": {"subnet": "10.0.1.0/24", "gateway": "10.0.1.9"}}}`,
			`{"mode": "l2", "subnets": {"s1": {"subnet": "10.0.1.0/24", "gateway": "10.0.1.9"}}}`},
		{"a list of lists compares whole",
			`{"permit": [["a", "b"]]}`,
			`{"permit": [["a", "b"], ["c", "d"]]}`,
			`{"mode": "l2", "permit": [["a", "b"], ["c", "d"]]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prior := values(t, c.prior)
			prior["mode"] = tftypes.NewValue(tftypes.String, "l2")
			if strings.Contains(c.prior, `"mode"`) {
				prior["mode"] = values(t, c.prior)["mode"]
			}
			got, err := widget.stateValues(object(t, c.cluster), prior, refreshed)
			if err != nil {
				t.Fatal(err)
			}
			want := values(t, c.want)
			if strings.Contains(c.want, "hostBGP") {
				want = values(t, strings.ReplaceAll(c.want, "hostBGP", "host_bgp"))
			}
			if g, w := specOf(t, got), specOf(t, want); g != w {
				t.Errorf("state spec\n got %s\nwant %s", g, w)
			}
		})
	}
}

func TestApplyKeepsThePlanAndReadsWhatTheServerFilledIn(t *testing.T) {
	plan := values(t, `{"tags": ["b", "a"], "subnets": {"s1": {"subnet": "10.0.1.0/24"}}}`)
	plan["mode"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	subnetType := widget.Spec[5].Elem.tfType()
	plan["subnets"] = tftypes.NewValue(tftypes.Map{ElementType: subnetType}, map[string]tftypes.Value{
		"s1": tftypes.NewValue(subnetType, map[string]tftypes.Value{
			"subnet":   tftypes.NewValue(tftypes.String, "10.0.1.0/24"),
			"gateway":  tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"host_bgp": tftypes.NewValue(tftypes.Bool, nil),
		}),
	})
	got, err := widget.stateValues(object(t, `{"tags": ["a", "b"], "mode": "l2",
		"subnets": {"s1": {"subnet": "10.0.1.0/24", "gateway": "10.0.1.1"}}}`), plan, applied)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"mode":"l2","subnets":{"s1":{"gateway":"10.0.1.1","subnet":"10.0.1.0/24"}},"tags":["a","b"]}`
	if g := specOf(t, got); g != want {
		t.Errorf("got %s, want %s", g, want)
	}
	if !got["tags"].Equal(plan["tags"]) {
		t.Errorf("the planned tags were not kept: %v", got["tags"])
	}
}

func TestImportTakesEverythingButEmptyValues(t *testing.T) {
	got, err := widget.stateValues(object(t, `{"count": 3, "extra": {}, "tags": [], "mode": "l2"}`), nil, imported)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := specOf(t, got), `{"count":3,"mode":"l2"}`; g != w {
		t.Errorf("got %s, want %s", g, w)
	}
	if !got["extra"].IsNull() {
		t.Errorf("an empty free-form value should import as null, got %v", got["extra"])
	}
}

func TestPredictPlansTheServerDefaults(t *testing.T) {
	config := values(t, `{"subnets": {"s1": {"subnet": "10.0.7.0/24"}}}`)
	plan := values(t, `{}`)
	plan["mode"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	subnetType := widget.Spec[5].Elem.tfType()
	plan["subnets"] = tftypes.NewValue(tftypes.Map{ElementType: subnetType}, map[string]tftypes.Value{
		"s1": tftypes.NewValue(subnetType, map[string]tftypes.Value{
			"subnet":   tftypes.NewValue(tftypes.String, "10.0.7.0/24"),
			"gateway":  tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
			"host_bgp": tftypes.NewValue(tftypes.Bool, nil),
		}),
	})
	r := &Resource{kind: widget}
	var diags diag.Diagnostics
	r.predict(config, plan, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if g, w := specOf(t, plan), `{"mode":"l2","subnets":{"s1":{"gateway":"10.0.7.1","subnet":"10.0.7.0/24"}}}`; g != w {
		t.Errorf("got %s, want %s", g, w)
	}
}

func TestAttrPath(t *testing.T) {
	for _, c := range []struct {
		steps []any
		want  path.Path
	}{
		{[]any{"subnets", "s1", "hostBGP"}, path.Root("subnets").AtMapKey("s1").AtName("host_bgp")},
		{[]any{"permit", 1}, path.Root("permit").AtListIndex(1)},
		{[]any{"tags"}, path.Root("tags")},
		{[]any{"metadata", "name"}, path.Root("name")},
	} {
		got, ok := widget.attrPath(c.steps)
		if !ok || !got.Equal(c.want) {
			t.Errorf("attrPath(%v) = %s, %v; want %s", c.steps, got, ok, c.want)
		}
	}
	if _, ok := widget.attrPath([]any{"nope"}); ok {
		t.Error("a path outside the declarations must say so")
	}
}
