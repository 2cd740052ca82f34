package generate

import (
	"context"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	discoveryfake "k8s.io/client-go/discovery/fake"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

func obj(apiVersion, kind, namespace, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind, "spec": map[string]any{}}}
	u.SetNamespace(namespace)
	u.SetName(name)
	return u
}

// From a cluster, generate reads the kinds it declares at their version,
// and names with their objects the kinds of Hedgehog's groups it does not
// write: read-only kinds, kinds served only at another version, kinds it
// does not declare; other groups are none of its business.
func TestReadClusterNamesWhatItLeavesOut(t *testing.T) {
	disc := &discoveryfake.FakeDiscovery{Fake: &clienttesting.Fake{}}
	disc.Resources = []*metav1.APIResourceList{
		{GroupVersion: "wiring.githedgehog.com/v1beta1", APIResources: []metav1.APIResource{
			{Name: "servers", Kind: "Server", Namespaced: true}, {Name: "servers/status", Kind: "Server"},
			{Name: "switchprofiles", Kind: "SwitchProfile", Namespaced: true},
			{Name: "serverprofiles", Kind: "ServerProfile", Namespaced: true},
		}},
		{GroupVersion: "wiring.githedgehog.com/v1beta2", APIResources: []metav1.APIResource{
			{Name: "switches", Kind: "Switch", Namespaced: true},
		}},
		{GroupVersion: "agent.githedgehog.com/v1beta1", APIResources: []metav1.APIResource{
			{Name: "agents", Kind: "Agent", Namespaced: true}, {Name: "catalogs", Kind: "Catalog", Namespaced: true},
		}},
		{GroupVersion: "v1", APIResources: []metav1.APIResource{{Name: "configmaps", Kind: "ConfigMap", Namespaced: true}}},
	}
	gvr := func(gv, resource string) schema.GroupVersionResource {
		return schema.GroupVersion{Group: strings.Split(gv, "/")[0], Version: strings.Split(gv, "/")[1]}.WithResource(resource)
	}
	lists := map[schema.GroupVersionResource]string{
		gvr("wiring.githedgehog.com/v1beta1", "servers"):        "ServerList",
		gvr("wiring.githedgehog.com/v1beta1", "switchprofiles"): "SwitchProfileList",
		gvr("wiring.githedgehog.com/v1beta1", "serverprofiles"): "ServerProfileList",
		gvr("wiring.githedgehog.com/v1beta2", "switches"):       "SwitchList",
		gvr("agent.githedgehog.com/v1beta1", "agents"):          "AgentList",
		gvr("agent.githedgehog.com/v1beta1", "catalogs"):        "CatalogList",
	}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), lists)
	for _, o := range []struct {
		gvr schema.GroupVersionResource
		u   *unstructured.Unstructured
	}{
		{gvr("wiring.githedgehog.com/v1beta1", "servers"), obj("wiring.githedgehog.com/v1beta1", "Server", "default", "server-01")},
		{gvr("wiring.githedgehog.com/v1beta1", "switchprofiles"), obj("wiring.githedgehog.com/v1beta1", "SwitchProfile", "default", "vs")},
		{gvr("wiring.githedgehog.com/v1beta2", "switches"), obj("wiring.githedgehog.com/v1beta2", "Switch", "default", "leaf-02")},
		{gvr("wiring.githedgehog.com/v1beta2", "switches"), obj("wiring.githedgehog.com/v1beta2", "Switch", "default", "leaf-01")},
		{gvr("agent.githedgehog.com/v1beta1", "agents"), obj("agent.githedgehog.com/v1beta1", "Agent", "default", "leaf-01")},
		{gvr("agent.githedgehog.com/v1beta1", "catalogs"), obj("agent.githedgehog.com/v1beta1", "Catalog", "fab", "default")},
	} {
		if _, err := dyn.Resource(o.gvr).Namespace(o.u.GetNamespace()).Create(context.Background(), o.u, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	objs, skipped, err := readCluster(context.Background(), dyn, disc,
		[]*kinds.Kind{wiring.Server, wiring.Switch, wiring.SwitchProfile, wiring.Connection, agent.Agent})
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 || objs[0].U.GetName() != "server-01" {
		t.Fatalf("objects: %v", objs)
	}
	want := []string{
		"2 Switch objects (wiring.githedgehog.com/v1beta2) are left out (leaf-01, leaf-02): the cluster serves them at v1beta2, the provider declares v1beta1.",
		"1 SwitchProfile objects (wiring.githedgehog.com/v1beta1) are left out (vs): " + readOnlyReason + ".",
		"The cluster does not serve connections (wiring.githedgehog.com/v1beta1): none written.",
		"1 Agent objects (agent.githedgehog.com/v1beta1) are left out (leaf-01): " + readOnlyReason + ".",
		"1 Catalog objects (agent.githedgehog.com/v1beta1) are left out (fab/default): generate declares no such kind.",
	}
	if strings.Join(skipped, "\n") != strings.Join(want, "\n") {
		t.Fatalf("skipped:\n%s\nwant:\n%s", strings.Join(skipped, "\n"), strings.Join(want, "\n"))
	}
}
