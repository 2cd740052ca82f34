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
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

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
			"that depend on them. Destroying it leaves the CRDs — and so every fabric — in place, unless `delete_on_destroy` is set.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Always `hedgehog-crds`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"names": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The names of the CRDs installed, such as `fabrics." + DefaultGroup + "`."},
			"bundle_hash": schema.StringAttribute{Computed: true,
				MarkdownDescription: "A hash of the CRDs as installed. When a newer provider version ships changed CRDs, the plan " +
					"shows this attribute change, and apply upgrades them."},
			"delete_on_destroy": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Delete the CRDs when this resource is destroyed. Deleting a CRD deletes every object of " +
					"its kind in the cluster, fabrics managed elsewhere included. Default `false`: destroy leaves them installed."},
		},
	}
}

func (r *crdsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData != nil {
		r.cfg, _ = req.ProviderData.(*kinds.Config)
	}
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
		}
	}
}

func (r *crdsResource) install(ctx context.Context, plan crdsModel, state *crdsModel, diags *diag.Diagnostics) {
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
	if err := crds.Install(ctx, r.cfg.Client, b, r.cfg.FieldManager); err != nil {
		summary, detail := r.cfg.Client.Explain(err, kube.Target{Verb: "install", Kind: "CustomResourceDefinition",
			Resource: crds.GVR.GroupResource().String(), Version: crds.GVR.Version})
		diags.AddError(summary, detail)
		return
	}
	names, d := types.ListValueFrom(ctx, types.StringType, b.Names())
	diags.Append(d...)
	*state = crdsModel{ID: types.StringValue("hedgehog-crds"), Names: names, BundleHash: types.StringValue(b.Hash),
		DeleteOnDestroy: plan.DeleteOnDestroy}
}

func (r *crdsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, state crdsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	r.install(ctx, plan, &state, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

func (r *crdsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state crdsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	r.install(ctx, plan, &state, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
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
	api := r.cfg.Client.Objects(crds.GVR, "CustomResourceDefinition", "")
	hash := ""
	for i, name := range names {
		u, err := api.Get(ctx, "", name)
		if kube.IsObjectNotFound(err) {
			// A CRD was deleted out of band: plan installs the bundle again.
			resp.State.RemoveResource(ctx)
			return
		}
		if err != nil {
			summary, detail := r.cfg.Client.Explain(err, api.Target("get", "", name))
			resp.Diagnostics.AddError(summary, detail)
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

func (r *crdsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state crdsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !state.DeleteOnDestroy.ValueBool() {
		return
	}
	ctx, ok := kinds.Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, crdsTimeout)
	defer cancel()
	api := r.cfg.Client.Objects(crds.GVR, "CustomResourceDefinition", "")
	var names []string
	resp.Diagnostics.Append(state.Names.ElementsAs(ctx, &names, false)...)
	for _, name := range names {
		gone, _, err := api.Delete(ctx, "", name)
		if err == nil && !gone {
			_, err = api.WaitFor(ctx, "", name, func(u *unstructured.Unstructured) (bool, error) { return u == nil, nil })
		}
		if err != nil {
			summary, detail := r.cfg.Client.Explain(err, api.Target("delete", "", name))
			resp.Diagnostics.AddError(summary, detail)
			return
		}
	}
}

func (r *crdsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID != "hedgehog-crds" {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("The import ID of hedgehog_crds is always \"hedgehog-crds\", not %q.", req.ID))
		return
	}
	if r.cfg == nil || r.cfg.Unknown {
		resp.Diagnostics.AddError("Provider Configuration Not Known", "Import needs a configured provider.")
		return
	}
	b, ok := r.bundle(&resp.Diagnostics)
	if !ok {
		return
	}
	names, d := types.ListValueFrom(ctx, types.StringType, b.Names())
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.State.Set(ctx, crdsModel{ID: types.StringValue("hedgehog-crds"), Names: names,
		BundleHash: types.StringNull(), DeleteOnDestroy: types.BoolValue(false)})...)
}

var (
	_ resource.ResourceWithModifyPlan  = (*crdsResource)(nil)
	_ resource.ResourceWithImportState = (*crdsResource)(nil)
)
