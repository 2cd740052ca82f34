// The agent simulator (longer than most files: the controller's part, which
// builds each switch's Agent, and the agents' part, which reports on it).

package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// FailApplyAnnotation on a Switch makes its simulated agent fail to apply,
// with the annotation's value as the message.
const FailApplyAnnotation = "fabricsim.hedgehog-terraform.github.io/fail-apply"

// OfflineAnnotation on a Switch makes its simulated agent silent: the Agent
// exists, but never reports a heartbeat or an applied generation.
const OfflineAnnotation = "fabricsim.hedgehog-terraform.github.io/offline"

// HeartbeatInterval is how often a simulated agent reports that it is alive.
const HeartbeatInterval = 10 * time.Second

// AgentFieldManager is the agent simulator's name in managedFields.
const AgentFieldManager = "hedgehog-agent-simulator"

// AgentOptions tune the agent simulator.
type AgentOptions struct {
	Switches *kinds.Kind   // the Switch kind: one agent per switch
	Agents   *kinds.Kind   // the Agent kind
	Kinds    []*kinds.Kind // kinds whose objects switches carry (their Applied rules say where)
	Delay    time.Duration // from a new generation to its being applied
}

// RunAgents simulates Hedgehog's controller and switch agents until ctx
// ends: every Switch has an Agent whose spec carries a copy of each object
// the switch needs (as the kinds' Applied rules say, which is where the
// provider's wait_for_applied looks), so the API server raises the Agent's
// generation whenever one of them changes; Delay later the agent reports
// that generation applied — or failed, when the Switch carries
// FailApplyAnnotation.
func RunAgents(ctx context.Context, client dynamic.Interface, opts AgentOptions) error {
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(client, 0, meta.Namespace, nil)
	stores := map[*kinds.Kind]cache.Store{}
	queue := workqueue.NewTypedDelayingQueue[string]()
	defer queue.ShutDown()
	watched := append([]*kinds.Kind{opts.Switches, opts.Agents}, opts.Kinds...)
	for _, k := range watched {
		inf := factory.ForResource(k.GVR(nil)).Informer()
		if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(any) { queue.Add("sync") },
			UpdateFunc: func(any, any) { queue.Add("sync") },
			DeleteFunc: func(any) { queue.Add("sync") },
		}); err != nil {
			return err
		}
		stores[k] = inf.GetStore()
	}
	factory.Start(ctx.Done())
	for k, synced := range factory.WaitForCacheSync(ctx.Done()) {
		if !synced {
			return fmt.Errorf("the agent simulator could not list %s", k.Resource)
		}
	}
	go func() {
		<-ctx.Done()
		queue.ShutDown()
	}()
	go func() {
		tick := time.NewTicker(HeartbeatInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				queue.Add("sync")
			}
		}
	}()
	s := &agentSim{client: client, opts: opts, stores: stores, pending: map[string]time.Time{}}
	for {
		key, shutdown := queue.Get()
		if shutdown {
			return ctx.Err()
		}
		if again, err := s.sync(ctx); err != nil || again > 0 {
			if again <= 0 {
				again = time.Second
			}
			queue.AddAfter(key, again)
		}
		queue.Done(key)
	}
}

type agentSim struct {
	client  dynamic.Interface
	opts    AgentOptions
	stores  map[*kinds.Kind]cache.Store
	pending map[string]time.Time // agent/generation → when it was first seen
}

// storeLookup reads other objects from the simulator's caches.
type storeLookup struct{ stores map[*kinds.Kind]cache.Store }

func (l storeLookup) Get(_ context.Context, k *kinds.Kind, name string) (*unstructured.Unstructured, error) {
	obj, ok, err := l.stores[k].GetByKey(meta.Namespace + "/" + name)
	if err != nil || !ok {
		return nil, err
	}
	u, _ := obj.(*unstructured.Unstructured)
	return u, nil
}

func (l storeLookup) List(_ context.Context, k *kinds.Kind) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, obj := range l.stores[k].List() {
		if u, ok := obj.(*unstructured.Unstructured); ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// sync brings every Agent up to date; it returns when to look again (a
// generation waiting out its delay).
func (s *agentSim) sync(ctx context.Context) (time.Duration, error) {
	l := storeLookup{s.stores}
	switches, _ := l.List(ctx, s.opts.Switches)
	want := map[string]map[string]any{} // switch → Agent spec
	for _, sw := range switches {
		spec := Spec(sw)
		agentSpec := map[string]any{"switch": spec}
		for _, field := range []string{"role", "description"} {
			if v, ok := spec[field]; ok && v != nil { // an explicit null would be refused
				agentSpec[field] = v
			}
		}
		want[sw.GetName()] = agentSpec
	}
	for _, k := range s.opts.Kinds {
		if k.Applied.AgentField == "" {
			continue // the agents do not carry this kind
		}
		objs, _ := l.List(ctx, k)
		for _, o := range objs {
			names, err := k.Applied.Switches(ctx, l, o)
			if err != nil {
				continue
			}
			for _, sw := range names {
				spec, ok := want[sw]
				if !ok {
					continue
				}
				field, _ := spec[k.Applied.AgentField].(map[string]any)
				if field == nil {
					field = map[string]any{}
					spec[k.Applied.AgentField] = field
				}
				field[o.GetName()] = Spec(o)
			}
		}
	}
	api := s.client.Resource(s.opts.Agents.GVR(nil)).Namespace(meta.Namespace)
	var again time.Duration
	var errs []error // one switch's failure must not hold up the others
	for name, spec := range want {
		agent := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": s.opts.Agents.APIVersion(nil), "kind": s.opts.Agents.Kind,
			"metadata": map[string]any{"name": name, "namespace": meta.Namespace}, "spec": spec,
		}}
		// An agent whose spec is already what it should be is not written
		// again: a sync runs after every change of any watched object, and
		// rewriting every (large) agent each time would busy the API server.
		cur, _ := l.Get(ctx, s.opts.Agents, name)
		if cur == nil || !equality.Semantic.DeepEqual(Spec(cur), spec) {
			var err error
			if cur, err = api.Apply(ctx, name, agent, metav1.ApplyOptions{FieldManager: AgentFieldManager, Force: true}); err != nil {
				errs = append(errs, fmt.Errorf("agent %s: %w", name, err))
				continue
			}
		}
		sw, _ := l.Get(ctx, s.opts.Switches, name)
		wait, err := s.report(ctx, cur, sw)
		if err != nil {
			errs = append(errs, fmt.Errorf("agent %s: %w", name, err))
			continue
		}
		if wait > 0 && (again == 0 || wait < again) {
			again = wait
		}
	}
	agents, _ := l.List(ctx, s.opts.Agents)
	for _, a := range agents {
		if _, ok := want[a.GetName()]; !ok {
			_ = api.Delete(ctx, a.GetName(), metav1.DeleteOptions{})
		}
	}
	return again, errors.Join(errs...)
}

// report writes what the agent says about its current generation: pending
// until Delay has passed since the generation appeared, then applied (or
// failed). It returns how long until the next report is due.
func (s *agentSim) report(ctx context.Context, a, sw *unstructured.Unstructured) (time.Duration, error) {
	gen := a.GetGeneration()
	state := readAgentStatus(a)
	key := fmt.Sprintf("%s/%d", a.GetName(), gen)
	first, seen := s.pending[key]
	if !seen {
		first = time.Now()
		s.pending[key] = first
	}
	failure := ""
	if sw != nil {
		failure = sw.GetAnnotations()[FailApplyAnnotation]
		if sw.GetAnnotations()[OfflineAnnotation] == "true" {
			return 0, nil
		}
	}
	now := time.Now().UTC().Format(time.RFC3339)
	status := map[string]any{"lastHeartbeat": now, "version": "simulated", "lastAppliedGen": state.lastApplied,
		"state": map[string]any{"nos": map[string]any{"softwareVersion": "simulated", "asicVersion": "vs"}}}
	remaining := s.opts.Delay - time.Since(first)
	switch {
	case state.lastApplied == gen && failure == "":
		return 0, s.heartbeat(ctx, a, now)
	case remaining > 0:
		if state.reason == "ApplyPending" && state.gen == gen {
			return remaining, nil
		}
		status["conditions"] = []any{condition("False", "ApplyPending", fmt.Sprintf("Config will be applied, gen=%d", gen), gen)}
	case failure != "":
		if state.reason == "ApplyFailed" && state.gen == gen {
			return 0, nil
		}
		status["lastAttemptGen"], status["lastAttemptTime"] = gen, now
		status["conditions"] = []any{condition("False", "ApplyFailed", failure, gen)}
	default:
		status["lastAttemptGen"], status["lastAttemptTime"] = gen, now
		status["lastAppliedGen"], status["lastAppliedTime"] = gen, now
		status["conditions"] = []any{condition("True", "ApplySucceeded", fmt.Sprintf("Config applied, gen=%d", gen), gen)}
		remaining = 0
	}
	patch := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": a.GetAPIVersion(), "kind": a.GetKind(),
		"metadata": map[string]any{"name": a.GetName(), "namespace": a.GetNamespace()}, "status": status,
	}}
	_, err := s.client.Resource(s.opts.Agents.GVR(nil)).Namespace(meta.Namespace).ApplyStatus(ctx, a.GetName(), patch,
		metav1.ApplyOptions{FieldManager: AgentFieldManager, Force: true})
	return max(remaining, 0), err
}

// heartbeat reports that an agent with nothing to apply is alive, once its
// last heartbeat is HeartbeatInterval old.
func (s *agentSim) heartbeat(ctx context.Context, a *unstructured.Unstructured, now string) error {
	last, _, _ := unstructured.NestedString(a.Object, "status", "lastHeartbeat")
	if t, err := time.Parse(time.RFC3339, last); err == nil && time.Since(t) < HeartbeatInterval {
		return nil
	}
	status, _, _ := unstructured.NestedMap(a.Object, "status")
	if status == nil {
		return nil
	}
	status["lastHeartbeat"] = now
	patch := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": a.GetAPIVersion(), "kind": a.GetKind(),
		"metadata": map[string]any{"name": a.GetName(), "namespace": a.GetNamespace()}, "status": status,
	}}
	_, err := s.client.Resource(s.opts.Agents.GVR(nil)).Namespace(meta.Namespace).ApplyStatus(ctx, a.GetName(), patch,
		metav1.ApplyOptions{FieldManager: AgentFieldManager, Force: true})
	return err
}

func condition(status, reason, message string, gen int64) map[string]any {
	return map[string]any{"type": "Applied", "status": status, "reason": reason, "message": message,
		"lastTransitionTime": time.Now().UTC().Format(time.RFC3339), "observedGeneration": gen}
}

type agentStatus struct {
	lastApplied, gen int64
	reason           string
}

// readAgentStatus reads what an Agent's status says about its generations.
func readAgentStatus(a *unstructured.Unstructured) agentStatus {
	var s agentStatus
	s.lastApplied, _, _ = unstructured.NestedInt64(a.Object, "status", "lastAppliedGen")
	conds, _, _ := unstructured.NestedSlice(a.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == "Applied" {
			s.reason, _ = m["reason"].(string)
			s.gen, _ = m["observedGeneration"].(int64)
		}
	}
	return s
}
