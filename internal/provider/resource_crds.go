package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// crdsTimeout bounds installing the CRDs and waiting until they are served.
const crdsTimeout = 5 * time.Minute

type crdsResource struct{ cfg *kinds.Config }

// NewCRDsResource is the hedgehog_crds resource.
func NewCRDsResource() resource.Resource { return &crdsResource{} }

type crdsModel struct {
	ID              types.String `tfsdk:"id"`
	Names           types.List   `tfsdk:"names"`
	BundleHash      types.String `tfsdk:"bundle_hash"`
	UIDs            types.Map    `tfsdk:"uids"`
	DeleteOnDestroy types.Bool   `tfsdk:"delete_on_destroy"`
}

func (r *crdsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_crds"
}

func (r *crdsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Installs, or upgrades, the CustomResourceDefinitions this provider version ships (the `Fabric` " +
			"kind, in the provider's `fabric_api_group` and `fabric_api_version`), and waits until the API server serves " +
			"them. Nothing about it needs the cluster at plan time, so one apply can install the CRDs and create fabrics " +
			"that depend on them. It changes and deletes only a CRD that it created itself (or adopted by import): a CRD " +
			"that already exists is left exactly as it is, and the apply fails saying who manages it. Destroying it " +
			"leaves the CRDs — and so every fabric — in place, unless `delete_on_destroy` is set.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Always `hedgehog-crds`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"names": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The names of the CRDs installed, such as `fabrics." + DefaultGroup + "`."},
			"bundle_hash": schema.StringAttribute{Computed: true,
				MarkdownDescription: "A hash of the CRDs as installed. When a newer provider version ships changed CRDs, the plan " +
					"shows this attribute change, and apply upgrades them."},
			"uids": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The UID of each CRD this resource created or adopted, by name: what it may upgrade and " +
					"delete. A CRD of the same name with another UID is someone else's."},
			"delete_on_destroy": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Delete the CRDs when this resource is destroyed — only the objects it created or adopted " +
					"(their UIDs), never a CRD someone else installed under the same name. Deleting a CRD deletes every object " +
					"of its kind in the cluster, fabrics managed elsewhere included. Default `false`: destroy leaves them installed."},
		},
	}
}

func (r *crdsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.cfg = kinds.ProviderConfig(req.ProviderData, &resp.Diagnostics)
}

func (r *crdsResource) bundle(diags *diag.Diagnostics) (crds.Bundle, bool) {
	b, err := crds.For(r.cfg.Group, r.cfg.Version)
	if err != nil {
		diags.AddError("Cannot Render the CRDs", err.Error())
		return crds.Bundle{}, false
	}
	return b, true
}

func (r *crdsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.cfg == nil || r.cfg.Unknown {
		return
	}
	b, ok := r.bundle(&resp.Diagnostics)
	if !ok {
		return
	}
	names, d := types.ListValueFrom(ctx, types.StringType, b.Names())
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("names"), names)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("bundle_hash"), b.Hash)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), "hedgehog-crds")...)
	if !req.State.Raw.IsNull() {
		var prior types.List
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("names"), &prior)...)
		if !prior.Equal(names) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("names"))
			return
		}
		// An upgrade keeps the objects it installed.
		var uids types.Map
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("uids"), &uids)...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("uids"), uids)...)
	}
}

func (r *crdsResource) install(ctx context.Context, plan crdsModel, owned crds.Owned, state *crdsModel, diags *diag.Diagnostics) {
	ctx, ok := kinds.Begin(ctx, r.cfg, diags)
	if !ok {
		return
	}
	b, ok := r.bundle(diags)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, crdsTimeout)
	defer cancel()
	uids, err := crds.Ensure(ctx, r.cfg.Client, b, r.cfg.FieldManager, owned)
	hash := b.Hash
	if err != nil {
		r.explain(err, diags)
		if len(uids) == 0 {
			return
		}
		// Some CRDs were installed: they are ours, and stay in the state
		// (with no hash, so that the next plan finishes the job).
		hash = ""
	}
	names, d := types.ListValueFrom(ctx, types.StringType, b.Names())
	diags.Append(d...)
	uidMap, d := types.MapValueFrom(ctx, types.StringType, uids)
	diags.Append(d...)
	*state = crdsModel{ID: types.StringValue("hedgehog-crds"), Names: names, BundleHash: types.StringValue(hash), UIDs: uidMap,
		DeleteOnDestroy: plan.DeleteOnDestroy}
}

func (r *crdsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, state crdsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	r.install(ctx, plan, nil, &state, &resp.Diagnostics)
	if !state.ID.IsNull() {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

func (r *crdsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior, state crdsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.install(ctx, plan, owned(ctx, prior, &resp.Diagnostics), &state, &resp.Diagnostics)
	if !state.ID.IsNull() {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

func (r *crdsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.cfg != nil && r.cfg.Unknown {
		return
	}
	ctx, ok := kinds.Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	var state crdsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	var names []string
	resp.Diagnostics.Append(state.Names.ElementsAs(ctx, &names, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	uids := owned(ctx, state, &resp.Diagnostics)
	api := r.cfg.Client.Dynamic.Resource(crds.GVR)
	hash := ""
	for i, name := range names {
		u, err := api.Get(ctx, name, metav1.GetOptions{})
		if kube.IsObjectNotFound(err) {
			// A CRD was deleted out of band: plan installs the bundle again.
			resp.State.RemoveResource(ctx)
			return
		}
		if err != nil {
			summary, detail := r.cfg.Client.Explain(err, crdTarget("get", name))
			resp.Diagnostics.AddError(summary, detail)
			return
		}
		if string(u.GetUID()) != uids[name] {
			// Deleted, and created again by someone else: not ours.
			resp.Diagnostics.AddWarning("CustomResourceDefinition Replaced By Someone Else", fmt.Sprintf(
				"The CRD %s in the cluster (uid %s) is not the one this resource installed (uid %s), so it is no longer in "+
					"the state; this resource will not change or delete it. Import it to manage it.", name, u.GetUID(), uids[name]))
			resp.State.RemoveResource(ctx)
			return
		}
		// An unestablished CRD, or one another installer changed, reads as
		// no hash: the plan then installs the bundle again.
		h := u.GetAnnotations()[crds.HashAnnotation]
		if ok, _ := crds.Established(u); !ok {
			h = ""
		}
		if i == 0 {
			hash = h
		} else if h != hash {
			hash = ""
		}
	}
	state.BundleHash = types.StringValue(hash)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

var (
	_ resource.ResourceWithModifyPlan  = (*crdsResource)(nil)
	_ resource.ResourceWithImportState = (*crdsResource)(nil)
)
