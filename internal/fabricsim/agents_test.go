package fabricsim

import (
	"reflect"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func agObj(name string, spec map[string]any, annotations ...string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": name}, "spec": spec}}
	if len(annotations) == 2 {
		u.SetAnnotations(map[string]string{annotations[0]: annotations[1]})
	}
	return u
}

func agLeafSpec(group string) map[string]any {
	s := map[string]any{"role": "server-leaf", "profile": "vs", "vlanNamespaces": []any{"default"}}
	if group != "" {
		s["redundancy"] = map[string]any{"group": group, "type": "eslag"}
	}
	return s
}

// A small fabric: a spine, an ESLAG pair and a lone leaf without
// connections; VPCs attached, peered, relayed and external-peered.
func labFabric() fabricObjects {
	port := func(p string) map[string]any { return map[string]any{"port": p} }
	return fabricObjects{
		switches: []*unstructured.Unstructured{agObj("spine-1", map[string]any{"role": "spine", "profile": "vs"}),
			agObj("leaf-1", agLeafSpec("eslag-1")), agObj("leaf-2", agLeafSpec("eslag-1")), agObj("leaf-3", agLeafSpec(""))},
		profiles:       []*unstructured.Unstructured{agObj("vs", map[string]any{"displayName": "Virtual Switch"})},
		vlanNamespaces: []*unstructured.Unstructured{agObj("default", map[string]any{"ranges": []any{}}), agObj("other", map[string]any{})},
		ipv4Namespaces: []*unstructured.Unstructured{agObj("default", map[string]any{"subnets": []any{"10.0.0.0/16"}})},
		connections: []*unstructured.Unstructured{
			agObj("spine-1--fabric--leaf-1", map[string]any{"fabric": map[string]any{"links": []any{
				map[string]any{"spine": port("spine-1/E1/1"), "leaf": port("leaf-1/E1/8")}}}}),
			agObj("server-1--unbundled--leaf-1", map[string]any{"unbundled": map[string]any{"link": map[string]any{
				"server": port("server-1/enp2s1"), "switch": port("leaf-1/E1/1")}}}),
			agObj("leaf-2--external", map[string]any{"external": map[string]any{"link": map[string]any{"switch": port("leaf-2/E1/5")}}}),
			agObj("static", map[string]any{"staticExternal": map[string]any{"link": map[string]any{"switch": port("leaf-2/E1/6")}}}),
		},
		vpcs: []*unstructured.Unstructured{
			agObj("v1", map[string]any{"vlanNamespace": "default", "subnets": map[string]any{
				"web": map[string]any{"dhcp": map[string]any{"relayVPC": "relay"}}, "db": map[string]any{}}}),
			agObj("v2", map[string]any{"vlanNamespace": "default"}),
			agObj("relay", map[string]any{"vlanNamespace": "default"}),
			agObj("v4", map[string]any{"vlanNamespace": "default"}),
			agObj("alone", map[string]any{"vlanNamespace": "default"}),
		},
		attachments: []*unstructured.Unstructured{agObj("a1", map[string]any{"subnet": "v1/web", "connection": "server-1--unbundled--leaf-1"},
			"fabric.githedgehog.com/p2p-link", "10.1.0.0/31")},
		peerings: []*unstructured.Unstructured{agObj("v1--v2", map[string]any{"permit": []any{
			map[string]any{"v1": map[string]any{}, "v2": map[string]any{}}}})},
		externals:      []*unstructured.Unstructured{agObj("e1", map[string]any{"ipv4Namespace": "default"}), agObj("e2", map[string]any{})},
		extAttachments: []*unstructured.Unstructured{agObj("ea1", map[string]any{"external": "e1", "connection": "leaf-2--external"})},
		extPeers: []*unstructured.Unstructured{agObj("v4--e1", map[string]any{"permit": map[string]any{
			"vpc": map[string]any{"name": "v4"}, "external": map[string]any{"name": "e1"}}})},
	}
}

func agSpecOf(t *testing.T, w fabricObjects, name string) map[string]any {
	t.Helper()
	for _, sw := range w.switches {
		if sw.GetName() == name {
			spec, err := agentSpec(sw, w)
			if err != nil {
				t.Fatal(err)
			}
			return spec
		}
	}
	t.Fatalf("no switch %s", name)
	return nil
}

func agKeys(v any) []string {
	m, _ := v.(map[string]any)
	return sortedKeys(m)
}

func TestAgentLayout(t *testing.T) {
	w := labFabric()
	leaf1, leaf2, leaf3, spine := agSpecOf(t, w, "leaf-1"), agSpecOf(t, w, "leaf-2"), agSpecOf(t, w, "leaf-3"), agSpecOf(t, w, "spine-1")
	for _, c := range []struct {
		what string
		got  any
		want any
	}{
		// The switch's own spec is spec.switch; spec.switches holds the
		// switches at the ends of its connections, itself among them once
		// it has one.
		{"leaf-3 switch", leaf3["switch"], agLeafSpec("")},
		{"leaf-3 switches", leaf3["switches"], nil},
		{"leaf-1 switches", agKeys(leaf1["switches"]), []string{"leaf-1", "spine-1"}},
		{"spine switches", agKeys(spine["switches"]), []string{"leaf-1", "spine-1"}},
		{"leaf-1 peers", leaf1["redundancyGroupPeers"], []any{"leaf-2"}},
		{"leaf-3 peers", leaf3["redundancyGroupPeers"], nil},
		{"leaf-1 connections", agKeys(leaf1["connections"]), []string{"server-1--unbundled--leaf-1", "spine-1--fabric--leaf-1"}},
		// A spine carries the static external connections outside VPCs.
		{"spine connections", agKeys(spine["connections"]), []string{"spine-1--fabric--leaf-1", "static"}},
		{"profile", leaf1["switchProfile"], map[string]any{"displayName": "Virtual Switch"}},
		// The attachment with its fabric annotations beside the spec.
		{"leaf-1 attachment", leaf1["vpcAttachments"], map[string]any{"a1": map[string]any{"subnet": "v1/web",
			"connection": "server-1--unbundled--leaf-1", "annotations": map[string]any{"fabric.githedgehog.com/p2p-link": "10.1.0.0/31"}}}},
		{"leaf-2 attachments", leaf2["vpcAttachments"], nil},
		// Attached, its DHCP relay, and its peer.
		{"leaf-1 vpcs", agKeys(leaf1["vpcs"]), []string{"relay", "v1", "v2"}},
		{"leaf-1 peerings", agKeys(leaf1["vpcPeers"]), []string{"v1--v2"}},
		{"leaf-1 subnets", leaf1["configuredVPCSubnets"], map[string]any{"v1/web": true}},
		{"leaf-1 attached", leaf1["attachedVPCs"], map[string]any{"v1": true}},
		// Every External; the external peering where its External is
		// attached, with its VPC.
		{"leaf-1 externals", agKeys(leaf1["externals"]), []string{"e1", "e2"}},
		{"leaf-1 external peerings", leaf1["externalPeerings"], nil},
		{"leaf-2 external attachments", agKeys(leaf2["externalAttachments"]), []string{"ea1"}},
		{"leaf-2 external peerings", agKeys(leaf2["externalPeerings"]), []string{"v4--e1"}},
		{"leaf-2 vpcs", agKeys(leaf2["vpcs"]), []string{"v4"}},
		{"ipv4 namespaces", agKeys(leaf3["ipv4Namespaces"]), []string{"default"}},
		{"vlan namespaces", agKeys(leaf3["vlanNamespaces"]), []string{"default"}},
		{"spine vlan namespaces", spine["vlanNamespaces"], nil},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: %#v, want %#v", c.what, c.got, c.want)
		}
	}

	// The controller refuses a switch that would get a VPC of a VLAN
	// namespace it does not have.
	w.vpcs[0].Object["spec"] = map[string]any{"vlanNamespace": "other", "subnets": Spec(w.vpcs[0])["subnets"]}
	if _, err := agentSpec(w.switches[1], w); err == nil {
		t.Error("leaf-1 gets v1 of VLAN namespace other: the controller refuses it")
	}
}

func TestConnectionSwitches(t *testing.T) {
	port := func(p string) map[string]any { return map[string]any{"port": p} }
	for _, c := range []struct {
		spec map[string]any
		want []string
	}{
		{map[string]any{"eslag": map[string]any{"links": []any{
			map[string]any{"server": port("s/enp2s1"), "switch": port("leaf-2/E1/1")},
			map[string]any{"server": port("s/enp2s2"), "switch": port("leaf-1/E1/1")}}}}, []string{"leaf-1", "leaf-2"}},
		{map[string]any{"mesh": map[string]any{"links": []any{map[string]any{"leaf1": port("a/E1/1"), "leaf2": port("b/E1/1")}}}},
			[]string{"a", "b"}},
		{map[string]any{"gateway": map[string]any{"links": []any{map[string]any{"switch": port("s/E1/1"), "gateway": port("gw/enp2s1")}}}},
			[]string{"s"}},
		{map[string]any{"vpcLoopback": map[string]any{"links": []any{map[string]any{"switch1": port("l/E1/1"), "switch2": port("l/E1/2")}}}},
			[]string{"l"}},
	} {
		if got := switchesOf(c.spec); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v: %v, want %v", c.spec, got, c.want)
		}
	}
}

// The switch agent writes what upstream's does: the attempt, then the
// result; failing, it restarts under a new run and resets its generations.
func TestSwitchAgentSteps(t *testing.T) {
	a := agObj("leaf-1", map[string]any{"switch": map[string]any{}})
	a.SetUID("u1")
	a.SetGeneration(3)
	now := time.Now()
	delay := time.Second
	never := func(map[string]any) bool { return false }
	var s switchAgent
	step := s.step(a, now, delay, never) // starts
	boot := step.write
	if boot["runID"] == "" || boot["lastAppliedGen"] != int64(0) || boot["version"] != SimulatedAgentVersion {
		t.Fatalf("start: %v", boot)
	}
	step = step.next.step(a, now, delay, never) // tries 3
	if step.write["lastAttemptGen"] != int64(3) || step.write["lastAppliedGen"] != int64(0) || step.again != delay {
		t.Fatalf("attempt: %v", step.write)
	}
	if c := appliedCondition(step.write); c["reason"] != "ApplyPending" || c["message"] != "Config will be applied, gen=3" {
		t.Fatalf("attempt condition: %v", c)
	}
	if mid := step.next.step(a, now.Add(delay/2), delay, never); mid.write != nil {
		t.Fatalf("nothing to report while applying: %v", mid.write)
	}
	step = step.next.step(a, now.Add(delay), delay, never)
	if step.write["lastAppliedGen"] != int64(3) {
		t.Fatalf("applied: %v", step.write)
	}
	if c := appliedCondition(step.write); c["status"] != "True" || c["message"] != "Config applied, gen=3" {
		t.Fatalf("applied condition: %v", c)
	}

	// Generation 4 fails.
	a.SetGeneration(4)
	always := func(map[string]any) bool { return true }
	step = step.next.step(a, now.Add(2*delay), delay, always)
	run := step.write["runID"]
	if step.write["lastAttemptGen"] != int64(4) {
		t.Fatalf("attempt 4: %v", step.write)
	}
	step = step.next.step(a, now.Add(3*delay), delay, always)
	if step.write != nil || !step.next.restarting {
		t.Fatalf("a failing agent exits without a word: %v", step.write)
	}
	step = step.next.step(a, now.Add(4*delay), delay, always)
	if step.write["runID"] == run || step.write["lastAttemptGen"] != int64(3) || step.write["lastAppliedGen"] != int64(3) {
		t.Fatalf("restart: %v (run was %v)", step.write, run)
	}
	if c := appliedCondition(step.write); c["message"] != "Config will be applied, gen=4" {
		t.Fatalf("the restart keeps the conditions: %v", c)
	}
	if step = step.next.step(a, now.Add(4*delay), delay, always); step.write["lastAttemptGen"] != int64(4) {
		t.Fatalf("it tries again: %v", step.write)
	}
}

func TestFailsToApply(t *testing.T) {
	spec := map[string]any{"vpcAttachments": map[string]any{"a1": map[string]any{}}}
	for annotation, want := range map[string]bool{"true": true, "vpcAttachments/a1": true, "vpcAttachments/a2": false,
		"vpcs/a1": false, "": false} {
		if got := failsToApply(annotation)(spec); got != want {
			t.Errorf("%q: %v, want %v", annotation, got, want)
		}
	}
}

func appliedCondition(status map[string]any) map[string]any {
	conds, _ := status["conditions"].([]any)
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == "Applied" {
			return m
		}
	}
	return nil
}
