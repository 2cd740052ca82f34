// Package provider is the hedgehog Terraform provider: its configuration and
// the list of its resources and data sources.
package provider

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"k8s.io/klog/v2"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/hedgehog-terraform/hedgehog"

var silenceKlog sync.Once

// New returns the provider constructor for a version.
func New(version string) func() provider.Provider { return NewWithOptions(version, Options{}) }

// Options tune a provider binary.
type Options struct {
	// LogsOff: no TF_LOG* variable asked for logs, so the provider prepares
	// no logger per call (which saves allocations on every call of a large
	// plan).
	LogsOff bool
	// Kinds are served in addition to the provider's own (tests declare
	// kinds of their own this way).
	Kinds []*kinds.Kind
}

// NewWithOptions returns the provider constructor for a version.
func NewWithOptions(version string, opts Options) func() provider.Provider {
	silenceKlog.Do(func() {
		// client-go logs through klog to stderr, which Terraform would show
		// as noise; the provider logs what matters through tflog.
		klog.SetLogger(logr.Discard())
	})
	return func() provider.Provider { return newProvider(version, opts) }
}

func newProvider(version string, opts Options) *hedgehogProvider {
	own := slices.Concat([]*kinds.Kind{fabricKind}, opts.Kinds)
	return &hedgehogProvider{version: version, served: slices.Concat(own, hedgehog.Kinds()), checked: own, now: time.Now,
		logsOff: opts.LogsOff}
}

type hedgehogProvider struct {
	version string
	// served are the custom-resource kinds the provider serves: each gets a
	// resource (unless read-only), a data source and a list data source,
	// and hedgehog_cluster_health checks each.
	served []*kinds.Kind
	// checked are the kinds hedgehog_cluster_health requires (the Hedgehog
	// API's kinds are installed by Hedgehog, not by this provider: the data
	// source reports them, and requires them only when asked).
	checked []*kinds.Kind
	// now is the clock every resource gets (through kinds.Config).
	now     func() time.Time
	logsOff bool

	mu     sync.Mutex
	cached *cachedClient
}

var (
	_ provider.Provider                       = (*hedgehogProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*hedgehogProvider)(nil)
)

func (p *hedgehogProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "hedgehog"
	resp.Version = p.version
}

func (p *hedgehogProvider) Resources(context.Context) []func() resource.Resource {
	out := []func() resource.Resource{NewCRDsResource, NewRBACSetupResource}
	for _, k := range p.served {
		if !k.ReadOnly {
			out = append(out, kinds.NewResource(k))
		}
	}
	return out
}

func (p *hedgehogProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewAccessTokenEphemeralResource}
}

func (p *hedgehogProvider) DataSources(context.Context) []func() datasource.DataSource {
	hh := hedgehogKinds{all: hedgehog.Kinds(), switches: wiring.Switch, agents: agent.Agent}
	out := []func() datasource.DataSource{newClusterHealthDataSource(p.checked, hh, fabricKind)}
	for _, k := range p.served {
		out = append(out, kinds.NewDataSource(k))
		if k.ListTypeName != "" {
			out = append(out, kinds.NewListDataSource(k))
		}
	}
	return out
}
