package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/rbac"
)

// This file maps hedgehog_rbac_setup's plan and state to internal/rbac,
// which does the Kubernetes side, and its errors to diagnostics.

func (r *rbacResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan rbacModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, ok := kinds.Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	s := r.setup(plan)
	existing, err := s.Existing(ctx)
	if err != nil {
		r.explain(&resp.Diagnostics, err)
		return
	}
	if len(existing) > 0 && !plan.AdoptExisting.ValueBool() {
		resp.Diagnostics.AddError("RBAC Objects Already Exist", fmt.Sprintf(
			"These objects already exist:\n  - %s\n\nTo manage them with this resource, import it:\n\n  terraform import "+
				"hedgehog_rbac_setup.<resource name> %s\n\nor set adopt_existing = true to take them over; or choose other names.",
			strings.Join(existing, "\n  - "), rbacID(plan)))
		return
	}
	// Whatever part is created goes into the state, even when a later step
	// fails: nothing is forgotten (the resource is then tainted).
	state := r.reconcile(ctx, s, plan, nil, &resp.Diagnostics)
	if state != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

func (r *rbacResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior rbacModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	ctx, ok := kinds.Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	state := r.reconcile(ctx, r.setup(plan), plan, &prior, &resp.Diagnostics)
	if state != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

func (r *rbacResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.cfg != nil && r.cfg.Unknown {
		return
	}
	var state rbacModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, ok := kinds.Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	s := r.setup(state)
	// An import leaves the token null: its type comes from the cluster.
	imported := state.Token.IsNull()
	obs, err := s.Read(ctx, imported)
	if err != nil {
		r.explain(&resp.Diagnostics, err)
		return
	}
	if imported {
		state.TokenType = types.StringValue(s.TokenType)
		state.Host = types.StringValue(r.cfg.Client.Host)
	}
	// A part that is gone reads as an empty UID (the plan then re-creates
	// it); the role's rules are read back so that edits made elsewhere show
	// as a difference.
	if uid := obs.UIDs["service_account"]; uid != "" {
		state.ServiceAccountUID = types.StringValue(uid)
	}
	if t := obs.Token; t != nil {
		state.Token, state.SecretName = types.StringValue(t.Value), types.StringValue(t.SecretName)
		if t.CA != "" {
			state.CACertificate = types.StringValue(t.CA)
		}
	}
	if obs.Rules != nil {
		v, d := types.ListValueFrom(ctx, ruleType, toRuleModels(obs.Rules))
		resp.Diagnostics.Append(d...)
		state.RoleRules = v
		if imported {
			r.importedRules(ctx, &state, obs.Rules, &resp.Diagnostics)
			s.ObjectsNamespace = state.ObjectsNamespace.ValueString()
		}
	}
	r.fill(ctx, s, &state, obs.UIDs, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

func (r *rbacResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state rbacModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, ok := kinds.Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	s := r.setup(state)
	var ours []string
	for _, v := range state.ObjectUIDs.Elements() {
		if uid, ok := v.(types.String); ok {
			ours = append(ours, uid.ValueString())
		}
	}
	err := s.Destroy(ctx, ours, state.NamespaceCreated.ValueBool(), state.ForceDestroyNamespace.ValueBool())
	var foreign *rbac.ForeignObjectsError
	var check *rbac.ForeignCheckError
	var notGone *rbac.NamespaceNotGoneError
	switch {
	case errors.As(err, &foreign):
		resp.Diagnostics.AddError("Namespace Holds Other Objects", fmt.Sprintf(
			"hedgehog_rbac_setup created the namespace %q, and destroying it would delete the namespace, but it holds objects "+
				"that this resource did not create:\n  - %s\n\nDelete or move them first (destroy the hedgehog_fabric resources "+
				"that live there), or set force_destroy_namespace = true to delete them with the namespace. Nothing was deleted.",
			s.Namespace, strings.Join(foreign.Objects, "\n  - ")))
	case errors.As(err, &check):
		resp.Diagnostics.AddError("Cannot Check the Namespace", fmt.Sprintf(
			"Before deleting the namespace %q that it created, hedgehog_rbac_setup checks that it holds nothing else, and "+
				"that check failed: %v. Set force_destroy_namespace = true to delete it regardless.", s.Namespace, check.Err))
	case errors.As(err, &notGone):
		resp.Diagnostics.AddError("Namespace Not Gone", fmt.Sprintf(
			"The namespace %q was deleted but is still terminating after %s: %v. Its remaining objects or finalizers hold it; "+
				"kube-controller-manager's namespace controller must be running.", s.Namespace, rbac.Timeout, notGone.Err))
	case err != nil:
		r.explain(&resp.Diagnostics, err)
	}
}

// setup names the objects of a plan or state.
func (r *rbacResource) setup(m rbacModel) *rbac.Setup {
	s := &rbac.Setup{Client: r.cfg.Client, FieldManager: r.cfg.FieldManager, Namespace: m.Namespace.ValueString(),
		ServiceAccount: m.ServiceAccountName.ValueString(), Role: m.RoleName.ValueString(), Scope: m.Scope.ValueString(),
		ObjectsNamespace: m.ObjectsNamespace.ValueString(), TokenType: m.TokenType.ValueString(),
		Labels: map[string]string{kinds.ManagedLabel: "true"}}
	for k, v := range m.Labels.Elements() {
		if str, ok := v.(types.String); ok {
			s.Labels[k] = str.ValueString()
		}
	}
	return s
}

// uidOf is the UID a state keeps for a part; empty when it has none.
func uidOf(m *rbacModel, part string) string {
	if v, ok := m.ObjectUIDs.Elements()[part].(types.String); ok {
		return v.ValueString()
	}
	return ""
}

// reconcile creates or updates every part and returns the state; after a
// failure it returns what exists so far (nil when nothing does).
func (r *rbacResource) reconcile(ctx context.Context, s *rbac.Setup, plan rbacModel, prior *rbacModel, diags *diag.Diagnostics) *rbacModel {
	want := rbac.Want{CreateNamespace: plan.CreateNamespace.ValueBool(), TokenSeconds: plan.TokenExpirationSeconds.ValueInt64()}
	var rules []ruleModel
	diags.Append(plan.RoleRules.ElementsAs(ctx, &rules, false)...)
	want.Rules = toPolicyRules(rules)
	if prior != nil {
		if prior.Token.ValueString() != "" && prior.TokenType.Equal(plan.TokenType) &&
			prior.TokenExpirationSeconds.Equal(plan.TokenExpirationSeconds) &&
			!tokenDue(prior, plan.TokenRenewalPercent.ValueInt64(), r.now()) {
			want.Keep = &rbac.BoundToken{Value: prior.Token.ValueString(), ExpiresAt: prior.TokenExpiresAt.ValueString()}
		}
		if prior.TokenType.ValueString() == rbac.TokenSecret {
			want.DropSecretUID = uidOf(prior, "token_secret")
		}
		if old := r.setup(*prior); old.Scope == rbac.ScopeNamespace {
			want.OldRole = &rbac.RoleRef{Namespace: old.RoleNS(), RoleUID: uidOf(prior, "role"), BindingUID: uidOf(prior, "role_binding")}
		}
	}

	res, err := s.Reconcile(ctx, want)
	var notIssued *rbac.TokenNotIssuedError
	switch {
	case errors.Is(err, rbac.ErrNamespaceNotFound):
		diags.AddAttributeError(path.Root("namespace"), "Namespace Not Found", fmt.Sprintf(
			"The namespace %q does not exist and create_namespace is false: create it, or set create_namespace = true.", s.Namespace))
	case errors.Is(err, rbac.ErrNamespaceTerminating):
		diags.AddError("Namespace Is Being Deleted",
			fmt.Sprintf("The namespace %q is terminating; wait until it is gone, then apply again.", s.Namespace))
	case errors.As(err, &notIssued):
		diags.AddError("Service Account Token Not Issued", fmt.Sprintf(
			"The Secret %s/%s was created, but the cluster's token controller did not fill in its token: %v. "+
				"kube-controller-manager must run with its service-account token controller; token_type = \"bound\" "+
				"needs no controller.", notIssued.Namespace, notIssued.Secret, notIssued.Err))
	case err != nil:
		r.explain(diags, err)
	}
	if res == nil {
		return nil
	}
	if ng := res.NotGranted; ng != nil {
		diags.AddWarning("Role Not Yet in Force", fmt.Sprintf(
			"The role and binding of %s were written, but %s. A client that uses the token now may be refused until the "+
				"API server's authorizer catches up; if it never does, check the cluster's authorization webhooks.", s.Subject(), ng))
	}

	state := plan
	state.ID = types.StringValue(rbacID(plan))
	state.Host = types.StringValue(r.cfg.Client.Host)
	state.NamespaceCreated = types.BoolValue(prior != nil && prior.NamespaceCreated.ValueBool() || res.NamespaceCreated)
	if uid, ok := res.UIDs["service_account"]; ok {
		state.ServiceAccountUID = types.StringValue(uid)
	}
	if t := res.Token; t != nil {
		state.Token, state.TokenExpiresAt, state.SecretName = types.StringValue(t.Value), types.StringValue(t.ExpiresAt),
			types.StringValue(t.SecretName)
		if s.TokenType == rbac.TokenSecret {
			state.CACertificate = types.StringValue(t.CA)
		}
	}
	r.fill(ctx, s, &state, res.UIDs, diags)
	return &state
}

// fill completes the computed attributes: object UIDs, CA, kubeconfig.
func (r *rbacResource) fill(ctx context.Context, s *rbac.Setup, state *rbacModel, uids map[string]string, diags *diag.Diagnostics) {
	all := map[string]string{}
	for _, p := range s.Parts() {
		all[p] = uids[p]
	}
	m, d := types.MapValueFrom(ctx, types.StringType, all)
	diags.Append(d...)
	state.ObjectUIDs = m
	if state.ServiceAccountUID.IsUnknown() || state.ServiceAccountUID.IsNull() {
		state.ServiceAccountUID = types.StringValue(uids["service_account"])
	}
	if state.CACertificate.IsUnknown() || state.CACertificate.IsNull() || state.CACertificate.ValueString() == "" {
		state.CACertificate = types.StringValue(s.CA())
	}
	for _, v := range []*types.String{&state.Token, &state.TokenExpiresAt, &state.SecretName} {
		if v.IsUnknown() || v.IsNull() {
			*v = types.StringValue("")
		}
	}
	state.Kubeconfig = types.StringValue("")
	if state.Token.ValueString() != "" {
		kc, err := s.Kubeconfig(state.Token.ValueString(), state.CACertificate.ValueString())
		if err != nil {
			diags.AddError("Cannot Write the Kubeconfig", err.Error())
			return
		}
		state.Kubeconfig = types.StringValue(kc)
	}
}

// explain turns each failed request into the diagnostic that says what
// happened and what to do.
func (r *rbacResource) explain(diags *diag.Diagnostics, err error) {
	for _, e := range rbac.Errors(err) {
		var api *rbac.APIError
		if errors.As(e, &api) {
			summary, detail := r.cfg.Client.Explain(api.Err, api.Target)
			diags.AddError(summary, detail)
			continue
		}
		diags.AddError("Kubernetes Request Failed", e.Error())
	}
}
