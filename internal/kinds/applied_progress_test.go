package kinds

import (
	"strings"
	"testing"
)

var attachmentKind = &Kind{Kind: "VPCAttachment", Spec: []Attr{
	{Name: "subnet", JSON: "subnet", Type: String},
	{Name: "connection", JSON: "connection", Type: String},
	{Name: "native_vlan", JSON: "nativeVLAN", Type: Bool},
}}

// A switch's own spec is spec.switch of its Agent; spec.switches holds its
// neighbours (itself only once it has a connection).
func TestCarriesTheSwitchItself(t *testing.T) {
	rule := &AppliedRule{AgentOwn: "switch"}
	k := &Kind{Kind: "Switch", Spec: []Attr{{JSON: "role"}, {JSON: "description"}}}
	own := map[string]any{"role": "server-leaf", "description": "leaf 1"}
	agentSpec := map[string]any{"switch": map[string]any{"role": "server-leaf", "description": "leaf 1"}}
	if !rule.carries(k, agentSpec, "leaf-1", own) {
		t.Error("an Agent without connections carries its switch in spec.switch")
	}
	agentSpec["switch"] = map[string]any{"role": "server-leaf", "description": "leaf one"}
	agentSpec["switches"] = map[string]any{"leaf-1": own}
	if rule.carries(k, agentSpec, "leaf-1", own) {
		t.Error("spec.switches is not where the switch's own spec is")
	}
}

// Upstream carries a VPC attachment with its fabric annotations beside the
// spec: it still matches; a carried entry that differs on a field of the
// object's, or lacks one, does not.
func TestCarriesComparesTheObjectsOwnFields(t *testing.T) {
	rule := &AppliedRule{AgentMap: "vpcAttachments"}
	spec := map[string]any{"subnet": "v/web", "connection": "c1", "nativeVLAN": true}
	carried := func(entry map[string]any) map[string]any {
		return map[string]any{"vpcAttachments": map[string]any{"a1": entry}}
	}
	withAnn := map[string]any{"subnet": "v/web", "connection": "c1", "nativeVLAN": true,
		"annotations": map[string]any{"fabric.githedgehog.com/p2p-link": "10.0.0.0/31"}}
	for _, c := range []struct {
		name  string
		agent map[string]any
		want  bool
	}{
		{"with annotations beside the spec", carried(withAnn), true},
		{"another subnet", carried(map[string]any{"subnet": "v/db", "connection": "c1", "nativeVLAN": true}), false},
		{"a field missing", carried(map[string]any{"subnet": "v/web", "connection": "c1"}), false},
		{"not there", map[string]any{"vpcAttachments": map[string]any{"a2": withAnn}}, false},
		{"no map", map[string]any{}, false},
	} {
		if got := rule.carries(attachmentKind, c.agent, "a1", spec); got != c.want {
			t.Errorf("%s: carries = %v, want %v", c.name, got, c.want)
		}
	}
	// A field the kind declares that the object no longer has, still in the
	// carried copy: the copy is older.
	if rule.carries(attachmentKind, carried(withAnn), "a1", map[string]any{"subnet": "v/web", "connection": "c1"}) {
		t.Error("a copy with a field the object dropped is not the object as it is now")
	}
	// Removal: carried while the entry is there.
	if rule.carries(attachmentKind, carried(withAnn), "a1", nil) || !rule.carries(attachmentKind, map[string]any{}, "a1", nil) {
		t.Error("a removal is carried once the entry is gone")
	}
	// A kind the Agents do not carry: only the generation counts.
	if !(&AppliedRule{}).carries(attachmentKind, map[string]any{}, "a1", spec) {
		t.Error("a kind without AgentMap or AgentOwn counts as carried")
	}
}

type look struct {
	agent   *AgentState
	carries bool
	want    verdict
}

func follow(t *testing.T, removal bool, looks ...look) string {
	t.Helper()
	p := &agentProgress{}
	var why string
	for i, l := range looks {
		var v verdict
		v, why = p.observe(l.agent, l.carries, removal)
		if v != l.want {
			t.Fatalf("look %d: verdict %d, want %d (%s)", i, v, l.want, why)
		}
	}
	return why
}

func agentAt(gen, attempt, applied int64, run string) *AgentState {
	return &AgentState{UID: "u1", Generation: gen, LastAttemptGen: attempt, LastAppliedGen: applied, RunID: run, Version: "v1",
		Applied: "False", Message: "Config will be applied, gen=7"}
}

// The wait succeeds once the agent has applied the first generation that
// carries the change, or a later one, even if the Agent never goes quiet.
func TestBusyFabricEndsTheWait(t *testing.T) {
	follow(t, false,
		look{agentAt(5, 5, 5, "r1"), false, waiting}, // the controller has not passed the change on
		look{agentAt(6, 5, 5, "r1"), true, waiting},  // generation 6 carries it
		look{agentAt(8, 7, 5, "r1"), true, waiting},  // others keep raising the generation
		look{agentAt(9, 8, 7, "r1"), true, done},     // 7 >= 6, though 9 is not applied
	)
	// Already applied when first seen carrying it.
	follow(t, false, look{agentAt(6, 6, 6, "r1"), true, done})
	// Applied generations before the change is carried do not count.
	follow(t, false, look{agentAt(6, 6, 6, "r1"), false, waiting}, look{agentAt(7, 6, 6, "r1"), true, waiting})
}

// A failed attempt at an older generation (the agent restarted since) does
// not fail a wait for a newer one; a failed attempt at the change's does.
func TestFailuresCountOnlyForTheChangesGeneration(t *testing.T) {
	follow(t, false,
		look{agentAt(7, 6, 5, "r1"), true, waiting}, // trying 6, the change is in 7
		look{agentAt(7, 5, 5, "r2"), true, waiting}, // 6 failed: restarted
		look{agentAt(7, 7, 5, "r2"), true, waiting}, // now trying 7
		look{agentAt(7, 7, 7, "r2"), true, done},
	)
	why := follow(t, false,
		look{agentAt(7, 7, 5, "r1"), true, waiting}, // trying 7, the change's
		look{agentAt(7, 5, 5, "r2"), true, failed},  // restarted without applying it
	)
	for _, want := range []string{"generation 7", "restarted", "Config will be applied, gen=7"} {
		if !strings.Contains(why, want) {
			t.Errorf("the failure %q does not say %q", why, want)
		}
	}
	// The restart and the next attempt seen at once.
	follow(t, false, look{agentAt(7, 7, 5, "r1"), true, waiting}, look{agentAt(7, 7, 5, "r2"), true, failed})
	// An upgrade restarts the agent too (another version): not a failure.
	upgraded := agentAt(7, 5, 5, "r2")
	upgraded.Version = "v2"
	follow(t, false, look{agentAt(7, 7, 5, "r1"), true, waiting}, look{upgraded, true, waiting},
		look{agentAt(7, 7, 7, "r2"), true, done})
	// An agent that never reports a run is never judged failed.
	follow(t, false, look{agentAt(7, 7, 5, ""), true, waiting}, look{agentAt(7, 5, 5, ""), true, waiting})
}

// No Agent yet: the switch is registering, the wait goes on. An Agent that
// disappears (or is replaced by another) ends it; for a removal, a switch
// without an Agent has nothing left to remove.
func TestAgentRegistrationAndDisappearance(t *testing.T) {
	follow(t, false, look{nil, false, waiting}, look{agentAt(1, 0, 0, ""), true, waiting}, look{agentAt(1, 1, 1, "r1"), true, done})
	follow(t, false, look{agentAt(3, 3, 2, "r1"), true, waiting}, look{nil, false, vanished})
	other := agentAt(1, 0, 0, "")
	other.UID = "u2"
	follow(t, false, look{agentAt(3, 3, 2, "r1"), true, waiting}, look{other, true, vanished})
	follow(t, true, look{agentAt(3, 3, 2, "r1"), true, waiting}, look{nil, true, done})
	follow(t, true, look{nil, true, done})
}

// What a timeout says of a pending switch.
func TestDescribePending(t *testing.T) {
	p := &agentProgress{}
	a := agentAt(7, 7, 5, "r1")
	a.LastAttemptAt = "2026-01-02T03:04:05Z"
	p.observe(a, true, false)
	got := p.describe(a, true)
	for _, want := range []string{"applied generation 5", "trying generation 7 since 2026-01-02T03:04:05Z",
		"the change is in generation 7", "last heartbeat never", "Applied False: Config will be applied, gen=7"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q does not say %q", got, want)
		}
	}
	if got := (&agentProgress{}).describe(agentAt(4, 4, 4, "r1"), false); !strings.Contains(got, "has not passed the change") {
		t.Errorf("%q", got)
	}
}
