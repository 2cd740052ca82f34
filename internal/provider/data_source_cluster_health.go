package provider

import (
	"context"
	"regexp"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/health"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

var saRef = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)

// healthDataSource checks the provider's own kinds (the CRDs hedgehog_crds
// installs: the design's Fabric) and the Hedgehog API's kinds with the
// switches' agents. By default each kind counts where the cluster has it:
// a real fabric (the Hedgehog API, no Fabric CRD) is healthy when its
// switches are, and a cluster without Hedgehog is not unhealthy for that;
// require_fabric_crd and require_hedgehog make them required, or only
// reported. The crds.fabric_* attributes, older than these lists, describe
// the Fabric kind alone.
type healthDataSource struct {
	cfg      *kinds.Config
	served   []*kinds.Kind
	hedgehog hedgehogKinds
	fabric   *kinds.Kind
}

// hedgehogKinds are the Hedgehog API's kinds, and which of them hold the
// switches and their agents.
type hedgehogKinds struct {
	all              []*kinds.Kind
	switches, agents *kinds.Kind
}

// newClusterHealthDataSource is the hedgehog_cluster_health data source.
func newClusterHealthDataSource(served []*kinds.Kind, hh hedgehogKinds, fabric *kinds.Kind) func() datasource.DataSource {
	return func() datasource.DataSource { return &healthDataSource{served: served, hedgehog: hh, fabric: fabric} }
}

type healthModel struct {
	MinReadyNodes    types.Int64           `tfsdk:"min_ready_nodes"`
	ServiceAccount   types.String          `tfsdk:"service_account"`
	CheckTimeout     types.String          `tfsdk:"check_timeout"`
	RequireHedgehog  types.Bool            `tfsdk:"require_hedgehog"`
	RequireFabricCRD types.Bool            `tfsdk:"require_fabric_crd"`
	HeartbeatTimeout types.String          `tfsdk:"heartbeat_timeout"`
	Hedgehog         *hedgehogHealth       `tfsdk:"hedgehog"`
	OverallStatus    types.String          `tfsdk:"overall_status"`
	Problems         []string              `tfsdk:"problems"`
	APIServer        *apiHealth            `tfsdk:"api_server"`
	Nodes            *nodeHealth           `tfsdk:"nodes"`
	CRDs             *crdHealth            `tfsdk:"crds"`
	Permissions      *permHealth           `tfsdk:"permissions"`
	Kinds            map[string]kindHealth `tfsdk:"kinds"`
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

// hedgehogHealth is the Hedgehog fabric: its APIs, its switches and their
// agents.
type hedgehogHealth struct {
	Required           bool                  `tfsdk:"required"`
	Healthy            bool                  `tfsdk:"healthy"`
	WiringAPIServed    bool                  `tfsdk:"wiring_api_served"`
	VPCAPIServed       bool                  `tfsdk:"vpc_api_served"`
	AgentAPIServed     bool                  `tfsdk:"agent_api_served"`
	Switches           int64                 `tfsdk:"switches"`
	Agents             int64                 `tfsdk:"agents"`
	AgentsApplied      int64                 `tfsdk:"agents_applied"`
	AgentsHeartbeating int64                 `tfsdk:"agents_heartbeating"`
	PendingSwitches    []string              `tfsdk:"pending_switches"`
	Problems           []string              `tfsdk:"problems"`
	Kinds              map[string]kindHealth `tfsdk:"kinds"`
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
	m.Hedgehog = &hedgehogHealth{PendingSwitches: []string{}, Problems: []string{}, Kinds: map[string]kindHealth{}}
	heartbeat := time.Minute
	if !m.HeartbeatTimeout.IsNull() {
		heartbeat, _ = time.ParseDuration(m.HeartbeatTimeout.ValueString())
	}

	if d.cfg == nil || d.cfg.Unknown || d.cfg.Client == nil {
		m.Problems = append(m.Problems, "the provider's configuration is not known yet, so the cluster was not checked")
	} else {
		opts.Namespace = d.cfg.Namespace
		// The CRDs hedgehog_crds installs, for the hint on a missing one.
		var shipped []string
		if b, err := crds.For(d.cfg.Group, d.cfg.Version); err == nil {
			shipped = b.Names()
		}
		checked := make([]health.Kind, 0, len(d.served)+len(d.hedgehog.all))
		for _, k := range d.served {
			hk := health.Kind{Kind: k.Kind, GVR: k.GVR(d.cfg), Namespace: k.Namespace, ReadOnly: k.ReadOnly,
				Counts: counting(m.RequireFabricCRD)}
			if slices.Contains(shipped, hk.CRD()) {
				hk.Installer = "the hedgehog_crds resource"
			}
			checked = append(checked, hk)
		}
		for _, k := range d.hedgehog.all {
			checked = append(checked, health.Kind{Kind: k.Kind, GVR: k.GVR(d.cfg), Namespace: k.Namespace, ReadOnly: k.ReadOnly,
				Installer: "Hedgehog's installer", Counts: counting(m.RequireHedgehog)})
		}
		ctx := d.cfg.LogContext(ctx)
		r := health.Check(ctx, d.cfg.Client, checked, opts)
		d.fill(&m, r)
		d.fillHedgehog(ctx, &m, r.Kinds[len(d.served):], heartbeat, opts.Timeout, m.RequireHedgehog)
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
	for i, k := range r.Kinds[:len(d.served)] {
		for i, ok := range k.Allowed {
			allowed[i] = allowed[i] && ok
		}
		m.Kinds[d.served[i].TypeName] = reportOf(k)
		m.CRDs.Healthy = m.CRDs.Healthy && k.CRDHealthy
		m.Permissions.Healthy = m.Permissions.Healthy && k.Permitted()
		if d.served[i] == d.fabric {
			m.CRDs.FabricCRDInstalled, m.CRDs.ServedVersions, m.CRDs.FabricCount = k.Installed, k.ServedVersions, k.Count
		}
	}
	p := m.Permissions
	p.Get, p.List, p.Watch, p.Create, p.Update, p.Patch, p.Delete = allowed[0], allowed[1], allowed[2], allowed[3], allowed[4], allowed[5], allowed[6]
}

// counting reads a require_* argument: unset, the kind counts where the
// cluster has it.
func counting(required types.Bool) health.Counting {
	switch {
	case required.IsNull() || required.IsUnknown():
		return health.CountsWhereInstalled
	case required.ValueBool():
		return health.CountsAlways
	}
	return health.CountsNever
}

func reportOf(k health.KindReport) kindHealth {
	return kindHealth{Healthy: k.CRDHealthy && k.Permitted(), CRD: k.CRD(), CRDInstalled: k.Installed,
		ServedVersions: k.ServedVersions, Count: k.Count, DeniedVerbs: k.Denied()}
}

// fillHedgehog reports the Hedgehog kinds and, when the switches and their
// agents are served, what the agents say. The switches' problems are the
// cluster's where they are served, unless require_hedgehog says otherwise.
func (d *healthDataSource) fillHedgehog(ctx context.Context, m *healthModel, reports []health.KindReport, heartbeat,
	timeout time.Duration, required types.Bool) {
	h := m.Hedgehog
	served := map[string]bool{}
	for i, k := range reports {
		kd := d.hedgehog.all[i]
		h.Kinds[kd.TypeName] = reportOf(k)
		h.Problems = append(h.Problems, k.Problems...)
		group := kd.Group
		if _, seen := served[group]; !seen {
			served[group] = true
		}
		served[group] = served[group] && k.CRDHealthy
	}
	h.WiringAPIServed, h.VPCAPIServed, h.AgentAPIServed = served["wiring.githedgehog.com"], served["vpc.githedgehog.com"],
		served["agent.githedgehog.com"]
	sw, ag := d.hedgehog.switches, d.hedgehog.agents
	servesSwitches := h.Kinds[sw.TypeName].CRDInstalled && h.Kinds[ag.TypeName].CRDInstalled
	switch counting(required) {
	case health.CountsAlways:
		h.Required = true
	case health.CountsWhereInstalled:
		h.Required = servesSwitches
	}
	if servesSwitches {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		f, err := health.CheckFabric(ctx, d.cfg.Client, health.FabricOptions{Switches: sw.GVR(d.cfg), Agents: ag.GVR(d.cfg),
			Namespace: sw.Namespace, HeartbeatTimeout: heartbeat, Now: d.cfg.Now()})
		if err != nil {
			h.Problems = append(h.Problems, err.Error())
		}
		h.Switches, h.Agents, h.AgentsApplied, h.AgentsHeartbeating = f.Switches, f.Agents, f.Applied, f.Heartbeating
		h.PendingSwitches = append(h.PendingSwitches, f.Pending...)
		h.Problems = append(h.Problems, f.Problems...)
		if h.Required {
			m.Problems = append(m.Problems, f.Problems...)
			if err != nil {
				m.Problems = append(m.Problems, err.Error())
			}
		}
	}
	h.Healthy = len(h.Problems) == 0
}
