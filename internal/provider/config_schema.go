package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// Defaults of the provider block.
const (
	DefaultNamespace    = "hedgehog-system"
	DefaultGroup        = "wiring.githedgehog.com"
	DefaultVersion      = "v1alpha2"
	DefaultFieldManager = "terraform-provider-hedgehog"
)

func envDoc(vars ...string) string {
	return " Environment variable: `" + strings.Join(vars, "`, then `") + "`."
}

func (p *hedgehogProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Declares Hedgehog fabrics and the Kubernetes access around them. See the provider documentation " +
			"for every way to connect and the order in which settings apply.",
		Attributes: map[string]schema.Attribute{
			"config_path": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Path of a kubeconfig file (`~` is expanded). Conflicts with `config_paths`." +
					envDoc("KUBE_CONFIG_PATH")},
			"config_paths": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Kubeconfig files merged in order, as kubectl merges `KUBECONFIG` (the first file that sets a value " +
					"wins). Every file must exist." + envDoc("KUBE_CONFIG_PATHS", "KUBECONFIG") + " Both hold a list separated by `" +
					string(os.PathListSeparator) + "`; files named by `KUBECONFIG` that do not exist are skipped, as kubectl does."},
			"config_context": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The kubeconfig context to use instead of its current-context." + envDoc("KUBE_CTX")},
			"config_context_cluster": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The kubeconfig cluster to use instead of the context's." + envDoc("KUBE_CTX_CLUSTER")},
			"config_context_auth_info": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The kubeconfig user to use instead of the context's." + envDoc("KUBE_CTX_AUTH_INFO")},
			"host": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The API server URL, such as `https://10.0.0.1:6443`. Without a kubeconfig, this and a credential " +
					"are the whole connection; with one, it overrides the kubeconfig's server." + envDoc("KUBE_HOST")},
			"token": schema.StringAttribute{Optional: true, Sensitive: true,
				MarkdownDescription: "A bearer token (a service-account token, for instance). Conflicts with `client_certificate`, " +
					"`username` and `exec`." + envDoc("KUBE_TOKEN")},
			"username": schema.StringAttribute{Optional: true,
				MarkdownDescription: "User for HTTP basic authentication; needs `password`." + envDoc("KUBE_USER")},
			"password": schema.StringAttribute{Optional: true, Sensitive: true,
				MarkdownDescription: "Password for HTTP basic authentication; needs `username`." + envDoc("KUBE_PASSWORD")},
			"client_certificate": schema.StringAttribute{Optional: true,
				MarkdownDescription: "PEM client certificate for TLS client authentication; needs `client_key`." + envDoc("KUBE_CLIENT_CERT_DATA")},
			"client_key": schema.StringAttribute{Optional: true, Sensitive: true,
				MarkdownDescription: "PEM private key of `client_certificate`." + envDoc("KUBE_CLIENT_KEY_DATA")},
			"cluster_ca_certificate": schema.StringAttribute{Optional: true,
				MarkdownDescription: "PEM certificate of the authority that signed the API server's certificate. Conflicts with " +
					"`insecure = true`." + envDoc("KUBE_CLUSTER_CA_CERT_DATA")},
			"insecure": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Skip verification of the API server's certificate. Never implied; when set, the provider logs a " +
					"warning, because anyone in the network path could impersonate the cluster. Default `false`." + envDoc("KUBE_INSECURE")},
			"tls_server_name": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The name to verify the API server's certificate against, when it differs from the host." +
					envDoc("KUBE_TLS_SERVER_NAME")},
			"proxy_url": schema.StringAttribute{Optional: true,
				MarkdownDescription: "An `http`, `https` or `socks5` proxy for the API server." + envDoc("KUBE_PROXY_URL")},
			"exec": schema.SingleNestedAttribute{Optional: true,
				MarkdownDescription: "A client-go credential plugin that prints an ExecCredential (as `aws eks get-token` or " +
					"`kubelogin` do); it runs only when the provider first calls the API. Conflicts with `token`, `username` and " +
					"`client_certificate`. Environment variables: `KUBE_EXEC_COMMAND`, `KUBE_EXEC_API_VERSION`, `KUBE_EXEC_ARGS` (a JSON " +
					"list of strings), `KUBE_EXEC_ENV` (a JSON object of strings).",
				Attributes: map[string]schema.Attribute{
					"api_version": schema.StringAttribute{Optional: true,
						MarkdownDescription: "The ExecCredential API version, one of `" + strings.Join(kube.ExecAPIVersions, "`, `") +
							"`. Default `" + kube.ExecAPIVersions[0] + "`.",
						Validators: []validator.String{stringvalidator.OneOf(kube.ExecAPIVersions...)}},
					"command": schema.StringAttribute{Required: true, MarkdownDescription: "The plugin's executable."},
					"args":    schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "Its arguments."},
					"env": schema.MapAttribute{Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Extra environment variables for it."},
				}},
			"in_cluster": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Use the service account of the pod Terraform runs in. Only when asked for: the provider never " +
					"falls back to it. Excludes every other connection setting. Default `false`." + envDoc("KUBE_IN_CLUSTER")},
			"namespace": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The namespace of objects that do not name one. Default `" + DefaultNamespace + "`." +
					envDoc("HEDGEHOG_NAMESPACE"),
				Validators: []validator.String{kinds.DNSLabel()}},
			"fabric_api_group": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The API group of the Fabric CRD. Default `" + DefaultGroup + "`." + envDoc("HEDGEHOG_FABRIC_API_GROUP"),
				Validators:          []validator.String{apiGroup{}}},
			"fabric_api_version": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The API version of the Fabric CRD. Default `" + DefaultVersion + "`." + envDoc("HEDGEHOG_FABRIC_API_VERSION"),
				Validators: []validator.String{stringvalidator.RegexMatches(apiVersionRE,
					"must be a Kubernetes API version such as v1, v1beta1 or v1alpha2")}},
			"field_manager": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The server-side apply field manager the provider writes as. Default `" + DefaultFieldManager +
					"`. Two configurations that manage the same fields should use different names, so that conflicts show." +
					envDoc("HEDGEHOG_FIELD_MANAGER"),
				Validators: []validator.String{stringvalidator.LengthBetween(1, 128)}},
			"request_timeout": schema.StringAttribute{Optional: true, Validators: []validator.String{kinds.Duration()},
				MarkdownDescription: "How long one attempt of an API request may take, as a duration (`30s`, `2m`). Default `30s`." +
					envDoc("HEDGEHOG_REQUEST_TIMEOUT")},
			"max_retries": schema.Int64Attribute{Optional: true,
				MarkdownDescription: "How many times a read, a server-side apply or a delete is retried after a 429, a 5xx, a " +
					"refused or reset connection or a timeout, with exponential backoff and jitter (a Retry-After header is honoured). " +
					"Other requests (creates, TokenRequests, access reviews) are retried only when they never reached the API server " +
					"(refused connection, unknown host). This is the whole bound: a request is sent at most 1 + `max_retries` times. " +
					"400, 401, 403, 404, 409 and 422 are never retried. Between 0 and 10; default `3`." + envDoc("HEDGEHOG_MAX_RETRIES"),
				Validators: []validator.Int64{int64validator.Between(0, 10)}},
			"qps": schema.Float64Attribute{Optional: true,
				MarkdownDescription: "Client-side rate limit, in requests per second. Default `1000`, which Terraform's parallelism " +
					"(even `-parallelism=50`) never reaches; the API server's own priority and fairness still applies." +
					envDoc("HEDGEHOG_QPS"),
				Validators: []validator.Float64{float64validator.AtLeast(1)}},
			"plan_dry_run": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Have the cluster check the plan: every Hedgehog object that the plan creates, changes or " +
					"deletes is sent to the API server as a server-side dry run of that write (admission webhooks and the CRD's " +
					"schema judge it, nothing is stored), so that a refusal fails the plan instead of the apply, and the values " +
					"the webhooks fill in show in the plan. Objects that plan no change send nothing, and neither does " +
					"`hedgehog_fabric`: its CRD is the provider's own, no webhook judges it, and the provider checks every rule " +
					"of that CRD itself at plan. What cannot be checked " +
					"(values known only after apply, a CRD or namespace not there yet, credentials that may only read) is " +
					"planned with a warning; a cluster that does not answer is planned without the check, with one warning. " +
					"Default `true`." + envDoc("HEDGEHOG_PLAN_DRY_RUN")},
			"burst": schema.Int64Attribute{Optional: true,
				MarkdownDescription: "Client-side burst above `qps`. Default `2000`." + envDoc("HEDGEHOG_BURST"),
				Validators:          []validator.Int64{int64validator.AtLeast(1)}},
		},
	}
}

var apiVersionRE = regexp.MustCompile(`^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$`)

type apiGroup struct{}

func (apiGroup) Description(context.Context) string {
	return "must be a DNS subdomain with at least one dot, such as wiring.githedgehog.com"
}
func (v apiGroup) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v apiGroup) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if errs := validation.IsDNS1123Subdomain(s); len(errs) > 0 || !strings.Contains(s, ".") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid API Group", fmt.Sprintf("Attribute %s: %q %s.", req.Path, s, v.Description(ctx)))
	}
}
