package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/health"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

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
		MarkdownDescription: "Checks the Hedgehog fabric's cluster the provider talks to: the API server, the nodes, the " +
			"switches (each switch's agent has applied its current generation and sends heartbeats, as Hedgehog's own " +
			"readiness check reads them), and for each kind the provider serves its CRD, its objects and the rights to manage " +
			"them. By default a kind counts where the cluster has it: on a Hedgehog fabric (the Hedgehog API, and no design-time " +
			"Fabric CRD) the cluster is healthy when its API, rights and switches are; the Fabric CRD (" + served + ") counts " +
			"where `hedgehog_crds` installed it. `require_hedgehog` and `require_fabric_crd` make them required, or only " +
			"reported. A cluster that is unreachable or unhealthy is reported in the attributes — `overall_status` and " +
			"`problems` — not raised as an error, so that this data source fits in `check` blocks and preconditions. Only " +
			"invalid arguments are errors. Every check is bounded by `check_timeout`.",
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
			"require_hedgehog": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Whether the Hedgehog fabric's problems are the cluster's: rights missing on its kinds, " +
					"switches without an agent, agents that have not applied their generation or are silent, and its CRDs not " +
					"served. Unset (the default), they count where the cluster serves them: each Hedgehog kind whose CRD is " +
					"installed, and the switches wherever the Switch and Agent CRDs are, so a cluster without Hedgehog is not " +
					"unhealthy for it. `true`: Hedgehog is required, a missing CRD too. `false`: the fabric is only reported, " +
					"under `hedgehog`."},
			"require_fabric_crd": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Whether the problems of the CRDs that `hedgehog_crds` installs (the design's Fabric kind, " +
					"which Hedgehog itself neither serves nor reconciles) are the cluster's. Unset (the default), they count where " +
					"the CRD is installed. `true`: the CRD is required, its absence too. `false`: it is only reported, under `crds` " +
					"and `kinds`."},
			"heartbeat_timeout": schema.StringAttribute{Optional: true, Validators: []validator.String{kinds.Duration()},
				MarkdownDescription: "An agent whose last heartbeat is older than this is silent. Default `1m`, Hedgehog's own."},
			"hedgehog": schema.SingleNestedAttribute{Computed: true,
				MarkdownDescription: "The Hedgehog fabric: whether its APIs are served, its switches, and what their agents report.",
				Attributes: map[string]schema.Attribute{
					"required": b("Whether the switches' problems are the cluster's: `require_hedgehog`, or, when it is unset, " +
						"whether the cluster serves the Switch and Agent kinds."),
					"healthy":           b("Every Hedgehog API is served with the rights it needs, and every switch's agent has applied its current generation and sent a heartbeat within `heartbeat_timeout`."),
					"wiring_api_served": b("Every kind of `wiring.githedgehog.com/v1beta1` the provider serves has its CRD serving that version."),
					"vpc_api_served":    b("Likewise for `vpc.githedgehog.com/v1beta1`."),
					"agent_api_served":  b("Likewise for `agent.githedgehog.com/v1beta1` (the switches' agents)."),
					"switches":          schema.Int64Attribute{Computed: true, MarkdownDescription: "Switch objects."},
					"agents":            schema.Int64Attribute{Computed: true, MarkdownDescription: "Agent objects (one per switch)."},
					"agents_applied": schema.Int64Attribute{Computed: true, MarkdownDescription: "Agents whose generation is above 0 and " +
						"whose `status.lastAppliedGen` is their generation (Hedgehog's own test of a switch that has applied its " +
						"configuration)."},
					"agents_heartbeating": schema.Int64Attribute{Computed: true,
						MarkdownDescription: "Agents whose last heartbeat is within `heartbeat_timeout`."},
					"pending_switches": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "Switches, sorted, without an agent, not applied, or silent; `problems` says which."},
					"problems": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "One sentence per problem of the fabric, whether or not `require_hedgehog` is set."},
					"kinds": schema.MapNestedAttribute{Computed: true,
						MarkdownDescription: "Each Hedgehog kind the provider serves, by its type name (`switch` for `hedgehog_switch`); " +
							"rights are checked in the namespace `default`, the only one Hedgehog uses, and read-only kinds need only " +
							"`get`, `list` and `watch`.",
						NestedObject: schema.NestedAttributeObject{Attributes: kindAttributes(b)}},
				}},
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
						"provider uses (`fabric_api_version`), whether or not it counts (see `require_fabric_crd`)."),
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
				NestedObject:        schema.NestedAttributeObject{Attributes: kindAttributes(b)}},
		},
	}
}

// kindAttributes describe one kind's CRD, objects and rights.
func kindAttributes(b func(string) schema.BoolAttribute) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"healthy":       b("Its CRD is installed and serves the version the provider uses, and every verb it needs is allowed."),
		"crd":           schema.StringAttribute{Computed: true, MarkdownDescription: "The CRD's name, such as `fabrics.wiring.githedgehog.com`."},
		"crd_installed": b("The CRD exists (or, without the right to read CRDs, the kind's objects can be listed)."),
		"served_versions": schema.ListAttribute{Computed: true, ElementType: types.StringType,
			MarkdownDescription: "The versions the CRD serves."},
		"count": schema.Int64Attribute{Computed: true,
			MarkdownDescription: "Objects in all namespaces (in the provider's namespace when listing all is not allowed)."},
		"denied_verbs": schema.ListAttribute{Computed: true, ElementType: types.StringType,
			MarkdownDescription: "Which of `" + strings.Join(health.Verbs, "`, `") + "` the kind needs and are not allowed " +
				"in the provider's namespace (its own namespace for kinds that have one); empty when all are."},
	}
}
