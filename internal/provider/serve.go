package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Serve serves the provider to Terraform over the plugin protocol.
//
// The framework keeps the cancel function of every call's context until the
// provider stops (so that StopProvider can cancel them), and with it the
// call's context: its loggers and the gRPC stream under it, about 15 kB a
// call. A plan of 1300 resources makes some 5000 calls, which left 70 of the
// provider's 80 MB of live heap behind and made every garbage collection
// mark them again. When no TF_LOG* variable asked for logs, the calls that
// Terraform makes per resource get a context of their own instead, which
// carries no loggers (nothing would be logged) and ends with the call or
// when Terraform's context is cancelled, whichever comes first: what the
// framework keeps is then a few hundred bytes a call.
func Serve(version string, opts Options, debug bool) error {
	var serveOpts []tf6server.ServeOpt
	if debug {
		serveOpts = append(serveOpts, tf6server.WithManagedDebug())
	}
	server := providerserver.NewProtocol6(NewWithOptions(version, opts)())
	return tf6server.Serve(Address, func() tfprotov6.ProviderServer {
		if !opts.LogsOff {
			return server()
		}
		return perCall{server()}
	}, serveOpts...)
}

// perCall gives the per-resource calls contexts of their own.
type perCall struct{ tfprotov6.ProviderServer }

// call runs f with a context that ends when ctx does or when f returns.
func call[Req, Resp any](ctx context.Context, f func(context.Context, Req) (Resp, error), req Req) (Resp, error) {
	own, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, cancel)
	defer func() {
		stop()
		cancel()
	}()
	return f(own, req)
}

func (s perCall) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, s.ProviderServer.ValidateResourceConfig, req)
}

func (s perCall) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, s.ProviderServer.UpgradeResourceState, req)
}

func (s perCall) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return call(ctx, s.ProviderServer.UpgradeResourceIdentity, req)
}

func (s perCall) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, s.ProviderServer.ReadResource, req)
}

func (s perCall) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, s.ProviderServer.PlanResourceChange, req)
}

func (s perCall) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, s.ProviderServer.ApplyResourceChange, req)
}

func (s perCall) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, s.ProviderServer.ImportResourceState, req)
}

func (s perCall) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return call(ctx, s.ProviderServer.MoveResourceState, req)
}

func (s perCall) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, s.ProviderServer.ValidateDataResourceConfig, req)
}

func (s perCall) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, s.ProviderServer.ReadDataSource, req)
}
