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
func ParseImportID(id, defaultNamespace string) (namespace, name string, err error) {
	parts := strings.Split(id, "/")
	switch len(parts) {
	case 1:
		namespace, name = defaultNamespace, parts[0]
	case 2:
		namespace, name = parts[0], parts[1]
	default:
		return "", "", fmt.Errorf("import ID %q has %d slashes; write <namespace>/<name>, or <name> for the provider's namespace", id, len(parts)-1)
	}
	for what, v := range map[string]string{"namespace": namespace, "name": name} {
		if errs := validation.IsDNS1123Label(v); len(errs) > 0 {
			return "", "", fmt.Errorf("import ID %q: the %s %q is not an RFC 1123 label: %s", id, what, v, strings.Join(errs, "; "))
		}
	}
	return namespace, name, nil
}

// toObject builds the object to apply from the planned attributes.
func (k *Kind) toObject(c *Config, attrs map[string]tftypes.Value) (*unstructured.Unstructured, error) {
	name, namespace := str(attrs["name"]), str(attrs["namespace"])
	spec := map[string]any{}
	if k.NameInSpec != "" {
		spec[k.NameInSpec] = name
	}
	for _, a := range k.Spec {
		j, ok, err := ToJSON(a, attrs[a.Name])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Name, err)
		}
		if ok {
			spec[a.JSON] = j
		}
	}
	labels := map[string]any{ManagedLabel: "true"}
	for k, v := range strMap(attrs["labels"]) {
		labels[k] = v
	}
	meta := map[string]any{"name": name, "namespace": namespace, "labels": labels}
	if ann := strMap(attrs["annotations"]); len(ann) > 0 {
		m := make(map[string]any, len(ann))
		for k, v := range ann {
			m[k] = v
		}
		meta["annotations"] = m
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": c.Group + "/" + c.Version,
		"kind":       k.Kind,
		"metadata":   meta,
		"spec":       spec,
	}}, nil
}

// readMode says where a state's spec values come from.
type readMode int

const (
	// fromCluster reads everything from the object, keeping the prior
	// value wherever the object says the same in another form.
	fromCluster readMode = iota
	// fromPlan keeps the planned spec (just applied) and takes metadata and
	// status from the API server's answer.
	fromPlan
	// imported has no prior values: every label and annotation is taken.
	imported
)

// stateValues are the resource attributes for object u; prior holds the
// planned or prior-state attributes.
func (k *Kind) stateValues(u *unstructured.Unstructured, prior map[string]tftypes.Value, mode readMode) map[string]tftypes.Value {
	out := k.metaValues(u, prior, mode)
	spec, _, _ := unstructured.NestedMap(u.Object, "spec")
	for _, a := range k.Spec {
		p := prior[a.Name]
		if mode == fromPlan {
			out[a.Name] = p
			continue
		}
		if mode == fromCluster && p.IsKnown() {
			if pj, _, err := ToJSON(a, p); err == nil && Equivalent(pj, spec[a.JSON]) {
				out[a.Name] = p
				continue
			}
		}
		out[a.Name] = FromJSON(a, spec[a.JSON])
	}
	out["status"] = k.statusValue(u)
	for _, name := range []string{"force_conflicts", "wait_for_ready"} {
		if name == "wait_for_ready" && k.Ready == nil {
			continue
		}
		if v, ok := prior[name]; ok && !v.IsNull() && v.IsKnown() {
			out[name] = v
		} else {
			out[name] = tftypes.NewValue(tftypes.Bool, false)
		}
	}
	timeoutsType := k.timeoutsType()
	if v, ok := prior["timeouts"]; ok && v.IsKnown() {
		out["timeouts"] = v
	} else {
		out["timeouts"] = tftypes.NewValue(timeoutsType, nil)
	}
	return out
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
		"labels":           managedKeys(u.GetLabels(), prior["labels"], all, map[string]bool{ManagedLabel: true}),
		"annotations":      managedKeys(u.GetAnnotations(), prior["annotations"], all, skippedAnnotations),
		"uid":              tftypes.NewValue(tftypes.String, string(u.GetUID())),
		"generation":       tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(u.GetGeneration())),
		"resource_version": tftypes.NewValue(tftypes.String, u.GetResourceVersion()),
	}
}

func managedKeys(actual map[string]string, prior tftypes.Value, all bool, skip map[string]bool) tftypes.Value {
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
		if skip[key] {
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

func (k *Kind) statusValue(u *unstructured.Unstructured) tftypes.Value {
	status, _, _ := unstructured.NestedMap(u.Object, "status")
	return FromJSON(Attr{Type: Object, Attrs: k.Status}, status)
}

// dataValues are the attributes of one object in a data source: every
// label and annotation, the spec as the API server has it, the status.
func (k *Kind) dataValues(u *unstructured.Unstructured) map[string]tftypes.Value {
	out := k.metaValues(u, nil, imported)
	for _, key := range []string{"labels", "annotations"} {
		if out[key].IsNull() {
			out[key] = tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{})
		}
	}
	spec, _, _ := unstructured.NestedMap(u.Object, "spec")
	for _, a := range k.Spec {
		out[a.Name] = FromJSON(a, spec[a.JSON])
	}
	out["status"] = k.statusValue(u)
	return out
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
