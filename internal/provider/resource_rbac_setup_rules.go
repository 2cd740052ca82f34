package provider

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/rbac"
)

// This file decides what hedgehog_rbac_setup's role grants: a preset, rules
// of one's own, or both, and the namespace of the objects they cover.

// fabricResource is the design's Fabric resource as the provider is
// configured: what the fabric-design preset grants.
func fabricResource(cfg *kinds.Config) schema.GroupResource {
	return fabricKind.GVR(cfg).GroupResource()
}

// planRules plans preset, role_rules and objects_namespace. A preset
// applies by default only when no rules are set, so that a configuration
// with rules of its own gets exactly those.
func (r *rbacResource) planRules(ctx context.Context, plan *rbacModel, config rbacModel, diags *diag.Diagnostics) {
	if config.Preset.IsNull() {
		plan.Preset = types.StringNull()
		if config.Rules.IsNull() {
			plan.Preset = types.StringValue(rbac.DefaultPreset)
		}
	}
	preset, hasPreset := rbac.PresetNamed(plan.Preset.ValueString())
	// The fabric preset's group is the provider's setting.
	needsProvider := hasPreset && preset.OnFabrics && !r.known()

	if config.ObjectsNamespace.IsNull() {
		switch {
		case plan.Preset.IsUnknown():
			plan.ObjectsNamespace = types.StringUnknown()
		case hasPreset && !preset.OnFabrics:
			plan.ObjectsNamespace = types.StringValue(rbac.HedgehogNamespace)
		default:
			plan.ObjectsNamespace = plan.Namespace
		}
	}

	if plan.Preset.IsUnknown() || plan.Rules.IsUnknown() || needsProvider {
		plan.RoleRules = types.ListUnknown(ruleType)
		return
	}
	var own []ruleModel
	diags.Append(plan.Rules.ElementsAs(ctx, &own, false)...)
	var all []ruleModel
	if hasPreset {
		all = toRuleModels(preset.Rules(fabricResource(r.cfg)))
	}
	v, d := types.ListValueFrom(ctx, ruleType, append(all, own...))
	diags.Append(d...)
	plan.RoleRules = v
}

func toRuleModels(rules []rbacv1.PolicyRule) []ruleModel {
	out := make([]ruleModel, 0, len(rules))
	for _, r := range rules {
		out = append(out, ruleModel{APIGroups: r.APIGroups, Resources: r.Resources, Verbs: r.Verbs, ResourceNames: r.ResourceNames})
	}
	return out
}

func toPolicyRules(rules []ruleModel) []rbacv1.PolicyRule {
	out := make([]rbacv1.PolicyRule, 0, len(rules))
	for _, r := range rules {
		out = append(out, rbacv1.PolicyRule{APIGroups: r.APIGroups, Resources: r.Resources, Verbs: r.Verbs, ResourceNames: r.ResourceNames})
	}
	return out
}

// importedRules sets preset and rules of an imported setup from what its
// role grants: the preset whose rules it begins with, and the rest as rules
// of its own (all of them when no preset matches).
func (r *rbacResource) importedRules(ctx context.Context, state *rbacModel, granted []rbacv1.PolicyRule, diags *diag.Diagnostics) {
	state.Preset, state.Rules = types.StringNull(), types.ListNull(ruleType)
	rest := granted
	for _, p := range rbac.Presets {
		rules := p.Rules(fabricResource(r.cfg))
		if len(granted) >= len(rules) && reflect.DeepEqual(normal(granted[:len(rules)]), normal(rules)) {
			state.Preset, rest = types.StringValue(p.Name), granted[len(rules):]
			if state.ObjectsNamespace.IsNull() {
				state.ObjectsNamespace = types.StringValue(p.ObjectsNamespace(state.Namespace.ValueString()))
			}
			break
		}
	}
	if state.ObjectsNamespace.IsNull() {
		state.ObjectsNamespace = state.Namespace
	}
	if len(rest) > 0 {
		v, d := types.ListValueFrom(ctx, ruleType, toRuleModels(rest))
		diags.Append(d...)
		state.Rules = v
	}
}

// normal drops the difference between an empty and an absent list, which
// the API server does not keep.
func normal(rules []rbacv1.PolicyRule) []rbacv1.PolicyRule {
	out := make([]rbacv1.PolicyRule, len(rules))
	for i, r := range rules {
		out[i] = rbacv1.PolicyRule{APIGroups: r.APIGroups, Resources: r.Resources, Verbs: r.Verbs}
		if len(r.ResourceNames) > 0 {
			out[i].ResourceNames = r.ResourceNames
		}
		if len(r.NonResourceURLs) > 0 {
			out[i].NonResourceURLs = r.NonResourceURLs
		}
	}
	return out
}
