package kinds

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"
)

// skippedAnnotations are written by tools, never by users.
var skippedAnnotations = map[string]bool{"kubectl.kubernetes.io/last-applied-configuration": true}

// ParseImportID reads `<namespace>/<name>` or `<name>` (in defaultNamespace).
// subdomain allows dots in names (kinds whose API accepts RFC 1123
// subdomains).
func ParseImportID(id, defaultNamespace string, subdomain bool) (namespace, name string, err error) {
	parts := strings.Split(id, "/")
	switch len(parts) {
	case 1:
		namespace, name = defaultNamespace, parts[0]
	case 2:
		namespace, name = parts[0], parts[1]
	default:
		return "", "", fmt.Errorf("import ID %q has %d slashes; write <namespace>/<name>, or <name> for the namespace %q", id, len(parts)-1, defaultNamespace)
	}
	if errs := validation.IsDNS1123Label(namespace); len(errs) > 0 {
		return "", "", fmt.Errorf("import ID %q: the namespace %q is not an RFC 1123 label: %s", id, namespace, strings.Join(errs, "; "))
	}
	check, what := validation.IsDNS1123Label, "an RFC 1123 label"
	if subdomain {
		check, what = validation.IsDNS1123Subdomain, "an RFC 1123 subdomain"
	}
	if errs := check(name); len(errs) > 0 {
		return "", "", fmt.Errorf("import ID %q: the name %q is not %s: %s", id, name, what, strings.Join(errs, "; "))
	}
	return namespace, name, nil
}

// specJSON converts the spec attributes of a configuration, plan or state
// into the spec object. With partial, unknown values become Unknown.
func (k *Kind) specJSON(attrs map[string]tftypes.Value, partial bool) (map[string]any, error) {
	spec := map[string]any{}
	for _, a := range k.Spec {
		j, ok, err := toJSON(a, attrs[a.Name], partial)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Name, err)
		}
		if ok {
			spec[a.JSON] = j
		}
	}
	if k.NameInSpec != "" {
		if v := attrs["name"]; v.IsKnown() && !v.IsNull() {
			spec[k.NameInSpec] = str(v)
		}
	}
	return spec, nil
}

// normalize turns a spec into the form the API server stores: zero values of
// OmitZero fields dropped, sets in order, and the kind's Default.
func (k *Kind) normalize(spec map[string]any) map[string]any {
	spec, _ = deepCopy(spec).(map[string]any)
	omitZero(k.spec(), spec)
	if k.Default != nil {
		k.Default(spec)
	}
	return spec
}

func omitZero(a Attr, j any) {
	switch a.Type {
	case Object:
		m, _ := j.(map[string]any)
		for _, sub := range a.Attrs {
			v, ok := m[sub.JSON]
			if !ok {
				continue
			}
			if sub.OmitZero && (v == false || isZeroNumber(v)) {
				delete(m, sub.JSON)
				continue
			}
			omitZero(sub, v)
		}
	case Map:
		m, _ := j.(map[string]any)
		for _, v := range m {
			omitZero(*a.Elem, v)
		}
	case List, Set:
		l, _ := j.([]any)
		for _, v := range l {
			omitZero(*a.Elem, v)
		}
		if a.Type == Set {
			sortJSON(l)
		}
	}
}

func isZeroNumber(v any) bool {
	f, ok := toBigFloat(v)
	return ok && f.Sign() == 0
}

func deepCopy(j any) any {
	switch x := j.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, v := range x {
			out[k] = deepCopy(v)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			out[i] = deepCopy(v)
		}
		return out
	}
	return j
}

// toObject builds the object to apply: metadata from the attributes, the
// spec as given.
func (k *Kind) toObject(c *Config, attrs map[string]tftypes.Value, spec map[string]any) *unstructured.Unstructured {
	labels := map[string]any{ManagedLabel: "true"}
	for key, v := range strMap(attrs["labels"]) {
		labels[key] = v
	}
	meta := map[string]any{"name": str(attrs["name"]), "namespace": str(attrs["namespace"]), "labels": labels}
	if ann := strMap(attrs["annotations"]); len(ann) > 0 {
		m := make(map[string]any, len(ann))
		for key, v := range ann {
			m[key] = v
		}
		meta["annotations"] = m
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": k.APIVersion(c),
		"kind":       k.Kind,
		"metadata":   meta,
		"spec":       spec,
	}}
}

// metaValues are id, name, namespace, labels, annotations, uid, generation
// and resource_version. Labels and annotations hold only the keys the prior
// values manage (all of them when imported).
func (k *Kind) metaValues(u *unstructured.Unstructured, prior map[string]tftypes.Value, mode readMode) map[string]tftypes.Value {
	all := mode == imported || prior == nil
	return map[string]tftypes.Value{
		"id":               tftypes.NewValue(tftypes.String, u.GetNamespace()+"/"+u.GetName()),
		"name":             tftypes.NewValue(tftypes.String, u.GetName()),
		"namespace":        tftypes.NewValue(tftypes.String, u.GetNamespace()),
		"labels":           managedKeys(u.GetLabels(), prior["labels"], all, k.skippedLabel),
		"annotations":      managedKeys(u.GetAnnotations(), prior["annotations"], all, k.skippedAnnotation),
		"uid":              tftypes.NewValue(tftypes.String, string(u.GetUID())),
		"generation":       tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(u.GetGeneration())),
		"resource_version": tftypes.NewValue(tftypes.String, u.GetResourceVersion()),
	}
}

func (k *Kind) skippedAnnotation(key string) bool {
	return skippedAnnotations[key] || (k.ServerLabel != nil && k.ServerLabel(key))
}

func (k *Kind) skippedLabel(key string) bool {
	return key == ManagedLabel || (k.ServerLabel != nil && k.ServerLabel(key))
}

func managedKeys(actual map[string]string, prior tftypes.Value, all bool, skip func(string) bool) tftypes.Value {
	t := tftypes.Map{ElementType: tftypes.String}
	var keep map[string]tftypes.Value
	if !all {
		if prior.IsNull() || !prior.IsKnown() {
			return tftypes.NewValue(t, nil)
		}
		if err := prior.As(&keep); err != nil {
			return tftypes.NewValue(t, nil)
		}
	}
	out := map[string]tftypes.Value{}
	for key, v := range actual {
		if skip(key) {
			continue
		}
		if _, managed := keep[key]; all || managed {
			out[key] = tftypes.NewValue(tftypes.String, v)
		}
	}
	if len(out) == 0 && (all || len(keep) == 0) {
		if all {
			return tftypes.NewValue(t, nil)
		}
		return prior
	}
	return tftypes.NewValue(t, out)
}

func (k *Kind) statusValue(u *unstructured.Unstructured) (tftypes.Value, error) {
	status, _, _ := unstructured.NestedMap(u.Object, "status")
	return fromJSON(Attr{Type: Object, Attrs: k.Status}, status, "status")
}

// dataValues are the attributes of one object in a data source: every
// label and annotation, the spec as the API server has it, the status.
func (k *Kind) dataValues(u *unstructured.Unstructured) (map[string]tftypes.Value, error) {
	out := k.metaValues(u, nil, imported)
	for _, key := range []string{"labels", "annotations"} {
		all := map[string]tftypes.Value{}
		for name, v := range map[string]map[string]string{"labels": u.GetLabels(), "annotations": u.GetAnnotations()}[key] {
			all[name] = tftypes.NewValue(tftypes.String, v)
		}
		out[key] = tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, all)
	}
	spec, _, _ := unstructured.NestedMap(u.Object, "spec")
	for _, a := range k.Spec {
		v, err := fromJSON(a, spec[a.JSON], "spec."+a.JSON)
		if err != nil {
			return nil, err
		}
		out[a.Name] = v
	}
	if len(k.Status) > 0 {
		status, err := k.statusValue(u)
		if err != nil {
			return nil, err
		}
		out["status"] = status
	}
	return out, nil
}

func str(v tftypes.Value) string {
	var s string
	if v.IsKnown() && !v.IsNull() {
		_ = v.As(&s)
	}
	return s
}

func strMap(v tftypes.Value) map[string]string {
	if !v.IsKnown() || v.IsNull() {
		return nil
	}
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		out[k] = str(e)
	}
	return out
}

func boolValue(v tftypes.Value) bool {
	var b bool
	if v.IsKnown() && !v.IsNull() {
		_ = v.As(&b)
	}
	return b
}

// ConfigurableMeta are the labels and annotations of an object that a
// configuration manages: not the provider's own label, not the keys the
// server computes, not those that tools write (what an import reads).
func (k *Kind) ConfigurableMeta(u *unstructured.Unstructured) (labels, annotations map[string]string) {
	labels, annotations = map[string]string{}, map[string]string{}
	for key, v := range u.GetLabels() {
		if !k.skippedLabel(key) {
			labels[key] = v
		}
	}
	for key, v := range u.GetAnnotations() {
		if !k.skippedAnnotation(key) {
			annotations[key] = v
		}
	}
	return labels, annotations
}

// ImportedValues are the resource attributes an import of u reads: what a
// configuration must say for the plan after the import to show no change.
func (k *Kind) ImportedValues(u *unstructured.Unstructured) (map[string]tftypes.Value, error) {
	return k.stateValues(u, nil, imported)
}
