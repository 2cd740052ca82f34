package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// cachedClient keeps the connection across Configure calls with the same
// settings, so that one provider instance has one connection.
type cachedClient struct {
	key    string
	client *kube.Client
}

func (p *hedgehogProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	given, diags := m.given(ctx)
	resp.Diagnostics.Append(diags...)
	r := kube.Resolve(given, os.Getenv)
	for _, problem := range r.Problems {
		addSettingError(&resp.Diagnostics, problem)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	cfg := &kinds.Config{
		Namespace:    setting(m.Namespace, "HEDGEHOG_NAMESPACE", DefaultNamespace),
		Group:        setting(m.FabricAPIGroup, "HEDGEHOG_FABRIC_API_GROUP", DefaultGroup),
		Version:      setting(m.FabricAPIVersion, "HEDGEHOG_FABRIC_API_VERSION", DefaultVersion),
		FieldManager: setting(m.FieldManager, "HEDGEHOG_FIELD_MANAGER", DefaultFieldManager),
		Now:          p.now,
		LogsOff:      p.logsOff,
		Kinds:        p.served,
	}
	dryRun, err := boolSetting(m.PlanDryRun, "HEDGEHOG_PLAN_DRY_RUN", true)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("plan_dry_run"), "Invalid Environment Variable", err.Error())
		return
	}
	opts := r.Options
	if dryRun {
		cfg.Checks = kinds.NewPlanChecks(opts.RequestTimeout)
	}
	opts.UserAgent = "terraform-provider-hedgehog/" + p.version
	if !p.logsOff {
		opts.Log = logRequest
		opts.Warn = func(ctx context.Context, msg string) {
			tflog.SubsystemWarn(ctx, kinds.LogSubsystem, "Kubernetes API warning", map[string]any{"warning": msg})
		}
	}

	if len(given.Pending) > 0 {
		cfg.Unknown = true
		resp.Diagnostics.AddWarning("Provider Configuration Not Yet Known",
			fmt.Sprintf("The hedgehog provider's %s depend on values that are only known after apply (a cluster created in the same "+
				"run, for instance). This plan does not contact the cluster: new objects are planned, and objects already in the "+
				"state are not refreshed.", strings.Join(given.Pending, ", ")))
		setData(resp, cfg)
		return
	}

	s := r.Settings
	cfg.Secrets = s.Secrets()
	// The settings by value (JSON follows the exec settings' pointer, %v
	// would print its address and never match).
	settings, _ := json.Marshal(s)
	key := fmt.Sprintf("%s|%v|%v|%v|%v", settings, opts.RequestTimeout, opts.MaxRetries, opts.QPS, opts.Burst)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cached != nil && p.cached.key == key {
		cfg.Client = p.cached.client.Session()
		setData(resp, cfg)
		return
	}

	conn, err := r.Connect()
	if errors.Is(err, kube.ErrNoConfig) {
		resp.Diagnostics.AddError("No Kubernetes Connection Configured", noConfigDetail())
		return
	}
	var settingErr *kube.SettingError
	if errors.As(err, &settingErr) {
		addSettingError(&resp.Diagnostics, settingErr)
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

// settingSummaries title the diagnostic of each rule a setting can break.
var settingSummaries = []struct {
	rule    error
	summary string
}{
	{kube.ErrEnvironment, "Invalid Environment Variable"},
	{kube.ErrNoKubeconfig, "No Kubeconfig Found"},
	{kube.ErrConflict, "Conflicting Connection Settings"},
	{kube.ErrIncomplete, "Incomplete Connection Settings"},
	{kube.ErrPEM, "Invalid PEM"},
	{kube.ErrURL, "Invalid URL"},
	{kube.ErrDuration, "Invalid Duration"},
}

// addSettingError reports a setting's problem on its attribute.
func addSettingError(diags *diag.Diagnostics, e *kube.SettingError) {
	summary := "Invalid Kubernetes Connection Setting"
	for _, s := range settingSummaries {
		if errors.Is(e, s.rule) {
			summary = s.summary
			break
		}
	}
	diags.AddAttributeError(path.Root(e.Field), summary, e.Err.Error())
}

// setting is one of the provider's own settings: the attribute, else its
// environment variable, else the default. An unknown value plans with the
// default (Configure then contacts no cluster).
func setting(v types.String, env, def string) string {
	s := ""
	switch {
	case v.IsUnknown():
	case !v.IsNull():
		s = v.ValueString()
	default:
		s = os.Getenv(env)
	}
	return orDefault(s, def)
}

// boolSetting is a boolean setting of the provider: the attribute, else its
// environment variable, else the default. An unknown value is false (it
// cannot be known at plan time).
func boolSetting(v types.Bool, env string, def bool) (bool, error) {
	switch {
	case v.IsUnknown():
		return false, nil
	case !v.IsNull():
		return v.ValueBool(), nil
	}
	s := os.Getenv(env)
	if s == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%s=%q must be true or false", env, s)
	}
	return b, nil
}

func setData(resp *provider.ConfigureResponse, cfg *kinds.Config) {
	resp.ResourceData = cfg
	resp.DataSourceData = cfg
	resp.EphemeralResourceData = cfg
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
