package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// What hedgehog_crds owns: the CRDs whose UIDs it recorded when it created
// them (or when an import adopted them). Nothing else is changed or deleted.

func (r *crdsResource) explain(err error, diags *diag.Diagnostics) {
	var foreign *crds.ForeignError
	var version *crds.VersionError
	switch {
	case errors.As(err, &foreign):
		diags.AddError("CustomResourceDefinition Not Installed By This Resource", fmt.Sprintf(
			"Nothing was changed: %s.\n\nThis resource changes and deletes only the CRDs it created itself. If the CRD belongs "+
				"to another installer (the Hedgehog operator, another Terraform state), leave hedgehog_crds out of this "+
				"configuration: the fabrics need only the CRD to exist. If you installed it yourself and want this resource "+
				"to manage it from now on, adopt it by importing it:\n\n  terraform import hedgehog_crds.<resource name> hedgehog-crds\n\n"+
				"or with an import block (id = \"hedgehog-crds\"). The next apply then takes over the fields this provider "+
				"ships (versions and fields that other managers added stay), and delete_on_destroy may delete it.", foreign))
	case errors.As(err, &version):
		diags.AddError("CustomResourceDefinition Version Not Ours", fmt.Sprintf("Nothing was changed: %s.", version))
	default:
		summary, detail := r.cfg.Client.Explain(err, kube.Target{Verb: "install", Kind: "CustomResourceDefinition",
			Resource: crds.GVR.GroupResource().String(), Version: crds.GVR.Version})
		diags.AddError(summary, detail)
	}
}

func owned(ctx context.Context, m crdsModel, diags *diag.Diagnostics) crds.Owned {
	out := crds.Owned{}
	if !m.UIDs.IsNull() && !m.UIDs.IsUnknown() {
		diags.Append(m.UIDs.ElementsAs(ctx, &out, false)...)
	}
	return out
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
	for name, uid := range owned(ctx, state, &resp.Diagnostics) {
		deleted, err := crds.Delete(ctx, r.cfg.Client, name, uid)
		if err != nil {
			summary, detail := r.cfg.Client.Explain(err, crdTarget("delete", name))
			resp.Diagnostics.AddError(summary, detail)
			return
		}
		if !deleted {
			resp.Diagnostics.AddWarning("CustomResourceDefinition Not Deleted", fmt.Sprintf(
				"The CRD %s that this resource installed (uid %s) is gone; a CRD of that name, if any, is someone else's and was left alone.",
				name, uid))
		}
	}
}

func crdTarget(verb, name string) kube.Target {
	return kube.Target{Verb: verb, Kind: "CustomResourceDefinition", Resource: crds.GVR.GroupResource().String(),
		Version: crds.GVR.Version, Name: name}
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
	ctx, ok := kinds.Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok {
		return
	}
	b, ok := r.bundle(&resp.Diagnostics)
	if !ok {
		return
	}
	// Importing adopts the CRDs as they are: from now on this resource owns
	// these objects (their UIDs), and the next apply upgrades them.
	uids := crds.Owned{}
	for _, name := range b.Names() {
		u, err := r.cfg.Client.Dynamic.Resource(crds.GVR).Get(ctx, name, metav1.GetOptions{})
		if kube.IsObjectNotFound(err) {
			resp.Diagnostics.AddError("Cannot Import Non-Existent CustomResourceDefinition", fmt.Sprintf(
				"The CRD %s is not installed, so there is nothing to adopt: remove the import, and apply installs it.", name))
			return
		}
		if err != nil {
			summary, detail := r.cfg.Client.Explain(err, crdTarget("get", name))
			resp.Diagnostics.AddError(summary, detail)
			return
		}
		uids[name] = string(u.GetUID())
	}
	names, d := types.ListValueFrom(ctx, types.StringType, b.Names())
	resp.Diagnostics.Append(d...)
	uidMap, d := types.MapValueFrom(ctx, types.StringType, uids)
	resp.Diagnostics.Append(d...)
	resp.Diagnostics.Append(resp.State.Set(ctx, crdsModel{ID: types.StringValue("hedgehog-crds"), Names: names,
		BundleHash: types.StringNull(), UIDs: uidMap, DeleteOnDestroy: types.BoolValue(false)})...)
}
