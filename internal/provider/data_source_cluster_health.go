package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

var saRef = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)

// fabricVerbs are the verbs the permissions check asks about.
var fabricVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete"}

type healthDataSource struct{ cfg *kinds.Config }

// NewClusterHealthDataSource is the hedgehog_cluster_health data source.
func NewClusterHealthDataSource() datasource.DataSource { return &healthDataSource{} }

type healthModel struct {
	MinReadyNodes  types.Int64  `tfsdk:"min_ready_nodes"`
	ServiceAccount types.String `tfsdk:"service_account"`
	CheckTimeout   types.String `tfsdk:"check_timeout"`
	OverallStatus  types.String `tfsdk:"overall_status"`
	Problems       []string     `tfsdk:"problems"`
	APIServer      *apiHealth   `tfsdk:"api_server"`
	Nodes          *nodeHealth  `tfsdk:"nodes"`
	CRDs           *crdHealth   `tfsdk:"crds"`
	Permissions    *permHealth  `tfsdk:"permissions"`
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

func (d *healthDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_health"
}

func (d *healthDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData != nil {
		d.cfg, _ = req.ProviderData.(*kinds.Config)
	}
}

func (d *healthDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	b := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	}
	verbs := map[string]schema.Attribute{
		"healthy": b("Every verb below is allowed."),
		"subject": schema.StringAttribute{Computed: true,
			MarkdownDescription: "Whose rights were checked: the provider's own identity, or `system:serviceaccount:<namespace>:<name>`."},
	}
	for _, v := range fabricVerbs {
		verbs[v] = b(fmt.Sprintf("Whether `%s` is allowed on fabrics in the provider's namespace.", v))
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Checks the cluster the provider talks to: the API server, the nodes, the Fabric CRD and the rights " +
			"to manage fabrics. A cluster that is unreachable or unhealthy is reported in the attributes — `overall_status` and " +
			"`problems` — not raised as an error, so that this data source fits in `check` blocks and preconditions. Only invalid " +
			"arguments are errors. Every check is bounded by `check_timeout`.",
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
			"crds": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "The Fabric CRD.",
				Attributes: map[string]schema.Attribute{
					"healthy":              b("The CRD is installed and serves the provider's `fabric_api_version`."),
					"fabric_crd_installed": b("The CRD `fabrics.<fabric_api_group>` exists."),
					"served_versions": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "The versions it serves."},
					"fabric_count": schema.Int64Attribute{Computed: true,
						MarkdownDescription: "Fabrics in all namespaces (in the provider's namespace when listing all is not allowed)."},
				}},
			"permissions": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Rights on fabrics.",
				Attributes: verbs},
		},
	}
}

func (d *healthDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m healthModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout := 10 * time.Second
	if !m.CheckTimeout.IsNull() {
		timeout, _ = time.ParseDuration(m.CheckTimeout.ValueString())
	}
	minNodes := int64(1)
	if !m.MinReadyNodes.IsNull() {
		minNodes = m.MinReadyNodes.ValueInt64()
	}
	m.APIServer, m.Nodes, m.CRDs, m.Permissions = &apiHealth{}, &nodeHealth{}, &crdHealth{ServedVersions: []string{}}, &permHealth{}
	m.Problems = []string{}

	if d.cfg == nil || d.cfg.Unknown || d.cfg.Client == nil {
		m.Problems = append(m.Problems, "the provider's configuration is not known yet, so the cluster was not checked")
	} else {
		ctx = d.cfg.LogContext(ctx)
		h := &healthCheck{cfg: d.cfg, timeout: timeout}
		var wg sync.WaitGroup
		for _, check := range []func(context.Context){
			func(ctx context.Context) { h.apiServer(ctx, m.APIServer) },
			func(ctx context.Context) { h.nodes(ctx, m.Nodes, minNodes) },
			func(ctx context.Context) { h.crds(ctx, m.CRDs) },
			func(ctx context.Context) { h.permissions(ctx, m.Permissions, m.ServiceAccount.ValueString()) },
		} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(ctx, timeout)
				defer cancel()
				check(ctx)
			}()
		}
		wg.Wait()
		m.Problems = append([]string{}, h.problems...)
	}
	m.OverallStatus = types.StringValue("healthy")
	if len(m.Problems) > 0 {
		m.OverallStatus = types.StringValue("unhealthy")
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

type healthCheck struct {
	cfg      *kinds.Config
	timeout  time.Duration
	mu       sync.Mutex
	problems []string
}

func (h *healthCheck) problem(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.problems = append(h.problems, fmt.Sprintf(format, args...))
}

func (h *healthCheck) apiServer(ctx context.Context, out *apiHealth) {
	start := time.Now()
	raw, err := h.cfg.Client.Typed.Discovery().RESTClient().Get().AbsPath("/version").Do(ctx).Raw()
	out.LatencyMS = time.Since(start).Milliseconds()
	if err != nil {
		h.problem("the API server at %s did not answer within %s: %v", h.cfg.Client.Host, h.timeout, err)
		return
	}
	var v struct {
		GitVersion string `json:"gitVersion"`
		Major      string `json:"major"`
		Minor      string `json:"minor"`
		Platform   string `json:"platform"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		h.problem("the API server's /version answer does not parse: %v", err)
		return
	}
	*out = apiHealth{Healthy: true, GitVersion: v.GitVersion, Major: v.Major, Minor: v.Minor, Platform: v.Platform, LatencyMS: out.LatencyMS}
}

func (h *healthCheck) nodes(ctx context.Context, out *nodeHealth, minReady int64) {
	list, err := h.cfg.Client.Typed.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		h.problem("cannot list nodes: %v", err)
		return
	}
	out.Total = int64(len(list.Items))
	for _, n := range list.Items {
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				out.Ready++
			}
		}
	}
	out.Healthy = out.Ready >= minReady
	if !out.Healthy {
		h.problem("%d of %d nodes are Ready, fewer than min_ready_nodes (%d)", out.Ready, out.Total, minReady)
	}
}

func (h *healthCheck) crds(ctx context.Context, out *crdHealth) {
	name := "fabrics." + h.cfg.Group
	crd, err := h.cfg.Client.Dynamic.Resource(crds.GVR).Get(ctx, name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		h.problem("the CRD %s is not installed (the hedgehog_crds resource installs it)", name)
		return
	case err == nil:
		out.FabricCRDInstalled = true
		versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
		for _, v := range versions {
			m, _ := v.(map[string]any)
			if served, _ := m["served"].(bool); served {
				out.ServedVersions = append(out.ServedVersions, fmt.Sprint(m["name"]))
			}
		}
		if !slices.Contains(out.ServedVersions, h.cfg.Version) {
			h.problem("the CRD %s does not serve %s (it serves %s)", name, h.cfg.Version, strings.Join(out.ServedVersions, ", "))
			return
		}
	case !apierrors.IsForbidden(err):
		h.problem("cannot read the CRD %s: %v", name, err)
		return
	}
	// Count fabrics (this also tells, without the right to read CRDs,
	// whether the kind is served).
	gvr := k8sschema.GroupVersionResource{Group: h.cfg.Group, Version: h.cfg.Version, Resource: "fabrics"}
	count, err := h.count(ctx, gvr, "")
	if apierrors.IsForbidden(err) {
		count, err = h.count(ctx, gvr, h.cfg.Namespace)
	}
	if err != nil {
		h.problem("cannot list fabrics: %v", err)
		return
	}
	out.FabricCRDInstalled = true
	out.FabricCount = count
	if len(out.ServedVersions) == 0 {
		out.ServedVersions = []string{h.cfg.Version}
	}
	out.Healthy = true
}

func (h *healthCheck) count(ctx context.Context, gvr k8sschema.GroupVersionResource, namespace string) (int64, error) {
	var n int64
	opts := metav1.ListOptions{Limit: 500}
	for {
		list, err := h.cfg.Client.Metadata.Resource(gvr).Namespace(namespace).List(ctx, opts)
		if err != nil {
			return 0, err
		}
		n += int64(len(list.Items))
		if list.Continue == "" {
			return n, nil
		}
		opts.Continue = list.Continue
	}
}

func (h *healthCheck) permissions(ctx context.Context, out *permHealth, serviceAccount string) {
	out.Subject = "the provider's identity (" + h.cfg.Client.Identity + ")"
	allowed := make([]bool, len(fabricVerbs))
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	for i, verb := range fabricVerbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			attrs := &authorizationv1.ResourceAttributes{Namespace: h.cfg.Namespace, Verb: verb, Group: h.cfg.Group, Resource: "fabrics"}
			var ok bool
			var err error
			if serviceAccount != "" {
				ns, name, _ := strings.Cut(serviceAccount, "/")
				var r *authorizationv1.SubjectAccessReview
				r, err = h.cfg.Client.Typed.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
					Spec: authorizationv1.SubjectAccessReviewSpec{ResourceAttributes: attrs,
						User:   "system:serviceaccount:" + ns + ":" + name,
						Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}},
				}, metav1.CreateOptions{})
				ok = err == nil && r.Status.Allowed
			} else {
				var r *authorizationv1.SelfSubjectAccessReview
				r, err = h.cfg.Client.Typed.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
					Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: attrs},
				}, metav1.CreateOptions{})
				ok = err == nil && r.Status.Allowed
			}
			mu.Lock()
			defer mu.Unlock()
			allowed[i] = ok
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	if serviceAccount != "" {
		out.Subject = "system:serviceaccount:" + strings.Replace(serviceAccount, "/", ":", 1)
	}
	if firstErr != nil {
		h.problem("cannot review the rights of %s: %v", out.Subject, firstErr)
	}
	out.Get, out.List, out.Watch, out.Create, out.Update, out.Patch, out.Delete =
		allowed[0], allowed[1], allowed[2], allowed[3], allowed[4], allowed[5], allowed[6]
	var denied []string
	for i, ok := range allowed {
		if !ok {
			denied = append(denied, fabricVerbs[i])
		}
	}
	out.Healthy = len(denied) == 0
	if len(denied) > 0 && firstErr == nil {
		h.problem("%s may not %s fabrics.%s in namespace %q", out.Subject, strings.Join(denied, ", "), h.cfg.Group, h.cfg.Namespace)
	}
}
