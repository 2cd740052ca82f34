// Package health checks the cluster a provider talks to: the API server, the
// nodes, and, for each kind the provider serves, its CRD, how many objects
// it has and the rights to manage them. A cluster that is unreachable or
// unhealthy is a finding (a Report with Problems), never an error, so that
// callers can report on it.
//
// It knows nothing of Terraform: hedgehog_cluster_health maps a Report to
// its attributes.
package health

import (
	"context"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// Verbs are the verbs the permissions check asks about, in this order.
var Verbs = []string{"get", "list", "watch", "create", "update", "patch", "delete"}

// Kind is a custom resource kind to check.
type Kind struct {
	Kind string // e.g. Fabric
	GVR  schema.GroupVersionResource
	// Installer says what installs the CRD, when the caller knows, such as
	// "the hedgehog_crds resource"; a missing CRD's problem names it.
	Installer string
}

// CRD is the name of the kind's CustomResourceDefinition.
func (k Kind) CRD() string { return k.GVR.Resource + "." + k.GVR.Group }

// Options say what to check and how.
type Options struct {
	// Namespace is where rights are checked, and where objects are counted
	// when counting in all namespaces is not allowed.
	Namespace string
	// ServiceAccount ("<namespace>/<name>"), when set, is whose rights are
	// checked instead of the client's own identity.
	ServiceAccount string
	MinReadyNodes  int64
	// Timeout bounds each check.
	Timeout time.Duration
}

// Report is what the checks found.
type Report struct {
	// Problems holds one sentence per problem: API server, nodes, then
	// each kind in order, then rights.
	Problems  []string
	APIServer APIServer
	Nodes     Nodes
	// Kinds holds one report per kind, in the order given.
	Kinds []KindReport
	// Subject is whose rights were checked.
	Subject string
}

// APIServer is the API server's version and latency.
type APIServer struct {
	Healthy                            bool
	GitVersion, Major, Minor, Platform string
	Latency                            time.Duration
}

// Nodes is node readiness.
type Nodes struct {
	Healthy      bool
	Total, Ready int64
}

// KindReport is one kind's CRD, objects and rights.
type KindReport struct {
	Kind
	// Installed tells that the CRD exists (or, without the right to read
	// CRDs, that the kind's objects can be listed).
	Installed      bool
	ServedVersions []string
	// CRDHealthy: the CRD is installed and serves the version asked for.
	CRDHealthy bool
	Count      int64
	// Allowed tells, for each of Verbs, whether it is allowed.
	Allowed []bool
}

// Permitted tells whether every verb is allowed on the kind.
func (k KindReport) Permitted() bool {
	for _, ok := range k.Allowed {
		if !ok {
			return false
		}
	}
	return len(k.Allowed) == len(Verbs)
}

// Check runs every check at once, each bounded by opts.Timeout.
func Check(ctx context.Context, c *kube.Client, kinds []Kind, opts Options) *Report {
	r := &Report{Kinds: make([]KindReport, len(kinds))}
	var apiProblems, nodeProblems, rightsProblems []string
	kindProblems := make([][]string, len(kinds))
	checks := []func(context.Context){
		func(ctx context.Context) { apiProblems = apiServer(ctx, c, opts.Timeout, &r.APIServer) },
		func(ctx context.Context) { nodeProblems = nodes(ctx, c, opts.MinReadyNodes, &r.Nodes) },
		func(ctx context.Context) { r.Subject, rightsProblems = permissions(ctx, c, kinds, opts, r.Kinds) },
	}
	for i, k := range kinds {
		r.Kinds[i].Kind = k
		checks = append(checks, func(ctx context.Context) { kindProblems[i] = crd(ctx, c, opts.Namespace, &r.Kinds[i]) })
	}
	var wg sync.WaitGroup
	for _, check := range checks {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
			defer cancel()
			check(ctx)
		})
	}
	wg.Wait()
	r.Problems = append(append([]string{}, apiProblems...), nodeProblems...)
	for _, p := range kindProblems {
		r.Problems = append(r.Problems, p...)
	}
	r.Problems = append(r.Problems, rightsProblems...)
	return r
}
