package kinds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// Resource is the Terraform resource of a kind.
type Resource struct {
	kind *Kind
	cfg  *Config
}

var (
	_ resource.ResourceWithConfigure   = (*Resource)(nil)
	_ resource.ResourceWithImportState = (*Resource)(nil)
	_ resource.ResourceWithModifyPlan  = (*Resource)(nil)
)

// NewResource returns the resource constructor of a kind.
func NewResource(k *Kind) func() resource.Resource {
	return func() resource.Resource { return &Resource{kind: k} }
}

func (r *Resource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.TypeName
}

func (r *Resource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// Built once per kind: the framework asks for it on many calls.
	r.kind.schemaOnce.Do(func() { r.kind.schema = r.kind.resourceSchema() })
	resp.Schema = r.kind.schema
}

func (r *Resource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	cfg, ok := req.ProviderData.(*Config)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *kinds.Config, got %T; please report this issue to the provider developers.", req.ProviderData))
		return
	}
	r.cfg = cfg
}

func (k *Kind) timeoutsType() tftypes.Object {
	return tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"create": tftypes.String, "update": tftypes.String, "delete": tftypes.String,
	}}
}

func attributes(raw tftypes.Value, diags *diag.Diagnostics) map[string]tftypes.Value {
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		diags.AddError("Unexpected Terraform Value",
			"Could not read the resource's attributes; please report this issue to the provider developers: "+err.Error())
	}
	return attrs
}

// Begin prepares an operation's context, or reports as a diagnostic why the
// provider cannot reach the cluster.
func Begin(ctx context.Context, c *Config, diags *diag.Diagnostics) (context.Context, bool) {
	return c.LogContext(ctx), usable(c, diags)
}

func usable(c *Config, diags *diag.Diagnostics) bool {
	switch {
	case c == nil:
		diags.AddError("Provider Not Configured",
			"The hedgehog provider was not configured before use; please report this issue to the provider developers.")
	case c.Unknown:
		diags.AddError("Provider Configuration Not Known",
			"The hedgehog provider's configuration still depends on values that are not known, so it cannot reach the cluster. "+
				"Create what the provider configuration depends on first (for example with -target), then apply again.")
	case c.Err != nil:
		diags.AddError("Provider Cannot Connect", c.Err.Error())
	default:
		return true
	}
	return false
}

func (r *Resource) explain(diags *diag.Diagnostics, err error, verb, namespace, name string) {
	summary, detail := r.cfg.Client.Explain(err, r.kind.objects(r.cfg).Target(verb, namespace, name))
	diags.AddError(summary, detail)
}

func (r *Resource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
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
	// The namespace defaults to the provider's, which is only known once
	// the provider is configured: a schema default cannot express it.
	namespace := config["namespace"]
	if namespace.IsNull() {
		namespace = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
		if r.cfg != nil && !r.cfg.Unknown {
			namespace = tftypes.NewValue(tftypes.String, r.cfg.Namespace)
		}
	}
	plan["namespace"] = namespace
	if req.State.Raw.IsNull() {
		if name := plan["name"]; namespace.IsKnown() && name.IsKnown() {
			plan["id"] = tftypes.NewValue(tftypes.String, str(namespace)+"/"+str(name))
		}
	} else if prior := attributes(req.State.Raw, &resp.Diagnostics)["namespace"]; !prior.Equal(namespace) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("namespace"))
	}
	resp.Plan.Raw = tftypes.NewValue(req.Plan.Raw.Type(), plan)
}

func (r *Resource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, ok := Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	attrs := attributes(req.Plan.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, _ := deadline(ctx, attrs, "create")
	defer cancel()
	obj, err := r.kind.toObject(r.cfg, attrs)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Build the Object", err.Error())
		return
	}
	namespace, name := obj.GetNamespace(), obj.GetName()
	api := r.kind.objects(r.cfg)

	exists, err := api.Exists(ctx, namespace, name)
	if err != nil {
		r.explain(&resp.Diagnostics, err, "create", namespace, name)
		return
	}
	if exists {
		resp.Diagnostics.Append(r.alreadyExists(namespace, name, ""))
		return
	}
	u, err := r.apply(ctx, api, obj, boolValue(attrs["force_conflicts"]))
	if managers := kube.ConflictManagers(err); len(managers) > 0 {
		// Someone else created it between our check and our write.
		resp.Diagnostics.Append(r.alreadyExists(namespace, name, strings.Join(managers, ", ")))
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
	if other := foreignManagers(u, r.cfg.FieldManager); len(other) > 0 {
		// Another client created the object between our check and our
		// write: it is theirs, so it does not go into the state.
		resp.Diagnostics.Append(r.alreadyExists(namespace, name, strings.Join(other, ", ")))
		return
	}
	// From here on the object exists: it goes into the state whatever
	// happens next (a failed wait leaves it tainted, never forgotten).
	resp.State.Raw = tftypes.NewValue(req.Plan.Raw.Type(), r.kind.stateValues(u, attrs, fromPlan))
	r.waitReady(ctx, api, u, attrs, req.Plan.Raw.Type(), &resp.State, &resp.Diagnostics)
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

func (r *Resource) alreadyExists(namespace, name, creator string) diag.Diagnostic {
	by := ""
	if creator != "" {
		by = fmt.Sprintf(" (created by %s)", creator)
	}
	id := namespace + "/" + name
	return diag.NewErrorDiagnostic(r.kind.Kind+" Already Exists", fmt.Sprintf(
		"The %s %q already exists in namespace %q%s, and this resource does not manage it. To manage it with Terraform, "+
			"import it instead of creating it:\n\n  terraform import hedgehog_%s.<resource name> %s\n\n"+
			"or add an import block:\n\n  import {\n    to = hedgehog_%s.<resource name>\n    id = %q\n  }\n\n"+
			"Otherwise choose another name.", r.kind.Kind, name, namespace, by, r.kind.TypeName, id, r.kind.TypeName, id))
}

// foreignManagers lists the field managers other than ours that own fields
// outside the status: on an object that we just created there are none.
func foreignManagers(u *unstructured.Unstructured, ours string) []string {
	var out []string
	for _, m := range u.GetManagedFields() {
		if m.Manager != ours && m.Subresource == "" && !slices.Contains(out, m.Manager) {
			out = append(out, m.Manager)
		}
	}
	return out
}

// apply is server-side apply. A conflict with fields that only imperative
// edits (kubectl edit, patch, update) took over is drift, and is applied
// again with force; a conflict with another applier is the user's to
// resolve (force_conflicts).
func (r *Resource) apply(ctx context.Context, api *kube.Objects, obj *unstructured.Unstructured, force bool) (*unstructured.Unstructured, error) {
	u, err := api.Apply(ctx, obj, r.cfg.FieldManager, force)
	if err == nil || force || !apierrors.IsConflict(err) {
		return u, err
	}
	managers := kube.ConflictManagers(err)
	current, getErr := api.Get(ctx, obj.GetNamespace(), obj.GetName())
	if len(managers) == 0 || getErr != nil {
		return nil, err
	}
	for _, m := range current.GetManagedFields() {
		if slices.Contains(managers, m.Manager) && m.Operation == "Apply" {
			return nil, err
		}
	}
	return api.Apply(ctx, obj, r.cfg.FieldManager, true)
}

// deadline bounds an operation by its configured timeout (validated at plan).
func deadline(ctx context.Context, attrs map[string]tftypes.Value, op string) (context.Context, context.CancelFunc, time.Duration) {
	d, _ := time.ParseDuration(DefaultTimeout)
	var t map[string]tftypes.Value
	if v := attrs["timeouts"]; v.IsKnown() && !v.IsNull() && v.As(&t) == nil {
		if s := str(t[op]); s != "" {
			if parsed, err := time.ParseDuration(s); err == nil {
				d = parsed
			}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, cancel, d
}

// waitReady waits, when wait_for_ready is set, until the controller has
// finished with the object's current generation; the state is updated with
// the last object seen either way.
func (r *Resource) waitReady(ctx context.Context, api *kube.Objects, u *unstructured.Unstructured, attrs map[string]tftypes.Value,
	t tftypes.Type, state *tfsdk.State, diags *diag.Diagnostics) {
	if r.kind.Ready == nil || !boolValue(attrs["wait_for_ready"]) {
		return
	}
	start := time.Now()
	last, err := api.WaitFor(ctx, u.GetNamespace(), u.GetName(), func(cur *unstructured.Unstructured) (bool, error) {
		if cur == nil {
			return false, errors.New("the object was deleted while waiting for it to be ready")
		}
		return r.kind.Ready(cur)
	})
	if last != nil {
		state.Raw = tftypes.NewValue(t, r.kind.stateValues(last, attrs, fromPlan))
	}
	if err == nil {
		return
	}
	id := u.GetNamespace() + "/" + u.GetName()
	phase := "unknown"
	if last != nil {
		phase, _, _ = unstructured.NestedString(last.Object, "status", "phase")
	}
	if wait.Interrupted(err) || errors.Is(err, context.DeadlineExceeded) {
		diags.AddError("Timed Out Waiting For "+r.kind.Kind, fmt.Sprintf(
			"%s %s did not become ready within %s (status.phase is %q). The object exists and stays in the state, marked "+
				"tainted: the next apply replaces it, unless `terraform untaint` keeps it. Raise timeouts, or check the "+
				"controller that reconciles %s objects.", r.kind.Kind, id, time.Since(start).Round(time.Second), phase, r.kind.Kind))
		return
	}
	diags.AddError(r.kind.Kind+" Failed", fmt.Sprintf(
		"%s %s did not become ready: %v\n\nThe object exists and stays in the state, marked tainted. Fix the cause and apply again.",
		r.kind.Kind, id, err))
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
	mode := fromCluster
	if attrs["uid"].IsNull() {
		mode = imported
	}
	resp.State.Raw = tftypes.NewValue(req.State.Raw.Type(), r.kind.stateValues(u, attrs, mode))
}

func (r *Resource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, ok := Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	attrs := attributes(req.Plan.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, _ := deadline(ctx, attrs, "update")
	defer cancel()
	obj, err := r.kind.toObject(r.cfg, attrs)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Build the Object", err.Error())
		return
	}
	api := r.kind.objects(r.cfg)
	u, err := r.apply(ctx, api, obj, boolValue(attrs["force_conflicts"]))
	if err != nil {
		r.explain(&resp.Diagnostics, err, "update", obj.GetNamespace(), obj.GetName())
		return
	}
	resp.State.Raw = tftypes.NewValue(req.Plan.Raw.Type(), r.kind.stateValues(u, attrs, fromPlan))
	r.waitReady(ctx, api, u, attrs, req.Plan.Raw.Type(), &resp.State, &resp.Diagnostics)
}

func (r *Resource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, ok := Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	attrs := attributes(req.State.Raw, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, d := deadline(ctx, attrs, "delete")
	defer cancel()

	namespace, name := str(attrs["namespace"]), str(attrs["name"])
	api := r.kind.objects(r.cfg)
	gone, pending, err := api.Delete(ctx, namespace, name)
	if err != nil {
		r.explain(&resp.Diagnostics, err, "delete", namespace, name)
		return
	}
	if gone {
		return
	}
	last, err := api.WaitFor(ctx, namespace, name, func(u *unstructured.Unstructured) (bool, error) { return u == nil, nil })
	if err == nil {
		return
	}
	if last == nil {
		last = pending
	}
	resp.Diagnostics.AddError("Timed Out Deleting "+r.kind.Kind, fmt.Sprintf(
		"%s %s/%s is still there after %s: its finalizers %q have not been removed. The resource stays in the state. "+
			"Check the controller that owns those finalizers, or raise timeouts.delete. (%v)",
		r.kind.Kind, namespace, name, d, last.GetFinalizers(), err))
}

func (r *Resource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defaultNamespace := ""
	if r.cfg != nil {
		defaultNamespace = r.cfg.Namespace
	}
	namespace, name, err := ParseImportID(req.ID, defaultNamespace)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), namespace+"/"+name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("namespace"), namespace)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
}
