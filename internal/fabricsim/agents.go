// The agent simulator: Hedgehog's fabric controller, which keeps one Agent
// per switch (agents_layout.go says what it carries), and the agent on each
// switch, which applies it and reports (agents_switch.go). Both are written
// from upstream's code, never from the provider's declarations: the
// provider's wait_for_applied is tested against them.

package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Annotations on a Switch that make its simulated agent misbehave.
const (
	// FailApplyAnnotation makes the agent fail to apply: "true" fails every
	// generation, "<field>/<name>" (such as "vpcAttachments/a1") every
	// generation whose Agent spec carries that object. A failing agent
	// behaves as upstream's does: it exits and starts again.
	FailApplyAnnotation = "fabricsim.hedgehog-terraform.github.io/fail-apply"
	// OfflineAnnotation ("true") makes the agent silent: the Agent exists,
	// but the switch never reports.
	OfflineAnnotation = "fabricsim.hedgehog-terraform.github.io/offline"
	// BusyAnnotation, a duration such as "100ms", stands for a fabric where
	// other changes keep reaching the switch: the controller raises the
	// Agent's generation that often (spec.fabricsimBusy counts).
	BusyAnnotation = "fabricsim.hedgehog-terraform.github.io/busy"
)

// HeartbeatInterval is how often an agent reports that it is alive
// (upstream's HeartbeatPeriod).
const HeartbeatInterval = 15 * time.Second

// SimulatedAgentVersion is the version the simulated agents report.
const SimulatedAgentVersion = "simulated"

// Field managers: the controller writes Agents, the switch agents their status.
const (
	ControllerFieldManager = "hedgehog-fabric-controller-simulator"
	AgentFieldManager      = "hedgehog-agent-simulator"
)

// AgentOptions tune the agent simulator.
type AgentOptions struct {
	Delay time.Duration // how long a switch takes to apply a generation (and to restart)
}

// carriedKinds are the kinds whose objects the controller reads.
var carriedKinds = []*kinds.Kind{wiring.Switch, wiring.Connection, wiring.SwitchProfile, wiring.VLANNamespace,
	vpc.VPC, vpc.VPCAttachment, vpc.VPCPeering, vpc.IPv4Namespace, vpc.External, vpc.ExternalAttachment, vpc.ExternalPeering}

// RunAgents simulates Hedgehog's fabric controller and switch agents until
// ctx ends.
func RunAgents(ctx context.Context, client dynamic.Interface, opts AgentOptions) error {
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(client, 0, meta.Namespace, nil)
	stores := map[*kinds.Kind]cache.Store{}
	queue := workqueue.NewTypedDelayingQueue[string]()
	defer queue.ShutDown()
	for _, k := range append([]*kinds.Kind{agent.Agent}, carriedKinds...) {
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
	s := &agentSim{client: client, opts: opts, stores: stores, agents: map[string]switchAgent{}}
	for {
		key, shutdown := queue.Get()
		if shutdown {
			return ctx.Err()
		}
		again, err := s.sync(ctx)
		if err != nil && (again <= 0 || again > time.Second) {
			again = time.Second
		}
		if again > 0 {
			queue.AddAfter(key, again)
		}
		queue.Done(key)
	}
}

type agentSim struct {
	client dynamic.Interface
	opts   AgentOptions
	stores map[*kinds.Kind]cache.Store
	agents map[string]switchAgent // by switch name
}

func (s *agentSim) list(k *kinds.Kind) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, obj := range s.stores[k].List() {
		if u, ok := obj.(*unstructured.Unstructured); ok {
			out = append(out, u)
		}
	}
	return out
}

// sync brings every Agent up to date, then moves every switch agent on; it
// returns when to look again.
func (s *agentSim) sync(ctx context.Context) (time.Duration, error) {
	w := fabricObjects{switches: s.list(wiring.Switch), connections: s.list(wiring.Connection),
		profiles: s.list(wiring.SwitchProfile), vlanNamespaces: s.list(wiring.VLANNamespace), vpcs: s.list(vpc.VPC),
		attachments: s.list(vpc.VPCAttachment), peerings: s.list(vpc.VPCPeering), ipv4Namespaces: s.list(vpc.IPv4Namespace),
		externals: s.list(vpc.External), extAttachments: s.list(vpc.ExternalAttachment), extPeers: s.list(vpc.ExternalPeering)}
	api := s.client.Resource(agent.Agent.GVR(nil)).Namespace(meta.Namespace)
	var again time.Duration
	soonest := func(d time.Duration) {
		if d > 0 && (again == 0 || d < again) {
			again = d
		}
	}
	var errs []error // one switch's failure must not hold up the others
	present := map[string]bool{}
	for _, sw := range w.switches {
		present[sw.GetName()] = true
		if sw.GetDeletionTimestamp() != nil {
			continue // the Agent goes with the switch (garbage collection)
		}
		name := sw.GetName()
		cur := s.agent(name)
		spec, err := agentSpec(sw, w)
		if err == nil {
			spec, err = s.busy(sw, spec, soonest)
		}
		// The controller rewrites an Agent whose spec changed; a switch it
		// refuses to reconcile keeps the Agent it has.
		if err == nil && (cur == nil || !equality.Semantic.DeepEqual(Spec(cur), spec)) {
			if cur, err = api.Apply(ctx, name, desiredAgent(sw, spec), metav1.ApplyOptions{FieldManager: ControllerFieldManager,
				Force: true}); err != nil {
				errs = append(errs, fmt.Errorf("agent %s: %w", name, err))
				continue
			}
		}
		if cur == nil {
			continue
		}
		d, err := s.runAgent(ctx, cur, sw)
		if err != nil {
			errs = append(errs, fmt.Errorf("agent %s: %w", name, err))
		}
		soonest(d)
	}
	for name := range s.agents {
		if !present[name] {
			delete(s.agents, name) // the switch is gone, and its agent with it
		}
	}
	return again, errors.Join(errs...)
}

func (s *agentSim) agent(name string) *unstructured.Unstructured {
	obj, ok, _ := s.stores[agent.Agent].GetByKey(meta.Namespace + "/" + name)
	if !ok {
		return nil
	}
	u, _ := obj.(*unstructured.Unstructured)
	return u
}

// busy stands for other changes reaching a switch with BusyAnnotation.
func (s *agentSim) busy(sw *unstructured.Unstructured, spec map[string]any, soonest func(time.Duration)) (map[string]any, error) {
	v, ok := sw.GetAnnotations()[BusyAnnotation]
	if !ok {
		return spec, nil
	}
	every, err := time.ParseDuration(v)
	if err != nil || every <= 0 {
		return nil, fmt.Errorf("annotation %s: %q is not a duration", BusyAnnotation, v)
	}
	spec["fabricsimBusy"] = time.Now().UnixNano() / int64(every)
	soonest(every)
	return spec, nil
}

// desiredAgent is the Agent the controller writes for a switch: named after
// it, owned by it (deleted with it), with its labels and its Hedgehog
// annotations.
func desiredAgent(sw *unstructured.Unstructured, spec map[string]any) *unstructured.Unstructured {
	annotations := map[string]any{}
	for k, v := range sw.GetAnnotations() {
		if strings.Contains(k, "githedgehog.com/") {
			annotations[k] = v
		}
	}
	labels := map[string]any{}
	for k, v := range sw.GetLabels() {
		labels[k] = v
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": agent.Agent.APIVersion(nil), "kind": agent.Agent.Kind,
		"metadata": map[string]any{"name": sw.GetName(), "namespace": meta.Namespace, "labels": labels, "annotations": annotations,
			"ownerReferences": []any{map[string]any{"apiVersion": sw.GetAPIVersion(), "kind": sw.GetKind(), "name": sw.GetName(),
				"uid": string(sw.GetUID())}}},
		"spec": spec,
	}}
}

// runAgent moves the switch agent of Agent a on, writing what it reports.
func (s *agentSim) runAgent(ctx context.Context, a, sw *unstructured.Unstructured) (time.Duration, error) {
	if sw.GetAnnotations()[OfflineAnnotation] == "true" {
		return 0, nil
	}
	step := s.agents[sw.GetName()].step(a, time.Now(), s.opts.Delay, failsToApply(sw.GetAnnotations()[FailApplyAnnotation]))
	// After a write, the Agent's update event brings the next step.
	if step.write != nil {
		patch := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": a.GetAPIVersion(), "kind": a.GetKind(),
			"metadata": map[string]any{"name": a.GetName(), "namespace": a.GetNamespace()}, "status": step.write,
		}}
		if _, err := s.client.Resource(agent.Agent.GVR(nil)).Namespace(meta.Namespace).ApplyStatus(ctx, a.GetName(), patch,
			metav1.ApplyOptions{FieldManager: AgentFieldManager, Force: true}); err != nil {
			return 0, err // the agent did not get to report: the step is taken again
		}
	}
	s.agents[sw.GetName()] = step.next
	return step.again, nil
}
