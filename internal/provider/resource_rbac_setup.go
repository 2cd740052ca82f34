package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/rbac"
)

// Defaults of hedgehog_rbac_setup.
const (
	DefaultServiceAccount = "hedgehog-netbox-plugin"
	DefaultRoleName       = "hedgehog-netbox-plugin"
	// DefaultTokenSeconds is the lifetime of a bound token: an hour, as
	// Kubernetes' own default for TokenRequest.
	DefaultTokenSeconds   = 3600
	DefaultRenewalPercent = 50
)

var (
	scopes     = []string{rbac.ScopeCluster, rbac.ScopeNamespace}
	tokenTypes = []string{rbac.TokenBound, rbac.TokenSecret, rbac.TokenNone}
)

type rbacResource struct{ cfg *kinds.Config }

// NewRBACSetupResource is the hedgehog_rbac_setup resource.
func NewRBACSetupResource() resource.Resource { return &rbacResource{} }

var (
	_ resource.ResourceWithModifyPlan  = (*rbacResource)(nil)
	_ resource.ResourceWithImportState = (*rbacResource)(nil)
)

type rbacModel struct {
	ID                     types.String `tfsdk:"id"`
	Namespace              types.String `tfsdk:"namespace"`
	CreateNamespace        types.Bool   `tfsdk:"create_namespace"`
	ServiceAccountName     types.String `tfsdk:"service_account_name"`
	RoleName               types.String `tfsdk:"role_name"`
	Preset                 types.String `tfsdk:"preset"`
	Rules                  types.List   `tfsdk:"rules"`
	RoleRules              types.List   `tfsdk:"role_rules"`
	Scope                  types.String `tfsdk:"scope"`
	ObjectsNamespace       types.String `tfsdk:"objects_namespace"`
	Labels                 types.Map    `tfsdk:"labels"`
	TokenType              types.String `tfsdk:"token_type"`
	TokenExpirationSeconds types.Int64  `tfsdk:"token_expiration_seconds"`
	TokenRenewalPercent    types.Int64  `tfsdk:"token_renewal_percent"`
	AdoptExisting          types.Bool   `tfsdk:"adopt_existing"`
	ForceDestroyNamespace  types.Bool   `tfsdk:"force_destroy_namespace"`

	Token             types.String `tfsdk:"token"`
	TokenExpiresAt    types.String `tfsdk:"token_expires_at"`
	CACertificate     types.String `tfsdk:"ca_certificate"`
	Host              types.String `tfsdk:"host"`
	Kubeconfig        types.String `tfsdk:"kubeconfig"`
	ServiceAccountUID types.String `tfsdk:"service_account_uid"`
	SecretName        types.String `tfsdk:"secret_name"`
	NamespaceCreated  types.Bool   `tfsdk:"namespace_created"`
	ObjectUIDs        types.Map    `tfsdk:"object_uids"`
}

type ruleModel struct {
	APIGroups     []string `tfsdk:"api_groups"`
	Resources     []string `tfsdk:"resources"`
	Verbs         []string `tfsdk:"verbs"`
	ResourceNames []string `tfsdk:"resource_names"`
}

var ruleType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"api_groups":     types.ListType{ElemType: types.StringType},
	"resources":      types.ListType{ElemType: types.StringType},
	"verbs":          types.ListType{ElemType: types.StringType},
	"resource_names": types.ListType{ElemType: types.StringType},
}}

func (r *rbacResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rbac_setup"
}

func (r *rbacResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.cfg = kinds.ProviderConfig(req.ProviderData, &resp.Diagnostics)
}

func (r *rbacResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	// Lists of rule parts: in rules of one's own, required ones hold at
	// least one element, and only API groups may hold "" (the core group);
	// in role_rules, all are computed.
	type part int
	const (
		required part = iota
		optional
		computed
	)
	strList := func(desc string, p part, emptyElements bool) schema.ListAttribute {
		a := schema.ListAttribute{ElementType: types.StringType, MarkdownDescription: desc, Required: p == required,
			Optional: p == optional, Computed: p == computed}
		if p == required {
			a.Validators = []validator.List{listvalidator.SizeAtLeast(1)}
		}
		if !emptyElements && p != computed {
			a.Validators = append(a.Validators, listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)))
		}
		return a
	}
	rulesList := func(desc string, isComputed bool) schema.ListNestedAttribute {
		must, may := required, optional
		if isComputed {
			must, may = computed, computed
		}
		a := schema.ListNestedAttribute{MarkdownDescription: desc, Optional: !isComputed, Computed: isComputed,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"api_groups": strList("API groups (`\"\"` is the core group, `\"*\"` every group).", must, true),
				"resources":  strList("Resources, such as `vpcs`, `vpcs/status` or `*`; not empty.", must, false),
				"verbs": strList("Verbs, such as `get`, `list`, `watch`, `create`, `update`, `patch`, `delete` or `*`; not empty.",
					must, false),
				"resource_names": strList("Limit the rule to these object names.", may, false),
			}}}
		if !isComputed {
			a.Validators = []validator.List{listvalidator.SizeAtLeast(1)}
		}
		return a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A least-privilege identity for a fabric client — the NetBox Hedgehog plugin, a GitOps tool, a " +
			"pipeline — as one resource: a namespace, a service account, a ClusterRole and ClusterRoleBinding (or, with " +
			"`scope = \"namespace\"`, a Role and RoleBinding in the namespace of the objects), and a short-lived token for the " +
			"service account with a ready-made `kubeconfig`. What the role grants is a `preset` (exactly what one job needs), " +
			"your own `rules`, or both. For a token that is never written to the state, set `token_type = \"none\"` and issue " +
			"tokens with the `hedgehog_access_token` ephemeral resource.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				MarkdownDescription: "`<namespace>/<service_account_name>/<role_name>/<scope>`, followed by `/<objects_namespace>` " +
					"in namespace scope when the objects live in another namespace than the service account; the import ID."},
			"namespace": schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{kinds.DNSLabel()},
				MarkdownDescription: "The namespace of the service account (and of its token Secret). Defaults to the provider's " +
					"`namespace`. Changing it replaces everything."},
			"create_namespace": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Create the namespace when it does not exist. A namespace this resource created is deleted with " +
					"it; one that existed before never is. Default `true`."},
			"service_account_name": schema.StringAttribute{Optional: true, Computed: true,
				Default: stringdefault.StaticString(DefaultServiceAccount), Validators: []validator.String{dnsSubdomain{}}, PlanModifiers: replace,
				MarkdownDescription: "The service account's name. Default `" + DefaultServiceAccount + "`. Changing it replaces everything."},
			"role_name": schema.StringAttribute{Optional: true, Computed: true,
				Default: stringdefault.StaticString(DefaultRoleName), Validators: []validator.String{dnsSubdomain{}}, PlanModifiers: replace,
				MarkdownDescription: "The name of the role and of its binding. Default `" + DefaultRoleName + "`. Changing it replaces them."},
			"preset": schema.StringAttribute{Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf(rbac.PresetNames()...)},
				MarkdownDescription: "A least-privilege set of rules for one job, modelled on the viewer and editor roles Hedgehog " +
					"ships: `" + strings.Join(rbac.PresetNames(), "`, `") + "` (the rules of each are listed in this " +
					"resource's documentation). Default `" +
					rbac.DefaultPreset + "` when `rules` is not set; with `rules` alone, no preset (null). With both, the role " +
					"grants the preset's rules followed by `rules`. Changes in place."},
			"rules": rulesList("Rules of your own. With a `preset` they are added to its rules; without one they are all the role "+
				"grants. Changes in place.", false),
			"role_rules": rulesList("What the role grants: the preset's rules followed by `rules`. Read back from the cluster, so "+
				"an edit made elsewhere shows as a difference that apply sets back.", true),
			"scope": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(rbac.ScopeCluster),
				Validators: []validator.String{stringvalidator.OneOf(scopes...)}, PlanModifiers: replace,
				MarkdownDescription: "`cluster` (ClusterRole and ClusterRoleBinding: the rules apply in every namespace; default) or " +
					"`namespace` (Role and RoleBinding in `objects_namespace` only: least privilege). Changing it replaces the " +
					"whole setup."},
			"objects_namespace": schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{kinds.DNSLabel()},
				MarkdownDescription: "The namespace of the objects the role grants access to: in namespace scope the Role and " +
					"RoleBinding live there, and the `kubeconfig` names it. Default: `" + rbac.HedgehogNamespace + "` for the " +
					"Hedgehog presets (Hedgehog keeps all its objects there); otherwise `namespace`, the service account's (for `" +
					rbac.PresetFabricDesign + "`: by default the provider's `namespace`, where `hedgehog_fabric` puts fabrics). " +
					"Changes in place: the role moves."},
			"labels": schema.MapAttribute{Optional: true, ElementType: types.StringType, Validators: []validator.Map{kinds.Labels()},
				MarkdownDescription: "Labels for every object this resource creates; updated in place."},
			"token_type": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(rbac.TokenBound),
				Validators: []validator.String{stringvalidator.OneOf(tokenTypes...)},
				MarkdownDescription: "`bound` (default): a TokenRequest token that expires after `token_expiration_seconds`; a " +
					"plan renews it once less than `token_renewal_percent` of its lifetime is left. `secret`: a legacy " +
					"`kubernetes.io/service-account-token` Secret, filled in by the cluster's token controller — **long-lived: " +
					"it never expires** and stays valid until the Secret is deleted; opt in only for a client that cannot renew. " +
					"`none`: no token and no `kubeconfig`; issue tokens with the `hedgehog_access_token` ephemeral resource, " +
					"which never writes them to the state. Changes in place; leaving `secret` deletes the Secret, which revokes " +
					"its token."},
			"token_expiration_seconds": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(DefaultTokenSeconds),
				Validators: []validator.Int64{int64validator.Between(600, 31536000)},
				MarkdownDescription: fmt.Sprintf("Lifetime of a `bound` token, from 600 (10 minutes) to 31536000 (a year); the "+
					"API server may shorten it (`--service-account-max-token-expiration`). Default `%d` (an hour).", DefaultTokenSeconds)},
			"token_renewal_percent": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(DefaultRenewalPercent),
				Validators: []validator.Int64{int64validator.Between(1, 99)},
				MarkdownDescription: fmt.Sprintf("A plan renews a `bound` token once less than this percentage of its lifetime is "+
					"left, so a token stays valid when applies come at least every `token_expiration_seconds` × "+
					"`token_renewal_percent` / 100 seconds (with the defaults, every 30 minutes). Default `%d`.", DefaultRenewalPercent)},
			"adopt_existing": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Take over a service account, role or binding of the same name that already exists, instead of " +
					"failing. An adopted namespace is never deleted by this resource. Default `false`."},
			"force_destroy_namespace": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Delete the namespace this resource created even when it holds objects this resource did not " +
					"create (fabrics above all: they are deleted with it). Default `false`: destroy refuses and lists them."},

			"token": schema.StringAttribute{Computed: true, Sensitive: true,
				MarkdownDescription: "The service account's token; empty with `token_type = \"none\"`. It is stored in the state: " +
					"keep the state encrypted, or use `token_type = \"none\"` and the `hedgehog_access_token` ephemeral resource."},
			"token_expires_at": schema.StringAttribute{Computed: true,
				MarkdownDescription: "When a `bound` token expires (RFC 3339); empty for the other token types."},
			"ca_certificate": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				MarkdownDescription: "PEM certificate of the cluster's certificate authority."},
			"host": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				MarkdownDescription: "The API server URL the provider uses."},
			"kubeconfig": schema.StringAttribute{Computed: true, Sensitive: true,
				MarkdownDescription: "A complete kubeconfig for the service account (host, CA, token, and `objects_namespace` as " +
					"its namespace), ready for kubectl, the NetBox Hedgehog plugin or any other client; empty without a token."},
			"service_account_uid": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The service account's UID."},
			"secret_name": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The token Secret's name (`<service_account_name>-token`); empty for the other token types."},
			"namespace_created": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether this resource created the namespace (and so deletes it on destroy)."},
			"object_uids": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The UID of each object this resource manages, by part (`" + strings.Join(rbac.Parts, "`, `") +
					"`). A part deleted out of band reads as empty, and the plan shows apply re-creating it."},
		},
	}
}
