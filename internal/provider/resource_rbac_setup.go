package provider

import (
	"context"
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
)

var (
	scopes     = []string{rbac.ScopeCluster, rbac.ScopeNamespace}
	tokenTypes = []string{rbac.TokenSecret, rbac.TokenBound}
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
	Rules                  types.List   `tfsdk:"rules"`
	Scope                  types.String `tfsdk:"scope"`
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

// defaultRules are the seed's: everything on the fabric API group, reading
// the objects around a fabric operator, and creating events.
func defaultRules(group string) []ruleModel {
	read := []string{"get", "list", "watch"}
	return []ruleModel{
		{APIGroups: []string{group}, Resources: []string{"*"}, Verbs: []string{"*"}},
		{APIGroups: []string{""}, Resources: []string{"configmaps", "secrets", "services"}, Verbs: read},
		{APIGroups: []string{"apps"}, Resources: []string{"deployments", "daemonsets"}, Verbs: read},
		{APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"create"}},
	}
}

func (r *rbacResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_rbac_setup"
}

func (r *rbacResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.cfg = kinds.ProviderConfig(req.ProviderData, &resp.Diagnostics)
}

func (r *rbacResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	// Lists of rule parts: required ones hold at least one element, and
	// only API groups may hold "" (the core group).
	strList := func(desc string, required, emptyElements bool) schema.ListAttribute {
		a := schema.ListAttribute{ElementType: types.StringType, MarkdownDescription: desc, Required: required, Optional: !required}
		if required {
			a.Validators = []validator.List{listvalidator.SizeAtLeast(1)}
		}
		if !emptyElements {
			a.Validators = append(a.Validators, listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)))
		}
		return a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Everything a NetBox Hedgehog plugin (or any GitOps tool) needs to manage fabrics in the cluster, as " +
			"one resource: a namespace, a service account, a ClusterRole and ClusterRoleBinding (or, with `scope = \"namespace\"`, " +
			"a Role and RoleBinding), and a token for the service account — with a ready-made `kubeconfig`. See the guide on NetBox " +
			"for wiring its outputs into the plugin.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				MarkdownDescription: "`<namespace>/<service_account_name>/<role_name>/<scope>`; the import ID."},
			"namespace": schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{kinds.DNSLabel()},
				MarkdownDescription: "The namespace of the service account (and of the Role in namespace scope). Defaults to the " +
					"provider's `namespace`. Changing it replaces everything."},
			"create_namespace": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Create the namespace when it does not exist. A namespace this resource created is deleted with " +
					"it; one that existed before never is. Default `true`."},
			"service_account_name": schema.StringAttribute{Optional: true, Computed: true,
				Default: stringdefault.StaticString(DefaultServiceAccount), Validators: []validator.String{dnsSubdomain{}}, PlanModifiers: replace,
				MarkdownDescription: "The service account's name. Default `" + DefaultServiceAccount + "`. Changing it replaces everything."},
			"role_name": schema.StringAttribute{Optional: true, Computed: true,
				Default: stringdefault.StaticString(DefaultRoleName), Validators: []validator.String{dnsSubdomain{}}, PlanModifiers: replace,
				MarkdownDescription: "The name of the role and of its binding. Default `" + DefaultRoleName + "`. Changing it replaces them."},
			"rules": schema.ListNestedAttribute{Optional: true, Computed: true,
				MarkdownDescription: "What the role grants; updated in place. Default (the seed's rules): every verb on every resource " +
					"of the provider's `fabric_api_group`; `get`, `list`, `watch` on `configmaps`, `secrets`, `services` and on `apps` " +
					"`deployments`, `daemonsets`; `create` on `events`. Reading secrets cluster-wide is a wide right: with " +
					"`scope = \"namespace\"` it is limited to the namespace.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"api_groups":     strList("API groups (`\"\"` is the core group, `\"*\"` every group).", true, true),
					"resources":      strList("Resources, such as `fabrics` or `*`; not empty.", true, false),
					"verbs":          strList("Verbs, such as `get`, `list`, `watch`, `create`, `update`, `patch`, `delete` or `*`; not empty.", true, false),
					"resource_names": strList("Limit the rule to these object names.", false, false),
				}}},
			"scope": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(rbac.ScopeCluster),
				Validators: []validator.String{stringvalidator.OneOf(scopes...)}, PlanModifiers: replace,
				MarkdownDescription: "`cluster` (ClusterRole and ClusterRoleBinding: the rules apply in every namespace; default) or " +
					"`namespace` (Role and RoleBinding in `namespace` only: least privilege). Changing it replaces the role and binding."},
			"labels": schema.MapAttribute{Optional: true, ElementType: types.StringType, Validators: []validator.Map{kinds.Labels()},
				MarkdownDescription: "Labels for every object this resource creates; updated in place."},
			"token_type": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(rbac.TokenSecret),
				Validators: []validator.String{stringvalidator.OneOf(tokenTypes...)}, PlanModifiers: replace,
				MarkdownDescription: "`secret`: a long-lived `kubernetes.io/service-account-token` Secret, filled in by the cluster's " +
					"token controller (default). `bound`: a TokenRequest token that expires after `token_expiration_seconds` and that " +
					"a plan renews when less than `token_renewal_percent` of its lifetime is left."},
			"token_expiration_seconds": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(86400),
				Validators:          []validator.Int64{int64validator.Between(600, 31536000)},
				MarkdownDescription: "Lifetime of a `bound` token, from 600 (10 minutes) to 31536000 (a year). Default `86400`."},
			"token_renewal_percent": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(30),
				Validators:          []validator.Int64{int64validator.Between(1, 99)},
				MarkdownDescription: "A plan renews a `bound` token once less than this percentage of its lifetime is left. Default `30`."},
			"adopt_existing": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Take over a service account, role or binding of the same name that already exists, instead of " +
					"failing. An adopted namespace is never deleted by this resource. Default `false`."},
			"force_destroy_namespace": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Delete the namespace this resource created even when it holds objects this resource did not " +
					"create (fabrics above all: they are deleted with it). Default `false`: destroy refuses and lists them."},

			"token": schema.StringAttribute{Computed: true, Sensitive: true,
				MarkdownDescription: "The service account's token."},
			"token_expires_at": schema.StringAttribute{Computed: true,
				MarkdownDescription: "When a `bound` token expires (RFC 3339); empty for a `secret` token."},
			"ca_certificate": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				MarkdownDescription: "PEM certificate of the cluster's certificate authority."},
			"host": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				MarkdownDescription: "The API server URL the provider uses."},
			"kubeconfig": schema.StringAttribute{Computed: true, Sensitive: true,
				MarkdownDescription: "A complete kubeconfig for the service account (host, CA, token, namespace), ready for kubectl, " +
					"the NetBox Hedgehog plugin or any other client."},
			"service_account_uid": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The service account's UID."},
			"secret_name": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The token Secret's name (`<service_account_name>-token`); empty for a `bound` token."},
			"namespace_created": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether this resource created the namespace (and so deletes it on destroy)."},
			"object_uids": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The UID of each object this resource manages, by part (`" + strings.Join(rbac.Parts, "`, `") +
					"`). A part deleted out of band reads as empty, and the plan shows apply re-creating it."},
		},
	}
}
