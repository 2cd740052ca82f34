package kinds

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// The plan's server-side dry runs. A planned create, update or destroy of an
// object is sent to the API server as the write it will be (the same
// request, field manager and strict field validation) with dryRun=All: the
// admission webhooks and the CRD's validation judge it, nothing is stored. A
// refusal is an error on the resource, in the cluster's words; what the
// webhooks would store fills the values the server sets. Objects that plan
// no change send nothing. What cannot be checked is skipped with a warning
// that says why (the CLI folds warnings of one summary into one); a cluster
// that does not answer the first dry run is not asked again by that plan.

// PlanChecks is what the plan-time checks of one provider instance (one
// Terraform operation) share.
type PlanChecks struct {
	// FirstWait bounds the first dry run, which tells whether the cluster
	// answers at all: a plan waits for one timeout, never for one per
	// resource.
	FirstWait time.Duration

	// writing is set once this provider instance has started writing: it
	// is applying, and Terraform's plan of each resource just before its
	// write (which must agree with the plan the user approved) needs no
	// dry run when every value is known already; the write follows at once
	// and the cluster judges it then, in the same words.
	writing atomic.Bool

	mu       sync.Mutex
	started  bool
	decided  chan struct{}
	down     bool
	writes   planned // objects this plan creates or changes
	deletes  planned // objects this plan deletes (replacements included)
	listings map[string]*listing
	schemas  map[string]map[string]any // served CRD schemas by CRD name (nil: cannot tell)
}

// planned maps a namespace to the names planned in it, each with its kinds.
type planned map[string]map[string][]string

func (p planned) add(namespace, name, kind string) {
	if p[namespace] == nil {
		p[namespace] = map[string][]string{}
	}
	p[namespace][name] = append(p[namespace][name], kind)
}

// NewPlanChecks prepares the checks of a provider instance.
func NewPlanChecks(firstWait time.Duration) *PlanChecks {
	return &PlanChecks{FirstWait: firstWait, decided: make(chan struct{}), writes: planned{}, deletes: planned{},
		listings: map[string]*listing{}, schemas: map[string]map[string]any{}}
}

// turn waits until the cluster is known to answer. first is true for the
// one caller whose dry run finds that out (it must call decide); ok is
// false when the cluster did not answer (the first caller warned).
func (p *PlanChecks) turn(ctx context.Context) (first, ok bool) {
	p.mu.Lock()
	if !p.started {
		p.started = true
		p.mu.Unlock()
		return true, true
	}
	p.mu.Unlock()
	select {
	case <-p.decided:
	case <-ctx.Done():
		return false, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return false, !p.down
}

func (p *PlanChecks) decide(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
	close(p.decided)
}

func (p *PlanChecks) record(into planned, namespace, name, kind string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	into.add(namespace, name, kind)
}

// checks are the resource's plan-time checks, nil when the plan must not
// contact the cluster or has nothing to ask it (Kind.OwnCRD).
func (r *Resource) checks() *PlanChecks {
	c := r.cfg
	if c == nil || c.Unknown || c.Err != nil || c.Client == nil || r.kind.ReadOnly || r.kind.OwnCRD {
		return nil
	}
	return c.Checks
}

// dryRun is one planned write to try.
type dryRun struct {
	verb string // create, update or delete
	obj  *unstructured.Unstructured
	send func(ctx context.Context) (*unstructured.Unstructured, error)
}

// send runs a dry run through the gate of the first answer. ok is false
// when there is no answer to judge (the cluster is not reached).
func (r *Resource) send(ctx context.Context, p *PlanChecks, d dryRun, diags *diag.Diagnostics) (u *unstructured.Unstructured, err error, ok bool) {
	first, ok := p.turn(ctx)
	if !ok {
		return nil, nil, false
	}
	if !first {
		u, err = d.send(ctx)
		return u, err, true
	}
	probe, cancel := context.WithTimeout(ctx, p.FirstWait)
	defer cancel()
	u, err = d.send(probe)
	down := kube.IsUnanswered(err)
	p.decide(down)
	if down {
		diags.AddWarning("Plan Not Checked By The Cluster", fmt.Sprintf(
			"The API server at %s did not answer the plan's first dry run (%s %s %q), so this plan checks nothing against "+
				"the cluster, as with plan_dry_run = false: objects are planned from the configuration alone, and the cluster "+
				"judges them when they are applied. Check that the cluster is reachable to have the plan checked.\n\nWhat the "+
				"request met: %v",
			r.cfg.Client.Host, d.verb, r.kind.Kind, d.obj.GetNamespace()+"/"+d.obj.GetName(), err))
		return nil, nil, false
	}
	return u, err, true
}

// checkWrite dry-runs a planned create or update and adopts what the server
// would store into the values it sets. replaced says that the plan replaces
// the prior object: its delete is checked now, and its create when Terraform
// plans it (with no prior state).
func (r *Resource) checkWrite(ctx context.Context, config, plan, prior map[string]tftypes.Value, replaced bool, diags *diag.Diagnostics) {
	p := r.checks()
	if p == nil {
		return
	}
	ctx = r.cfg.LogContext(ctx)
	k := r.kind
	if replaced {
		r.checkDelete(ctx, prior, diags)
		return
	}
	namespace, name := plan["namespace"], plan["name"]
	if !namespace.IsKnown() || !name.IsKnown() {
		r.skip(diags, skipUnknown, "create", "", "", nil)
		return
	}
	ns, n := str(namespace), str(name)
	p.record(p.writes, ns, n, k.Kind)
	verb := "update"
	if prior == nil {
		verb = "create"
	}
	if !objectKnown(k, config, plan) {
		r.skip(diags, skipUnknown, verb, ns, n, nil)
		r.checkServedFields(ctx, p, config, diags)
		return
	}
	if p.writing.Load() && specKnown(k, plan) {
		return // applying: nothing for the dry run to fill in
	}
	if prior == nil && p.deleting(ns, n, k.Kind) {
		// The prior object of a replacement is still there: the create can
		// only be judged once it is gone.
		r.skip(diags, skipReplaced, verb, ns, n, nil)
		r.checkServedFields(ctx, p, config, diags)
		return
	}
	spec, err := k.specJSON(config, false)
	if err != nil {
		return // the write itself reports it
	}
	obj := k.toObject(r.cfg, plan, spec)
	api := k.objects(r.cfg)
	if prior != nil {
		// From the snapshot, where the object is (no request).
		if cur, err := api.Get(ctx, ns, n); err == nil {
			if lingering := k.lingering(cur, obj, spec, r.cfg.FieldManager); len(lingering) > 0 {
				r.skip(diags, skipRecord, verb, ns, n, nil, strings.Join(lingering, ", "))
				return
			}
		}
	}
	d := dryRun{verb: verb, obj: obj, send: func(ctx context.Context) (*unstructured.Unstructured, error) {
		if prior == nil {
			return api.DryRunCreate(ctx, obj, r.cfg.FieldManager)
		}
		force := boolValue(plan["force_conflicts"])
		u, err := api.DryRunApply(ctx, obj, r.cfg.FieldManager, r.dryRunForce(ctx, api, obj, force))
		if err == nil || force || !apierrors.IsConflict(err) || !r.updateForces(ctx, api, obj, kube.ConflictManagers(err)) {
			return u, err
		}
		return api.DryRunApply(ctx, obj, r.cfg.FieldManager, true)
	}}
	u, err, ok := r.send(ctx, p, d, diags)
	switch {
	case !ok:
	case err == nil:
		r.adopt(plan, u)
	default:
		r.judgeWrite(ctx, p, d, spec, err, diags)
	}
}

// objectKnown tells whether everything the object is built from is known.
func objectKnown(k *Kind, config, plan map[string]tftypes.Value) bool {
	for _, v := range []tftypes.Value{config["labels"], config["annotations"], plan["force_conflicts"]} {
		if !v.IsFullyKnown() {
			return false
		}
	}
	for _, a := range k.Spec {
		if !config[a.Name].IsFullyKnown() {
			return false
		}
	}
	return true
}

// specKnown tells whether the plan knows every value of the spec: a dry
// run would fill in nothing (adopt).
func specKnown(k *Kind, plan map[string]tftypes.Value) bool {
	for _, a := range k.Spec {
		if !plan[a.Name].IsFullyKnown() {
			return false
		}
	}
	return true
}

// Writing records that this provider instance writes: it is applying.
func (p *PlanChecks) Writing() {
	if p != nil {
		p.writing.Store(true)
	}
}

func (p *PlanChecks) deleting(namespace, name, kind string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, k := range p.deletes[namespace][name] {
		if k == kind {
			return true
		}
	}
	return false
}

// adopt puts what the server would store into the values the plan leaves
// unknown (Computed attributes the configuration leaves out and the kind
// does not predict): the plan shows the webhook's defaults, and the state
// after apply holds what is stored. Predicted values stay: Terraform plans
// every resource again just before applying it, and a value known at plan
// must come out the same then, whether or not the dry run can run again.
func (r *Resource) adopt(plan map[string]tftypes.Value, u *unstructured.Unstructured) {
	stored, _, _ := unstructured.NestedMap(u.Object, "spec")
	for _, a := range r.kind.Spec {
		if v, err := predictValue(a, plan[a.Name], stored[a.JSON]); err == nil {
			plan[a.Name] = v
		}
	}
}

// checkDelete dry-runs a planned destroy.
func (r *Resource) checkDelete(ctx context.Context, prior map[string]tftypes.Value, diags *diag.Diagnostics) {
	p := r.checks()
	if p == nil {
		return
	}
	ctx = r.cfg.LogContext(ctx)
	ns, name := str(prior["namespace"]), str(prior["name"])
	if ns == "" || name == "" {
		return
	}
	p.record(p.deletes, ns, name, r.kind.Kind)
	api := r.kind.objects(r.cfg)
	obj := &unstructured.Unstructured{}
	obj.SetNamespace(ns)
	obj.SetName(name)
	d := dryRun{verb: "delete", obj: obj, send: func(ctx context.Context) (*unstructured.Unstructured, error) {
		return nil, api.DryRunDelete(ctx, ns, name)
	}}
	_, err, ok := r.send(ctx, p, d, diags)
	if ok && err != nil {
		r.judgeDelete(ctx, p, d, err, diags)
	}
}
