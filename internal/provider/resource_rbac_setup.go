package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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
)

// Defaults of hedgehog_rbac_setup.
const (
	DefaultServiceAccount = "hedgehog-netbox-plugin"
	DefaultRoleName       = "hedgehog-netbox-plugin"
	scopeCluster          = "cluster"
	scopeNamespace        = "namespace"
	tokenSecret           = "secret"
	tokenBound            = "bound"
)

var (
	scopes     = []string{scopeCluster, scopeNamespace}
	tokenTypes = []string{tokenSecret, tokenBound}
	partNames  = []string{"namespace", "service_account", "role", "role_binding", "token_secret"}
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
	if req.ProviderData != nil {
		r.cfg, _ = req.ProviderData.(*kinds.Config)
	}
}

func (r *rbacResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	strList := func(desc string, required bool) schema.ListAttribute {
		a := schema.ListAttribute{ElementType: types.StringType, MarkdownDescription: desc, Required: required, Optional: !required}
		if required {
			a.Validators = []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(0))}
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
					"api_groups":     strList("API groups (`\"\"` is the core group, `\"*\"` every group).", true),
					"resources":      strList("Resources, such as `fabrics` or `*`.", true),
					"verbs":          strList("Verbs, such as `get`, `list`, `watch`, `create`, `update`, `patch`, `delete` or `*`.", true),
					"resource_names": strList("Limit the rule to these object names.", false),
				}}},
			"scope": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(scopeCluster),
				Validators: []validator.String{stringvalidator.OneOf(scopes...)}, PlanModifiers: replace,
				MarkdownDescription: "`cluster` (ClusterRole and ClusterRoleBinding: the rules apply in every namespace; default) or " +
					"`namespace` (Role and RoleBinding in `namespace` only: least privilege). Changing it replaces the role and binding."},
			"labels": schema.MapAttribute{Optional: true, ElementType: types.StringType, Validators: []validator.Map{kinds.Labels()},
				MarkdownDescription: "Labels for every object this resource creates; updated in place."},
			"token_type": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(tokenSecret),
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
				MarkdownDescription: "The UID of each object this resource manages, by part (`" + strings.Join(partNames, "`, `") +
					"`). A part deleted out of band reads as empty, and the plan shows apply re-creating it."},
		},
	}
}

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
	newToken := plan.TokenType.ValueString() == tokenBound && tokenDue(prior, plan.TokenRenewalPercent.ValueInt64(), time.Now())
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
	bound := plan.TokenType.ValueString() == tokenBound
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

// tokenDue tells whether a bound token has less than percent of its
// lifetime left (or cannot be read).
func tokenDue(m *rbacModel, percent int64, now time.Time) bool {
	expires, err := time.Parse(time.RFC3339, m.TokenExpiresAt.ValueString())
	if err != nil {
		return true
	}
	lifetime := time.Duration(m.TokenExpirationSeconds.ValueInt64()) * time.Second
	return expires.Sub(now) < lifetime*time.Duration(percent)/100
}

func (r *rbacResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan rbacModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, ok := kinds.Begin(ctx, r.cfg, &resp.Diagnostics)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	s := r.setup(plan)
	if existing := s.existing(ctx, &resp.Diagnostics); len(existing) > 0 && !plan.AdoptExisting.ValueBool() {
		resp.Diagnostics.AddError("RBAC Objects Already Exist", fmt.Sprintf(
			"These objects already exist:\n  - %s\n\nTo manage them with this resource, import it:\n\n  terraform import "+
				"hedgehog_rbac_setup.<resource name> %s\n\nor set adopt_existing = true to take them over; or choose other names.",
			strings.Join(existing, "\n  - "), rbacID(plan)))
		return
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// Whatever part is created goes into the state, even when a later step
	// fails: nothing is forgotten (the resource is then tainted).
	state := s.reconcile(ctx, plan, nil, &resp.Diagnostics)
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
	state := r.setup(plan).reconcile(ctx, plan, &prior, &resp.Diagnostics)
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
	r.setup(state).read(ctx, &state, &resp.Diagnostics)
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
	r.setup(state).destroy(ctx, state, &resp.Diagnostics)
}

func (r *rbacResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, "/")
	if len(parts) < 2 || len(parts) > 4 {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf(
			"%q: write <namespace>/<service_account_name>[/<role_name>[/<scope>]] (role_name defaults to %s, scope to %s).",
			req.ID, DefaultRoleName, scopeCluster))
		return
	}
	parts = append(parts, []string{"", DefaultRoleName, scopeCluster}[len(parts)-1:]...)
	if !slices.Contains(scopes, parts[3]) {
		resp.Diagnostics.AddError("Invalid Import ID", fmt.Sprintf("%q: the scope must be one of %s.", req.ID, strings.Join(scopes, ", ")))
		return
	}
	m := rbacModel{
		ID: types.StringValue(strings.Join(parts, "/")), Namespace: types.StringValue(parts[0]),
		ServiceAccountName: types.StringValue(parts[1]), RoleName: types.StringValue(parts[2]), Scope: types.StringValue(parts[3]),
		CreateNamespace: types.BoolValue(true), AdoptExisting: types.BoolValue(false), ForceDestroyNamespace: types.BoolValue(false),
		TokenExpirationSeconds: types.Int64Value(86400), TokenRenewalPercent: types.Int64Value(30),
		Rules: types.ListNull(ruleType), Labels: types.MapNull(types.StringType), TokenType: types.StringValue(tokenSecret),
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
	if errs := validationIsDNS1123Subdomain(req.ConfigValue.ValueString()); len(errs) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kubernetes Name",
			fmt.Sprintf("Attribute %s: %q %s (%s).", req.Path, req.ConfigValue.ValueString(), v.Description(ctx), strings.Join(errs, "; ")))
	}
}
