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

// AppliedRule tells when a change of an object has reached the switches:
// Hedgehog's controller copies every object a switch needs into that
// switch's Agent (spec.<AgentField>.<name>) and raises the Agent's
// generation; the switch agent reports lastAppliedGen and an Applied
// condition once it has applied that generation.
type AppliedRule struct {
	// Agents is the Agent kind.
	Agents *Kind
	// AgentField is the map in Agent.spec that carries this kind's objects
	// by name, such as "vpcs". Empty: the Agents do not carry the object
	// (a Server, a SwitchGroup), and the wait is for the switches to have
	// applied their current generation.
	AgentField string
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

// AgentState is what one Agent says about the configuration it applied.
type AgentState struct {
	Generation     int64
	LastAppliedGen int64
	Applied        string // the Applied condition's status: True, False, Unknown or ""
	Reason         string
	Message        string
	Heartbeat      string
	Spec           map[string]any
}

// ReadAgent reads an Agent object.
func ReadAgent(u *unstructured.Unstructured) AgentState {
	s := AgentState{Generation: u.GetGeneration()}
	s.LastAppliedGen, _, _ = unstructured.NestedInt64(u.Object, "status", "lastAppliedGen")
	s.Heartbeat, _, _ = unstructured.NestedString(u.Object, "status", "lastHeartbeat")
	s.Spec, _, _ = unstructured.NestedMap(u.Object, "spec")
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == "Applied" {
			s.Applied, _ = m["status"].(string)
			s.Reason, _ = m["reason"].(string)
			s.Message, _ = m["message"].(string)
		}
	}
	return s
}

// carries tells whether the agent's spec holds the object as it is now
// (spec nil: holds no object of that name).
func (s AgentState) carries(field, name string, spec map[string]any) bool {
	if field == "" {
		return true
	}
	objs, _ := s.Spec[field].(map[string]any)
	got, present := objs[name]
	if spec == nil {
		return !present
	}
	return present && Equivalent(got, spec)
}

// failedReasons are Applied=False reasons that end a wait at once: the agent
// tried and failed (ApplyPending only means it has not tried yet).
func (s AgentState) failed() bool {
	return s.Applied == "False" && s.Reason != "" && s.Reason != "ApplyPending"
}

// waitApplied waits until every switch that carries u has applied it (or,
// when deleted, its removal).
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
	start := time.Now()
	for _, sw := range switches {
		_, err := agents.WaitFor(ctx, rule.Agents.namespace(r.cfg), sw, asCondition(func(a *unstructured.Unstructured) (bool, error) {
			if a == nil {
				// Not registered yet; after a delete, a switch without an
				// Agent (the switch itself deleted) carries nothing.
				return deleted, nil
			}
			s := ReadAgent(a)
			if !s.carries(rule.AgentField, u.GetName(), spec) {
				return false, nil // the controller has not passed the change on yet
			}
			if s.LastAppliedGen == s.Generation && s.Applied == "True" {
				return true, nil
			}
			if s.failed() {
				return false, fmt.Errorf("switch %s failed to apply generation %d: %s (%s)", sw, s.Generation, s.Message, s.Reason)
			}
			return false, nil
		}))
		if err == nil {
			continue
		}
		what := "Applied"
		if deleted {
			what = "Removal Applied"
		}
		var failed conditionError
		switch {
		case errors.As(err, &failed):
			diags.AddError(r.kind.Kind+" Not Applied", fmt.Sprintf("%s %s: %v. The change was made in the cluster and stays in "+
				"the state; check the switch and its agent.", r.kind.Kind, u.GetName(), failed.error))
		case timedOut(err):
			diags.AddError("Timed Out Waiting For "+r.kind.Kind+" "+what, fmt.Sprintf(
				"After %s, these switches have not applied the change to %s %s yet:\n%s\nThe change was made in the cluster and "+
					"stays in the state. Check the switches and their agents (kubectl get agents), or raise timeouts.",
				time.Since(start).Round(time.Second), r.kind.Kind, u.GetName(), r.pending(agents, rule, u.GetName(), spec, switches)))
		default:
			summary, detail := r.cfg.Client.Explain(err, agents.Target("watch", rule.Agents.namespace(r.cfg), sw))
			diags.AddError(summary, "While waiting for the switches to apply the change: "+detail)
		}
		return
	}
}

// pending describes each switch that has not applied, with its heartbeat.
func (r *Resource) pending(agents *kube.Objects, rule *AppliedRule, name string, spec map[string]any, switches []string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var b strings.Builder
	for _, sw := range switches {
		a, err := agents.GetFresh(ctx, rule.Agents.namespace(r.cfg), sw)
		if err != nil {
			fmt.Fprintf(&b, "  - %s: no Agent (%v)\n", sw, err)
			continue
		}
		s := ReadAgent(a)
		if s.carries(rule.AgentField, name, spec) && s.LastAppliedGen == s.Generation && s.Applied == "True" {
			continue
		}
		heartbeat := s.Heartbeat
		if heartbeat == "" {
			heartbeat = "never"
		}
		state := fmt.Sprintf("applied generation %d of %d", s.LastAppliedGen, s.Generation)
		if !s.carries(rule.AgentField, name, spec) {
			state = "the controller has not passed the change to its agent yet"
		}
		fmt.Fprintf(&b, "  - %s: %s, last heartbeat %s", sw, state, heartbeat)
		if s.Message != "" {
			fmt.Fprintf(&b, ", Applied %s: %s", s.Applied, s.Message)
		}
		b.WriteString("\n")
	}
	return b.String()
}
