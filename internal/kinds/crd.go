package kinds

import (
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/version"
)

// CRD is a CustomResourceDefinition for the kind, derived from its
// declaration: a structural schema with the declared field names and types.
// It serves tests and the demo (a stand-in for CRDs that others install on
// real clusters); kinds with a provider-configured group have none.
// Read-only kinds keep unknown fields: their declaration names only what
// the provider reads.
func (k *Kind) CRD() *unstructured.Unstructured { return k.CRDOf("") }

// CRDOf is the kind's CRD as a fabric release serves it: without the
// attributes introduced after release (Attr.Since). An empty release is the
// newest. Tests install it to stand in for an older fabric.
func (k *Kind) CRDOf(release string) *unstructured.Unstructured {
	has := func(Attr) bool { return true }
	if release != "" {
		at := version.MustParseGeneric(release)
		has = func(a Attr) bool { return a.Since == "" || !at.LessThan(version.MustParseGeneric(a.Since)) }
	}
	spec := openAPI(k.spec(), has)
	status := openAPI(Attr{Type: Object, Attrs: k.Status}, has)
	if k.ReadOnly {
		spec["x-kubernetes-preserve-unknown-fields"] = true
		status["x-kubernetes-preserve-unknown-fields"] = true
	}
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"apiVersion": map[string]any{"type": "string"},
			"kind":       map[string]any{"type": "string"},
			"metadata":   map[string]any{"type": "object"},
			"spec":       spec,
			"status":     status,
		},
	}
	singular := strings.ToLower(k.Kind)
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1",
		"kind":       "CustomResourceDefinition",
		"metadata":   map[string]any{"name": k.Plural + "." + k.Group},
		"spec": map[string]any{
			"group": k.Group,
			"scope": "Namespaced",
			"names": map[string]any{"kind": k.Kind, "listKind": k.Kind + "List", "plural": k.Plural, "singular": singular,
				"categories": []any{"hedgehog"}},
			"versions": []any{map[string]any{
				"name": k.Version, "served": true, "storage": true,
				"subresources": map[string]any{"status": map[string]any{}},
				"schema":       map[string]any{"openAPIV3Schema": schema},
			}},
		},
	}}
}

func openAPI(a Attr, has func(Attr) bool) map[string]any {
	switch a.Type {
	case String:
		return map[string]any{"type": "string"}
	case Int64:
		return map[string]any{"type": "integer", "format": "int64"}
	case Bool:
		return map[string]any{"type": "boolean"}
	case FreeForm:
		return map[string]any{"x-kubernetes-preserve-unknown-fields": true}
	case List, Set:
		return map[string]any{"type": "array", "items": openAPI(*a.Elem, has)}
	case Map:
		return map[string]any{"type": "object", "additionalProperties": openAPI(*a.Elem, has)}
	}
	props := map[string]any{}
	var required []any
	for _, sub := range a.Attrs {
		if !has(sub) {
			continue
		}
		props[sub.JSON] = openAPI(sub, has)
		if sub.Required {
			required = append(required, sub.JSON)
		}
	}
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}
