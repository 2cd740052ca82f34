package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/rbac"
)

// Limits of hedgehog_access_token's lifetime: TokenRequest's minimum, and a
// day, past which a token meant for one run is no longer short-lived.
const (
	accessTokenMinSeconds     = 600
	accessTokenMaxSeconds     = 86400
	accessTokenDefaultSeconds = 3600
)

type accessToken struct{ cfg *kinds.Config }

// NewAccessTokenEphemeralResource is the hedgehog_access_token ephemeral
// resource: a TokenRequest token for a service account that Terraform never
// writes to a plan or the state.
func NewAccessTokenEphemeralResource() ephemeral.EphemeralResource { return &accessToken{} }

var _ ephemeral.EphemeralResourceWithConfigure = (*accessToken)(nil)

type accessTokenModel struct {
	Namespace          types.String `tfsdk:"namespace"`
	ServiceAccountName types.String `tfsdk:"service_account_name"`
	ServiceAccountUID  types.String `tfsdk:"service_account_uid"`
	ExpirationSeconds  types.Int64  `tfsdk:"expiration_seconds"`
	Audiences          types.List   `tfsdk:"audiences"`

	Token         types.String `tfsdk:"token"`
	ExpiresAt     types.String `tfsdk:"expires_at"`
	Host          types.String `tfsdk:"host"`
	CACertificate types.String `tfsdk:"ca_certificate"`
	Kubeconfig    types.String `tfsdk:"kubeconfig"`
}

func (e *accessToken) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_token"
}

func (e *accessToken) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.cfg = kinds.ProviderConfig(req.ProviderData, &resp.Diagnostics)
}

func (e *accessToken) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived token for a service account, issued by the Kubernetes TokenRequest API each time " +
			"Terraform opens this ephemeral resource (during plan and again during apply), and never written to a plan file or " +
			"the state. Feed it to another provider's configuration (an aliased `hedgehog` provider, `kubernetes`, `helm`), " +
			"or hand it on through another resource's write-only argument to a secret store or a Terraform Cloud variable. " +
			"Needs OpenTofu 1.11 or later, or Terraform 1.10 or later. The token cannot be revoked before it expires (short of " +
			"deleting the service account): keep `expiration_seconds` as short as the run that uses it.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{kinds.DNSLabel()},
				MarkdownDescription: "The service account's namespace. Defaults to the provider's `namespace`."},
			"service_account_name": schema.StringAttribute{Required: true, Validators: []validator.String{dnsSubdomain{}},
				MarkdownDescription: "The service account to issue the token for; it must exist (for instance made by " +
					"`hedgehog_rbac_setup` with `token_type = \"none\"`)."},
			"service_account_uid": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "When set, the token must be for the service account with this UID: Open fails when the " +
					"account was deleted and re-created since. Set it to `hedgehog_rbac_setup.<name>.service_account_uid` when the " +
					"account is created in the same run: the UID is unknown until then, so Terraform opens the ephemeral " +
					"resource only once the account exists."},
			"expiration_seconds": schema.Int64Attribute{Optional: true, Computed: true,
				Validators: []validator.Int64{int64validator.Between(accessTokenMinSeconds, accessTokenMaxSeconds)},
				MarkdownDescription: fmt.Sprintf("The token's lifetime, from %d (10 minutes, TokenRequest's minimum) to %d (a "+
					"day). Default `%d` (an hour). The API server may shorten it (`--service-account-max-token-expiration`); "+
					"`expires_at` says when it really ends.", accessTokenMinSeconds, accessTokenMaxSeconds, accessTokenDefaultSeconds)},
			"audiences": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
				MarkdownDescription: "Who the token is for (its `aud` claim). Default: the API server's own audiences. A token " +
					"for other audiences is refused by the API server itself; set them only for a service that checks tokens " +
					"with a TokenReview for its own audience."},

			"token": schema.StringAttribute{Computed: true, Sensitive: true,
				MarkdownDescription: "The token (a JWT)."},
			"expires_at": schema.StringAttribute{Computed: true,
				MarkdownDescription: "When the token expires (RFC 3339), as the API server issued it."},
			"host": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The API server URL the provider uses."},
			"ca_certificate": schema.StringAttribute{Computed: true,
				MarkdownDescription: "PEM certificate of the cluster's certificate authority; empty when the provider trusts the " +
					"system's."},
			"kubeconfig": schema.StringAttribute{Computed: true, Sensitive: true,
				MarkdownDescription: "A complete kubeconfig with the token (host, CA, token, and the service account's " +
					"namespace), for clients that take one."},
		},
	}
}

func (e *accessToken) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m accessTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	ctx, ok := kinds.Begin(ctx, e.cfg, &resp.Diagnostics)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	if m.Namespace.IsNull() {
		m.Namespace = types.StringValue(e.cfg.Namespace)
	}
	if m.ExpirationSeconds.IsNull() {
		m.ExpirationSeconds = types.Int64Value(accessTokenDefaultSeconds)
	}
	var audiences []string
	resp.Diagnostics.Append(m.Audiences.ElementsAs(ctx, &audiences, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	s := &rbac.Setup{Client: e.cfg.Client, Namespace: m.Namespace.ValueString(), ServiceAccount: m.ServiceAccountName.ValueString()}
	token, err := s.RequestToken(ctx, m.ExpirationSeconds.ValueInt64(), audiences)
	var api *rbac.APIError
	switch {
	case errors.As(err, &api) && kube.IsObjectNotFound(api.Err):
		resp.Diagnostics.AddAttributeError(path.Root("service_account_name"), "Service Account Not Found", fmt.Sprintf(
			"There is no service account %s/%s to issue a token for. Create it first (hedgehog_rbac_setup with "+
				"token_type = \"none\"); when it is created in the same configuration, set service_account_uid to its "+
				"service_account_uid, so that Terraform opens this ephemeral resource only once the account exists."+
				"\n\nAPI server: %v",
			s.Namespace, s.ServiceAccount, api.Err))
		return
	case errors.As(err, &api):
		summary, detail := e.cfg.Client.Explain(api.Err, api.Target)
		resp.Diagnostics.AddError(summary, detail)
		return
	case err != nil:
		resp.Diagnostics.AddError("Kubernetes Request Failed", err.Error())
		return
	}
	if want := m.ServiceAccountUID.ValueString(); want != "" {
		if c, err := rbac.ReadClaims(token.Value); err != nil || c.ServiceAccountUID != want {
			resp.Diagnostics.AddAttributeError(path.Root("service_account_uid"), "Service Account Re-created", fmt.Sprintf(
				"The service account %s/%s is not the one with UID %s (the token's claims say %q): it was deleted and "+
					"created again. Refresh what service_account_uid comes from (apply the hedgehog_rbac_setup), then run again.",
				s.Namespace, s.ServiceAccount, want, c.ServiceAccountUID))
			return
		}
	}
	ca := s.CA()
	kubeconfig, err := s.Kubeconfig(token.Value, ca)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Write the Kubeconfig", err.Error())
		return
	}
	m.Token, m.ExpiresAt = types.StringValue(token.Value), types.StringValue(token.ExpiresAt)
	m.Host, m.CACertificate, m.Kubeconfig = types.StringValue(e.cfg.Client.Host), types.StringValue(ca), types.StringValue(kubeconfig)
	resp.Diagnostics.Append(resp.Result.Set(ctx, m)...)
}
