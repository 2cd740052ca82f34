package health

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// A switch is healthy as Hedgehog's own readiness check reads its agent:
// generation above 0, last applied generation equal to it, heartbeat within
// the timeout; the Applied condition is not part of it.
func TestCheckFabric(t *testing.T) {
	now := time.Date(2026, 1, 16, 12, 0, 0, 0, time.UTC)
	switches := schema.GroupVersionResource{Group: "wiring.githedgehog.com", Version: "v1beta1", Resource: "switches"}
	agents := schema.GroupVersionResource{Group: "agent.githedgehog.com", Version: "v1beta1", Resource: "agents"}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(),
		map[schema.GroupVersionResource]string{switches: "SwitchList", agents: "AgentList"})
	create := func(gvr schema.GroupVersionResource, kind, name string, gen int64, status map[string]any) {
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": gvr.GroupVersion().String(), "kind": kind,
			"metadata": map[string]any{"name": name, "namespace": "default", "generation": gen}, "status": status}}
		if _, err := dyn.Resource(gvr).Namespace("default").Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	beat := func(ago time.Duration) string { return now.Add(-ago).Format(time.RFC3339) }
	for _, name := range []string{"leaf-01", "leaf-02", "leaf-03", "leaf-04", "leaf-05", "spine-01"} {
		create(switches, "Switch", name, 1, nil)
	}
	create(agents, "Agent", "leaf-01", 3, map[string]any{"lastAppliedGen": int64(3), "lastHeartbeat": beat(10 * time.Second),
		"conditions": []any{map[string]any{"type": "Applied", "status": "False", "reason": "ApplyPending"}}})
	create(agents, "Agent", "leaf-02", 3, map[string]any{"lastAppliedGen": int64(3), "lastHeartbeat": beat(61 * time.Second)})
	create(agents, "Agent", "leaf-03", 4, map[string]any{"lastAppliedGen": int64(3), "lastHeartbeat": beat(time.Second)})
	create(agents, "Agent", "leaf-04", 0, map[string]any{"lastAppliedGen": int64(0), "lastHeartbeat": beat(time.Second)})
	create(agents, "Agent", "spine-01", 2, map[string]any{"lastAppliedGen": int64(2)})
	f, err := CheckFabric(context.Background(), &kube.Client{Dynamic: dyn}, FabricOptions{Switches: switches, Agents: agents,
		Namespace: "default", HeartbeatTimeout: time.Minute, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if f.Switches != 6 || f.Agents != 5 || f.Applied != 3 || f.Heartbeating != 3 {
		t.Errorf("counts: %+v", f)
	}
	if got := strings.Join(f.Pending, ","); got != "leaf-02,leaf-03,leaf-04,leaf-05,spine-01" {
		t.Errorf("pending: %s", got)
	}
	want := []string{
		"switch leaf-02 sent its last heartbeat 1m1s ago (more than 1m0s)",
		"switch leaf-03 has applied generation 3 of 4",
		"switch leaf-04 has applied generation 0 of 0",
		"switch leaf-05 has no agent",
		"switch spine-01 has never sent a heartbeat",
	}
	if strings.Join(f.Problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(f.Problems, "\n"), strings.Join(want, "\n"))
	}
}
