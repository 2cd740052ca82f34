package provider_test

// wait_for_applied against the stand-in's agent simulator, which builds
// each switch's Agent as Hedgehog's controller does and reports as
// Hedgehog's switch agent does (internal/fabricsim/agents*.go). Longer than
// most files: one test per behaviour of the wait, and the checks of what an
// Agent carries that the other wait tests share.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// carriedIn are the maps of an Agent's spec that carry objects, by kind
// (upstream's JSON names).
var carriedIn = map[string]*kinds.Kind{"connections": wiring.Connection, "vlanNamespaces": wiring.VLANNamespace,
	"vpcs": vpc.VPC, "vpcAttachments": vpc.VPCAttachment, "vpcPeers": vpc.VPCPeering, "externals": vpc.External,
	"externalAttachments": vpc.ExternalAttachment, "externalPeerings": vpc.ExternalPeering}

// agentCarries checks that a switch's Agent carries an object as it is in
// the cluster now, and that the switch has applied the Agent's generation.
func agentCarries(t *testing.T, sw, field, name string) error {
	a := acctest.Object(t, agent.Agent, "default", sw)
	if a == nil {
		return fmt.Errorf("switch %s has no Agent", sw)
	}
	o := acctest.Object(t, carriedIn[field], "default", name)
	if o == nil {
		return fmt.Errorf("%s %s is not in the cluster", carriedIn[field].Kind, name)
	}
	carried, ok, _ := unstructured.NestedMap(a.Object, "spec", field, name)
	if !ok {
		return fmt.Errorf("agent %s does not carry %s %s", sw, field, name)
	}
	if err := sameSpec(carried, o); err != nil {
		return fmt.Errorf("agent %s carries %s %s: %w", sw, field, name, err)
	}
	return appliedCurrent(a)
}

// agentApplied checks that a switch's Agent carries the switch as it is now
// (spec.switch) and that the switch has applied the Agent's generation.
func agentApplied(t *testing.T, name string) error {
	a := acctest.Object(t, agent.Agent, "default", name)
	if a == nil {
		return fmt.Errorf("switch %s has no Agent", name)
	}
	own, _, _ := unstructured.NestedMap(a.Object, "spec", "switch")
	if err := sameSpec(own, acctest.Object(t, wiring.Switch, "default", name)); err != nil {
		return fmt.Errorf("agent %s: spec.switch: %w", name, err)
	}
	return appliedCurrent(a)
}

// appliedCurrent checks that the switch applies the generation its Agent
// has now. Every switch carries every IPv4Namespace and External, so other
// tests' objects raise the generation too: the check waits (a watch, at most
// 30 s) for the switch to get there. That the provider's wait itself waited
// is what the timeout tests show (a silent switch fails the apply).
func appliedCurrent(a *unstructured.Unstructured) error {
	target := a.GetGeneration()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	api := acctest.C.Dynamic.Resource(agent.Agent.GVR(nil)).Namespace("default")
	sel := fields.OneTermEqualSelector("metadata.name", a.GetName()).String()
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.FieldSelector = sel
			return api.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.FieldSelector = sel
			return api.Watch(ctx, o)
		},
	}
	var applied int64
	caughtUp := func(obj any) bool {
		u, ok := obj.(*unstructured.Unstructured)
		if ok {
			applied, _, _ = unstructured.NestedInt64(u.Object, "status", "lastAppliedGen")
		}
		return applied >= target
	}
	_, err := watchtools.UntilWithSync(ctx, lw, &unstructured.Unstructured{}, func(store cache.Store) (bool, error) {
		for _, obj := range store.List() {
			return caughtUp(obj), nil
		}
		return false, nil
	}, func(ev watch.Event) (bool, error) { return caughtUp(ev.Object), nil })
	if err != nil {
		return fmt.Errorf("agent %s applied generation %d, not %d (%v)", a.GetName(), applied, target, err)
	}
	return nil
}

// sameSpec compares a carried copy with the object's spec, field by field;
// the copy may hold the object's fabric annotations beside them.
func sameSpec(carried map[string]any, o *unstructured.Unstructured) error {
	spec, _, _ := unstructured.NestedMap(o.Object, "spec")
	for k, v := range spec {
		if !kinds.Equivalent(carried[k], v) {
			return fmt.Errorf("%s is %v, the object's is %v", k, carried[k], v)
		}
	}
	for k := range carried {
		if _, ok := spec[k]; !ok && k != "annotations" && !kinds.Equivalent(carried[k], nil) {
			return fmt.Errorf("it has %s = %v, which the object does not", k, carried[k])
		}
	}
	return nil
}

// A switch created before its connections, the usual order, finishes its
// wait: its Agent carries it in spec.switch, and spec.switches (the switches
// at the ends of its connections) stays empty until it has one.
func TestAccWait_switchBeforeItsConnections(t *testing.T) {
	acctest.PreCheck(t)
	nsName, server, conn := acctest.HedgehogName("vl"), acctest.HedgehogName("srv"), acctest.HedgehogName("c")
	leaf := newLeaf("leaf")
	alone := vlanNamespaceHCL(nsName) + leaf.hcl(`wait_for_applied = true`, `timeouts = { create = "45s" }`)
	connected := alone + fmt.Sprintf(`
resource "hedgehog_server" "srv" {
  name = %q
}

resource "hedgehog_connection" "c" {
  name             = %q
  unbundled        = { link = { server = { port = %s }, switch = { port = %s } } }
  wait_for_applied = true
  timeouts         = { create = "45s" }
}
`, server, conn, port("hedgehog_server.srv", "enp2s1"), port(leaf.addr(), "E1/2"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, wiring.Switch, leaf.name),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(alone),
				Check: func(*terraform.State) error {
					a := acctest.Object(t, agent.Agent, "default", leaf.name)
					if _, ok := a.Object["spec"].(map[string]any)["switches"]; ok {
						return fmt.Errorf("a switch without connections has neighbours: %v", a.Object["spec"])
					}
					return agentApplied(t, leaf.name)
				},
			},
			{
				Config: acctest.Config(connected),
				Check: func(*terraform.State) error {
					a := acctest.Object(t, agent.Agent, "default", leaf.name)
					if _, ok, _ := unstructured.NestedMap(a.Object, "spec", "switches", leaf.name); !ok {
						return fmt.Errorf("with a connection, the switch is among its own neighbours: %v", a.Object["spec"])
					}
					return expectAll(agentApplied(t, leaf.name), agentCarries(t, leaf.name, "connections", conn))
				},
			},
		},
	})
}

// waitLab is a leaf with a server on E1/2, a VPC and an attachment to it.
type waitLab struct {
	vpcLab
	leaf                    labSwitch
	server, conn, vpc, name string
}

func newWaitLab() waitLab {
	return waitLab{vpcLab: newVPCLab(), leaf: newLeaf("leaf"), server: acctest.HedgehogName("srv"),
		conn: acctest.HedgehogName("c"), vpc: acctest.HedgehogName("vpc"), name: acctest.HedgehogName("att")}
}

// hcl is the lab; leaf lines go to the switch, attachment lines (nil: no
// attachment) to the attachment.
func (l waitLab) hcl(leaf []string, attachment ...string) string {
	out := l.vpcLab.hcl() + l.leaf.hcl(leaf...) + fmt.Sprintf(`
resource "hedgehog_server" "srv" {
  name = %q
}

resource "hedgehog_connection" "c" {
  name      = %q
  unbundled = { link = { server = { port = %s }, switch = { port = %s } } }
}
`, l.server, l.conn, port("hedgehog_server.srv", "enp2s1"), port(l.leaf.addr(), "E1/2")) + vpcHCL("v", l.vpc, twoSubnets)
	if attachment != nil {
		out += vpcAttachmentHCL("a", l.name, `"${hedgehog_vpc.v.name}/web"`, "hedgehog_connection.c.name", attachment...)
	}
	return acctest.Config(out)
}

func (l waitLab) gone(t *testing.T) func(*terraform.State) error {
	return func(s *terraform.State) error {
		return expectAll(acctest.Gone(t, vpc.VPCAttachment, l.name)(s), acctest.Gone(t, vpc.VPC, l.vpc)(s),
			acctest.Gone(t, wiring.Switch, l.leaf.name)(s))
	}
}

// Hedgehog carries a VPC attachment with its fabric annotations beside its
// spec: the wait compares the object's own fields, and finishes.
func TestAccWait_attachmentWithAnnotations(t *testing.T) {
	acctest.PreCheck(t)
	l := newWaitLab()
	const p2p = "fabric.githedgehog.com/p2p-link"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t),
		Steps: []resource.TestStep{
			{Config: l.hcl(nil, "native_vlan = false")},
			{
				// Someone else annotates the attachment; then it changes,
				// and the wait follows the change.
				PreConfig: func() {
					if err := acctest.Patch(vpc.VPCAttachment, "default", l.name, "test-annotate",
						map[string]any{"metadata": map[string]any{"annotations": map[string]any{p2p: "10.99.0.0/31"}}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: l.hcl(nil, "native_vlan = true", "wait_for_applied = true", `timeouts = { update = "45s" }`),
				Check: func(*terraform.State) error {
					return expectAll(agentCarries(t, l.leaf.name, "vpcAttachments", l.name),
						agentCarriesValue(t, l.leaf.name, "10.99.0.0/31", "vpcAttachments", l.name, "annotations", p2p),
						agentCarriesValue(t, l.leaf.name, true, "vpcAttachments", l.name, "nativeVLAN"))
				},
			},
		},
	})
}

// A switch that fails to apply the generation with the change fails the
// wait at once, with the agent's last word; that failure, now stale, does
// not fail the next wait (the attachment's removal).
func TestAccWait_failureCountsForItsGenerationOnly(t *testing.T) {
	acctest.PreCheck(t)
	l := newWaitLab()
	failing := fmt.Sprintf(`annotations = { %q = "vpcAttachments/%s" }`, fabricsim.FailApplyAnnotation, l.name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t),
		Steps: []resource.TestStep{
			{
				Config: l.hcl([]string{failing}, "wait_for_applied = true", `timeouts = { create = "2m", delete = "45s" }`),
				ExpectError: acctest.Error("VPCAttachment Not Applied", "VPCAttachment "+l.name+": switch "+l.leaf.name,
					"failed to apply the change", "stopped while applying generation", "restarted",
					"Config will be applied, gen=", "stays in the state"),
			},
			{
				// The switch keeps failing the generation that carries the
				// attachment; its removal is a later generation, which it
				// applies.
				Config: l.hcl([]string{failing}),
				Check: func(*terraform.State) error {
					a := acctest.Object(t, agent.Agent, "default", l.leaf.name)
					if _, ok, _ := unstructured.NestedMap(a.Object, "spec", "vpcAttachments", l.name); ok {
						return fmt.Errorf("agent %s still carries the attachment", l.leaf.name)
					}
					return appliedCurrent(a)
				},
			},
		},
	})
}

// On a busy fabric the Agent's generation never stops rising: the wait ends
// once the switch has applied a generation at or after the change's.
func TestAccWait_busyFabric(t *testing.T) {
	acctest.PreCheck(t)
	nsName := acctest.HedgehogName("vl")
	leaf := newLeaf("leaf")
	busy := fmt.Sprintf(`annotations = { %q = "100ms" }`, fabricsim.BusyAnnotation)
	var before int64
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, wiring.Switch, leaf.name),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(vlanNamespaceHCL(nsName) + leaf.hcl(busy, `description = "before"`)),
				Check: func(*terraform.State) error {
					if a := acctest.Object(t, agent.Agent, "default", leaf.name); a != nil {
						before = a.GetGeneration()
					}
					return nil
				},
			},
			{
				Config: acctest.Config(vlanNamespaceHCL(nsName) + leaf.hcl(busy, `description = "after"`, `wait_for_applied = true`,
					`timeouts = { update = "45s" }`)),
				Check: func(*terraform.State) error {
					a := acctest.Object(t, agent.Agent, "default", leaf.name)
					own, _, _ := unstructured.NestedMap(a.Object, "spec", "switch")
					applied, _, _ := unstructured.NestedInt64(a.Object, "status", "lastAppliedGen")
					switch {
					case own["description"] != "after":
						return fmt.Errorf("agent %s carries %v", leaf.name, own)
					case a.GetGeneration()-before < 5:
						return fmt.Errorf("the fabric was not busy: generation %d, then %d", before, a.GetGeneration())
					case applied <= before:
						return fmt.Errorf("agent %s applied generation %d, not past %d", leaf.name, applied, before)
					}
					return nil
				},
			},
		},
	})
}

// An Agent deleted while the wait follows it (the switch removed or
// renamed) ends the wait at once, naming the switch.
func TestAccWait_agentDeleted(t *testing.T) {
	acctest.PreCheck(t)
	nsName := acctest.HedgehogName("vl")
	leaf := newLeaf("leaf")
	offline := fmt.Sprintf(`annotations = { %q = "true" }`, fabricsim.OfflineAnnotation)
	proxy := acctest.NewFaultProxy(t, acctest.C.REST)
	var armed atomic.Bool
	var once sync.Once
	var deleted error
	var started time.Time
	// Once the provider has read the switch's Agent (the first bytes of its
	// list or watch of it), the Agent is deleted; the simulated controller
	// re-creates it, as Hedgehog's does.
	proxy.Answer = func(r *http.Response) {
		q := r.Request.URL.Query()
		if !armed.Load() || r.Request.Method != http.MethodGet || !strings.HasSuffix(r.Request.URL.Path, "/agents") ||
			!strings.Contains(q.Get("fieldSelector"), leaf.name) {
			return
		}
		r.Body = &onFirstRead{ReadCloser: r.Body, do: func() {
			once.Do(func() {
				deleted = acctest.C.Dynamic.Resource(agent.Agent.GVR(nil)).Namespace("default").Delete(context.Background(),
					leaf.name, metav1.DeleteOptions{})
			})
		}}
	}
	cfg := func(lines ...string) string {
		return proxied(proxy) + vlanNamespaceHCL(nsName) + leaf.hcl(lines...)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, wiring.Switch, leaf.name),
		Steps: []resource.TestStep{
			{Config: cfg(offline, `description = "before"`)},
			{
				PreConfig: func() { started = time.Now(); armed.Store(true) },
				Config:    cfg(offline, `description = "after"`, `wait_for_applied = true`, `timeouts = { update = "2m" }`),
				ExpectError: acctest.Error("Switch Agent Gone", "While waiting for switch "+leaf.name+" to apply the change to Switch",
					"its Agent disappeared", "deleted or renamed"),
			},
			{
				PreConfig: func() {
					if deleted != nil {
						t.Fatalf("deleting the Agent: %v", deleted)
					}
					if d := time.Since(started); d > time.Minute {
						t.Errorf("the wait ended %s after the Agent was deleted, not at once", d)
					}
					armed.Store(false)
				},
				Config: cfg(`description = "after"`),
			},
		},
	})
}

// onFirstRead runs do once the first bytes of a body have been read.
type onFirstRead struct {
	io.ReadCloser
	do   func()
	done bool
}

func (b *onFirstRead) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 && !b.done {
		b.done = true
		b.do()
	}
	return n, err
}
