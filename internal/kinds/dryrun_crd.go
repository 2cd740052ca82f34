package kinds

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// When the dry run cannot run (values known only after apply), the plan
// still tells an older fabric from a current one: attributes newer than the
// oldest fabric the provider supports (Attr.Since) that the configuration
// sets are looked up in the schema of the CRD the cluster serves, read once
// per kind and plan. A configuration without such attributes sends nothing.

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// newerField is a field the configuration sets that an older fabric lacks.
type newerField struct {
	field  string // as the API server names it: spec.subnets.web.hostBGPMinPrefixLen
	schema []string
	known  bool // the value is known (not only after apply)
}

// newerFields lists the fields of attributes with Since that the
// configuration sets (not null).
func newerFields(attrs []Attr, values map[string]tftypes.Value, field string, schemaPath []string) []newerField {
	var out []newerField
	for _, a := range attrs {
		v, ok := values[a.Name]
		if !ok || v.IsNull() {
			continue
		}
		f, s := field+"."+a.JSON, append(append([]string{}, schemaPath...), a.JSON)
		if a.Since != "" {
			out = append(out, newerField{field: f, schema: s, known: v.IsKnown()})
		}
		out = append(out, newerFieldsIn(a, v, f, s)...)
	}
	return out
}

func newerFieldsIn(a Attr, v tftypes.Value, field string, schemaPath []string) []newerField {
	if !v.IsKnown() || v.IsNull() {
		return nil
	}
	switch a.Type {
	case Object:
		var m map[string]tftypes.Value
		if v.As(&m) == nil {
			return newerFields(a.Attrs, m, field, schemaPath)
		}
	case Map:
		var m map[string]tftypes.Value
		if v.As(&m) == nil {
			var out []newerField
			for key, e := range m {
				out = append(out, newerFieldsIn(*a.Elem, e, field+"."+key, append(append([]string{}, schemaPath...), "*"))...)
			}
			return out
		}
	case List, Set:
		var l []tftypes.Value
		if v.As(&l) == nil {
			var out []newerField
			for i, e := range l {
				out = append(out, newerFieldsIn(*a.Elem, e, fmt.Sprintf("%s[%d]", field, i), append(append([]string{}, schemaPath...), "*"))...)
			}
			return out
		}
	}
	return nil
}

// served tells whether an OpenAPI schema has a field path ("*" for the
// elements of maps and lists); a schema that keeps unknown fields has them
// all.
func served(s map[string]any, path []string) bool {
	for _, step := range path {
		if keep, _ := s["x-kubernetes-preserve-unknown-fields"].(bool); keep {
			return true
		}
		var next map[string]any
		if step == "*" {
			if next, _ = s["additionalProperties"].(map[string]any); next == nil {
				next, _ = s["items"].(map[string]any)
			}
		} else {
			props, _ := s["properties"].(map[string]any)
			next, _ = props[step].(map[string]any)
		}
		if next == nil {
			return false
		}
		s = next
	}
	return true
}

// servedSchema is the schema the cluster serves for the kind, nil when it
// cannot be read (no right to read CRDs, no CRD yet): then nothing is
// checked.
func (p *PlanChecks) servedSchema(ctx context.Context, r *Resource) map[string]any {
	k := r.kind
	name := k.Plural + "." + k.group(r.cfg)
	p.mu.Lock()
	if s, ok := p.schemas[name]; ok {
		p.mu.Unlock()
		return s
	}
	p.mu.Unlock()
	var s map[string]any
	if u, err := r.cfg.Client.Dynamic.Resource(crdResource).Get(ctx, name, metav1.GetOptions{}); err == nil {
		versions, _, _ := unstructured.NestedSlice(u.Object, "spec", "versions")
		for _, v := range versions {
			m, _ := v.(map[string]any)
			if m["name"] == k.version(r.cfg) {
				s, _, _ = unstructured.NestedMap(m, "schema", "openAPIV3Schema")
			}
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.schemas[name] = s
	return s
}

// checkServedFields refuses, at plan, set attributes that the cluster's CRD
// does not have (an older fabric), when the dry run cannot tell.
func (r *Resource) checkServedFields(ctx context.Context, p *PlanChecks, config map[string]tftypes.Value, diags *diag.Diagnostics) {
	fields := newerFields(r.kind.Spec, config, "spec", []string{"spec"})
	if len(fields) == 0 {
		return
	}
	s := p.servedSchema(ctx, r)
	if s == nil {
		return
	}
	crd := r.kind.Plural + "." + r.kind.group(r.cfg)
	for _, f := range fields {
		if served(s, f.schema) {
			continue
		}
		err := fmt.Errorf("the CustomResourceDefinition %s that the cluster serves does not declare %s", crd, f.field)
		if f.known {
			r.unknownFields([]string{f.field}, err, diags)
			continue
		}
		var warn diag.Diagnostics
		r.unknownFields([]string{f.field}, err, &warn)
		for _, d := range warn {
			diags.AddWarning(d.Summary(), "If the value known only after apply is set, the apply will be refused: "+
				strings.TrimSpace(d.Detail()))
		}
	}
}
