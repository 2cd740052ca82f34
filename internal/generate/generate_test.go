package generate

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

func read(t *testing.T, file string) source {
	t.Helper()
	src, err := fromFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func generate(t *testing.T, src source, imports bool) (string, Report) {
	t.Helper()
	out, r, err := Config(src.objs, hedgehog.Kinds(), Options{Imports: imports, Source: "the test fixture", Skipped: src.skipped})
	if err != nil {
		t.Fatal(err)
	}
	if _, diags := hclsyntax.ParseConfig(out, "generated.tf", hcl.InitialPos); diags.HasErrors() {
		t.Fatalf("the configuration does not parse: %v\n%s", diags, out)
	}
	return string(out), r
}

// blocks counts the resources (by address) and import blocks of a
// configuration.
func blocks(t *testing.T, out string) (map[string]bool, map[string]bool) {
	t.Helper()
	f, _ := hclsyntax.ParseConfig([]byte(out), "generated.tf", hcl.InitialPos)
	body, _ := f.Body.(*hclsyntax.Body)
	resources, imports := map[string]bool{}, map[string]bool{}
	for _, b := range body.Blocks {
		switch b.Type {
		case "resource":
			resources[b.Labels[0]+"."+b.Labels[1]] = true
		case "import":
			to, _ := hcl.AbsTraversalForExpr(b.Body.Attributes["to"].Expr)
			attr, _ := to[1].(hcl.TraverseAttr)
			imports[to.RootName()+"."+attr.Name] = true
		}
	}
	return resources, imports
}

func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// The configuration parses, holds an import block and a resource for every
// object of a declared kind, and refers to the resources it names.
func TestConfigFromTheSampleFabric(t *testing.T) {
	src := read(t, "testdata/vlab-fabric.yaml")
	out, r := generate(t, src, true)
	resources, imports := blocks(t, out)
	if len(resources) != len(src.objs) || len(imports) != len(src.objs) || r.Resources != len(src.objs) || r.Imports != len(src.objs) {
		t.Fatalf("%d objects: %d resources, %d imports, report %+v\n%s", len(src.objs), len(resources), len(imports), r, out)
	}
	if len(r.Notes) != 0 {
		t.Errorf("the sample fabric loses nothing, yet: %q", r.Notes)
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
		if !strings.Contains(flat(out), want) {
			t.Errorf("the configuration lacks %s:\n%s", want, out)
		}
	}
	// Empty objects the webhook added (redundancy, ecmp) read as null: left out.
	if strings.Contains(out, "ecmp") {
		t.Errorf("empty objects must be left out:\n%s", out)
	}
}

func object(kind, name string, spec map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{"kind": kind,
		"metadata": map[string]any{"name": name, "namespace": "default"}, "spec": spec}}
}

// MCLAG, which Hedgehog accepts with a warning, is written, with the
// warning beside it; what the plan would refuse is left out, with the
// reason.
func TestConfigWritesMCLAGAndLeavesOutRefused(t *testing.T) {
	mclag := object("Connection", "old", map[string]any{"mclag": map[string]any{"links": []any{}}})
	twoTypes := object("Connection", "two", map[string]any{
		"unbundled": map[string]any{"link": map[string]any{"server": map[string]any{"port": "s/a"}, "switch": map[string]any{"port": "l/b"}}},
		"external":  map[string]any{"link": map[string]any{"switch": map[string]any{"port": "l/c"}}},
	})
	out, r := generate(t, source{objs: []Object{{Kind: wiring.Connection, U: mclag}, {Kind: wiring.Connection, U: twoTypes}}}, true)
	resources, _ := blocks(t, out)
	if !resources["hedgehog_connection.old"] || resources["hedgehog_connection.two"] || r.Resources != 1 {
		t.Fatalf("want the MCLAG connection and not the refused one, got %v (%+v):\n%s", resources, r, out)
	}
	for _, want := range []string{
		"# Hedgehog accepts this with a warning: spec.mclag: MCLAG is deprecated and no longer supported.",
		"# - Connection two is left out: the plan would refuse it: spec.external: exactly one connection type must be used.",
		"# - Connection old: Hedgehog accepts it with a warning: spec.mclag: MCLAG is deprecated and no longer supported.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
	if len(r.Notes) != 2 {
		t.Errorf("notes: %q", r.Notes)
	}
}

// A wiring file leaves out the namespaces the webhook defaults; when the
// configuration holds them, they are written as references, so Terraform
// creates them before what uses them. Left out when the configuration does
// not hold them.
func TestConfigRefersToWhatTheWebhookDefaults(t *testing.T) {
	src := read(t, "testdata/lab-wiring.yaml")
	out, _ := generate(t, src, false)
	for _, want := range []string{
		`resource "hedgehog_switch" "leaf-01" { name = "leaf-01" role = "server-leaf"`,
		`vlan_namespaces = [hedgehog_vlan_namespace.default.name]`,
		`ipv4_namespace = hedgehog_ipv4_namespace.default.name`,
		`vlan_namespace = hedgehog_vlan_namespace.default.name`,
	} {
		if !strings.Contains(flat(out), want) {
			t.Errorf("lacks %s:\n%s", want, out)
		}
	}
	var without []Object
	for _, o := range src.objs {
		if o.Kind.Kind != "VLANNamespace" && o.Kind.Kind != "IPv4Namespace" {
			without = append(without, o)
		}
	}
	out, _ = generate(t, source{objs: without}, false)
	if strings.Contains(out, "namespace") {
		t.Errorf("without the namespaces in the configuration, the webhook's default stays unwritten:\n%s", out)
	}
}

// Creating a fabric from a wiring file never creates what every Hedgehog
// installation has: the default namespaces are imported, the rest created.
func TestConfigImportsWhatEveryInstallationHas(t *testing.T) {
	src := read(t, "testdata/lab-wiring.yaml")
	out, r := generate(t, src, false)
	resources, imports := blocks(t, out)
	if len(imports) != 2 || !imports["hedgehog_vlan_namespace.default"] || !imports["hedgehog_ipv4_namespace.default"] {
		t.Fatalf("want imports of the two default namespaces only, got %v:\n%s", imports, out)
	}
	if r.Imports != 2 || r.Resources != len(resources) || r.Resources != len(src.objs) {
		t.Fatalf("report %+v, %d resources, %d objects", r, len(resources), len(src.objs))
	}
	if !strings.Contains(out, "# Every Hedgehog installation has the VLANNamespace default (its installer creates it): imported, not created.") ||
		!strings.Contains(out, "resources, 2 of them imported (every Hedgehog installation has them).") {
		t.Errorf("the comments should say why:\n%s", out)
	}
}

// The documents a file holds that generate does not write are named, with
// the reason, in the configuration and the report.
func TestFileDocumentsLeftOut(t *testing.T) {
	raw := []byte(`apiVersion: wiring.githedgehog.com/v1beta1
kind: Server
metadata: {name: server-01}
spec: {description: kept}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: ServerProfile
metadata: {name: nic-a}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: ServerProfile
metadata: {name: nic-b}
---
apiVersion: wiring.githedgehog.com/v1alpha2
kind: Switch
metadata: {name: leaf-01}
---
apiVersion: wiring.githedgehog.com/v1beta1
kind: SwitchProfile
metadata: {name: vs}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
---
metadata: {name: nothing}
`)
	objs, skipped, err := readDocuments(raw, managedKinds())
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 || objs[0].U.GetName() != "server-01" || objs[0].U.GetNamespace() != "default" {
		t.Fatalf("objects: %v", objs)
	}
	want := []string{
		"1 ConfigMap documents (v1) are left out (settings): generate declares no such kind.",
		"1 Switch documents (wiring.githedgehog.com/v1alpha2) are left out (leaf-01): the provider declares wiring.githedgehog.com/v1beta1.",
		"1 SwitchProfile documents (wiring.githedgehog.com/v1beta1) are left out (vs): " + readOnlyReason + ".",
		"1 documents without a kind are left out (nothing): not Kubernetes objects.",
		"2 ServerProfile documents (wiring.githedgehog.com/v1beta1) are left out (nic-a, nic-b): generate declares no such kind.",
	}
	if strings.Join(skipped, "\n") != strings.Join(want, "\n") {
		t.Fatalf("skipped:\n%s\nwant:\n%s", strings.Join(skipped, "\n"), strings.Join(want, "\n"))
	}
	out, r := generate(t, source{objs: objs, skipped: skipped}, true)
	if r.Resources != 1 || r.Imports != 1 || len(r.Notes) != len(want) {
		t.Fatalf("report %+v", r)
	}
	for _, w := range want {
		if !strings.Contains(out, "# - "+w) {
			t.Errorf("the configuration does not name %q:\n%s", w, out)
		}
	}
	if !strings.HasPrefix(out, "# Generated by `terraform-provider-hedgehog generate` from the test fixture:\n# 1 resources, each") {
		t.Errorf("header:\n%s", out)
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
	raw, _, err := Config([]Object{{Kind: k, U: u}}, []*kinds.Kind{k}, Options{Source: "x"})
	if err != nil {
		t.Fatal(err)
	}
	out := flat(string(raw))
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
