package kinds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// AppliedRule tells when a change of an object has reached the switches.
// Hedgehog's fabric controller keeps one Agent per switch, named after it,
// whose spec is everything the switch needs: the switch's own spec, copies of
// the objects it carries, and more. Any change to them raises the Agent's
// generation; the switch agent reports in the Agent's status which
// generation it last tried (lastAttemptGen) and last applied
// (lastAppliedGen).
type AppliedRule struct {
	// Agents is the Agent kind.
	Agents *Kind
	// AgentMap is the map in Agent.spec that carries this kind's objects by
	// name, such as "vpcs".
	AgentMap string
	// AgentOwn is the field of Agent.spec that holds the object the Agent
	// is named after: "switch" for a Switch.
	AgentOwn string
	// With neither, the Agents do not carry the object (a Server, a
	// SwitchGroup), and the wait is for the switches to apply the
	// generation they have when it starts.

	// Switches names the switches that carry the object u.
	Switches func(ctx context.Context, l Lookup, u *unstructured.Unstructured) ([]string, error)
	// Description says what the wait waits for, for the docs.
	Description string
}

// Lookup reads other objects of the cluster, fresh, for a wait.
type Lookup interface {
	Get(ctx context.Context, k *Kind, name string) (*unstructured.Unstructured, error)
	List(ctx context.Context, k *Kind) ([]*unstructured.Unstructured, error)
}

type lookup struct{ cfg *Config }

func (l lookup) Get(ctx context.Context, k *Kind, name string) (*unstructured.Unstructured, error) {
	return l.cfg.Client.Objects(k.GVR(l.cfg), k.Kind, "").GetFresh(ctx, k.namespace(l.cfg), name)
}

func (l lookup) List(ctx context.Context, k *Kind) ([]*unstructured.Unstructured, error) {
	return l.cfg.Client.Objects(k.GVR(l.cfg), k.Kind, "").List(ctx, k.namespace(l.cfg), metav1.ListOptions{})
}

// agentFailed ends a wait: the switch agent failed to apply the change.
type agentFailed struct{ switchName, why string }

func (e agentFailed) Error() string {
	return "switch " + e.switchName + " failed to apply the change: " + e.why
}

// agentVanished ends a wait: the Agent it followed is gone.
type agentVanished struct{ switchName string }

func (e agentVanished) Error() string { return "the Agent of switch " + e.switchName + " is gone" }

// waitApplied waits until every switch that carries u has applied it (or,
// when deleted, its removal). The switches are waited for one after the
// other; what the wait learnt of each stays for the message of a timeout.
func (r *Resource) waitApplied(ctx context.Context, u *unstructured.Unstructured, deleted bool, diags *diag.Diagnostics) {
	rule := r.kind.Applied
	l := lookup{r.cfg}
	switches, err := rule.Switches(ctx, l, u)
	if err != nil {
		diags.AddError("Cannot Tell Which Switches Apply "+r.kind.Kind, fmt.Sprintf(
			"wait_for_applied: reading the objects that connect %s %s to switches failed: %v. The change itself was made.",
			r.kind.Kind, u.GetName(), err))
		return
	}
	sort.Strings(switches)
	switches = slices.Compact(switches)
	var spec map[string]any
	if !deleted {
		spec, _, _ = unstructured.NestedMap(u.Object, "spec")
	}
	agents := r.cfg.Client.Objects(rule.Agents.GVR(r.cfg), rule.Agents.Kind, "")
	progress := make(map[string]*agentProgress, len(switches))
	start := time.Now()
	for _, sw := range switches {
		p := &agentProgress{}
		progress[sw] = p
		_, err := agents.WaitFor(ctx, rule.Agents.namespace(r.cfg), sw, asCondition(func(a *unstructured.Unstructured) (bool, error) {
			var s *AgentState
			carries := false
			if a != nil {
				state := ReadAgent(a)
				s, carries = &state, rule.carries(r.kind, state.Spec, u.GetName(), spec)
			}
			switch v, why := p.observe(s, carries, deleted); v {
			case done:
				return true, nil
			case failed:
				return false, agentFailed{sw, why}
			case vanished:
				return false, agentVanished{sw}
			}
			return false, nil
		}))
		if err == nil {
			continue
		}
		r.waitAppliedFailed(err, u.GetName(), deleted, start, func() string {
			return r.pending(agents, progress, u.GetName(), spec, switches)
		}, agents.Target("watch", rule.Agents.namespace(r.cfg), sw), diags)
		return
	}
}

func (r *Resource) waitAppliedFailed(err error, name string, deleted bool, start time.Time, pending func() string, target kube.Target,
	diags *diag.Diagnostics) {
	what := "Applied"
	if deleted {
		what = "Removal Applied"
	}
	var (
		failed   agentFailed
		vanished agentVanished
	)
	switch {
	case errors.As(err, &failed):
		diags.AddError(r.kind.Kind+" Not Applied", fmt.Sprintf("%s %s: %v. The change was made in the cluster and stays in "+
			"the state; the switch agent keeps trying. Check the switch and its agent's log.", r.kind.Kind, name, failed))
	case errors.As(err, &vanished):
		diags.AddError("Switch Agent Gone", fmt.Sprintf("While waiting for switch %s to apply the change to %s %s, its Agent "+
			"disappeared: the switch was deleted or renamed, or its Agent re-created. Whether the switch applied the change is "+
			"unknown. The change was made in the cluster and stays in the state; check the switch (kubectl get switches,agents) "+
			"and apply again.", vanished.switchName, r.kind.Kind, name))
	case timedOut(err):
		diags.AddError("Timed Out Waiting For "+r.kind.Kind+" "+what, fmt.Sprintf(
			"After %s, these switches have not applied the change to %s %s yet:\n%s\nThe change was made in the cluster and "+
				"stays in the state. Check the switches and their agents (kubectl get agents), or raise timeouts.",
			time.Since(start).Round(time.Second), r.kind.Kind, name, pending()))
	default:
		summary, detail := r.cfg.Client.Explain(err, target)
		diags.AddError(summary, "While waiting for the switches to apply the change: "+detail)
	}
}

// pending describes each switch that has not applied, with its heartbeat.
func (r *Resource) pending(agents *kube.Objects, progress map[string]*agentProgress, name string, spec map[string]any,
	switches []string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rule := r.kind.Applied
	var b strings.Builder
	for _, sw := range switches {
		a, err := agents.GetFresh(ctx, rule.Agents.namespace(r.cfg), sw)
		if err != nil {
			fmt.Fprintf(&b, "  - %s: no Agent (%v)\n", sw, err)
			continue
		}
		s := ReadAgent(a)
		carries := rule.carries(r.kind, s.Spec, name, spec)
		p, ok := progress[sw]
		if !ok {
			p = &agentProgress{} // not waited for yet: judged on this one look
		}
		look := *p
		if v, _ := look.observe(&s, carries, spec == nil); v == done {
			continue
		}
		fmt.Fprintf(&b, "  - %s: %s\n", sw, look.describe(&s, carries))
	}
	return b.String()
}
