package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/rbac"
)

func (r *rbacResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config rbacModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var prior *rbacModel
	if !req.State.Raw.IsNull() {
		prior = &rbacModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
	}

	if config.Namespace.IsNull() {
		plan.Namespace = types.StringUnknown()
		if r.known() {
			plan.Namespace = types.StringValue(r.cfg.Namespace)
		}
	}
	r.planRules(ctx, &plan, config, &resp.Diagnostics)
	if !plan.Namespace.IsUnknown() && !plan.ObjectsNamespace.IsUnknown() && !plan.ServiceAccountName.IsUnknown() &&
		!plan.RoleName.IsUnknown() && !plan.Scope.IsUnknown() {
		plan.ID = types.StringValue(rbacID(plan))
	}

	if prior == nil {
		if plan.TokenType.ValueString() == rbac.TokenNone {
			plan.Token, plan.TokenExpiresAt, plan.Kubeconfig, plan.SecretName = noToken()
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	if !plan.Namespace.Equal(prior.Namespace) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("namespace"))
	}
	// The computed values stay as they are unless apply will change them:
	// parts deleted out of band are re-created, a bound token near its end
	// (or issued for a service account that is gone) is renewed, another
	// token type gets its token.
	plan.Token, plan.TokenExpiresAt, plan.Kubeconfig = prior.Token, prior.TokenExpiresAt, prior.Kubeconfig
	plan.ServiceAccountUID, plan.SecretName, plan.NamespaceCreated = prior.ServiceAccountUID, prior.SecretName, prior.NamespaceCreated
	plan.ObjectUIDs, plan.CACertificate, plan.Host = prior.ObjectUIDs, prior.CACertificate, prior.Host
	bound := plan.TokenType.ValueString() == rbac.TokenBound
	newToken := bound && (tokenDue(prior, plan.TokenRenewalPercent.ValueInt64(), r.now()) || !tokenOf(prior))
	if missing := missingParts(prior); len(missing) > 0 {
		resp.Diagnostics.AddWarning("Objects Deleted Out of Band",
			fmt.Sprintf("hedgehog_rbac_setup %s: the %s no longer exist(s) in the cluster; apply re-creates it.", prior.ID.ValueString(),
				strings.Join(missing, ", ")))
		plan.ObjectUIDs = types.MapUnknown(types.StringType)
		for _, part := range missing {
			switch part {
			case "namespace":
				plan.NamespaceCreated = types.BoolUnknown()
				newToken = true
			case "service account":
				plan.ServiceAccountUID = types.StringUnknown()
				newToken = true
			case "token secret":
				newToken = true
			}
		}
	}
	typeChanged := !plan.TokenType.Equal(prior.TokenType)
	if typeChanged || !plan.ObjectsNamespace.Equal(prior.ObjectsNamespace) {
		plan.ObjectUIDs = types.MapUnknown(types.StringType)
		plan.Kubeconfig = types.StringUnknown()
	}
	switch {
	case plan.TokenType.ValueString() == rbac.TokenNone:
		plan.Token, plan.TokenExpiresAt, plan.Kubeconfig, plan.SecretName = noToken()
	case newToken || typeChanged || (bound && !plan.TokenExpirationSeconds.Equal(prior.TokenExpirationSeconds)) ||
		prior.Token.ValueString() == "":
		plan.Token, plan.TokenExpiresAt, plan.Kubeconfig = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		if typeChanged {
			plan.SecretName = types.StringUnknown()
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

func noToken() (token, expiresAt, kubeconfig, secretName types.String) {
	e := types.StringValue("")
	return e, e, e, e
}

// tokenOf tells whether the bound token of a state was issued for the
// service account that exists now: one issued for an account since deleted
// and re-created under the same name no longer works.
func tokenOf(m *rbacModel) bool {
	c, err := rbac.ReadClaims(m.Token.ValueString())
	return err == nil && c.ServiceAccountUID == m.ServiceAccountUID.ValueString()
}

func (r *rbacResource) known() bool { return r.cfg != nil && !r.cfg.Unknown }

func rbacID(m rbacModel) string {
	parts := []string{m.Namespace.ValueString(), m.ServiceAccountName.ValueString(), m.RoleName.ValueString(), m.Scope.ValueString()}
	if m.Scope.ValueString() == rbac.ScopeNamespace && m.ObjectsNamespace.ValueString() != m.Namespace.ValueString() {
		parts = append(parts, m.ObjectsNamespace.ValueString())
	}
	return strings.Join(parts, "/")
}

func missingParts(m *rbacModel) []string {
	var out []string
	for part, uid := range m.ObjectUIDs.Elements() {
		if s, ok := uid.(types.String); ok && s.ValueString() == "" {
			out = append(out, strings.ReplaceAll(part, "_", " "))
		}
	}
	return out
}

// now is the provider's clock; before Configure (a plan without a
// configured provider) it is the wall clock.
func (r *rbacResource) now() time.Time {
	if r.cfg != nil && r.cfg.Now != nil {
		return r.cfg.Now()
	}
	return time.Now()
}

// tokenDue tells whether the bound token of a state has less than percent of
// its lifetime left (or cannot be read).
func tokenDue(m *rbacModel, percent int64, now time.Time) bool {
	return rbac.Due(m.TokenExpiresAt.ValueString(), m.TokenExpirationSeconds.ValueInt64(), percent, now)
}

func (r *rbacResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, "/")
	usage := fmt.Sprintf("write <namespace>/<service_account_name>[/<role_name>[/<scope>[/<objects_namespace>]]] (role_name "+
		"defaults to %s, scope to %s, objects_namespace to the namespace; it is only for scope %s)",
		DefaultRoleName, rbac.ScopeCluster, rbac.ScopeNamespace)
	if len(parts) < 2 || len(parts) > 5 || slices.Contains(parts, "") {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q: %s.", req.ID, usage))
		return
	}
	if len(parts) < 4 {
		parts = append(parts, []string{"", "", DefaultRoleName, rbac.ScopeCluster}[len(parts):]...)
	}
	if !slices.Contains(scopes, parts[3]) || len(parts) == 5 && parts[3] != rbac.ScopeNamespace {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q: the scope must be one of %s; %s.", req.ID,
			strings.Join(scopes, ", "), usage))
		return
	}
	objects := types.StringNull() // cluster scope: from the preset, once Read knows it
	switch {
	case len(parts) == 5:
		objects = types.StringValue(parts[4])
	case parts[3] == rbac.ScopeNamespace:
		objects = types.StringValue(parts[0])
	}
	m := rbacModel{
		Namespace: types.StringValue(parts[0]), ServiceAccountName: types.StringValue(parts[1]), RoleName: types.StringValue(parts[2]),
		Scope: types.StringValue(parts[3]), ObjectsNamespace: objects,
		CreateNamespace: types.BoolValue(true), AdoptExisting: types.BoolValue(false), ForceDestroyNamespace: types.BoolValue(false),
		TokenExpirationSeconds: types.Int64Value(DefaultTokenSeconds), TokenRenewalPercent: types.Int64Value(DefaultRenewalPercent),
		Preset: types.StringNull(), Rules: types.ListNull(ruleType), RoleRules: types.ListNull(ruleType),
		Labels: types.MapNull(types.StringType), TokenType: types.StringValue(rbac.TokenBound),
		Token: types.StringNull(), TokenExpiresAt: types.StringNull(), CACertificate: types.StringNull(), Host: types.StringNull(),
		Kubeconfig: types.StringNull(), ServiceAccountUID: types.StringNull(), SecretName: types.StringNull(),
		NamespaceCreated: types.BoolValue(false), ObjectUIDs: types.MapNull(types.StringType),
	}
	m.ID = types.StringValue(rbacID(m))
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

type dnsSubdomain struct{}

func (dnsSubdomain) Description(context.Context) string {
	return "must be a DNS subdomain: at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"
}
func (v dnsSubdomain) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v dnsSubdomain) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if errs := validation.IsDNS1123Subdomain(req.ConfigValue.ValueString()); len(errs) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kubernetes Name",
			fmt.Sprintf("Attribute %s: %q %s (%s).", req.Path, req.ConfigValue.ValueString(), v.Description(ctx), strings.Join(errs, "; ")))
	}
}
