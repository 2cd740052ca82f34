package provider_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/provider"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/rbac"
)

// allows evaluates rules as the RBAC authorizer does for one request (no
// wildcards: TestPresetsStayNarrow keeps them out of the presets).
func allows(rules []rbacv1.PolicyRule, verb, group, resource string) bool {
	return slices.ContainsFunc(rules, func(r rbacv1.PolicyRule) bool {
		return slices.Contains(r.APIGroups, group) && slices.Contains(r.Resources, resource) && slices.Contains(r.Verbs, verb)
	})
}

var writeVerbs = []string{"create", "update", "patch", "delete", "deletecollection"}

// TestRBACPresetsCoverTheKinds checks the presets against the kinds the
// provider serves (their declarations are the source of truth): a kind that
// joins the provider without joining its presets fails here.
func TestRBACPresetsCoverTheKinds(t *testing.T) {
	if rbac.HedgehogNamespace != meta.Namespace {
		t.Fatalf("the presets' namespace %q is not Hedgehog's %q", rbac.HedgehogNamespace, meta.Namespace)
	}
	cfg := &kinds.Config{Group: "fabrics.example.com", Version: "v9"}
	fabric := provider.FabricKind.GVR(cfg).GroupResource()
	rules := map[string][]rbacv1.PolicyRule{}
	for _, p := range rbac.Presets {
		rules[p.Name] = p.Rules(fabric)
	}
	editor := map[string]string{rbac.VPCGroup: rbac.PresetVPCEditor, rbac.WiringGroup: rbac.PresetWiringEditor,
		rbac.GatewayGroup: rbac.PresetGatewayEditor}
	for _, k := range hedgehog.Kinds() {
		gr := k.GVR(cfg).GroupResource()
		for _, v := range rbac.ViewVerbs {
			if !allows(rules[rbac.PresetViewer], v, gr.Group, gr.Resource) {
				t.Errorf("viewer may not %s %s", v, gr)
			}
		}
		if !allows(rules[rbac.PresetViewer], "get", gr.Group, gr.Resource+"/status") {
			t.Errorf("viewer may not get %s/status", gr)
		}
		for name, r := range rules {
			ed := editor[gr.Group] == name && !k.ReadOnly
			for _, v := range writeVerbs {
				if want := ed && v != "deletecollection"; allows(r, v, gr.Group, gr.Resource) != want {
					t.Errorf("%s: %s %s allowed = %v, want %v", name, v, gr, !want, want)
				}
			}
		}
		// Editors read what they wait on (agents) and refer to.
		if gr.Group == rbac.WiringGroup || gr.Group == rbac.AgentGroup {
			for _, name := range []string{rbac.PresetVPCEditor, rbac.PresetWiringEditor} {
				if !allows(rules[name], "watch", gr.Group, gr.Resource) {
					t.Errorf("%s may not watch %s", name, gr)
				}
			}
		}
	}
	for name, r := range rules {
		want := name == rbac.PresetFabricDesign
		for _, v := range rbac.EditVerbs {
			if allows(r, v, fabric.Group, fabric.Resource) != want {
				t.Errorf("%s: %s fabrics allowed = %v, want %v", name, v, !want, want)
			}
		}
	}
}

// TestRBACFabricResourceIsTheCRD: the fabric-design preset names the
// resource of the CRD that hedgehog_crds installs, whatever the group.
func TestRBACFabricResourceIsTheCRD(t *testing.T) {
	b, err := crds.For("fabrics.example.com", "v9")
	if err != nil {
		t.Fatal(err)
	}
	got := provider.FabricKind.GVR(&kinds.Config{Group: "fabrics.example.com", Version: "v9"}).GroupResource()
	if want := schema.ParseGroupResource(b.Names()[0]); got != want {
		t.Fatalf("the preset grants %s, the CRD defines %s", got, want)
	}
}

const (
	presetsBegin = "<!-- presets: generated from internal/rbac/presets.go by TestRBACPresetDocs (UPDATE_DOCS=1 rewrites it) -->\n"
	presetsEnd   = "<!-- presets: end -->"
)

// TestRBACPresetDocs fails when the docs' table of presets is not what the
// code grants. UPDATE_DOCS=1 rewrites it (then run make docs).
//
//go:generate env UPDATE_DOCS=1 go test -run TestRBACPresetDocs .
func TestRBACPresetDocs(t *testing.T) {
	path := filepath.Join("..", "..", "templates", "resources", "rbac_setup.md.tmpl")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	begin, end := strings.Index(text, presetsBegin), strings.Index(text, presetsEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s has no block of presets (%q … %q)", path, presetsBegin, presetsEnd)
	}
	want := presetDocs()
	if got := text[begin+len(presetsBegin) : end]; got != want {
		if os.Getenv("UPDATE_DOCS") == "1" {
			if err := os.WriteFile(path, []byte(text[:begin+len(presetsBegin)]+want+text[end:]), 0o644); err != nil { //nolint:gosec // a template
				t.Fatal(err)
			}
			return
		}
		t.Fatalf("the presets in %s differ from the code; run `UPDATE_DOCS=1 go test -run TestRBACPresetDocs ./internal/provider/` "+
			"and `make docs`.\n--- docs:\n%s\n--- code:\n%s", path, got, want)
	}
}

func presetDocs() string {
	var b strings.Builder
	b.WriteString("\n| preset | for |\n| --- | --- |\n")
	for _, p := range rbac.Presets {
		b.WriteString("| `" + p.Name + "` | " + p.Job + " |\n")
	}
	b.WriteString("\n")
	b.WriteString(rbac.PresetsMarkdown(schema.GroupResource{Group: provider.DefaultGroup, Resource: provider.FabricKind.Plural}))
	b.WriteString("\n")
	return b.String()
}
