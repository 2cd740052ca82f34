package kinds

import (
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// readMode says where a state's spec values come from.
type readMode int

const (
	// refreshed reads the object against the prior state: only what the
	// prior state manages can show as drift.
	refreshed readMode = iota
	// applied keeps the planned spec (just applied) and takes what the plan
	// left unknown, metadata and status from the API server's answer.
	applied
	// imported has no prior values: everything the object holds is taken.
	imported
)

// stateValues are the resource attributes for object u; prior holds the
// planned or prior-state attributes.
func (k *Kind) stateValues(u *unstructured.Unstructured, prior map[string]tftypes.Value, mode readMode) (map[string]tftypes.Value, error) {
	out := k.metaValues(u, prior, mode)
	got, _, _ := unstructured.NestedMap(u.Object, "spec")
	var want map[string]any
	if mode == refreshed {
		p, err := k.specJSON(prior, false)
		if err != nil {
			return nil, err
		}
		want, got = k.normalize(p), k.normalize(got)
	}
	for _, a := range k.Spec {
		var v tftypes.Value
		var err error
		switch mode {
		case applied:
			v, err = fill(a, prior[a.Name], got[a.JSON], a.JSON)
		case refreshed:
			v, err = merge(a, prior[a.Name], want[a.JSON], got[a.JSON], a.JSON)
		case imported:
			v, err = fromJSON(a, got[a.JSON], a.JSON)
			if canonical(got[a.JSON]) == nil && !a.Computed {
				v = tftypes.NewValue(a.tfType(), nil)
			}
		}
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
	for _, name := range []string{"force_conflicts", "wait_for_ready", "wait_for_applied"} {
		if (name == "wait_for_ready" && k.Ready == nil) || (name == "wait_for_applied" && k.Applied == nil) {
			continue
		}
		if v, ok := prior[name]; ok && !v.IsNull() && v.IsKnown() {
			out[name] = v
		} else {
			out[name] = tftypes.NewValue(tftypes.Bool, false)
		}
	}
	if v, ok := prior["timeouts"]; ok && v.IsKnown() {
		out["timeouts"] = v
	} else {
		out["timeouts"] = tftypes.NewValue(timeoutsType, nil)
	}
	return out, nil
}

var timeoutsType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"create": tftypes.String, "update": tftypes.String, "delete": tftypes.String,
}}

// fill keeps a planned value and takes from the object what the plan left
// unknown (values the server fills in).
func fill(a Attr, planned tftypes.Value, got any, at string) (tftypes.Value, error) {
	if !planned.IsKnown() {
		return fromJSON(a, got, at)
	}
	if planned.IsNull() || planned.IsFullyKnown() {
		return planned, nil
	}
	switch a.Type {
	case Object:
		var attrs map[string]tftypes.Value
		if err := planned.As(&attrs); err != nil {
			return planned, err
		}
		m, _ := got.(map[string]any)
		out := make(map[string]tftypes.Value, len(attrs))
		for _, sub := range a.Attrs {
			v, err := fill(sub, attrs[sub.Name], m[sub.JSON], join(at, sub.JSON))
			if err != nil {
				return planned, err
			}
			out[sub.Name] = v
		}
		return tftypes.NewValue(planned.Type(), out), nil
	case Map:
		var elems map[string]tftypes.Value
		if err := planned.As(&elems); err != nil {
			return planned, err
		}
		m, _ := got.(map[string]any)
		out := make(map[string]tftypes.Value, len(elems))
		for key, e := range elems {
			v, err := fill(*a.Elem, e, m[key], fmt.Sprintf("%s[%q]", at, key))
			if err != nil {
				return planned, err
			}
			out[key] = v
		}
		return tftypes.NewValue(planned.Type(), out), nil
	case List:
		var elems []tftypes.Value
		if err := planned.As(&elems); err != nil {
			return planned, err
		}
		l, _ := got.([]any)
		out := make([]tftypes.Value, len(elems))
		for i, e := range elems {
			var g any
			if i < len(l) {
				g = l[i]
			}
			v, err := fill(*a.Elem, e, g, fmt.Sprintf("%s[%d]", at, i))
			if err != nil {
				return planned, err
			}
			out[i] = v
		}
		return tftypes.NewValue(planned.Type(), out), nil
	}
	// Sets and free-form values with unknown parts: the object has the
	// whole value.
	return fromJSON(a, got, at)
}

// merge reads one attribute of a refreshed object. Only what the prior state
// holds is managed: a value the prior state leaves null (set by someone else:
// another field manager, a controller, a webhook) never shows as a
// difference, unless the attribute is Computed, whose value is read back.
// Inside objects and maps the rule holds per attribute and per key; lists,
// sets and primitives compare whole. want is the prior value as the server
// stores it, got the object's.
func merge(a Attr, prior tftypes.Value, want, got any, at string) (tftypes.Value, error) {
	if prior.IsNull() || !prior.IsKnown() {
		if a.Computed || !prior.IsKnown() {
			return fromJSON(a, got, at)
		}
		return prior, nil
	}
	if Equivalent(want, got) && !computedInside(a) {
		return prior, nil
	}
	switch a.Type {
	case Object:
		m, ok := got.(map[string]any)
		if !ok {
			return fromJSON(a, got, at) // gone (null) or not an object (an error)
		}
		w, _ := want.(map[string]any)
		var attrs map[string]tftypes.Value
		if err := prior.As(&attrs); err != nil {
			return prior, err
		}
		out := make(map[string]tftypes.Value, len(attrs))
		for _, sub := range a.Attrs {
			v, err := merge(sub, attrs[sub.Name], w[sub.JSON], m[sub.JSON], join(at, sub.JSON))
			if err != nil {
				return prior, err
			}
			out[sub.Name] = v
		}
		return tftypes.NewValue(prior.Type(), out), nil
	case Map:
		m, ok := got.(map[string]any)
		if !ok {
			return fromJSON(a, got, at)
		}
		w, _ := want.(map[string]any)
		var elems map[string]tftypes.Value
		if err := prior.As(&elems); err != nil {
			return prior, err
		}
		out := make(map[string]tftypes.Value, len(elems))
		for key, e := range elems {
			g, present := m[key]
			if !present {
				continue // removed by someone: a difference to set back
			}
			v, err := merge(*a.Elem, e, w[key], g, fmt.Sprintf("%s[%q]", at, key))
			if err != nil {
				return prior, err
			}
			out[key] = v
		}
		return tftypes.NewValue(prior.Type(), out), nil
	case FreeForm:
		return mergeDynamic(prior, want, got), nil
	}
	return fromJSON(a, got, at)
}

// computedInside tells whether the attributes inside a value of a (not a
// itself) hold Computed attributes, which merge reads back one by one. A
// Computed value that the prior state holds stays as it is while the server
// stores the same thing (a set the webhook adds to and sorts, say).
func computedInside(a Attr) bool {
	switch a.Type {
	case Object:
		return slices.ContainsFunc(a.Attrs, hasComputed)
	case Map:
		return hasComputed(*a.Elem)
	}
	return false
}

// hasComputed tells whether a value of a holds Computed attributes, which
// merge reads back even when the rest is unchanged.
func hasComputed(a Attr) bool {
	if a.Computed {
		return true
	}
	switch a.Type {
	case Object:
		return slices.ContainsFunc(a.Attrs, hasComputed)
	case Map:
		return hasComputed(*a.Elem)
	}
	return false
}

// mergeDynamic is merge for free-form values: per key inside objects.
func mergeDynamic(prior tftypes.Value, want, got any) tftypes.Value {
	m, isMap := got.(map[string]any)
	t := prior.Type()
	if !isMap || (!t.Is(tftypes.Object{}) && !t.Is(tftypes.Map{})) {
		if Equivalent(want, got) {
			return prior
		}
		return dynamicFromJSON(got)
	}
	w, _ := want.(map[string]any)
	var elems map[string]tftypes.Value
	if err := prior.As(&elems); err != nil {
		return dynamicFromJSON(got)
	}
	vals := make(map[string]tftypes.Value, len(elems))
	types := make(map[string]tftypes.Type, len(elems))
	for key, e := range elems {
		g, present := m[key]
		if e.IsNull() || !present {
			continue
		}
		v := mergeDynamic(e, w[key], g)
		vals[key], types[key] = v, v.Type()
	}
	return tftypes.NewValue(tftypes.Object{AttributeTypes: types}, vals)
}
