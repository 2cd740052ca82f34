// Plan-time work of every kind's resource: ModifyPlan (namespace and id,
// predicted defaults, replacements, then the cluster's check of a write or a
// delete) and ValidateConfig (the kind's rules, reported on the attribute
// they name). Kept in one file because the two share the reporting of
// Problems; the cluster's checks themselves are in dryrun*.go.

package kinds

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func (r *Resource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		if !req.State.Raw.IsNull() {
			if prior := attributes(req.State.Raw, &resp.Diagnostics); !resp.Diagnostics.HasError() {
				r.checkDelete(ctx, prior, &resp.Diagnostics)
			}
		}
		return
	}
	// Raw values, not GetAttribute/SetAttribute: this runs for every
	// resource of every plan, and the framework's path walks cost more than
	// the rest of the plan together.
	plan := attributes(req.Plan.Raw, &resp.Diagnostics)
	config := attributes(req.Config.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	k := r.kind
	// The namespace defaults to the provider's, which is only known once
	// the provider is configured: a schema default cannot express it.
	namespace := config["namespace"]
	if namespace.IsNull() {
		namespace = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
		if k.Namespace != "" || (r.cfg != nil && !r.cfg.Unknown) {
			namespace = tftypes.NewValue(tftypes.String, k.namespace(r.cfg))
		}
	}
	plan["namespace"] = namespace
	var prior map[string]tftypes.Value
	if req.State.Raw.IsNull() {
		if name := plan["name"]; namespace.IsKnown() && name.IsKnown() {
			plan["id"] = tftypes.NewValue(tftypes.String, str(namespace)+"/"+str(name))
		}
	} else {
		prior = attributes(req.State.Raw, &resp.Diagnostics)
		if !prior["namespace"].Equal(namespace) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("namespace"))
		}
	}
	if k.Default != nil && !req.Plan.Raw.IsFullyKnown() {
		r.predict(config, plan, &resp.Diagnostics)
		if prior != nil && unchanged(prior, plan) {
			keepServerMeta(prior, plan)
		}
	}
	if k.RequiresReplace != nil && prior != nil && prior["uid"].IsKnown() && !prior["uid"].IsNull() {
		before, err1 := k.specJSON(prior, true)
		after, err2 := k.specJSON(plan, true)
		if err1 == nil && err2 == nil {
			for _, field := range k.RequiresReplace(before, after) {
				if p, ok := k.attrPath([]any{field}); ok {
					resp.RequiresReplace = append(resp.RequiresReplace, p)
				}
			}
		}
	}
	resp.Plan.Raw = tftypes.NewValue(req.Plan.Raw.Type(), plan)
	// The cluster's own check, only for what changes: a plan without
	// changes sends nothing.
	if resp.Diagnostics.HasError() || resp.Plan.Raw.Equal(req.State.Raw) {
		return
	}
	replaced := len(resp.RequiresReplace) > 0 || (prior != nil && k.immutableChanged(prior, plan))
	r.checkWrite(ctx, config, plan, prior, replaced, &resp.Diagnostics)
	resp.Plan.Raw = tftypes.NewValue(req.Plan.Raw.Type(), plan)
}

// immutableChanged tells whether the plan changes the name or an Immutable
// attribute: Terraform then replaces the object.
func (k *Kind) immutableChanged(prior, plan map[string]tftypes.Value) bool {
	if !prior["name"].Equal(plan["name"]) {
		return true
	}
	for _, a := range k.Spec {
		if immutableChanged(a, prior[a.Name], plan[a.Name]) {
			return true
		}
	}
	return false
}

func immutableChanged(a Attr, prior, plan tftypes.Value) bool {
	if a.Immutable {
		return !prior.Equal(plan)
	}
	if a.Type != Object || prior.IsNull() || !prior.IsKnown() || plan.IsNull() || !plan.IsKnown() {
		return false
	}
	var before, after map[string]tftypes.Value
	if prior.As(&before) != nil || plan.As(&after) != nil {
		return false
	}
	for _, sub := range a.Attrs {
		if immutableChanged(sub, before[sub.Name], after[sub.Name]) {
			return true
		}
	}
	return false
}

// predict plans the values the server will fill in (Computed attributes the
// configuration leaves out) from the kind's Default, when the configuration
// is known; otherwise they stay unknown ("known after apply").
func (r *Resource) predict(config, plan map[string]tftypes.Value, diags *diag.Diagnostics) {
	k := r.kind
	for _, a := range k.Spec {
		if !config[a.Name].IsFullyKnown() {
			return
		}
	}
	spec, err := k.specJSON(config, false)
	if err != nil {
		return
	}
	stored := k.normalize(spec)
	for _, a := range k.Spec {
		v, err := predictValue(a, plan[a.Name], stored[a.JSON])
		if err != nil {
			diags.AddError("Cannot Plan "+k.Kind, fmt.Sprintf(
				"Planning the server's defaults of %s failed: %v; please report this issue to the provider developers.", a.Name, err))
			return
		}
		plan[a.Name] = v
	}
}

// predictValue replaces unknown parts of a planned value with the stored
// form's.
func predictValue(a Attr, planned tftypes.Value, stored any) (tftypes.Value, error) {
	if planned.IsFullyKnown() {
		return planned, nil
	}
	if !planned.IsKnown() {
		return fromJSON(a, stored, a.JSON)
	}
	switch a.Type {
	case Object:
		var attrs map[string]tftypes.Value
		if err := planned.As(&attrs); err != nil {
			return planned, err
		}
		m, _ := stored.(map[string]any)
		out := make(map[string]tftypes.Value, len(attrs))
		for _, sub := range a.Attrs {
			v, err := predictValue(sub, attrs[sub.Name], m[sub.JSON])
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
		m, _ := stored.(map[string]any)
		out := make(map[string]tftypes.Value, len(elems))
		for key, e := range elems {
			v, err := predictValue(*a.Elem, e, m[key])
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
		l, _ := stored.([]any)
		out := make([]tftypes.Value, len(elems))
		for i, e := range elems {
			var s any
			if i < len(l) {
				s = l[i]
			}
			v, err := predictValue(*a.Elem, e, s)
			if err != nil {
				return planned, err
			}
			out[i] = v
		}
		return tftypes.NewValue(planned.Type(), out), nil
	}
	return planned, nil
}

func (r *Resource) ValidateConfig(_ context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	k := r.kind
	config := attributes(req.Config.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if k.ServerLabel != nil {
		for _, field := range []string{"labels", "annotations"} {
			for key := range strMap(config[field]) {
				if k.ServerLabel(key) {
					resp.Diagnostics.AddAttributeError(path.Root(field).AtMapKey(key), "Key Set By The Server", fmt.Sprintf(
						"Attribute %s[%q]: the %s API removes every key like this one from %s and computes its own; leave it out.",
						field, key, k.Kind, field))
				}
			}
		}
	}
	if k.Check == nil {
		return
	}
	spec, err := k.specJSON(config, true)
	if err != nil {
		return
	}
	name := ""
	if v := config["name"]; v.IsKnown() && !v.IsNull() {
		name = str(v)
	}
	k.report(k.Check(name, spec), &resp.Diagnostics)
}

// report turns problems into attribute errors, and warnings into attribute
// warnings.
func (k *Kind) report(problems []Problem, diags *diag.Diagnostics) {
	for _, p := range problems {
		at, ok := k.attrPath(p.Path)
		where := at.String()
		if !ok && len(p.Path) > 0 {
			where = fmt.Sprint(p.Path...)
		}
		detail := p.Message
		if p.Warning {
			detail = "the API accepts this, with a warning: " + detail
		}
		if where != "" {
			detail = "Attribute " + where + ": " + detail
		}
		if !strings.HasSuffix(detail, ".") {
			detail += "."
		}
		if p.Warning {
			diags.AddAttributeWarning(at, k.Kind+" Accepted With A Warning", detail)
			continue
		}
		diags.AddAttributeError(at, "Invalid "+k.Kind, detail)
	}
}

// attrPath turns a path of JSON names, map keys and list indexes inside the
// spec into the Terraform attribute path. ok is false when the path leaves
// the declarations (the path found so far is returned).
func (k *Kind) attrPath(steps []any) (path.Path, bool) {
	if len(steps) == 0 {
		return path.Empty(), true
	}
	if steps[0] == "metadata" {
		if len(steps) > 1 {
			if f, _ := steps[1].(string); f == "name" || f == "namespace" || f == "labels" || f == "annotations" {
				p := path.Root(f)
				if len(steps) > 2 {
					if key, ok := steps[2].(string); ok {
						p = p.AtMapKey(key)
					}
				}
				return p, true
			}
		}
		return path.Empty(), false
	}
	cur := k.spec()
	var p path.Path
	for i, step := range steps {
		switch cur.Type {
		case Object:
			field, _ := step.(string)
			found := false
			for _, sub := range cur.Attrs {
				if sub.JSON == field {
					if i == 0 {
						p = path.Root(sub.Name)
					} else {
						p = p.AtName(sub.Name)
					}
					cur, found = sub, true
					break
				}
			}
			if !found {
				return p, false
			}
		case Map:
			key, ok := step.(string)
			if !ok {
				return p, false
			}
			p, cur = p.AtMapKey(key), *cur.Elem
		case List:
			idx, ok := step.(int)
			if !ok {
				return p, false
			}
			p, cur = p.AtListIndex(idx), *cur.Elem
		default:
			// Inside sets and free-form values the attribute itself is the
			// most precise path Terraform can show.
			return p, true
		}
	}
	return p, true
}
