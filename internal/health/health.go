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
	// Namespace, when set, is the only namespace the kind's objects live
	// in: rights are checked there instead of in Options.Namespace.
	Namespace string
	// ReadOnly kinds need only the rights to read (get, list, watch).
	ReadOnly bool
	// Counts says when the kind's problems are the cluster's
	// (Report.Problems); they are reported under the kind either way.
	Counts Counting
}

// Counting says when a kind's problems are the cluster's.
type Counting int

// A kind's problems count where its CRD is installed (a cluster without the
// kind is not unhealthy for it), always (the kind is required), or never
// (it is only reported).
const (
	CountsWhereInstalled Counting = iota
	CountsAlways
	CountsNever
)

// counts tells whether the problems of a kind so reported are the cluster's.
func (k KindReport) counts() bool {
	switch k.Counts {
	case CountsAlways:
		return true
	case CountsNever:
		return false
	}
	return !k.Absent
}

// readVerbs are the verbs a read-only kind needs.
var readVerbs = map[string]bool{"get": true, "list": true, "watch": true}

// needs tells whether the kind needs a verb.
func (k Kind) needs(verb string) bool { return !k.ReadOnly || readVerbs[verb] }

func (k Kind) namespace(opts Options) string {
	if k.Namespace != "" {
		return k.Namespace
	}
	return opts.Namespace
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
	Installed bool
	// Absent tells that the cluster does not serve the kind at all (its CRD
	// is not found); unlike !Installed, it is false when that could not be
	// told (no right to read CRDs nor to list the kind).
	Absent         bool
	ServedVersions []string
	// CRDHealthy: the CRD is installed and serves the version asked for.
	CRDHealthy bool
	Count      int64
	// Allowed tells, for each of Verbs, whether it is allowed.
	Allowed []bool
	// Problems are the kind's own: its CRD, and the rights it lacks.
	Problems []string
}

// Permitted tells whether every verb the kind needs is allowed.
func (k KindReport) Permitted() bool {
	return len(k.Allowed) == len(Verbs) && len(k.Denied()) == 0
}

// Denied are the verbs the kind needs that are not allowed, in the order of
// Verbs.
func (k KindReport) Denied() []string {
	denied := []string{}
	for i, ok := range k.Allowed {
		if !ok && k.needs(Verbs[i]) {
			denied = append(denied, Verbs[i])
		}
	}
	return denied
}

// Check runs every check at once, each bounded by opts.Timeout.
func Check(ctx context.Context, c *kube.Client, kinds []Kind, opts Options) *Report {
	r := &Report{Kinds: make([]KindReport, len(kinds))}
	var apiProblems, nodeProblems []string
	var rightsProblems []kindProblem
	kindProblems := make([][]string, len(kinds))
	checks := []func(context.Context){
		func(ctx context.Context) { apiProblems = apiServer(ctx, c, opts.Timeout, &r.APIServer) },
		func(ctx context.Context) { nodeProblems = nodes(ctx, c, opts.MinReadyNodes, &r.Nodes) },
		func(ctx context.Context) { r.Subject, rightsProblems = permissions(ctx, c, kinds, opts, r.Kinds) },
	}
	for i, k := range kinds {
		r.Kinds[i].Kind = k
		checks = append(checks, func(ctx context.Context) { kindProblems[i] = crd(ctx, c, k.namespace(opts), &r.Kinds[i]) })
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
	for i, p := range kindProblems {
		r.Kinds[i].Problems = append(r.Kinds[i].Problems, p...)
		if r.Kinds[i].counts() {
			r.Problems = append(r.Problems, p...)
		}
	}
	for _, p := range rightsProblems {
		if p.kind < 0 {
			r.Problems = append(r.Problems, p.text)
			continue
		}
		r.Kinds[p.kind].Problems = append(r.Kinds[p.kind].Problems, p.text)
		if r.Kinds[p.kind].counts() {
			r.Problems = append(r.Problems, p.text)
		}
	}
	return r
}

// kindProblem is a problem of one kind (kind: its index), or of all (-1).
type kindProblem struct {
	kind int
	text string
}
