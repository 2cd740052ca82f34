package kinds

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// applyUpdate is an update's write: the apply, after recording the fields
// the create set as applied when the apply would leave one of them behind
// (kube/record.go says when it would not, and why the apply may then go
// alone). spec is what the configuration sets.
func (r *Resource) applyUpdate(ctx context.Context, api *kube.Objects, obj *unstructured.Unstructured, spec map[string]any,
	force bool, diags *diag.Diagnostics) (*unstructured.Unstructured, error) {
	fm, namespace, name := r.cfg.FieldManager, obj.GetNamespace(), obj.GetName()
	// The snapshot's object: the apply is guarded by its resourceVersion,
	// so a decision made on an old copy writes nothing.
	cur, err := api.Get(ctx, namespace, name)
	if err == nil && kube.CreateFields(cur, fm) && (force || !kube.OtherAppliers(cur, fm)) &&
		len(r.kind.lingering(cur, obj, spec, fm)) == 0 {
		u, err := api.ApplyAt(ctx, obj, fm, cur.GetResourceVersion())
		if !kube.IsStale(err) {
			return u, err
		}
		// Changed since: the usual path reads it fresh.
	}
	if err := api.RecordApplied(ctx, namespace, name, fm); err != nil {
		// The update itself can still be made; only a field that the
		// configuration stopped setting may stay on the object.
		_, detail := r.cfg.Client.Explain(err, api.Target("update", namespace, name))
		diags.AddWarning(r.kind.Kind+" Fields Not Yet Recorded As Applied", fmt.Sprintf(
			"Before updating %s %s/%s, recording the fields this provider created as its server-side apply fields "+
				"failed: %s\n\nThe update goes ahead; a field removed from the configuration may stay on the object "+
				"until the next apply records them.", r.kind.Kind, namespace, name, detail))
	}
	return r.apply(ctx, api, obj, force, false)
}

// lingering lists the fields the create set that an apply of obj (spec:
// what the configuration sets) would leave behind on cur, holding another
// value than the server will store: an update records the create's fields
// as applied before such an apply, and the plan cannot dry-run it.
func (k *Kind) lingering(cur, obj *unstructured.Unstructured, spec map[string]any, fieldManager string) []string {
	return kube.Lingering(cur, obj, k.stored(obj, spec), fieldManager, k.recomputed)
}

// stored is obj as the server will store it: the spec with the defaults the
// declarations state (Attr.Default: a value the plan holds that the
// configuration need not send) and the kind's (Kind.Default), in the API's
// normal form.
func (k *Kind) stored(obj *unstructured.Unstructured, spec map[string]any) *unstructured.Unstructured {
	out := &unstructured.Unstructured{Object: make(map[string]any, len(obj.Object))}
	for key, v := range obj.Object {
		out.Object[key] = v
	}
	spec, _ = deepCopy(spec).(map[string]any)
	withDefaults(k.Spec, spec)
	out.Object["spec"] = k.normalize(spec)
	return out
}

// withDefaults fills in the declared defaults of the attributes an object
// leaves out, inside the objects it holds too.
func withDefaults(attrs []Attr, m map[string]any) {
	if m == nil {
		return
	}
	for _, a := range attrs {
		v, ok := m[a.JSON]
		switch {
		case !ok && a.Default != nil:
			m[a.JSON] = a.Default
		case !ok:
		case a.Type == Object:
			sub, _ := v.(map[string]any)
			withDefaults(a.Attrs, sub)
		case (a.Type == Map || a.Type == List || a.Type == Set) && a.Elem.Type == Object:
			each(v, func(e any) {
				sub, _ := e.(map[string]any)
				withDefaults(a.Elem.Attrs, sub)
			})
		}
	}
}

func each(v any, fn func(any)) {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			fn(e)
		}
	case []any:
		for _, e := range x {
			fn(e)
		}
	}
}

// recomputed tells the labels and annotations that the server computes on
// every write (Kind.ServerLabel).
func (k *Kind) recomputed(path []string) bool {
	return k.ServerLabel != nil && len(path) == 3 && path[0] == "metadata" &&
		(path[1] == "labels" || path[1] == "annotations") && k.ServerLabel(path[2])
}
