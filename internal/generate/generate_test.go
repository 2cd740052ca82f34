package generate

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

func fixture(t *testing.T) ([]Object, []byte) {
	t.Helper()
	objs, err := fromFile("testdata/vlab-fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Config(objs, hedgehog.Kinds(), Options{Imports: true, Source: "the test fixture"})
	if err != nil {
		t.Fatal(err)
	}
	return objs, out
}

// The configuration parses, holds an import block and a resource for every
// object of a declared kind, and refers to the resources it names.
func TestConfigFromTheSampleFabric(t *testing.T) {
	objs, out := fixture(t)
	f, diags := hclsyntax.ParseConfig(out, "generated.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("the configuration does not parse: %v\n%s", diags, out)
	}
	body, _ := f.Body.(*hclsyntax.Body)
	resources, imports := map[string]bool{}, 0
	for _, b := range body.Blocks {
		switch b.Type {
		case "resource":
			resources[b.Labels[0]+"."+b.Labels[1]] = true
		case "import":
			imports++
		}
	}
	if len(resources) != len(objs) || imports != len(objs) {
		t.Fatalf("%d objects: %d resources, %d imports\n%s", len(objs), len(resources), imports, out)
	}
	for _, want := range []string{
		"hedgehog_switch.leaf-03", "hedgehog_connection.server-05--eslag--leaf-03--leaf-04", "hedgehog_vlan_namespace.default",
	} {
		if !resources[want] {
			t.Errorf("no resource %s", want)
		}
	}
	for _, want := range []string{
		`id = "default/spine-01"`,
		// Ports and names refer to the resources, so Terraform orders creates and deletes.
		`port = "${hedgehog_switch.leaf-03.name}/E1/5"`,
		`port = "${hedgehog_server.server-05.name}/enp2s1"`,
		`groups = [hedgehog_switch_group.eslag-1.name]`,
		`vlan_namespaces = [hedgehog_vlan_namespace.default.name]`,
		// The built-in profile has no resource: a plain name.
		`profile = "vs"`,
		`ip = "172.30.128.8/31"`,
	} {
		if !strings.Contains(strings.Join(strings.Fields(string(out)), " "), want) {
			t.Errorf("the configuration lacks %s:\n%s", want, out)
		}
	}
	// Empty objects the webhook added (redundancy, ecmp) read as null: left out.
	if bytes.Contains(out, []byte("ecmp")) {
		t.Errorf("empty objects must be left out:\n%s", out)
	}
}

// Objects the provider refuses at plan time are left out, with the reason.
func TestConfigLeavesOutMCLAG(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": "old", "namespace": "default"},
		"spec": map[string]any{"mclag": map[string]any{"links": []any{}}}}}
	raw, err := Config([]Object{{Kind: wiring.Connection, U: u}}, hedgehog.Kinds(), Options{Imports: true, Source: "x"})
	if err != nil {
		t.Fatal(err)
	}
	out := string(raw)
	if strings.Contains(out, "resource ") || !strings.Contains(out, "# Connection old is left out: MCLAG is deprecated and no longer supported.") {
		t.Fatalf("got:\n%s", out)
	}
}

func TestResourceNames(t *testing.T) {
	used := map[string]bool{}
	for _, c := range []struct{ name, want string }{
		{"leaf-01", "leaf-01"}, {"1st", "_1st"}, {"a.b", "a_b"}, {"a_b", "a_b_2"},
	} {
		if got := uniqueLabel(c.name, "t", used); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

func TestEscape(t *testing.T) {
	if got := escape(`a"b\c${d}%{e}`); got != `a\"b\\c$${d}%%{e}` {
		t.Errorf("got %s", got)
	}
}

// Inside plain types (a list of maps of objects, as a VPC peering's permit),
// an object has every attribute, so null ones are written; as nested
// attributes, they are left out.
func TestObjectsInsidePlainTypes(t *testing.T) {
	peer := &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
		{Name: "subnets", JSON: "subnets", Type: kinds.List, Elem: kinds.StringElem},
		{Name: "note", JSON: "note", Type: kinds.String},
	}}
	k := &kinds.Kind{TypeName: "peering", Kind: "Peering", Spec: []kinds.Attr{
		{Name: "permit", JSON: "permit", Type: kinds.List, Elem: &kinds.Attr{Type: kinds.Map, Elem: peer}},
		{Name: "links", JSON: "links", Type: kinds.List, Elem: peer},
	}}
	u := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": "p", "namespace": "default"},
		"spec": map[string]any{
			"permit": []any{map[string]any{"vpc-1": map[string]any{}, "vpc-2": map[string]any{"subnets": []any{"a"}}}},
			"links":  []any{map[string]any{"note": "x"}},
		}}}
	raw, err := Config([]Object{{Kind: k, U: u}}, []*kinds.Kind{k}, Options{Source: "x"})
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Join(strings.Fields(string(raw)), " ")
	for _, want := range []string{
		`"vpc-1" = { subnets = null note = null }`,
		`"vpc-2" = { subnets = ["a"] note = null }`,
		`links = [{ note = "x" }]`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %s:\n%s", want, raw)
		}
	}
}
