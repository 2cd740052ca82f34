package acctest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	hhagent "github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Witness tells what wait_for_applied saw. A read of the cluster after an
// apply cannot tell whether the apply waited for the switches: they may
// have applied the change since (the stand-in's take a fraction of a
// second). So the provider of a test talks to the API server through a
// proxy (Witness.Config) that keeps every Agent the provider received, and
// a check asks whether, among them, was the switch's Agent reporting the
// change applied: the provider can only have received it while it was still
// waiting, before its apply returned.
type Witness struct {
	proxy *FaultProxy

	mu     sync.Mutex
	bodies []*agentBody      // the answers to the provider's reads of Agents, in the order they began
	seen   map[string]string // what a check found carried last, by switch, field and name
}

type agentBody struct {
	gzipped bool
	buf     bytes.Buffer
}

// NewWitness starts a witness (its proxy) for one test.
func NewWitness(t *testing.T) *Witness {
	t.Helper()
	PreCheck(t)
	w := &Witness{proxy: NewFaultProxy(t, C.REST), seen: map[string]string{}}
	w.proxy.Answer = func(r *http.Response) {
		if r.Request.Method != http.MethodGet || !strings.Contains(r.Request.URL.Path, "/apis/"+hhagent.Agent.Group+"/") {
			return
		}
		b := &agentBody{gzipped: r.Header.Get("Content-Encoding") == "gzip"}
		w.mu.Lock()
		w.bodies = append(w.bodies, b)
		w.mu.Unlock()
		r.Body = &teeBody{ReadCloser: r.Body, w: w, to: b}
	}
	return w
}

// teeBody keeps what the provider reads of an answer.
type teeBody struct {
	io.ReadCloser
	w  *Witness
	to *agentBody
}

func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.w.mu.Lock()
	b.to.buf.Write(p[:n])
	b.w.mu.Unlock()
	return n, err
}

// Config is a configuration whose provider talks to the cluster through the
// witness.
func (w *Witness) Config(body string) string { return w.proxy.Provider() + "\n" + body }

// Provider is a provider block that talks to the cluster through the proxy,
// with extra lines inside it.
func (p *FaultProxy) Provider(extra ...string) string {
	return Terraform + fmt.Sprintf("\nprovider \"hedgehog\" {\n  host                   = %q\n  token                  = \"through-the-proxy\"\n"+
		"  cluster_ca_certificate = %q\n%s}\n", p.URL, p.CA, indent(extra))
}

// CarriedIn are the maps of an Agent's spec that carry objects, by kind
// (upstream's JSON names); "switch" is the switch's own spec.
var CarriedIn = map[string]*kinds.Kind{"switch": wiring.Switch, "connections": wiring.Connection,
	"vlanNamespaces": wiring.VLANNamespace, "vpcs": vpc.VPC, "vpcAttachments": vpc.VPCAttachment, "vpcPeers": vpc.VPCPeering,
	"externals": vpc.External, "externalAttachments": vpc.ExternalAttachment, "externalPeerings": vpc.ExternalPeering}

// Applied checks that the provider saw switch sw apply the object field/name
// (field "switch": the switch itself) as it is in the cluster now: it
// received the switch's Agent carrying it, then reporting a generation at or
// after that one applied. The step must have changed what the switch
// carries of the object (a wait for nothing proves nothing).
func (w *Witness) Applied(t *testing.T, sw, field, name string) error {
	t.Helper()
	k, ok := CarriedIn[field]
	if !ok {
		return fmt.Errorf("an Agent carries no %q", field)
	}
	if field == "switch" {
		name = sw
	}
	o := Object(t, k, meta.Namespace, name)
	if o == nil {
		return fmt.Errorf("%s %s is not in the cluster", k.Kind, name)
	}
	spec, _, _ := unstructured.NestedMap(o.Object, "spec")
	key := sw + " " + field + " " + name
	content, _ := json.Marshal(spec)
	w.mu.Lock()
	before, checked := w.seen[key]
	w.seen[key] = string(content)
	w.mu.Unlock()
	if checked && before == string(content) {
		return fmt.Errorf("%s %s is as it was at the last check: the step changed nothing switch %s carries of it, "+
			"so its wait had nothing to wait for", k.Kind, name, sw)
	}
	change, applied, last := AppliedIn(w.agents(sw), carrying(field, name, spec))
	switch {
	case change == 0:
		return fmt.Errorf("the provider never received the Agent of switch %s carrying %s %s as it is now", sw, k.Kind, name)
	case !applied:
		return fmt.Errorf("the provider received the Agent of switch %s carrying %s %s from generation %d on, but never reporting "+
			"it applied (the last generation it saw applied: %d): the apply returned before the switch had applied it",
			sw, k.Kind, name, change, last)
	}
	return nil
}

// Removed checks that the provider saw switch sw apply the removal of the
// object field/name: it received the switch's Agent without it, then
// reporting a generation at or after that one applied.
func (w *Witness) Removed(sw, field, name string) error {
	without := func(agentSpec map[string]any) bool {
		carried, _ := agentSpec[field].(map[string]any)
		_, ok := carried[name]
		return !ok
	}
	change, applied, last := AppliedIn(w.agents(sw), without)
	switch {
	case change == 0:
		return fmt.Errorf("the provider never received the Agent of switch %s without %s %s", sw, field, name)
	case !applied:
		return fmt.Errorf("the provider received the Agent of switch %s without %s %s from generation %d on, but never reporting "+
			"it applied (the last generation it saw applied: %d)", sw, field, name, change, last)
	}
	return nil
}

// FirstCarrying is the generation from which the provider saw switch sw
// carry the object field/name as it is now (0: it never did).
func (w *Witness) FirstCarrying(t *testing.T, sw, field, name string) int64 {
	t.Helper()
	if field == "switch" {
		name = sw
	}
	o := Object(t, CarriedIn[field], meta.Namespace, name)
	if o == nil {
		return 0
	}
	spec, _, _ := unstructured.NestedMap(o.Object, "spec")
	change, _, _ := AppliedIn(w.agents(sw), carrying(field, name, spec))
	return change
}

// carrying tells whether an Agent's spec carries the object field/name
// with this spec.
func carrying(field, name string, spec map[string]any) func(agentSpec map[string]any) bool {
	return func(agentSpec map[string]any) bool {
		carried, ok := agentSpec[field].(map[string]any)
		if ok && field != "switch" {
			carried, ok = carried[name].(map[string]any)
		}
		return ok && SameSpec(carried, spec) == nil
	}
}

// AppliedIn reads the versions of one Agent in the order the API server
// wrote them: change is the generation of the first version that carries a
// change (after the last that does not; 0 when the last version does not
// carry it), applied whether a version from then on reports a generation at
// or after it applied, last the last generation reported applied. A new
// Agent (another UID: the switch re-created) starts over.
func AppliedIn(versions []*unstructured.Unstructured, carries func(spec map[string]any) bool) (change int64, applied bool, last int64) {
	var uid string
	for _, v := range versions {
		if string(v.GetUID()) != uid {
			uid, change, applied = string(v.GetUID()), 0, false
		}
		last, _, _ = unstructured.NestedInt64(v.Object, "status", "lastAppliedGen")
		spec, _, _ := unstructured.NestedMap(v.Object, "spec")
		if !carries(spec) {
			change, applied = 0, false
			continue
		}
		if change == 0 {
			change = v.GetGeneration()
		}
		if last >= change {
			applied = true
		}
	}
	return change, applied, last
}

// agents are the versions of switch sw's Agent the provider received, in
// the order the API server wrote them (by resourceVersion, which on
// kube-apiserver is etcd's revision).
func (w *Witness) agents(sw string) []*unstructured.Unstructured {
	w.mu.Lock()
	var raw [][]byte
	var gzipped []bool
	for _, b := range w.bodies {
		raw = append(raw, bytes.Clone(b.buf.Bytes()))
		gzipped = append(gzipped, b.gzipped)
	}
	w.mu.Unlock()
	byVersion := map[uint64]*unstructured.Unstructured{}
	for i, body := range raw {
		if gzipped[i] {
			r, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				continue
			}
			body, _ = io.ReadAll(r) // a stream cut short: what came through
		}
		for _, u := range DecodeAgents(body) {
			rv, err := strconv.ParseUint(u.GetResourceVersion(), 10, 64)
			if u.GetName() == sw && err == nil {
				byVersion[rv] = u
			}
		}
	}
	versions := make([]uint64, 0, len(byVersion))
	for rv := range byVersion {
		versions = append(versions, rv)
	}
	slices.Sort(versions)
	out := make([]*unstructured.Unstructured, len(versions))
	for i, rv := range versions {
		out[i] = byVersion[rv]
	}
	return out
}

// DecodeAgents reads the objects in an answer to a read of Agents: an
// object, a list, or a watch's stream of events (a last event cut short is
// left out). Numbers are int64, as in the API server's objects.
func DecodeAgents(body []byte) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	d := json.NewDecoder(bytes.NewReader(body))
	for {
		var raw json.RawMessage
		var v map[string]any
		if d.Decode(&raw) != nil || utiljson.Unmarshal(raw, &v) != nil {
			return out
		}
		switch {
		case v["items"] != nil:
			items, _ := v["items"].([]any)
			for _, item := range items {
				if m, ok := item.(map[string]any); ok {
					out = append(out, &unstructured.Unstructured{Object: m})
				}
			}
		case v["type"] != nil && v["object"] != nil:
			if m, ok := v["object"].(map[string]any); ok && v["type"] != "BOOKMARK" && v["type"] != "ERROR" {
				out = append(out, &unstructured.Unstructured{Object: m})
			}
		case v["kind"] == hhagent.Agent.Kind:
			out = append(out, &unstructured.Unstructured{Object: v})
		}
	}
}

// SameSpec compares an object's spec with the copy an Agent carries, field
// by field: the copy may hold the object's fabric annotations beside them
// (upstream carries VPC attachments so).
func SameSpec(carried, spec map[string]any) error {
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
