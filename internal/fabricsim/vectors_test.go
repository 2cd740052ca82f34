// Hedgehog's own verdicts (the vectors: what githedgehog/fabric's webhook
// code answered for these objects) held against both readings of Hedgehog
// in this project: the stand-in's webhook and the provider's declarations.
// A wrong reading in either shows up here, against upstream, not against
// the other. The cases live in vectors_*_test.go; this is the harness.

package fabricsim

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"sigs.k8s.io/yaml"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
)

// vector is one of upstream's validation verdicts.
type vector struct {
	id     string
	object string // the request
	old    string // the object an update replaces
	// fabric is the fabric configuration (YAML, upstream's names) over an
	// empty one.
	fabric string
	// cluster are the objects the cluster holds; with none, upstream judged
	// without a cluster client (the rules that read other objects skipped).
	cluster  []string
	profiles bool   // the built-in switch profiles are in the cluster too
	want     string // upstream's denial, "" when it admitted the object
	// vlab is upstream's denial on its virtual lab, where it differs from
	// want; several are each possible (upstream names ports in map order).
	vlab []string
	// plan says why the provider's plan-time rules cannot see the denial:
	// "cluster" (it reads other objects), "fabric" (the fabric
	// configuration) or "update" (it compares with the stored object).
	plan string
}

// defaultsVector is one of upstream's mutating-webhook results.
type defaultsVector struct {
	id, object, fabric string
	cluster            []string
	spec, labels       string // what upstream stored
	want               string // its validation's denial
}

// apiVersion is the API version of a Hedgehog kind.
func apiVersion(kind string) string {
	for _, k := range hedgehog.Kinds() {
		if k.Kind == kind {
			return k.Group + "/" + k.Version
		}
	}
	return ""
}

// kobj writes an object of a Hedgehog kind (spec in YAML flow style).
func kobj(kind, name, spec string) string { return kobjMeta(kind, name, "{}", spec) }

func kobjMeta(kind, name, labels, spec string) string {
	return fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata: {name: %s, namespace: default, labels: %s}\nspec: %s", apiVersion(kind),
		kind, name, labels, spec)
}

// fabricFrom reads a fabric configuration over base.
func fabricFrom(t *testing.T, base FabricConfig, text string) FabricConfig {
	t.Helper()
	base = base.Clone()
	if text != "" {
		if err := yaml.UnmarshalStrict([]byte(text), &base); err != nil {
			t.Fatalf("fabric configuration %s: %v", text, err)
		}
	}
	return base
}

// clusterOf is the stand-in on a fake cluster holding objects (each stored
// as the webhook would have stored it); nil objects: no cluster at all.
func clusterOf(t *testing.T, fabric FabricConfig, objects []string) (*Hedgehog, *dynamicfake.FakeDynamicClient) {
	t.Helper()
	if objects == nil {
		return NewHedgehog(nil, fabric), nil
	}
	lists := map[schema.GroupVersionResource]string{}
	for _, k := range hedgehog.Kinds() {
		lists[k.GVR(nil)] = k.Kind + "List"
	}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), lists)
	h := NewHedgehog(client, fabric)
	for _, text := range objects {
		u := object(t, text)
		if err := h.Mutate(context.Background(), admissionv1.Create, u); err != nil {
			t.Fatal(err)
		}
		api := client.Resource(h.store.kinds[u.GetKind()].GVR(nil)).Namespace(meta.Namespace)
		if _, err := api.Get(context.Background(), u.GetName(), metav1.GetOptions{}); err == nil {
			if _, err := api.Update(context.Background(), u, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := api.Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	client.ClearActions()
	return h, client
}

// cachedClusterOf is clusterOf with the webhook reading the objects from
// informers (StandInOptions.CachedReads), once they have listed them.
func cachedClusterOf(t *testing.T, fabric FabricConfig, objects []string) (*Hedgehog, *dynamicfake.FakeDynamicClient) {
	t.Helper()
	h, client := clusterOf(t, fabric, objects)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := h.store.useInformers(ctx); err != nil {
		t.Fatal(err)
	}
	client.ClearActions()
	return h, client
}

// builtinProfiles are the built-in switch profiles as cluster objects.
func builtinProfiles() []string {
	var out []string
	for _, name := range meta.SortedKeys(toAny(BuiltinSwitchProfiles())) {
		out = append(out, builtinProfile(name))
	}
	return out
}

// verdict runs the stand-in's mutating and validating webhooks on a request
// (an update when old is set) and returns the denial and the object as the
// webhook leaves it.
func verdict(t *testing.T, h *Hedgehog, text, old string) (string, []string, *unstructured.Unstructured) {
	t.Helper()
	u := object(t, text)
	op, prior := admissionv1.Create, (*unstructured.Unstructured)(nil)
	if old != "" {
		op, prior = admissionv1.Update, object(t, old)
		if err := h.Mutate(context.Background(), admissionv1.Create, prior); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Mutate(context.Background(), op, u); err != nil {
		t.Fatal(err)
	}
	warnings, err := h.ValidateWithWarnings(context.Background(), op, u, prior)
	return errText(err), warnings, u
}

// declaration is the provider's declaration of a kind.
func declaration(t *testing.T, kind string) *kinds.Kind {
	t.Helper()
	for _, k := range hedgehog.Kinds() {
		if k.Kind == kind {
			return k
		}
	}
	t.Fatalf("no declaration of %s", kind)
	return nil
}

// planVerdict is the provider's plan-time verdict on a request: the first
// of its rules broken that the API has too (plan-only rules set aside).
func planVerdict(t *testing.T, u *unstructured.Unstructured) string {
	t.Helper()
	k := declaration(t, u.GetKind())
	if k.Check == nil {
		return ""
	}
	spec := Spec(u.DeepCopy())
	for _, p := range k.Check(u.GetName(), spec) {
		if !p.PlanOnly {
			return p.Message
		}
	}
	return ""
}

// unprefixed is upstream's denial without its webhook's prefix (what the
// provider's rules say).
func unprefixed(kind, message string) string {
	for _, b := range Behaviours {
		if b.Kind.Kind == kind {
			return strings.TrimPrefix(message, b.Prefix+": ")
		}
	}
	return message
}

// vlabObjects are the parts of Hedgehog's virtual lab that its verdicts
// depend on: the default namespaces, an ESLAG pair of leaves with a spine,
// and a server multi-homed to the pair.
var vlabObjects = []string{
	kobj("VLANNamespace", "default", `{ranges: [{from: 1000, to: 2999}]}`),
	kobj("IPv4Namespace", "default", `{subnets: [10.0.0.0/16]}`),
	kobj("SwitchGroup", "eslag-1", `{}`),
	kobj("Switch", "spine-01", `{role: spine, profile: vs, asn: 65100, ip: 172.30.0.7/21, protocolIP: 172.30.8.0/32}`),
	kobj("Switch", "leaf-01", `{role: server-leaf, profile: vs, asn: 65101, ip: 172.30.0.8/21, vtepIP: 172.30.12.0/32, `+
		`protocolIP: 172.30.8.2/32, redundancy: {group: eslag-1, type: eslag}}`),
	kobj("Switch", "leaf-02", `{role: server-leaf, profile: vs, asn: 65102, ip: 172.30.0.9/21, vtepIP: 172.30.12.1/32, `+
		`protocolIP: 172.30.8.3/32, redundancy: {group: eslag-1, type: eslag}}`),
	kobj("Server", "server-01", `{}`),
	kobj("Connection", "server-01--eslag--leaf-01--leaf-02", `{eslag: {links: [`+
		`{server: {port: server-01/enp2s1}, switch: {port: leaf-01/E1/1}}, {server: {port: server-01/enp2s2}, switch: {port: leaf-02/E1/1}}]}}`),
}

func runVectors(t *testing.T, vectors []vector) {
	for _, v := range vectors {
		t.Run(v.id, func(t *testing.T) {
			fabric := fabricFrom(t, FabricConfig{}, v.fabric)
			cluster := v.cluster
			if v.profiles {
				cluster = append(slices.Clone(cluster), builtinProfiles()...)
			}
			h, client := clusterOf(t, fabric, cluster)
			got, warnings, _ := verdict(t, h, v.object, v.old)
			if got != v.want {
				t.Errorf("stand-in: %q\n      upstream: %q", got, v.want)
			}
			if len(warnings) > 0 {
				t.Errorf("stand-in warns %q, upstream did not", warnings)
			}
			if client != nil {
				readOnly(t, client)
				// The same cluster read from informers, as the benchmarks'
				// stand-in reads it: the same verdict, and no LIST reaches
				// the API server.
				cached, cachedClient := cachedClusterOf(t, fabric, cluster)
				if got, _, _ := verdict(t, cached, v.object, v.old); got != v.want {
					t.Errorf("stand-in reading informers: %q\n      upstream: %q", got, v.want)
				}
				for _, a := range cachedClient.Actions() {
					if a.GetVerb() != "get" {
						t.Errorf("the stand-in reading informers sent a %s of %s", a.GetVerb(), a.GetResource().Resource)
					}
				}
			}
			// The virtual lab: its fabric configuration under the vector's,
			// its objects beside (and under) the vector's.
			lab, _ := clusterOf(t, fabricFrom(t, DefaultFabricConfig, v.fabric),
				slices.Concat(builtinProfiles(), vlabObjects, v.cluster))
			vlab := v.vlab
			if vlab == nil {
				vlab = []string{v.want}
			}
			if got, _, _ := verdict(t, lab, v.object, v.old); !slices.Contains(vlab, got) {
				t.Errorf("stand-in on the virtual lab: %q\n      upstream: %q", got, vlab)
			}
			u := object(t, v.object)
			want := unprefixed(u.GetKind(), v.want)
			switch v.plan {
			case "update":
				return // the provider checks one object, not a change: see TestVectorUpdatesAtPlan
			case "cluster", "fabric":
				want = ""
			}
			if got := planVerdict(t, u); got != want {
				t.Errorf("provider's plan: %q\n      upstream: %q", got, want)
			}
		})
	}
}

// readOnly fails when the webhook wrote to the cluster: it must never,
// since it answers dry-run requests too.
func readOnly(t *testing.T, client *dynamicfake.FakeDynamicClient) {
	t.Helper()
	for _, a := range client.Actions() {
		if v := a.GetVerb(); v != "get" && v != "list" {
			t.Errorf("the webhook wrote to the cluster: %s %s", v, a.GetResource().Resource)
		}
	}
}

func runDefaultsVectors(t *testing.T, vectors []defaultsVector) {
	for _, v := range vectors {
		t.Run(v.id, func(t *testing.T) {
			fabric := fabricFrom(t, FabricConfig{}, v.fabric)
			var cluster []string
			if v.cluster != nil {
				cluster = append(slices.Clone(v.cluster), builtinProfiles()...)
			}
			h, _ := clusterOf(t, fabric, cluster)
			got, _, stored := verdict(t, h, v.object, "")
			if got != v.want {
				t.Errorf("stand-in: %q\n      upstream: %q", got, v.want)
			}
			sameJSON(t, "stand-in's stored spec", Spec(stored), kindtest.Spec(t, v.spec))
			labels := map[string]any{}
			for k, l := range stored.GetLabels() {
				labels[k] = l
			}
			sameJSON(t, "stand-in's stored labels", labels, kindtest.Spec(t, v.labels))
			u := object(t, v.object)
			if k := declaration(t, u.GetKind()); k.Default != nil {
				spec := Spec(u.DeepCopy())
				k.Default(spec)
				sameJSON(t, "provider's predicted spec", spec, kindtest.Spec(t, v.spec))
			} else {
				sameJSON(t, "provider's predicted spec (no defaults)", Spec(u), kindtest.Spec(t, v.spec))
			}
			if got := planVerdict(t, u); got != unprefixed(u.GetKind(), v.want) {
				t.Errorf("provider's plan: %q\n      upstream: %q", got, v.want)
			}
		})
	}
}

func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s:\n   got %s\n  want %s", what, g, w)
	}
}

// manySubnets is a VPC spec with n subnets (10.0.1.0/24 "default" with VLAN
// 100, then sub0... on the next /24s with VLANs from 200).
func manySubnets(n int) string {
	parts := []string{"default: {subnet: 10.0.1.0/24, gateway: 10.0.1.1, vlan: 100}"}
	for i := 0; i < n-1; i++ {
		parts = append(parts, fmt.Sprintf("sub%d: {subnet: 10.0.%d.0/24, gateway: 10.0.%d.1, vlan: %d}", i, i+2, i+2, 200+i))
	}
	return "{subnets: {" + strings.Join(parts, ", ") + "}}"
}
