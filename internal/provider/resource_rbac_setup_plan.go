package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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
	known := r.cfg != nil && !r.cfg.Unknown
	var prior *rbacModel
	if !req.State.Raw.IsNull() {
		prior = &rbacModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
	}

	if config.Namespace.IsNull() {
		plan.Namespace = types.StringUnknown()
		if known {
			plan.Namespace = types.StringValue(r.cfg.Namespace)
		}
	}
	if config.Rules.IsNull() {
		plan.Rules = types.ListUnknown(ruleType)
		if known {
			var d diag.Diagnostics
			plan.Rules, d = types.ListValueFrom(ctx, ruleType, defaultRules(r.cfg.Group))
			resp.Diagnostics.Append(d...)
		}
	}
	if !plan.Namespace.IsUnknown() && !plan.ServiceAccountName.IsUnknown() && !plan.RoleName.IsUnknown() && !plan.Scope.IsUnknown() {
		plan.ID = types.StringValue(rbacID(plan))
	}

	if prior == nil {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	if !plan.Namespace.Equal(prior.Namespace) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("namespace"))
	}
	// The computed values stay as they are unless apply will change them:
	// parts deleted out of band are re-created, a bound token near its end
	// is renewed.
	plan.Token, plan.TokenExpiresAt, plan.Kubeconfig = prior.Token, prior.TokenExpiresAt, prior.Kubeconfig
	plan.ServiceAccountUID, plan.SecretName, plan.NamespaceCreated = prior.ServiceAccountUID, prior.SecretName, prior.NamespaceCreated
	plan.ObjectUIDs, plan.CACertificate, plan.Host = prior.ObjectUIDs, prior.CACertificate, prior.Host
	newToken := plan.TokenType.ValueString() == rbac.TokenBound && tokenDue(prior, plan.TokenRenewalPercent.ValueInt64(), r.now())
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
	bound := plan.TokenType.ValueString() == rbac.TokenBound
	if newToken || (bound && !plan.TokenExpirationSeconds.Equal(prior.TokenExpirationSeconds)) || prior.Token.ValueString() == "" {
		plan.Token, plan.TokenExpiresAt, plan.Kubeconfig = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

func rbacID(m rbacModel) string {
	return strings.Join([]string{m.Namespace.ValueString(), m.ServiceAccountName.ValueString(), m.RoleName.ValueString(), m.Scope.ValueString()}, "/")
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
	if len(parts) < 2 || len(parts) > 4 {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf(
			"%q: write <namespace>/<service_account_name>[/<role_name>[/<scope>]] (role_name defaults to %s, scope to %s).",
			req.ID, DefaultRoleName, rbac.ScopeCluster))
		return
	}
	parts = append(parts, []string{"", DefaultRoleName, rbac.ScopeCluster}[len(parts)-1:]...)
	if !slices.Contains(scopes, parts[3]) {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q: the scope must be one of %s.", req.ID, strings.Join(scopes, ", ")))
		return
	}
	m := rbacModel{
		ID: types.StringValue(strings.Join(parts, "/")), Namespace: types.StringValue(parts[0]),
		ServiceAccountName: types.StringValue(parts[1]), RoleName: types.StringValue(parts[2]), Scope: types.StringValue(parts[3]),
		CreateNamespace: types.BoolValue(true), AdoptExisting: types.BoolValue(false), ForceDestroyNamespace: types.BoolValue(false),
		TokenExpirationSeconds: types.Int64Value(86400), TokenRenewalPercent: types.Int64Value(30),
		Rules: types.ListNull(ruleType), Labels: types.MapNull(types.StringType), TokenType: types.StringValue(rbac.TokenSecret),
		Token: types.StringNull(), TokenExpiresAt: types.StringNull(), CACertificate: types.StringNull(), Host: types.StringNull(),
		Kubeconfig: types.StringNull(), ServiceAccountUID: types.StringNull(), SecretName: types.StringNull(),
		NamespaceCreated: types.BoolValue(false), ObjectUIDs: types.MapNull(types.StringType),
	}
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
