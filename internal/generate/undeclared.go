package generate

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// topLevel are the members of an object a configuration expresses (status
// is the controller's, never configuration).
var topLevel = map[string]bool{"apiVersion": true, "kind": true, "metadata": true, "spec": true, "status": true}

// lostMetadata are metadata fields that carry meaning but that no resource
// holds.
var lostMetadata = []string{"finalizers", "ownerReferences"}

// Undeclared names, sorted, what the object holds that its kind's
// declaration cannot express, as paths such as spec.fabric.links[0].spine.speed:
// spec fields no attribute declares, members of the object besides its
// metadata, spec and status, and metadata a resource does not hold
// (finalizers, owner references). A resource written for the object leaves
// them out.
func Undeclared(k *kinds.Kind, u *unstructured.Unstructured) []string {
	var out []string
	for key, v := range u.Object {
		if !topLevel[key] && v != nil {
			out = append(out, key)
		}
	}
	for _, field := range lostMetadata {
		if v, ok, _ := unstructured.NestedFieldNoCopy(u.Object, "metadata", field); ok && !empty(v) {
			out = append(out, "metadata."+field)
		}
	}
	spec, _ := u.Object["spec"].(map[string]any)
	declared := kinds.Attr{Type: kinds.Object, Attrs: k.Spec}
	if k.NameInSpec != "" {
		declared.Attrs = append(declared.Attrs, kinds.Attr{Name: k.NameInSpec, JSON: k.NameInSpec, Type: kinds.String})
	}
	out = append(out, undeclaredIn(declared, spec, "spec")...)
	sort.Strings(out)
	return out
}

// undeclaredIn walks a value along its declaration.
func undeclaredIn(a kinds.Attr, v any, at string) []string {
	var out []string
	switch a.Type {
	case kinds.Object:
		m, _ := v.(map[string]any)
		for key, sub := range m {
			i := declaredAt(a.Attrs, key)
			switch {
			case i >= 0:
				out = append(out, undeclaredIn(a.Attrs[i], sub, at+"."+key)...)
			case !empty(sub):
				out = append(out, at+"."+key)
			}
		}
	case kinds.Map:
		m, _ := v.(map[string]any)
		for key, sub := range m {
			out = append(out, undeclaredIn(*a.Elem, sub, fmt.Sprintf("%s[%q]", at, key))...)
		}
	case kinds.List, kinds.Set:
		l, _ := v.([]any)
		for i, sub := range l {
			out = append(out, undeclaredIn(*a.Elem, sub, fmt.Sprintf("%s[%d]", at, i))...)
		}
	}
	return out
}

func declaredAt(attrs []kinds.Attr, json string) int {
	for i, a := range attrs {
		if a.JSON == json {
			return i
		}
	}
	return -1
}

// empty tells a value that says nothing (null, {}, []): the API server
// writes such values itself and nothing is lost without them.
func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}

// pathString writes a problem's path as a spec path.
func pathString(path []any) string {
	var b strings.Builder
	for i, step := range path {
		switch s := step.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		default:
			if i > 0 {
				b.WriteString(".")
			}
			fmt.Fprint(&b, s)
		}
	}
	switch {
	case len(path) == 0:
		return "spec"
	case path[0] == "metadata":
		return b.String()
	}
	return "spec." + b.String()
}

// copyJSON copies a JSON object (nil when it is none).
func copyJSON(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out, _ := copyValue(m).(map[string]any)
	return out
}

func copyValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = copyValue(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}
