package kinds

import (
	"context"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

func (r *Resource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.checks().Writing()
	ctx, ok := Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	attrs, spec, d := r.operation(ctx, req.Plan.Raw, req.Config.Raw, "create", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	obj := r.kind.toObject(r.cfg, attrs, spec)
	namespace, name := obj.GetNamespace(), obj.GetName()
	api := r.kind.objects(r.cfg)

	// One request that fails when the object exists: nothing is ever
	// written onto an object that this resource did not create.
	u, err := api.Create(ctx, obj, r.cfg.FieldManager)
	if kube.IsAlreadyExists(err) {
		resp.Diagnostics.Append(r.alreadyExists(ctx, api, namespace, name))
		return
	}
	if fields := kube.UnknownFields(err); len(fields) > 0 {
		// Strict field validation: the cluster's CRD is older than the
		// configuration, and nothing was stored.
		r.unknownFields(fields, err, &resp.Diagnostics)
		return
	}
	if err != nil {
		r.explain(&resp.Diagnostics, err, "create", namespace, name)
		if kube.MayHaveHappened(err) {
			// The API server may have created the object before the answer
			// was lost. Keep it in the state, tainted: the next plan reads
			// it (or finds it gone) and replaces it, instead of forgetting it.
			resp.State.Raw = tftypes.NewValue(req.Plan.Raw.Type(), known(attrs))
			resp.Diagnostics.AddWarning(r.kind.Kind+" Kept In State",
				fmt.Sprintf("The create request for %s %s/%s may have reached the API server, so the resource is kept in the "+
					"state, marked tainted: the next apply replaces it.", r.kind.Kind, namespace, name))
		}
		return
	}
	// From here on the object exists: it goes into the state whatever
	// happens next (a failed wait leaves it tainted, never forgotten).
	r.setState(&resp.State.Raw, req.Plan.Raw.Type(), u, attrs, &resp.Diagnostics)
	r.wait(ctx, api, u, attrs, req.Plan.Raw.Type(), &resp.State.Raw, &resp.Diagnostics)
}

func (r *Resource) setState(state *tftypes.Value, t tftypes.Type, u *unstructured.Unstructured, attrs map[string]tftypes.Value, diags *diag.Diagnostics) {
	vals, err := r.kind.stateValues(u, attrs, applied)
	if err != nil {
		r.shapeError(diags, u, err)
		// Never lose the object: keep what was planned, unknowns as null.
		*state = tftypes.NewValue(t, known(attrs))
		return
	}
	*state = tftypes.NewValue(t, vals)
}

// known replaces the unknown values of a plan with nulls, so that it can be
// saved as state.
func known(attrs map[string]tftypes.Value) map[string]tftypes.Value {
	out := make(map[string]tftypes.Value, len(attrs))
	for k, v := range attrs {
		if !v.IsFullyKnown() {
			v = tftypes.NewValue(v.Type(), nil)
		}
		out[k] = v
	}
	return out
}

// alreadyExists says who created an object that exists already and how to
// import it.
func (r *Resource) alreadyExists(ctx context.Context, api *kube.Objects, namespace, name string) diag.Diagnostic {
	by := ""
	if u, err := api.GetFresh(ctx, namespace, name); err == nil {
		if managers := fieldManagers(u); len(managers) > 0 {
			by = fmt.Sprintf(" (its fields are managed by %s)", strings.Join(managers, ", "))
		}
	}
	id := namespace + "/" + name
	return diag.NewErrorDiagnostic(r.kind.Kind+" Already Exists", fmt.Sprintf(
		"The %s %q already exists in namespace %q%s, and this resource does not manage it; it was left exactly as it is. "+
			"To manage it with Terraform, import it instead of creating it:\n\n  terraform import hedgehog_%s.<resource name> %s\n\n"+
			"or add an import block:\n\n  import {\n    to = hedgehog_%s.<resource name>\n    id = %q\n  }\n\n"+
			"Otherwise choose another name.", r.kind.Kind, name, namespace, by, r.kind.TypeName, id, r.kind.TypeName, id))
}

// fieldManagers lists the field managers of an object outside its status.
func fieldManagers(u *unstructured.Unstructured) []string {
	var out []string
	for _, m := range u.GetManagedFields() {
		if m.Subresource == "" && !slices.Contains(out, m.Manager) {
			out = append(out, m.Manager)
		}
	}
	return out
}

// apply is server-side apply. A conflict with fields that only imperative
// edits (kubectl edit, patch, update) took over is drift, and is applied
// again with force; a conflict with another applier is the user's to
// resolve (force_conflicts). Who did what is read from a fresh GET, never
// from the refresh snapshot.
// With dryRun, the same happens as a dry run (a plan's check).
func (r *Resource) apply(ctx context.Context, api *kube.Objects, obj *unstructured.Unstructured, force, dryRun bool) (*unstructured.Unstructured, error) {
	send := api.Apply
	if dryRun {
		send = api.DryRunApply
	}
	u, err := send(ctx, obj, r.cfg.FieldManager, force)
	if err == nil || force || !apierrors.IsConflict(err) {
		return u, err
	}
	managers := kube.ConflictManagers(err)
	current, getErr := api.GetFresh(ctx, obj.GetNamespace(), obj.GetName())
	if len(managers) == 0 || getErr != nil {
		return nil, err
	}
	for _, m := range current.GetManagedFields() {
		if slices.Contains(managers, m.Manager) && m.Operation == "Apply" {
			return nil, err
		}
	}
	return send(ctx, obj, r.cfg.FieldManager, true)
}

func (r *Resource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.cfg != nil && r.cfg.Unknown {
		return // kept as is; Configure warned once
	}
	ctx, ok := Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	attrs := attributes(req.State.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	namespace, name := str(attrs["namespace"]), str(attrs["name"])
	u, err := r.kind.objects(r.cfg).Get(ctx, namespace, name)
	if kube.IsObjectNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		r.explain(&resp.Diagnostics, err, "get", namespace, name)
		return
	}
	mode := refreshed
	if attrs["uid"].IsNull() {
		mode = imported
	}
	vals, err := r.kind.stateValues(u, attrs, mode)
	if err != nil {
		r.shapeError(&resp.Diagnostics, u, err)
		return
	}
	resp.State.Raw = tftypes.NewValue(req.State.Raw.Type(), vals)
}

func (r *Resource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.checks().Writing()
	ctx, ok := Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	attrs, spec, d := r.operation(ctx, req.Plan.Raw, req.Config.Raw, "update", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	obj := r.kind.toObject(r.cfg, attrs, spec)
	api := r.kind.objects(r.cfg)
	// A create records its fields as an imperative update (kube.Objects.Create
	// says why); applyUpdate records them as applied first when the apply
	// needs it.
	u, err := r.applyUpdate(ctx, api, obj, spec, boolValue(attrs["force_conflicts"]), &resp.Diagnostics)
	if fields := kube.UnknownFields(err); len(fields) > 0 {
		r.unknownFields(fields, err, &resp.Diagnostics)
		return
	}
	if err != nil {
		r.explain(&resp.Diagnostics, err, "update", obj.GetNamespace(), obj.GetName())
		return
	}
	r.setState(&resp.State.Raw, req.Plan.Raw.Type(), u, attrs, &resp.Diagnostics)
	r.wait(ctx, api, u, attrs, req.Plan.Raw.Type(), &resp.State.Raw, &resp.Diagnostics)
}

func (r *Resource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	r.checks().Writing()
	ctx, ok := Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	attrs := attributes(req.State.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	d := r.timeout(ctx, attrs, "delete", &resp.Diagnostics)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	r.delete(ctx, attrs, d, &resp.Diagnostics)
}

func (r *Resource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	namespace, name, err := ParseImportID(req.ID, r.kind.namespace(r.cfg), r.kind.Namespace != "")
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", err.Error())
		return
	}
	if r.kind.Namespace != "" && namespace != r.kind.Namespace {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("import ID %q: %s objects live in the namespace %q only; "+
			"write %s/<name> or <name>.", req.ID, r.kind.Kind, r.kind.Namespace, r.kind.Namespace))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), namespace+"/"+name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("namespace"), namespace)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
}
