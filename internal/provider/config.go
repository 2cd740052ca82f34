package provider

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/util/keyutil"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// Defaults of the provider block.
const (
	DefaultNamespace      = "hedgehog-system"
	DefaultGroup          = "wiring.githedgehog.com"
	DefaultVersion        = "v1alpha2"
	DefaultFieldManager   = "terraform-provider-hedgehog"
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxRetries     = 3
	// DefaultQPS and DefaultBurst leave room for Terraform's -parallelism=50
	// with several requests per resource: the client never throttles itself.
	DefaultQPS   = 1000
	DefaultBurst = 2000
)

var execAPIVersions = []string{"client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"}

type providerModel struct {
	ConfigPath            types.String  `tfsdk:"config_path"`
	ConfigPaths           types.List    `tfsdk:"config_paths"`
	ConfigContext         types.String  `tfsdk:"config_context"`
	ConfigContextCluster  types.String  `tfsdk:"config_context_cluster"`
	ConfigContextAuthInfo types.String  `tfsdk:"config_context_auth_info"`
	Host                  types.String  `tfsdk:"host"`
	Token                 types.String  `tfsdk:"token"`
	Username              types.String  `tfsdk:"username"`
	Password              types.String  `tfsdk:"password"`
	ClientCertificate     types.String  `tfsdk:"client_certificate"`
	ClientKey             types.String  `tfsdk:"client_key"`
	ClusterCACertificate  types.String  `tfsdk:"cluster_ca_certificate"`
	Insecure              types.Bool    `tfsdk:"insecure"`
	TLSServerName         types.String  `tfsdk:"tls_server_name"`
	ProxyURL              types.String  `tfsdk:"proxy_url"`
	Exec                  types.Object  `tfsdk:"exec"`
	InCluster             types.Bool    `tfsdk:"in_cluster"`
	Namespace             types.String  `tfsdk:"namespace"`
	FabricAPIGroup        types.String  `tfsdk:"fabric_api_group"`
	FabricAPIVersion      types.String  `tfsdk:"fabric_api_version"`
	FieldManager          types.String  `tfsdk:"field_manager"`
	RequestTimeout        types.String  `tfsdk:"request_timeout"`
	MaxRetries            types.Int64   `tfsdk:"max_retries"`
	QPS                   types.Float64 `tfsdk:"qps"`
	Burst                 types.Int64   `tfsdk:"burst"`
}

type execModel struct {
	APIVersion types.String `tfsdk:"api_version"`
	Command    types.String `tfsdk:"command"`
	Args       types.List   `tfsdk:"args"`
	Env        types.Map    `tfsdk:"env"`
}

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
						MarkdownDescription: "The ExecCredential API version, one of `" + strings.Join(execAPIVersions, "`, `") +
							"`. Default `" + execAPIVersions[0] + "`.",
						Validators: []validator.String{stringvalidator.OneOf(execAPIVersions...)}},
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
				MarkdownDescription: "How many times a request is retried after a 429, a 5xx, a refused or reset connection or a " +
					"timeout, with exponential backoff and jitter (a Retry-After header is honoured). 400, 401, 403, 404, 409 and 422 " +
					"are never retried. Between 0 and 10; default `3`." + envDoc("HEDGEHOG_MAX_RETRIES"),
				Validators: []validator.Int64{int64validator.Between(0, 10)}},
			"qps": schema.Float64Attribute{Optional: true,
				MarkdownDescription: "Client-side rate limit, in requests per second. Default `1000`, which Terraform's parallelism " +
					"(even `-parallelism=50`) never reaches; the API server's own priority and fairness still applies." +
					envDoc("HEDGEHOG_QPS"),
				Validators: []validator.Float64{float64validator.AtLeast(1)}},
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

// cachedClient keeps the connection across Configure calls with the same
// settings, so that one provider instance has one connection.
type cachedClient struct {
	key    string
	client *kube.Client
}

// resolver reads each setting from its attribute or, when that is null,
// from its environment variables, and remembers where it came from.
type resolver struct {
	diags   diag.Diagnostics
	unknown []string
	source  map[string]string
}

func (r *resolver) str(name string, v types.String, env ...string) string {
	if v.IsUnknown() {
		r.unknown = append(r.unknown, name)
		return ""
	}
	if !v.IsNull() {
		r.source[name] = "the " + name + " attribute"
		return v.ValueString()
	}
	for _, e := range env {
		if s := os.Getenv(e); s != "" {
			r.source[name] = "the environment variable " + e
			return s
		}
	}
	return ""
}

func (r *resolver) boolean(name string, v types.Bool, env string) bool {
	if v.IsUnknown() {
		r.unknown = append(r.unknown, name)
		return false
	}
	if !v.IsNull() {
		r.source[name] = "the " + name + " attribute"
		return v.ValueBool()
	}
	s := os.Getenv(env)
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		r.diags.AddAttributeError(path.Root(name), "Invalid Environment Variable",
			fmt.Sprintf("%s=%q must be true or false.", env, s))
	}
	r.source[name] = "the environment variable " + env
	return b
}

func (r *resolver) number(name string, v attr.Value, env string, def float64) float64 {
	switch {
	case v.IsUnknown():
		r.unknown = append(r.unknown, name)
		return def
	case !v.IsNull():
		switch n := v.(type) {
		case types.Int64:
			return float64(n.ValueInt64())
		case types.Float64:
			return n.ValueFloat64()
		}
	}
	s := os.Getenv(env)
	if s == "" {
		return def
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		r.diags.AddAttributeError(path.Root(name), "Invalid Environment Variable",
			fmt.Sprintf("%s=%q must be a non-negative number.", env, s))
		return def
	}
	return f
}

func (r *resolver) set(name string) bool { _, ok := r.source[name]; return ok }

func (p *hedgehogProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r := &resolver{source: map[string]string{}}
	s, pathsAttr := r.settings(ctx, m)

	cfg := &kinds.Config{
		Namespace:    orDefault(r.str("namespace", m.Namespace, "HEDGEHOG_NAMESPACE"), DefaultNamespace),
		Group:        orDefault(r.str("fabric_api_group", m.FabricAPIGroup, "HEDGEHOG_FABRIC_API_GROUP"), DefaultGroup),
		Version:      orDefault(r.str("fabric_api_version", m.FabricAPIVersion, "HEDGEHOG_FABRIC_API_VERSION"), DefaultVersion),
		FieldManager: orDefault(r.str("field_manager", m.FieldManager, "HEDGEHOG_FIELD_MANAGER"), DefaultFieldManager),
	}
	opts := kube.Options{
		MaxRetries: int(r.number("max_retries", m.MaxRetries, "HEDGEHOG_MAX_RETRIES", DefaultMaxRetries)),
		QPS:        float32(r.number("qps", m.QPS, "HEDGEHOG_QPS", DefaultQPS)),
		Burst:      int(r.number("burst", m.Burst, "HEDGEHOG_BURST", DefaultBurst)),
		UserAgent:  "terraform-provider-hedgehog/" + p.version,
		Log:        logRequest,
		Warn: func(ctx context.Context, msg string) {
			tflog.SubsystemWarn(ctx, kinds.LogSubsystem, "Kubernetes API warning", map[string]any{"warning": msg})
		},
	}
	if kinds.LogsOff {
		opts.Log, opts.Warn = nil, nil
	}
	opts.RequestTimeout = DefaultRequestTimeout
	if t := r.str("request_timeout", m.RequestTimeout, "HEDGEHOG_REQUEST_TIMEOUT"); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid Duration",
				fmt.Sprintf("request_timeout (from %s) is %q; it must be a positive duration such as 30s or 2m.", r.source["request_timeout"], t))
		}
		opts.RequestTimeout = d
	}
	r.validate(s)
	resp.Diagnostics.Append(r.diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	if len(r.unknown) > 0 {
		cfg.Unknown = true
		resp.Diagnostics.AddWarning("Provider Configuration Not Yet Known",
			fmt.Sprintf("The hedgehog provider's %s depend on values that are only known after apply (a cluster created in the same "+
				"run, for instance). This plan does not contact the cluster: new objects are planned, and objects already in the "+
				"state are not refreshed.", strings.Join(r.unknown, ", ")))
		setData(resp, cfg)
		return
	}

	cfg.Secrets = secrets(s)
	key := fmt.Sprintf("%#v|%v|%v|%v|%v", s, opts.RequestTimeout, opts.MaxRetries, opts.QPS, opts.Burst)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cached != nil && p.cached.key == key {
		cfg.Client = p.cached.client.Session()
		setData(resp, cfg)
		return
	}

	conn, err := s.Connect()
	if errors.Is(err, kube.ErrNoConfig) {
		resp.Diagnostics.AddError("No Kubernetes Connection Configured", noConfigDetail())
		return
	}
	var settingErr *kube.SettingError
	if errors.As(err, &settingErr) {
		field := settingErr.Field
		if field == "config_path" {
			field = pathsAttr
		}
		resp.Diagnostics.AddAttributeError(path.Root(field), "Invalid Kubernetes Connection Setting",
			fmt.Sprintf("%s (from %s): %v", field, orDefault(r.source[field], "the kubeconfig"), settingErr.Err))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Invalid Kubernetes Connection Settings", err.Error())
		return
	}
	if s.Insecure {
		tflog.Warn(ctx, "TLS verification of the API server is off (insecure = true): anyone in the network path can impersonate the cluster")
	}
	client, err := kube.New(conn, opts)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Create the Kubernetes Client", err.Error())
		return
	}
	cfg.Client = client
	tflog.Debug(ctx, "Kubernetes client configured", map[string]any{"host": client.Host, "identity": client.Identity})
	p.cached = &cachedClient{key: key, client: client}
	setData(resp, cfg)
}

func setData(resp *provider.ConfigureResponse, cfg *kinds.Config) {
	resp.ResourceData = cfg
	resp.DataSourceData = cfg
}

func secrets(s kube.Settings) []string {
	var out []string
	for _, v := range []string{s.Token, s.Password, s.ClientKey} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func logRequest(ctx context.Context, msg string, fields map[string]any) {
	if fields["level"] == "warn" {
		delete(fields, "level")
		tflog.SubsystemWarn(ctx, kinds.LogSubsystem, msg, fields)
		return
	}
	if fields["attempts"] != 1 || fields["error"] != nil {
		tflog.SubsystemDebug(ctx, kinds.LogSubsystem, msg, fields)
		return
	}
	tflog.SubsystemTrace(ctx, kinds.LogSubsystem, msg, fields)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// settings resolves the connection settings; pathsAttr is the attribute
// that named the kubeconfig files.
func (r *resolver) settings(ctx context.Context, m providerModel) (kube.Settings, string) {
	s := kube.Settings{
		Context:              r.str("config_context", m.ConfigContext, "KUBE_CTX"),
		ContextCluster:       r.str("config_context_cluster", m.ConfigContextCluster, "KUBE_CTX_CLUSTER"),
		ContextAuthInfo:      r.str("config_context_auth_info", m.ConfigContextAuthInfo, "KUBE_CTX_AUTH_INFO"),
		Host:                 r.str("host", m.Host, "KUBE_HOST"),
		Token:                r.str("token", m.Token, "KUBE_TOKEN"),
		Username:             r.str("username", m.Username, "KUBE_USER"),
		Password:             r.str("password", m.Password, "KUBE_PASSWORD"),
		ClientCertificate:    r.str("client_certificate", m.ClientCertificate, "KUBE_CLIENT_CERT_DATA"),
		ClientKey:            r.str("client_key", m.ClientKey, "KUBE_CLIENT_KEY_DATA"),
		ClusterCACertificate: r.str("cluster_ca_certificate", m.ClusterCACertificate, "KUBE_CLUSTER_CA_CERT_DATA"),
		Insecure:             r.boolean("insecure", m.Insecure, "KUBE_INSECURE"),
		TLSServerName:        r.str("tls_server_name", m.TLSServerName, "KUBE_TLS_SERVER_NAME"),
		ProxyURL:             r.str("proxy_url", m.ProxyURL, "KUBE_PROXY_URL"),
		InCluster:            r.boolean("in_cluster", m.InCluster, "KUBE_IN_CLUSTER"),
	}
	s.Exec = r.exec(ctx, m.Exec)

	pathsAttr := "config_path"
	if !m.ConfigPath.IsNull() && !m.ConfigPaths.IsNull() {
		r.source["config_paths"] = "the config_paths attribute"
	}
	switch {
	case m.ConfigPath.IsUnknown() || m.ConfigPaths.IsUnknown():
		r.unknown = append(r.unknown, "config_path")
	case !m.ConfigPath.IsNull():
		s.ConfigPaths = []string{m.ConfigPath.ValueString()}
		r.source["config_path"] = "the config_path attribute"
	case !m.ConfigPaths.IsNull():
		pathsAttr = "config_paths"
		var paths []types.String
		r.diags.Append(m.ConfigPaths.ElementsAs(ctx, &paths, false)...)
		for _, p := range paths {
			if p.IsUnknown() {
				r.unknown = append(r.unknown, "config_paths")
				continue
			}
			s.ConfigPaths = append(s.ConfigPaths, p.ValueString())
		}
		r.source["config_paths"] = "the config_paths attribute"
	case os.Getenv("KUBE_CONFIG_PATH") != "":
		s.ConfigPaths = []string{os.Getenv("KUBE_CONFIG_PATH")}
		r.source["config_path"] = "the environment variable KUBE_CONFIG_PATH"
	case os.Getenv("KUBE_CONFIG_PATHS") != "":
		pathsAttr = "config_paths"
		s.ConfigPaths = filepath.SplitList(os.Getenv("KUBE_CONFIG_PATHS"))
		r.source["config_paths"] = "the environment variable KUBE_CONFIG_PATHS"
	case os.Getenv("KUBECONFIG") != "":
		pathsAttr = "config_paths"
		for _, p := range filepath.SplitList(os.Getenv("KUBECONFIG")) {
			if _, err := os.Stat(expandHome(p)); err == nil {
				s.ConfigPaths = append(s.ConfigPaths, p)
			}
		}
		r.source["config_paths"] = "the environment variable KUBECONFIG"
		if len(s.ConfigPaths) == 0 {
			r.diags.AddAttributeError(path.Root("config_paths"), "No Kubeconfig Found",
				fmt.Sprintf("None of the files in KUBECONFIG=%q exists.", os.Getenv("KUBECONFIG")))
		}
	}
	for i, p := range s.ConfigPaths {
		s.ConfigPaths[i] = expandHome(p)
	}
	return s, pathsAttr
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, strings.TrimPrefix(p, "~"))
		}
	}
	return p
}

func (r *resolver) exec(ctx context.Context, v types.Object) *kube.ExecSettings {
	if v.IsUnknown() {
		r.unknown = append(r.unknown, "exec")
		return nil
	}
	if !v.IsNull() {
		var e execModel
		r.diags.Append(v.As(ctx, &e, basetypes.ObjectAsOptions{})...)
		if !known(e.Args.Elements()...) || !known(slices.Collect(maps.Values(e.Env.Elements()))...) || e.Args.IsUnknown() || e.Env.IsUnknown() ||
			e.Command.IsUnknown() || e.APIVersion.IsUnknown() {
			r.unknown = append(r.unknown, "exec")
			return nil
		}
		out := &kube.ExecSettings{Command: e.Command.ValueString(), APIVersion: orDefault(e.APIVersion.ValueString(), execAPIVersions[0])}
		r.diags.Append(e.Args.ElementsAs(ctx, &out.Args, false)...)
		r.diags.Append(e.Env.ElementsAs(ctx, &out.Env, false)...)
		r.source["exec"] = "the exec attribute"
		return out
	}
	command := os.Getenv("KUBE_EXEC_COMMAND")
	if command == "" {
		return nil
	}
	out := &kube.ExecSettings{Command: command, APIVersion: orDefault(os.Getenv("KUBE_EXEC_API_VERSION"), execAPIVersions[0])}
	for env, target := range map[string]any{"KUBE_EXEC_ARGS": &out.Args, "KUBE_EXEC_ENV": &out.Env} {
		if raw := os.Getenv(env); raw != "" {
			if err := json.Unmarshal([]byte(raw), target); err != nil {
				r.diags.AddAttributeError(path.Root("exec"), "Invalid Environment Variable",
					fmt.Sprintf("%s must be JSON (a list of strings for KUBE_EXEC_ARGS, an object of strings for KUBE_EXEC_ENV): %v", env, err))
			}
		}
	}
	r.source["exec"] = "the environment variables KUBE_EXEC_*"
	return out
}

// validate checks the combination of the resolved settings: what cannot go
// together, what needs a partner, and the content of PEM and URL values.
func (r *resolver) validate(s kube.Settings) {
	conflict := func(a, b string) {
		if r.set(a) && r.set(b) {
			r.diags.AddAttributeError(path.Root(a), "Conflicting Connection Settings",
				fmt.Sprintf("%s (from %s) cannot be combined with %s (from %s): they are two different ways to authenticate or "+
					"to trust the server. Keep one.", a, r.source[a], b, r.source[b]))
		}
	}
	conflict("config_path", "config_paths")
	for _, pair := range [][2]string{
		{"token", "client_certificate"}, {"token", "username"}, {"token", "exec"},
		{"exec", "client_certificate"}, {"exec", "username"}, {"username", "client_certificate"},
	} {
		conflict(pair[0], pair[1])
	}
	if s.Insecure {
		conflict("insecure", "cluster_ca_certificate")
	}
	together := func(a, b string) {
		if r.set(a) != r.set(b) {
			missing, present := a, b
			if r.set(a) {
				missing, present = b, a
			}
			r.diags.AddAttributeError(path.Root(missing), "Incomplete Connection Settings",
				fmt.Sprintf("%s (from %s) needs %s as well.", present, r.source[present], missing))
		}
	}
	together("username", "password")
	together("client_certificate", "client_key")
	if s.InCluster {
		for _, other := range []string{"config_path", "config_paths", "config_context", "config_context_cluster",
			"config_context_auth_info", "host", "token", "username", "password", "client_certificate", "client_key",
			"cluster_ca_certificate", "insecure", "tls_server_name", "exec"} {
			conflict("in_cluster", other)
		}
	}

	r.pem("client_certificate", s.ClientCertificate, "CERTIFICATE")
	r.pem("cluster_ca_certificate", s.ClusterCACertificate, "CERTIFICATE")
	r.pem("client_key", s.ClientKey, "PRIVATE KEY")
	r.url("host", s.Host, "http", "https")
	r.url("proxy_url", s.ProxyURL, "http", "https", "socks5")
}

func (r *resolver) pem(name, value, kind string) {
	if value == "" {
		return
	}
	fail := func(why string) {
		r.diags.AddAttributeError(path.Root(name), "Invalid PEM",
			fmt.Sprintf("%s (from %s) is not a PEM-encoded %s: %s. Give the PEM text itself (for a file, use file(\"...\")), "+
				"including the -----BEGIN and -----END lines.", name, r.source[name], strings.ToLower(kind), why))
	}
	if kind == "PRIVATE KEY" {
		if _, err := keyutil.ParsePrivateKeyPEM([]byte(value)); err != nil {
			fail(err.Error())
		}
		return
	}
	rest := []byte(value)
	found := false
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			fail(err.Error())
			return
		}
		found = true
	}
	if !found {
		fail("no CERTIFICATE block found")
	}
}

func (r *resolver) url(name, value string, schemes ...string) {
	if value == "" {
		return
	}
	u, err := url.Parse(value)
	if err == nil && (u.Host == "" || !contains(schemes, u.Scheme)) {
		err = fmt.Errorf("it must be a URL with scheme %s and a host", strings.Join(schemes, ", "))
	}
	if err != nil {
		r.diags.AddAttributeError(path.Root(name), "Invalid URL",
			fmt.Sprintf("%s (from %s) is %q: %v.", name, r.source[name], value, err))
	}
}

func known(elems ...attr.Value) bool {
	for _, e := range elems {
		if e.IsUnknown() {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func noConfigDetail() string {
	var b strings.Builder
	b.WriteString("The provider found no way to reach a Kubernetes cluster. It looked at:\n" +
		"  - the attributes config_path, config_paths, host and in_cluster: none is set;\n" +
		"  - the environment variables KUBE_CONFIG_PATH, KUBE_CONFIG_PATHS, KUBECONFIG, KUBE_HOST and KUBE_IN_CLUSTER: none is set.\n" +
		"It never falls back on its own to ~/.kube/config, to localhost or to the service account of a pod, so that it cannot " +
		"silently reach the wrong cluster.\n\nSet one of:\n" +
		"  - config_path = \"~/.kube/config\" (and config_context to choose a context), or KUBECONFIG;\n" +
		"  - host with a credential (token, client_certificate and client_key, or exec) and cluster_ca_certificate, or the " +
		"KUBE_HOST, KUBE_TOKEN, KUBE_CLUSTER_CA_CERT_DATA … environment variables (the usual way in Terraform Cloud);\n" +
		"  - in_cluster = true when Terraform runs in a pod.")
	if home, err := os.UserHomeDir(); err == nil {
		if _, err := os.Stat(filepath.Join(home, ".kube", "config")); err == nil {
			b.WriteString("\n\n~/.kube/config exists here, but is read only when named.")
		}
	}
	if os.Getenv("KUBERNETES_SERVICE_HOST") != "" {
		b.WriteString("\n\nThis process runs inside a pod (KUBERNETES_SERVICE_HOST is set): in_cluster = true would use its service account.")
	}
	return b.String()
}
