package kinds

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Resource is the Terraform resource of a kind.
type Resource struct {
	kind *Kind
	cfg  *Config
}

var (
	_ resource.ResourceWithConfigure      = (*Resource)(nil)
	_ resource.ResourceWithImportState    = (*Resource)(nil)
	_ resource.ResourceWithModifyPlan     = (*Resource)(nil)
	_ resource.ResourceWithValidateConfig = (*Resource)(nil)
)

// NewResource returns the resource constructor of a kind.
func NewResource(k *Kind) func() resource.Resource {
	return func() resource.Resource { return &Resource{kind: k} }
}

func (r *Resource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.TypeName
}

func (r *Resource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.kind.ResourceSchema()
}

// ResourceSchema is the kind's resource schema, built once: the framework
// asks for it on many calls.
func (k *Kind) ResourceSchema() rschema.Schema {
	k.schemaOnce.Do(func() {
		k.schema = k.resourceSchema()
		k.freeForm = hasFreeForm(k.Spec)
	})
	return k.schema
}

func (r *Resource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.cfg = ProviderConfig(req.ProviderData, &resp.Diagnostics)
}

// ProviderConfig is the provider's Config from ProviderData: nil before the
// provider is configured, and an error diagnostic for anything else.
func ProviderConfig(data any, diags *diag.Diagnostics) *Config {
	if data == nil {
		return nil
	}
	cfg, ok := data.(*Config)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *kinds.Config, got %T; please report this issue to the provider developers.", data))
	}
	return cfg
}

func attributes(raw tftypes.Value, diags *diag.Diagnostics) map[string]tftypes.Value {
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		diags.AddError("Unexpected Terraform Value",
			"Could not read the resource's attributes; please report this issue to the provider developers: "+err.Error())
	}
	return attrs
}

// Begin prepares an operation's context, or reports as a diagnostic why the
// provider cannot reach the cluster.
func Begin(ctx context.Context, c *Config, diags *diag.Diagnostics) (context.Context, bool) {
	return c.LogContext(ctx), usable(c, diags)
}

func usable(c *Config, diags *diag.Diagnostics) bool {
	switch {
	case c == nil:
		diags.AddError("Provider Not Configured",
			"The hedgehog provider was not configured before use; please report this issue to the provider developers.")
	case c.Unknown:
		diags.AddError("Provider Configuration Not Known",
			"The hedgehog provider's configuration still depends on values that are not known, so it cannot reach the cluster. "+
				"Create what the provider configuration depends on first (for example with -target), then apply again.")
	case c.Err != nil:
		diags.AddError("Provider Cannot Connect", c.Err.Error())
	default:
		return true
	}
	return false
}

func (r *Resource) explain(diags *diag.Diagnostics, err error, verb, namespace, name string) {
	summary, detail := r.cfg.Client.Explain(err, r.kind.objects(r.cfg).Target(verb, namespace, name))
	diags.AddError(summary, detail)
}

// shapeError reports an object whose fields do not have the declared types.
func (r *Resource) shapeError(diags *diag.Diagnostics, u *unstructured.Unstructured, err error) {
	diags.AddError("Unexpected "+r.kind.Kind+" Content", fmt.Sprintf(
		"%s %s/%s in the cluster does not match the schema this provider version knows: %v. The cluster may serve another "+
			"version of the %s API (%s); use a provider version made for it.", r.kind.Kind, u.GetNamespace(), u.GetName(), err,
		r.kind.Kind, r.kind.APIVersion(r.cfg)))
}

// operation reads what every write needs: the planned and configured
// attributes and the operation's deadline.
func (r *Resource) operation(ctx context.Context, plan, config tftypes.Value, op string, diags *diag.Diagnostics) (
	attrs map[string]tftypes.Value, spec map[string]any, deadline time.Duration) {
	attrs = attributes(plan, diags)
	if diags.HasError() {
		return nil, nil, 0
	}
	deadline = r.timeout(ctx, attrs, op, diags)
	if !config.IsNull() {
		conf := attributes(config, diags)
		if diags.HasError() {
			return nil, nil, 0
		}
		// What the configuration sets, not the plan: the plan also holds
		// values the server filled in, which stay the server's to set.
		var err error
		if spec, err = r.kind.specJSON(conf, false); err != nil {
			diags.AddError("Cannot Build the Object", err.Error())
		}
	}
	return attrs, spec, deadline
}

func (r *Resource) timeout(ctx context.Context, attrs map[string]tftypes.Value, op string, diags *diag.Diagnostics) time.Duration {
	d, _ := time.ParseDuration(DefaultTimeout)
	raw, ok := attrs["timeouts"]
	if !ok || raw.IsNull() || !raw.IsKnown() {
		return d
	}
	v, err := timeoutsAttribute().GetType().ValueFromTerraform(ctx, raw)
	if err != nil {
		return d
	}
	t, _ := v.(timeouts.Value)
	var got time.Duration
	var ds diag.Diagnostics
	switch op {
	case "create":
		got, ds = t.Create(ctx, d)
	case "update":
		got, ds = t.Update(ctx, d)
	default:
		got, ds = t.Delete(ctx, d)
	}
	diags.Append(ds...)
	return got
}
