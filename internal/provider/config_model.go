package provider

import (
	"context"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// providerModel is the provider block as the framework decodes it.
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
	PlanDryRun            types.Bool    `tfsdk:"plan_dry_run"`
}

type execModel struct {
	APIVersion types.String `tfsdk:"api_version"`
	Command    types.String `tfsdk:"command"`
	Args       types.List   `tfsdk:"args"`
	Env        types.Map    `tfsdk:"env"`
}

// given maps the provider block onto what internal/kube resolves: a null
// attribute is left out (its environment variables apply); an unknown one is
// pending, and its name goes into Pending in the order of the schema's
// connection settings, then the provider's own.
func (m providerModel) given(ctx context.Context) (kube.Given, diag.Diagnostics) {
	var g kube.Given
	var diags diag.Diagnostics
	pending := func(name string, v attr.Value) bool {
		if v.IsUnknown() {
			g.Pending = append(g.Pending, name)
		}
		return v.IsUnknown() || v.IsNull()
	}
	str := func(name string, v types.String) *string {
		if pending(name, v) {
			return nil
		}
		return v.ValueStringPointer()
	}
	boolean := func(name string, v types.Bool) *bool {
		if pending(name, v) {
			return nil
		}
		return v.ValueBoolPointer()
	}
	g.ConfigContext = str("config_context", m.ConfigContext)
	g.ConfigContextCluster = str("config_context_cluster", m.ConfigContextCluster)
	g.ConfigContextAuthInfo = str("config_context_auth_info", m.ConfigContextAuthInfo)
	g.Host = str("host", m.Host)
	g.Token = str("token", m.Token)
	g.Username = str("username", m.Username)
	g.Password = str("password", m.Password)
	g.ClientCertificate = str("client_certificate", m.ClientCertificate)
	g.ClientKey = str("client_key", m.ClientKey)
	g.ClusterCACertificate = str("cluster_ca_certificate", m.ClusterCACertificate)
	g.Insecure = boolean("insecure", m.Insecure)
	g.TLSServerName = str("tls_server_name", m.TLSServerName)
	g.ProxyURL = str("proxy_url", m.ProxyURL)
	g.InCluster = boolean("in_cluster", m.InCluster)
	g.Exec = m.exec(ctx, &g, &diags)

	switch {
	case m.ConfigPath.IsUnknown() || m.ConfigPaths.IsUnknown():
		g.Pending = append(g.Pending, "config_path")
	default:
		g.ConfigPath = m.ConfigPath.ValueStringPointer()
		if !m.ConfigPaths.IsNull() {
			var paths []types.String
			diags.Append(m.ConfigPaths.ElementsAs(ctx, &paths, false)...)
			g.ConfigPaths = make([]string, 0, len(paths))
			for _, p := range paths {
				if p.IsUnknown() {
					g.Pending = append(g.Pending, "config_paths")
					continue
				}
				g.ConfigPaths = append(g.ConfigPaths, p.ValueString())
			}
		}
	}

	// The provider's own settings are read in Configure; only whether they
	// are known matters here.
	pending("namespace", m.Namespace)
	pending("fabric_api_group", m.FabricAPIGroup)
	pending("fabric_api_version", m.FabricAPIVersion)
	pending("field_manager", m.FieldManager)
	if !pending("max_retries", m.MaxRetries) {
		g.MaxRetries = m.MaxRetries.ValueInt64Pointer()
	}
	if !pending("qps", m.QPS) {
		g.QPS = m.QPS.ValueFloat64Pointer()
	}
	if !pending("burst", m.Burst) {
		g.Burst = m.Burst.ValueInt64Pointer()
	}
	g.RequestTimeout = str("request_timeout", m.RequestTimeout)
	return g, diags
}

// exec is the exec attribute; nil when it is null or not known yet.
func (m providerModel) exec(ctx context.Context, g *kube.Given, diags *diag.Diagnostics) *kube.ExecSettings {
	if m.Exec.IsUnknown() {
		g.Pending = append(g.Pending, "exec")
		return nil
	}
	if m.Exec.IsNull() {
		return nil
	}
	var e execModel
	diags.Append(m.Exec.As(ctx, &e, basetypes.ObjectAsOptions{})...)
	if e.Args.IsUnknown() || e.Env.IsUnknown() || e.Command.IsUnknown() || e.APIVersion.IsUnknown() ||
		!known(e.Args.Elements()...) || !known(slices.Collect(maps.Values(e.Env.Elements()))...) {
		g.Pending = append(g.Pending, "exec")
		return nil
	}
	out := &kube.ExecSettings{Command: e.Command.ValueString(), APIVersion: e.APIVersion.ValueString()}
	diags.Append(e.Args.ElementsAs(ctx, &out.Args, false)...)
	diags.Append(e.Env.ElementsAs(ctx, &out.Env, false)...)
	return out
}

func known(elems ...attr.Value) bool {
	for _, e := range elems {
		if e.IsUnknown() {
			return false
		}
	}
	return true
}
