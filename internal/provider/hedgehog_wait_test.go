package provider_test

// wait_for_applied against the stand-in's agent simulator, which builds
// each switch's Agent as Hedgehog's controller does and reports as
// Hedgehog's switch agent does (internal/fabricsim/agents*.go). Longer than
// most files: one test per behaviour of the wait. What the provider saw of
// the Agents while it waited, the checks read from acctest.Witness.

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

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

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
	w := acctest.NewWitness(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, wiring.Switch, leaf.name),
		Steps: []resource.TestStep{
			{
				Config: w.Config(alone),
				Check: func(*terraform.State) error {
					a := acctest.Object(t, agent.Agent, "default", leaf.name)
					if _, ok := a.Object["spec"].(map[string]any)["switches"]; ok {
						return fmt.Errorf("a switch without connections has neighbours: %v", a.Object["spec"])
					}
					return w.Applied(t, leaf.name, "switch", "")
				},
			},
			{
				Config: w.Config(connected),
				Check: func(*terraform.State) error {
					a := acctest.Object(t, agent.Agent, "default", leaf.name)
					if _, ok, _ := unstructured.NestedMap(a.Object, "spec", "switches", leaf.name); !ok {
						return fmt.Errorf("with a connection, the switch is among its own neighbours: %v", a.Object["spec"])
					}
					return w.Applied(t, leaf.name, "connections", conn)
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

// hcl is the lab's resources; leaf lines go to the switch, attachment lines
// (nil: no attachment) to the attachment.
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
	return out
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
	w := acctest.NewWitness(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t),
		Steps: []resource.TestStep{
			{Config: w.Config(l.hcl(nil, "native_vlan = false"))},
			{
				// Someone else annotates the attachment; then it changes,
				// and the wait follows the change.
				PreConfig: func() {
					if err := acctest.Patch(vpc.VPCAttachment, "default", l.name, "test-annotate",
						map[string]any{"metadata": map[string]any{"annotations": map[string]any{p2p: "10.99.0.0/31"}}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: w.Config(l.hcl(nil, "native_vlan = true", "wait_for_applied = true", `timeouts = { update = "45s" }`)),
				Check: func(*terraform.State) error {
					return expectAll(w.Applied(t, l.leaf.name, "vpcAttachments", l.name),
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
	w := acctest.NewWitness(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             l.gone(t),
		Steps: []resource.TestStep{
			{
				Config: w.Config(l.hcl([]string{failing}, "wait_for_applied = true", `timeouts = { create = "2m", delete = "45s" }`)),
				ExpectError: acctest.Error("VPCAttachment Not Applied", "VPCAttachment "+l.name+": switch "+l.leaf.name,
					"failed to apply the change", "stopped while applying generation", "restarted",
					"Config will be applied, gen=", "stays in the state"),
			},
			{
				// The switch keeps failing the generation that carries the
				// attachment; its removal is a later generation, which it
				// applies, and the destroy's wait saw it applied.
				Config: w.Config(l.hcl([]string{failing})),
				Check: func(*terraform.State) error {
					a := acctest.Object(t, agent.Agent, "default", l.leaf.name)
					if _, ok, _ := unstructured.NestedMap(a.Object, "spec", "vpcAttachments", l.name); ok {
						return fmt.Errorf("agent %s still carries the attachment", l.leaf.name)
					}
					return w.Removed(l.leaf.name, "vpcAttachments", l.name)
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
	w := acctest.NewWitness(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, wiring.Switch, leaf.name),
		Steps: []resource.TestStep{
			{
				Config: w.Config(vlanNamespaceHCL(nsName) + leaf.hcl(busy, `description = "before"`)),
				Check: func(*terraform.State) error {
					if a := acctest.Object(t, agent.Agent, "default", leaf.name); a != nil {
						before = a.GetGeneration()
					}
					return nil
				},
			},
			{
				Config: w.Config(vlanNamespaceHCL(nsName) + leaf.hcl(busy, `description = "after"`, `wait_for_applied = true`,
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
					return w.Applied(t, leaf.name, "switch", "")
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
