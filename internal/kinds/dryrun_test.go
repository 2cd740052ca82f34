package kinds

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

var dryRunKind = &Kind{Kind: "Gadget", Spec: []Attr{
	{Name: "size", JSON: "size", Type: Int64},
	{Name: "mode", JSON: "mode", Type: String, Computed: true},
	{Name: "color", JSON: "color", Type: String, Since: "v0.129.0"},
	{Name: "ports", JSON: "ports", Type: Map, Elem: &Attr{Type: Object, Attrs: []Attr{
		{Name: "speed", JSON: "speed", Type: String, Computed: true},
		{Name: "mtu", JSON: "mtu", Type: Int64, Since: "v0.130.0"},
	}}},
	{Name: "routes", JSON: "routes", Type: List, Elem: &Attr{Type: Object, Attrs: []Attr{
		{Name: "via", JSON: "via", Type: String, Immutable: true},
	}}},
	{Name: "wheel", JSON: "wheel", Type: Object, Attrs: []Attr{
		{Name: "spokes", JSON: "spokes", Type: Int64, Immutable: true},
	}},
}}

func gadget(t *testing.T, spec string) map[string]tftypes.Value {
	t.Helper()
	var j map[string]any
	if err := yaml.Unmarshal([]byte(spec), &j); err != nil {
		t.Fatal(err)
	}
	out := map[string]tftypes.Value{}
	for _, a := range dryRunKind.Spec {
		v, err := fromJSON(a, j[a.JSON], a.JSON)
		if err != nil {
			t.Fatal(err)
		}
		out[a.Name] = v
	}
	return out
}

// What the webhook would store fills what the plan leaves unknown, and
// only that: configured and predicted values stay as they are.
func TestAdoptFillsWhatThePlanLeavesUnknown(t *testing.T) {
	plan := gadget(t, `{size: 3, ports: {e2: {speed: 100G}}}`)
	str := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	plan["mode"] = str
	portType := dryRunKind.Spec[3].Elem.tfType()
	ports := map[string]tftypes.Value{
		"e1": tftypes.NewValue(portType, map[string]tftypes.Value{"speed": str, "mtu": tftypes.NewValue(tftypes.Number, nil)}),
		"e2": tftypes.NewValue(portType, map[string]tftypes.Value{"speed": tftypes.NewValue(tftypes.String, "100G"),
			"mtu": tftypes.NewValue(tftypes.Number, nil)}),
	}
	plan["ports"] = tftypes.NewValue(dryRunKind.Spec[3].tfType(), ports)
	u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{
		"size": int64(4), "mode": "eco", "color": "red",
		"ports": map[string]any{"e1": map[string]any{"speed": "10G"}, "e2": map[string]any{"speed": "40G"}},
	}}}
	(&Resource{kind: dryRunKind}).adopt(plan, u)
	want := gadget(t, `{size: 3, mode: eco, ports: {e1: {speed: 10G}, e2: {speed: 100G}}}`)
	for name, v := range want {
		if !plan[name].Equal(v) {
			t.Errorf("%s = %v, want %v", name, plan[name], v)
		}
	}
}

// A strict refusal's field paths, dotted as the API server writes them (map
// keys may hold dots), lead to the attribute and its release.
func TestResolveFieldFindsTheAttributeAndItsRelease(t *testing.T) {
	for _, c := range []struct {
		field string
		steps []any
		since string
	}{
		{"color", []any{"color"}, "v0.129.0"},
		{"ports.e1.mtu", []any{"ports", "e1", "mtu"}, "v0.130.0"},
		{"ports.10.0.0.0/8.mtu", []any{"ports", "10.0.0.0/8", "mtu"}, "v0.130.0"},
		{"routes[1].via", []any{"routes", 1, "via"}, ""},
	} {
		steps, a, ok := resolveField(dryRunKind.spec(), strings.Split(c.field, "."))
		if !ok || !reflect.DeepEqual(steps, c.steps) || a.Since != c.since {
			t.Errorf("%s: got %v %v %v", c.field, steps, a, ok)
		}
	}
	if _, _, ok := resolveField(dryRunKind.spec(), []string{"nope"}); ok {
		t.Error("a field the declaration lacks resolved")
	}
}

// A refusal may come from what this run writes or deletes first: objects
// the spec names (values, keys, "<name>/<rest>"), and objects of its own
// kind being deleted. The object itself never explains its own refusal.
func TestExplainsNamesWhatThisRunChanges(t *testing.T) {
	p := NewPlanChecks(0)
	p.record(p.writes, "default", "vpc-1", "VPC")
	p.record(p.writes, "default", "att", "VPCAttachment")
	p.record(p.writes, "default", "conn-1", "Connection")
	spec := map[string]any{"subnet": "vpc-1/default", "connection": "conn-9"}
	if got := p.explains("VPCAttachment", "default", "att", spec, ""); !strings.Contains(got, `VPC "vpc-1"`) {
		t.Errorf("explains = %q, want the VPC", got)
	}
	if got := p.explains("VPCAttachment", "default", "att", map[string]any{"connection": "conn-9"}, "connection conn-9 not found"); got != "" {
		t.Errorf("explains = %q for an object that names nothing of this run", got)
	}
	if got := p.explains("VPCAttachment", "other", "att", spec, ""); got != "" {
		t.Errorf("explains = %q in another namespace", got)
	}
	peering := map[string]any{"permit": []any{map[string]any{"vpc-1": map[string]any{}, "vpc-2": map[string]any{}}}}
	if got := p.explains("VPCPeering", "default", "peer", peering, ""); !strings.Contains(got, `VPC "vpc-1"`) {
		t.Errorf("explains = %q, want the VPC named by a map key", got)
	}
	if got := p.explains("VPC", "default", "vpc-2", map[string]any{"vlan": int64(100)}, "vlan 100 is already used by other VPC"); got != "" {
		t.Errorf("explains = %q", got)
	}
	p.record(p.writes, "default", "default", "VLANNamespace")
	if got := p.explains("Switch", "default", "leaf-03", map[string]any{"role": "server-leaf"},
		"error validating switch: specified VLANNamespace default does not exist"); !strings.Contains(got, `VLANNamespace "default"`) {
		t.Errorf("explains = %q, want the namespace the message names", got)
	}
	p.record(p.deletes, "default", "vpc-old", "VPC")
	if got := p.explains("VPC", "default", "vpc-new", map[string]any{}, ""); !strings.Contains(got, `VPC "vpc-old" (deleted in this run)`) {
		t.Errorf("explains = %q, want the deleted VPC of the same kind", got)
	}
}

// Terraform replaces the object when its name or an Immutable attribute
// (nested in objects too) changes.
func TestImmutableChanged(t *testing.T) {
	prior := gadget(t, `{size: 1, wheel: {spokes: 3}}`)
	prior["name"] = tftypes.NewValue(tftypes.String, "a")
	for _, c := range []struct {
		spec, name string
		want       bool
	}{
		{`{size: 2, wheel: {spokes: 3}}`, "a", false},
		{`{size: 1, wheel: {spokes: 4}}`, "a", true},
		{`{size: 1, wheel: {spokes: 3}}`, "b", true},
	} {
		plan := gadget(t, c.spec)
		plan["name"] = tftypes.NewValue(tftypes.String, c.name)
		if got := dryRunKind.immutableChanged(prior, plan); got != c.want {
			t.Errorf("%s %s: got %v", c.spec, c.name, got)
		}
	}
}

// The CRD of an older release lacks the attributes introduced after it.
func TestCRDOfAnOlderRelease(t *testing.T) {
	props := func(crd *unstructured.Unstructured, path ...string) map[string]any {
		versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
		v, _ := versions[0].(map[string]any)
		m, _, _ := unstructured.NestedMap(v, append([]string{"schema", "openAPIV3Schema", "properties", "spec", "properties"}, path...)...)
		return m
	}
	k := &Kind{Kind: "Gadget", Group: "g.example.com", Version: "v1", Plural: "gadgets", Spec: dryRunKind.Spec}
	for release, want := range map[string][2]bool{"": {true, true}, "v0.130.0": {true, true}, "v0.129.5": {true, false}, "v0.128.0": {false, false}} {
		crd := k.CRDOf(release)
		_, color := props(crd)["color"]
		_, mtu := props(crd, "ports", "additionalProperties", "properties")["mtu"]
		if color != want[0] || mtu != want[1] {
			t.Errorf("release %q: color %v, mtu %v; want %v", release, color, mtu, want)
		}
	}
}

// The docs say since which release an attribute exists.
func TestSinceInTheDocs(t *testing.T) {
	if d := dryRunKind.Spec[2].doc(); !strings.Contains(d, "Since Hedgehog fabric v0.129.0") {
		t.Errorf("doc = %q", d)
	}
	if d := dryRunKind.Spec[0].doc(); strings.Contains(d, "Since") {
		t.Errorf("doc = %q", d)
	}
}
