package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/health"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

var saRef = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)

// healthDataSource checks every kind the provider serves; the crds.fabric_*
// attributes, older than that list, describe the Fabric kind alone.
type healthDataSource struct {
	cfg    *kinds.Config
	served []*kinds.Kind
	fabric *kinds.Kind
}

// newClusterHealthDataSource is the hedgehog_cluster_health data source.
func newClusterHealthDataSource(served []*kinds.Kind, fabric *kinds.Kind) func() datasource.DataSource {
	return func() datasource.DataSource { return &healthDataSource{served: served, fabric: fabric} }
}

type healthModel struct {
	MinReadyNodes  types.Int64           `tfsdk:"min_ready_nodes"`
	ServiceAccount types.String          `tfsdk:"service_account"`
	CheckTimeout   types.String          `tfsdk:"check_timeout"`
	OverallStatus  types.String          `tfsdk:"overall_status"`
	Problems       []string              `tfsdk:"problems"`
	APIServer      *apiHealth            `tfsdk:"api_server"`
	Nodes          *nodeHealth           `tfsdk:"nodes"`
	CRDs           *crdHealth            `tfsdk:"crds"`
	Permissions    *permHealth           `tfsdk:"permissions"`
	Kinds          map[string]kindHealth `tfsdk:"kinds"`
}

type apiHealth struct {
	Healthy    bool   `tfsdk:"healthy"`
	GitVersion string `tfsdk:"git_version"`
	Major      string `tfsdk:"major"`
	Minor      string `tfsdk:"minor"`
	Platform   string `tfsdk:"platform"`
	LatencyMS  int64  `tfsdk:"latency_ms"`
}

type nodeHealth struct {
	Healthy bool  `tfsdk:"healthy"`
	Total   int64 `tfsdk:"total"`
	Ready   int64 `tfsdk:"ready"`
}

type crdHealth struct {
	Healthy            bool     `tfsdk:"healthy"`
	FabricCRDInstalled bool     `tfsdk:"fabric_crd_installed"`
	ServedVersions     []string `tfsdk:"served_versions"`
	FabricCount        int64    `tfsdk:"fabric_count"`
}

// permHealth holds one attribute per verb of health.Verbs.
type permHealth struct {
	Healthy bool   `tfsdk:"healthy"`
	Subject string `tfsdk:"subject"`
	Get     bool   `tfsdk:"get"`
	List    bool   `tfsdk:"list"`
	Watch   bool   `tfsdk:"watch"`
	Create  bool   `tfsdk:"create"`
	Update  bool   `tfsdk:"update"`
	Patch   bool   `tfsdk:"patch"`
	Delete  bool   `tfsdk:"delete"`
}

type kindHealth struct {
	Healthy        bool     `tfsdk:"healthy"`
	CRD            string   `tfsdk:"crd"`
	CRDInstalled   bool     `tfsdk:"crd_installed"`
	ServedVersions []string `tfsdk:"served_versions"`
	Count          int64    `tfsdk:"count"`
	DeniedVerbs    []string `tfsdk:"denied_verbs"`
}

func (d *healthDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_health"
}

func (d *healthDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.cfg = kinds.ProviderConfig(req.ProviderData, &resp.Diagnostics)
}

func (d *healthDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m healthModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := health.Options{ServiceAccount: m.ServiceAccount.ValueString(), MinReadyNodes: 1, Timeout: 10 * time.Second}
	if !m.CheckTimeout.IsNull() {
		opts.Timeout, _ = time.ParseDuration(m.CheckTimeout.ValueString())
	}
	if !m.MinReadyNodes.IsNull() {
		opts.MinReadyNodes = m.MinReadyNodes.ValueInt64()
	}
	m.APIServer, m.Nodes, m.CRDs, m.Permissions = &apiHealth{}, &nodeHealth{}, &crdHealth{ServedVersions: []string{}}, &permHealth{}
	m.Problems, m.Kinds = []string{}, map[string]kindHealth{}

	if d.cfg == nil || d.cfg.Unknown || d.cfg.Client == nil {
		m.Problems = append(m.Problems, "the provider's configuration is not known yet, so the cluster was not checked")
	} else {
		opts.Namespace = d.cfg.Namespace
		// The CRDs hedgehog_crds installs, for the hint on a missing one.
		var shipped []string
		if b, err := crds.For(d.cfg.Group, d.cfg.Version); err == nil {
			shipped = b.Names()
		}
		checked := make([]health.Kind, len(d.served))
		for i, k := range d.served {
			checked[i] = health.Kind{Kind: k.Kind, GVR: k.GVR(d.cfg)}
			if slices.Contains(shipped, checked[i].CRD()) {
				checked[i].Installer = "the hedgehog_crds resource"
			}
		}
		d.fill(&m, health.Check(d.cfg.LogContext(ctx), d.cfg.Client, checked, opts))
	}
	m.OverallStatus = types.StringValue("healthy")
	if len(m.Problems) > 0 {
		m.OverallStatus = types.StringValue("unhealthy")
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fill maps the report onto the attributes: crds and permissions are healthy
// when they are for every kind.
func (d *healthDataSource) fill(m *healthModel, r *health.Report) {
	m.Problems = append(m.Problems, r.Problems...)
	a := r.APIServer
	*m.APIServer = apiHealth{Healthy: a.Healthy, GitVersion: a.GitVersion, Major: a.Major, Minor: a.Minor, Platform: a.Platform,
		LatencyMS: a.Latency.Milliseconds()}
	*m.Nodes = nodeHealth{Healthy: r.Nodes.Healthy, Total: r.Nodes.Total, Ready: r.Nodes.Ready}
	m.Permissions.Subject = r.Subject
	m.CRDs.Healthy, m.Permissions.Healthy = true, true
	allowed := make([]bool, len(health.Verbs))
	for i := range allowed {
		allowed[i] = true
	}
	for i, k := range r.Kinds {
		denied := []string{}
		for i, ok := range k.Allowed {
			allowed[i] = allowed[i] && ok
			if !ok {
				denied = append(denied, health.Verbs[i])
			}
		}
		m.Kinds[d.served[i].TypeName] = kindHealth{Healthy: k.CRDHealthy && k.Permitted(), CRD: k.CRD(), CRDInstalled: k.Installed,
			ServedVersions: k.ServedVersions, Count: k.Count, DeniedVerbs: denied}
		m.CRDs.Healthy = m.CRDs.Healthy && k.CRDHealthy
		m.Permissions.Healthy = m.Permissions.Healthy && k.Permitted()
		if d.served[i] == d.fabric {
			m.CRDs.FabricCRDInstalled, m.CRDs.ServedVersions, m.CRDs.FabricCount = k.Installed, k.ServedVersions, k.Count
		}
	}
	p := m.Permissions
	p.Get, p.List, p.Watch, p.Create, p.Update, p.Patch, p.Delete = allowed[0], allowed[1], allowed[2], allowed[3], allowed[4], allowed[5], allowed[6]
}

func (d *healthDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	b := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	}
	plurals := make([]string, len(d.served))
	for i, k := range d.served {
		plurals[i] = k.Plural
	}
	served := strings.Join(plurals, ", ")
	verbs := map[string]schema.Attribute{
		"healthy": b("Every verb below is allowed."),
		"subject": schema.StringAttribute{Computed: true,
			MarkdownDescription: "Whose rights were checked: the provider's own identity, or `system:serviceaccount:<namespace>:<name>`."},
	}
	for _, v := range health.Verbs {
		verbs[v] = b(fmt.Sprintf("Whether `%s` is allowed on %s in the provider's namespace.", v, served))
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Checks the cluster the provider talks to: the API server, the nodes, and for each kind the provider " +
			"serves (" + served + ") its CRD, its objects and the rights to manage them. A cluster that is unreachable or unhealthy " +
			"is reported in the attributes — `overall_status` and `problems` — not raised as an error, so that this data source " +
			"fits in `check` blocks and preconditions. Only invalid arguments are errors. Every check is bounded by `check_timeout`.",
		Attributes: map[string]schema.Attribute{
			"min_ready_nodes": schema.Int64Attribute{Optional: true, Validators: []validator.Int64{int64validator.AtLeast(0)},
				MarkdownDescription: "How many Ready nodes make the nodes check healthy. Default `1`. A control plane without kubelets " +
					"(like this project's local one) has no nodes: set `0` there."},
			"service_account": schema.StringAttribute{Optional: true,
				Validators: []validator.String{stringvalidator.RegexMatches(saRef, "must be <namespace>/<name>")},
				MarkdownDescription: "Check the rights of this service account (`<namespace>/<name>`, through a SubjectAccessReview) " +
					"instead of the provider's own identity (SelfSubjectAccessReview)."},
			"check_timeout": schema.StringAttribute{Optional: true, Validators: []validator.String{kinds.Duration()},
				MarkdownDescription: "How long each check may take, as a duration. Default `10s`."},
			"overall_status": schema.StringAttribute{Computed: true,
				MarkdownDescription: "`healthy` when every check is healthy, `unhealthy` otherwise."},
			"problems": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "One readable sentence per problem found; empty when healthy."},
			"api_server": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "The API server's version and latency.",
				Attributes: map[string]schema.Attribute{
					"healthy":     b("The API server answered."),
					"git_version": schema.StringAttribute{Computed: true, MarkdownDescription: "Such as `v1.37.2`."},
					"major":       schema.StringAttribute{Computed: true, MarkdownDescription: "Major version."},
					"minor":       schema.StringAttribute{Computed: true, MarkdownDescription: "Minor version."},
					"platform":    schema.StringAttribute{Computed: true, MarkdownDescription: "Such as `linux/amd64`."},
					"latency_ms":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Time of the version request, in milliseconds."},
				}},
			"nodes": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Node readiness.",
				Attributes: map[string]schema.Attribute{
					"healthy": b("At least `min_ready_nodes` nodes are Ready."),
					"total":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Nodes registered."},
					"ready":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Nodes whose Ready condition is True."},
				}},
			"crds": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "The CRDs; `kinds` has each one's details.",
				Attributes: map[string]schema.Attribute{
					"healthy": b("The CRD of every kind the provider serves (" + served + ") is installed and serves the version the " +
						"provider uses (`fabric_api_version`)."),
					"fabric_crd_installed": b("The CRD `fabrics.<fabric_api_group>` exists."),
					"served_versions": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "The versions the Fabric CRD serves."},
					"fabric_count": schema.Int64Attribute{Computed: true,
						MarkdownDescription: "Fabrics in all namespaces (in the provider's namespace when listing all is not allowed)."},
				}},
			"permissions": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Rights on " + served + ".",
				Attributes: verbs},
			"kinds": schema.MapNestedAttribute{Computed: true,
				MarkdownDescription: "Each kind the provider serves, by its type name (`fabric` for `hedgehog_fabric`).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"healthy":       b("Its CRD is installed and serves the version the provider uses, and every verb is allowed."),
					"crd":           schema.StringAttribute{Computed: true, MarkdownDescription: "The CRD's name, such as `fabrics.wiring.githedgehog.com`."},
					"crd_installed": b("The CRD exists (or, without the right to read CRDs, the kind's objects can be listed)."),
					"served_versions": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "The versions the CRD serves."},
					"count": schema.Int64Attribute{Computed: true,
						MarkdownDescription: "Objects in all namespaces (in the provider's namespace when listing all is not allowed)."},
					"denied_verbs": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "Which of `" + strings.Join(health.Verbs, "`, `") + "` are not allowed in the provider's " +
							"namespace; empty when all are."},
				}}},
		},
	}
}
